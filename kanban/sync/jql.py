"""The JQL a sync run sends: the board's query, narrowed to what changed or to named keys."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def split_order(jql: str) -> tuple[str, str]:
    """The query and its ``ORDER BY`` clause (with its leading space), apart."""
    upper = jql.upper()
    if " ORDER BY " in upper:
        cut = upper.rindex(" ORDER BY ")
        return jql[:cut], jql[cut:]
    return jql, ""


def strip_order(jql: str) -> str:
    """The query without its ``ORDER BY`` (a clause can only be added before one)."""
    return split_order(jql)[0]


def updated_since(jql: str, since: datetime | None, tz: str) -> str:
    """The board's query, limited to issues updated at or after ``since`` when given.

    JQL dates have minute precision in the searching user's time zone, so the
    stamp is written in ``tz`` (an unknown zone falls back to UTC).
    """
    query, order = split_order(jql)
    if since is None:
        return f"({query}){order}"
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    stamp = since.astimezone(zone).strftime("%Y/%m/%d %H:%M")
    return f'({query}) AND updated >= "{stamp}"{order}'


def keys_in(keys: Iterable[str], within: str | None = None) -> str:
    """``key in (...)``, optionally only within the board's query (the scope check)."""
    clause = f"key in ({', '.join(keys)})"
    if within is None:
        return clause
    return f"({strip_order(within)}) AND {clause}"


def stamped(label: str) -> str:
    """The issues carrying a card's stamp label (how a card-made issue is found again)."""
    return f'labels = "{label}"'
