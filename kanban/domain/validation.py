"""Checking and cleaning what a user types: titles, sizes, reasons, labels, keys, names.

Pure functions shared by the board's use cases, the forms that pre-check
their input, the JIRA sync and the imports, so that every way in applies the
same rules and the limits of :mod:`kanban.domain.limits`. Each returns the
cleaned value or raises :class:`~kanban.errors.InvalidInput` with a message
fit to show as is.

Text is cleaned the same way everywhere: control characters (C0 and C1,
terminal escape codes among them) are dropped from single-line fields, and
descriptions keep only tab and newline; text that is not valid Unicode (a
byte the shell could not decode) is refused, and so is a required field made
only of invisible characters (zero-width spaces, say).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable

from kanban.domain.limits import (
    ACTOR_MAX,
    BOARD_NAME_MAX,
    DESCRIPTION_MAX,
    EMAIL_MAX,
    JIRA_KEY_MAX,
    JIRA_STATUS_MAX,
    JIRA_USER_MAX,
    LABEL_MAX,
    NAME_MAX,
    PROJECT_MAX,
    REASON_MAX,
    SIZE_MAX,
    SIZE_MIN,
    TITLE_MAX,
    WIP_LIMIT_MAX,
)
from kanban.domain.model import ColumnKind, Grouping
from kanban.errors import InvalidInput

__all__ = [
    "COLOUR_RE",
    "JIRA_KEY_RE",
    "LABEL_MAX",
    "NAME_MAX",
    "check_limits",
    "check_text",
    "check_wip_limit",
    "clean_actor",
    "clean_board_name",
    "clean_colour",
    "clean_description",
    "clean_email",
    "clean_jira_statuses",
    "clean_jira_user",
    "clean_line",
    "clean_name",
    "clean_project",
    "column_kind",
    "grouping",
    "strip_controls",
    "validate_jira_key",
    "validate_labels",
    "validate_reason",
    "validate_size",
    "validate_title",
]

JIRA_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]+-[1-9][0-9]*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

# Controls that str.split() does not already treat as white space.
_LINE_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
# In a description: every control but tab and newline (line ends are made \n first).
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that draw nothing but are not white space to str.split().
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def check_text(text: str, what: str) -> None:
    """Refuse text that cannot be stored: a lone surrogate (an undecodable byte)."""
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            f"The {what} holds a byte that is not valid text (character {exc.start + 1}); "
            "check that your terminal or file uses UTF-8 and type it again."
        ) from None


def strip_controls(text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters; a multi-line text keeps tab and newline."""
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _TEXT_CONTROLS.sub("", text)
    return _LINE_CONTROLS.sub("", text)


def _invisible(text: str) -> bool:
    return all(
        ch in _BLANK_LETTERS or unicodedata.category(ch) in ("Cf", "Zs", "Zl", "Zp", "Cc")
        for ch in text
    )


def clean_line(text: str | None, what: str, limit: int) -> str:
    """A single-line text: valid, no controls, single spaces, at most ``limit`` characters.

    Returns "" for nothing (or only invisible characters); the caller decides
    whether the field may be empty.
    """
    raw = text or ""
    check_text(raw, what)
    cleaned = " ".join(strip_controls(raw).split())
    if _invisible(cleaned):
        return ""
    if len(cleaned) > limit:
        raise InvalidInput(f"The {what} is {len(cleaned):,} characters; the limit is {limit:,}.")
    return cleaned


def validate_title(title: str) -> str:
    raw = title or ""
    check_text(raw, "title")
    cleaned = " ".join(strip_controls(raw).split())
    if _invisible(cleaned):
        raise InvalidInput("A card needs a title; the one given is empty.")
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(
            f"The title is {len(cleaned):,} characters long; the limit is {TITLE_MAX}. "
            "Put the detail in the description."
        )
    return cleaned


def clean_description(description: str | None) -> str:
    """A card's description: tab and newline kept, other controls dropped."""
    raw = description or ""
    check_text(raw, "description")
    cleaned = strip_controls(raw, multiline=True)
    if len(cleaned) > DESCRIPTION_MAX:
        raise InvalidInput(
            f"The description is {len(cleaned):,} characters; the limit is {DESCRIPTION_MAX:,}."
        )
    return cleaned


def validate_size(size: float) -> float:
    try:
        value = float(size)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidInput(f"Size '{size}' is not a number of days.") from exc
    if not math.isfinite(value) or not SIZE_MIN <= value <= SIZE_MAX:
        raise InvalidInput(
            f"Size {value:g} is out of range; give days between {SIZE_MIN:g} and {SIZE_MAX:g}."
        )
    return value


def validate_reason(reason: str | None, what: str) -> str:
    cleaned = clean_line(reason, "reason", REASON_MAX)
    if not cleaned:
        raise InvalidInput(f"{what} needs a reason; say what the card is waiting for.")
    return cleaned


def validate_labels(labels: Iterable[str]) -> list[str]:
    seen: OrderedDict[str, None] = OrderedDict()
    for label in labels:
        check_text(label, "label")
        cleaned = " ".join(strip_controls(label).split())
        if cleaned and not _invisible(cleaned):
            if len(cleaned) > LABEL_MAX:
                raise InvalidInput(f"The label '{cleaned[:20]}…' is over {LABEL_MAX} characters.")
            seen[cleaned] = None
    return list(seen)


def validate_jira_key(key: str | None) -> str | None:
    if key is None:
        return None
    check_text(key, "JIRA key")
    cleaned = strip_controls(key).strip().upper()
    if not cleaned:
        return None
    if len(cleaned) > JIRA_KEY_MAX:
        raise InvalidInput(
            f"The JIRA key is {len(cleaned):,} characters; the limit is {JIRA_KEY_MAX}."
        )
    if not JIRA_KEY_RE.match(cleaned):
        shown = " ".join(strip_controls(key).split())
        raise InvalidInput(f"'{shown}' is not a JIRA key; a key looks like OPS-123.")
    return cleaned


def clean_name(name: str, what: str) -> str:
    """A column's or person's name: single spaces, not empty, at most 100 characters."""
    raw = name or ""
    check_text(raw, f"{what} name")
    cleaned = " ".join(strip_controls(raw).split())
    if _invisible(cleaned):
        raise InvalidInput(f"A {what} needs a name.")
    if len(cleaned) > NAME_MAX:
        raise InvalidInput(f"The {what} name is over {NAME_MAX} characters.")
    return cleaned


def clean_project(project: str | None) -> str | None:
    """A project name as stored: trimmed, and None for none."""
    return clean_line(project, "project", PROJECT_MAX) or None


def clean_board_name(name: str) -> str:
    cleaned = clean_line(name, "board name", BOARD_NAME_MAX)
    if not cleaned:
        raise InvalidInput("The board needs a name.")
    return cleaned


def clean_jira_user(user: str | None) -> str | None:
    """A person's JIRA user (name, key or account id), or None for none."""
    return clean_line(user, "JIRA user", JIRA_USER_MAX) or None


def clean_email(email: str | None) -> str | None:
    """A person's e-mail address, or None for none."""
    cleaned = clean_line(email, "e-mail address", EMAIL_MAX)
    if " " in cleaned:
        raise InvalidInput(f"'{cleaned}' is not an e-mail address (it holds a space).")
    return cleaned or None


def clean_actor(actor: str) -> str:
    """Who makes a change, as the history records it."""
    cleaned = clean_line(actor, "name of who makes the change", ACTOR_MAX)
    if not cleaned:
        raise InvalidInput(
            "Who is making the change has no name; set 'me' in the config file or KANBAN_ME."
        )
    return cleaned


def clean_jira_statuses(statuses: Iterable[str]) -> list[str]:
    """A column's JIRA status names: cleaned, without blanks or repeats."""
    seen: OrderedDict[str, None] = OrderedDict()
    for status in statuses:
        cleaned = clean_line(status, "JIRA status", JIRA_STATUS_MAX)
        if cleaned:
            seen[cleaned] = None
    return list(seen)


def clean_colour(colour: str) -> str:
    check_text(colour or "", "colour")
    if not COLOUR_RE.match((colour or "").strip()):
        raise InvalidInput(f"'{colour}' is not a colour; use #rrggbb, e.g. #4e79a7.")
    return colour.strip().lower()


def column_kind(kind: ColumnKind | str) -> ColumnKind:
    try:
        return ColumnKind(kind)
    except ValueError as exc:
        raise InvalidInput(f"Unknown column kind '{kind}'; use pool, active or done.") from exc


def grouping(value: Grouping | str) -> Grouping:
    try:
        return Grouping(value)
    except ValueError as exc:
        raise InvalidInput(f"Unknown grouping '{value}'; use person or project.") from exc


def check_wip_limit(value: int | None) -> int | None:
    """A person's WIP limit: none, or a whole number from 0 to 10,000."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"WIP limit '{value}' is not a whole number.")
    if value < 0:
        raise InvalidInput("A WIP limit cannot be negative.")
    if value > WIP_LIMIT_MAX:
        raise InvalidInput(f"A WIP limit of {value:,} is too high; the limit is {WIP_LIMIT_MAX:,}.")
    return value


def check_limits(wip_min: int | None, wip_max: int | None) -> None:
    """WIP limits: not negative, and the minimum not above the maximum."""
    for value in (wip_min, wip_max):
        if value is not None and value < 0:
            raise InvalidInput("WIP limits cannot be negative.")
        if value is not None and value > WIP_LIMIT_MAX:
            raise InvalidInput(
                f"A WIP limit of {value:,} is too high; the limit is {WIP_LIMIT_MAX:,}."
            )
    if wip_min is not None and wip_max is not None and wip_min > wip_max:
        raise InvalidInput(f"The WIP minimum ({wip_min}) is above the maximum ({wip_max}).")
