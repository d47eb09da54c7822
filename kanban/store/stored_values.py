"""Reading values that an old version or a hand edit stored out of range.

A board may hold a value the app would refuse today: a grouping of
``"planet"``, a colour of ``"red"``, a WIP limit of -3, a size of -5, written
by an older version, by another tool or by hand with SQL. Such a value must
not stop the board from opening, so :mod:`kanban.store.repo` reads every such
field through these functions: a valid value is returned as it is, an invalid
one is replaced by the field's default, and

- a warning naming the field, the stored value and the default is logged once
  per process for each field and value (not once per read: the window
  reloads every few seconds);
- a note is kept for the front end, which says so in one line
  (:func:`take_notes`, :func:`summary`): the command line after each command.

Nothing is written back: the stored value stays until someone sets the field
again, so reading never changes the board. The checks are the board's own
(:mod:`kanban.domain.validation`, :mod:`kanban.domain.limits`), cheap enough
for the card list, which reads every card.
"""

from __future__ import annotations

import enum
import logging
import math
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from kanban.domain.limits import SIZE_MAX, SIZE_MIN, WIP_LIMIT_MAX
from kanban.domain.validation import COLOUR_RE

log = logging.getLogger(__name__)

T = TypeVar("T")

_lock = threading.Lock()
_logged: set[tuple[str, str]] = set()
# What each field fell back to since the front end last took the notes.
_notes: dict[str, str] = {}
# The fields behind each note, so a field read twice still counts once.
_fields: dict[str, set[str]] = {}

# How many fields one note line names before "and N more".
NOTE_FIELDS = 3


def _shown(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def fall_back(
    field: str, value: Any, default: T, *, group: str | None = None, shown: str | None = None
) -> T:
    """Record that ``field`` holds an unusable ``value`` and return ``default``.

    ``group`` gathers many fields of one kind (the size of each of 500 cards)
    into one note with a count; it defaults to ``field``. ``shown`` names the
    default where its value would not say much ("the default rules").
    """
    key = group or field
    shown_default = shown or ("none" if default is None else _shown(default))
    shown_value = _shown(value)
    with _lock:
        # A group (500 cards' sizes) is logged once; its note counts the rest.
        logged = (group, "") if group else (field, shown_value)
        first = logged not in _logged
        if first:
            _logged.add(logged)
        if key not in _notes:
            _notes[key] = f"{field} {shown_value} (read as {shown_default})"
        _fields.setdefault(key, set()).add(field)
    if first:
        log.warning(
            "The database holds %s = %s, which this version cannot use; reading it as %s "
            "until it is set again.",
            field,
            shown_value,
            shown_default,
        )
    return default


def take_notes() -> list[str]:
    """The fields read as defaults since the last call (and forget them)."""
    with _lock:
        notes = [
            text if len(_fields[key]) == 1 else f"{text} and {len(_fields[key]) - 1} more like it"
            for key, text in _notes.items()
        ]
        _notes.clear()
        _fields.clear()
    return notes


def summary(notes: list[str]) -> str | None:
    """One line for the user about ``notes`` (from :func:`take_notes`), or None."""
    if not notes:
        return None
    shown = "; ".join(notes[:NOTE_FIELDS])
    more = (
        f"; and {len(notes) - NOTE_FIELDS} more (see the log)" if len(notes) > NOTE_FIELDS else ""
    )
    return (
        f"the board holds values this version cannot use, read as defaults: {shown}{more}. "
        "Set them again to store valid ones."
    )


# --- the checks --------------------------------------------------------------


def member(field: str, value: Any, parse: Callable[[Any], T], default: T) -> T:
    """An enum member (``parse`` is the enum), or ``default`` for an unknown value."""
    try:
        return parse(value)
    except (ValueError, TypeError):
        return fall_back(field, value, default)


def wip_limit(field: str, value: Any) -> int | None:
    """A WIP limit: none, or a whole number from 0 to the board's maximum."""
    if value is None:
        return None
    if type(value) is int and 0 <= value <= WIP_LIMIT_MAX:
        return value
    return fall_back(field, value, None)


def colour(field: str, value: Any, default: str) -> str:
    if isinstance(value, str) and COLOUR_RE.match(value):
        return value
    return fall_back(field, value, default)


def size(field: str, value: Any, default: float, *, group: str | None = None) -> float:
    """A size in days (a card's, or the board's "about one day" limit)."""
    if isinstance(value, int | float) and SIZE_MIN <= value <= SIZE_MAX:
        return float(value)  # NaN fails the comparison above, so it lands below
    if isinstance(value, float) and math.isnan(value):
        value = "NaN"
    return fall_back(field, value, default, group=group)


def texts(field: str, value: Any, *, group: str | None = None) -> tuple[str, ...]:
    """A list of texts (labels, JIRA statuses); anything else reads as none."""
    if value is None:
        return ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return fall_back(field, value, (), group=group)
