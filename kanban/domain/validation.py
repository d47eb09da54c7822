"""Checking and cleaning what a user types: titles, sizes, reasons, labels, keys, names.

Pure functions shared by the board's use cases and the forms that pre-check
their input. Each returns the cleaned value or raises
:class:`~kanban.errors.InvalidInput` with a message fit to show as is.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable

from kanban.domain.model import REASON_MAX, TITLE_MAX, ColumnKind
from kanban.errors import InvalidInput

JIRA_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]+-[1-9][0-9]*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LABEL_MAX = 50
NAME_MAX = 100


def validate_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("A card needs a title; the one given is empty.")
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(
            f"The title is {len(cleaned):,} characters long; the limit is {TITLE_MAX}. "
            "Put the detail in the description."
        )
    return cleaned


def validate_size(size: float) -> float:
    try:
        value = float(size)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"Size '{size}' is not a number of days.") from exc
    if not 0.1 <= value <= 365:
        raise InvalidInput(f"Size {value:g} is out of range; give days between 0.1 and 365.")
    return value


def validate_reason(reason: str | None, what: str) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise InvalidInput(f"{what} needs a reason; say what the card is waiting for.")
    if len(cleaned) > REASON_MAX:
        raise InvalidInput(f"The reason is {len(cleaned):,} characters; the limit is {REASON_MAX}.")
    return cleaned


def validate_labels(labels: Iterable[str]) -> list[str]:
    seen: OrderedDict[str, None] = OrderedDict()
    for label in labels:
        cleaned = label.strip()
        if cleaned:
            if len(cleaned) > LABEL_MAX:
                raise InvalidInput(f"The label '{cleaned[:20]}…' is over {LABEL_MAX} characters.")
            seen[cleaned] = None
    return list(seen)


def validate_jira_key(key: str | None) -> str | None:
    if key is None or not key.strip():
        return None
    cleaned = key.strip().upper()
    if not JIRA_KEY_RE.match(cleaned):
        raise InvalidInput(f"'{key}' is not a JIRA key; a key looks like OPS-123.")
    return cleaned


def clean_name(name: str, what: str) -> str:
    """A column's or person's name: single spaces, not empty, at most 100 characters."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput(f"A {what} needs a name.")
    if len(cleaned) > NAME_MAX:
        raise InvalidInput(f"The {what} name is over {NAME_MAX} characters.")
    return cleaned


def clean_project(project: str | None) -> str | None:
    """A project name as stored: trimmed, and None for none."""
    return (project or "").strip() or None


def clean_colour(colour: str) -> str:
    if not COLOUR_RE.match(colour.strip()):
        raise InvalidInput(f"'{colour}' is not a colour; use #rrggbb, e.g. #4e79a7.")
    return colour.strip().lower()


def column_kind(kind: ColumnKind | str) -> ColumnKind:
    try:
        return ColumnKind(kind)
    except ValueError as exc:
        raise InvalidInput(f"Unknown column kind '{kind}'; use pool, active or done.") from exc


def check_limits(wip_min: int | None, wip_max: int | None) -> None:
    """WIP limits: not negative, and the minimum not above the maximum."""
    for value in (wip_min, wip_max):
        if value is not None and value < 0:
            raise InvalidInput("WIP limits cannot be negative.")
    if wip_min is not None and wip_max is not None and wip_min > wip_max:
        raise InvalidInput(f"The WIP minimum ({wip_min}) is above the maximum ({wip_max}).")
