"""Shared output for the card commands: JSON shapes and aligned text tables.

The JSON shapes are the CLI's machine interface (scripts and cron jobs parse
them), so cards carry names as well as ids: ``column`` and ``person`` are the
names a human reads, ``column_id``/``person_id`` what a script can pass back.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from kanban.domain.model import BoardSnapshot, Card, Column, Event, Person, RuleSettings
from kanban.domain.rules import is_oversized

SHORT_ID = 8


def short_id(card_id: str) -> str:
    return card_id[:SHORT_ID]


def iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def card_json(card: Card, snap: BoardSnapshot) -> dict[str, Any]:
    """A card as ``--json`` shows it."""
    columns = {c.id: c for c in snap.columns}
    people = {p.id: p for p in snap.people}
    column = columns.get(card.column_id)
    person = people.get(card.person_id) if card.person_id is not None else None
    owner = people.get(card.owner_id) if card.owner_id is not None else None
    return {
        "id": card.id,
        "short_id": short_id(card.id),
        "title": card.title,
        "jira_key": card.jira_key,
        "column": column.name if column else None,
        "column_id": card.column_id,
        "column_kind": column.kind.value if column else None,
        "person": person.name if person else None,
        "person_id": card.person_id,
        # Whose card it is: the lane's person, or for a pool card the one picked for it.
        "owner": owner.name if owner else None,
        "owner_id": card.owner_id,
        "position": card.position,
        "not_ready": card.not_ready,
        "not_ready_reason": card.not_ready_reason,
        "not_ready_since": iso(card.not_ready_since),
        "size_days": card.size_days,
        "oversized": is_oversized(card, snap.rules),
        "labels": list(card.labels),
        "project": card.project,
        "description": card.description,
        "due_date": iso(card.due_date),
        "created_at": iso(card.created_at),
        "updated_at": iso(card.updated_at),
        "started_at": iso(card.started_at),
        "done_at": iso(card.done_at),
        "column_since": iso(card.column_since),
        "revision": card.revision,
        "archived": card.archived,
    }


def person_json(person: Person, wip: int | None = None) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "jira_user": person.jira_user,
        "email": person.email,
        "colour": person.colour,
        "wip_limit": person.wip_limit,
        "wip": wip,
        "order": person.order,
        "active": person.active,
    }


def column_json(column: Column, count: int | None = None) -> dict[str, Any]:
    return {
        "id": column.id,
        "name": column.name,
        "kind": column.kind.value,
        "order": column.order,
        "wip_min": column.wip_min,
        "wip_max": column.wip_max,
        "waiting": column.waiting,
        "jira_statuses": list(column.jira_statuses),
        "cards": count,
    }


def rules_json(rules: RuleSettings) -> dict[str, Any]:
    return {
        "modes": {rule.value: mode.value for rule, mode in rules.modes.items()},
        "max_card_days": rules.max_card_days,
    }


def event_json(event: Event, titles: dict[str, str], describe: str) -> dict[str, Any]:
    return {
        "id": event.id,
        "card_id": event.card_id,
        "card_title": titles.get(event.card_id),
        "change_id": event.change_id,
        "actor": event.actor,
        "at": iso(event.at),
        "kind": event.kind.value,
        "summary": describe,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "rules": list(event.rules),
        "source": event.source.value,
        "target_change": event.target_change,
    }


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns in a terminal."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Pad ``text`` to ``width`` columns, or cut it with an ellipsis."""
    used = _width(text)
    if used <= width:
        return text + " " * (width - used)
    if text.isascii():
        return text[: width - 1] + "…"
    # Count as we go: re-measuring the growing prefix made long titles quadratic.
    out: list[str] = []
    used = 0
    for ch in text:
        w = _width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…" + " " * (width - 1 - used)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    max_widths: dict[int, int] | None = None,
    indent: str = "",
) -> str:
    """An aligned plain-text table; long cells are cut with an ellipsis."""
    # Column by column: `kanban list` of a big board is mostly this table.
    columns = list(zip(*rows, strict=True)) or [() for _ in headers]
    if len(columns) != len(headers):
        raise ValueError(f"a table of {len(headers)} columns got rows of {len(columns)}")
    limits = max_widths or {}
    shown: list[list[str]] = []
    widths: list[int] = []
    for i, (header, column) in enumerate(zip(headers, columns, strict=True)):
        values = (
            ["" if v is None else str(v) for v in column]
            if None in column
            else list(map(str, column))
        )
        # One isascii() for the whole column: most columns (ids, keys, sizes,
        # most titles) are ASCII, and then a character is a terminal column.
        ascii_only = "".join(values).isascii()
        used = list(map(len, values)) if ascii_only else [_width(v) for v in values]
        widest = max(used, default=0)
        width = max(_width(header), widest)
        if i in limits:
            width = min(width, max(limits[i], _width(header)))
        widths.append(width)
        if ascii_only:
            cut = width - 1
            shown.append(
                [v.ljust(width) if len(v) <= width else v[:cut] + "…" for v in values]
                if widest > width
                else [v.ljust(width) for v in values]
            )
        else:  # each cell measured once; only the cells too wide are cut, by _fit
            shown.append(
                [
                    v + " " * (width - n) if n <= width else _fit(v, width)
                    for v, n in zip(values, used, strict=True)
                ]
            )
    lines = [indent + "  ".join(_fit(h, w) for h, w in zip(headers, widths, strict=True))]
    lines.append(indent + "  ".join("-" * w for w in widths))
    lines.extend(indent + "  ".join(row) for row in zip(*shown, strict=True))
    return "\n".join(line.rstrip() for line in lines)


def add_json_flag(parser: argparse.ArgumentParser, *, nested: bool = False) -> None:
    """``--json``; a nested subcommand's flag must not reset the parent's value."""
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if nested else False,
        help="print machine-readable JSON",
    )


def nested_common() -> argparse.ArgumentParser:
    """``--db`` for sub-subcommands, without resetting a value given before them."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="database file or SQLAlchemy URL",
    )
    return common


# Control characters a terminal acts on (escape sequences clear the screen,
# move the cursor, retitle the window...): all of C0 but tab and newline, DEL
# and C1. Text from the board should not hold them (the validators drop them),
# but a board written by an older version, or a message echoing what was
# typed, might.
_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ESC shows as ␛
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def terminal_safe(text: str) -> str:
    """``text`` with every control character but tab and newline shown, not acted on."""
    return _TERMINAL_CONTROLS.sub(_visible_control, text)


class TerminalSafeStream:
    """A text stream that passes every write through :func:`terminal_safe`.

    The command line puts its standard output and error behind one, so no
    command prints a raw escape code, whatever a card's title holds.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
