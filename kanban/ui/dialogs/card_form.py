"""The card editor's form logic, without Qt.

The dialog (:mod:`kanban.ui.dialogs.card_editor`) turns its widgets into a
plain ``dict`` of field values and back; everything it decides about those
values lives here and is tested without a display: the form's view of a card,
which fields the user changed (with the tolerances the widgets need), which
fields are invalid and why, which service steps a save takes, and the words
of the notices the dialog shows (a conflict with someone else's change, a team
rule that asks for a reason, unsaved edits).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from kanban.domain.model import EDITABLE_FIELDS, Card, Column, ColumnKind
from kanban.errors import InvalidInput
from kanban.services.board import (
    validate_jira_key,
    validate_labels,
    validate_reason,
    validate_size,
    validate_title,
)
from kanban.services.history_text import FIELD_NAMES, Names, format_value

FormValues = dict[str, Any]

# Fields edit_card changes (the board's one list); placement and not-ready
# have their own use cases.
CONTENT_FIELDS: tuple[str, ...] = EDITABLE_FIELDS
FORM_FIELDS: tuple[str, ...] = (
    *CONTENT_FIELDS,
    "column_id",
    "person_id",
    "not_ready",
    "not_ready_reason",
)

INVALID_FORM = "Please correct the field marked in red; nothing was saved."
LOAD_FAILED = "{error}\nClose this window and try again."
UNSAVED_ON_CANCEL = (
    "You have unsaved edits. Press Cancel (or Esc) again to close without saving them, or Save."
)
UNSAVED_ON_ARCHIVE = (
    "You have unsaved edits. Press Archive again to archive the card without them, or Save first."
)
DELETED_ELSEWHERE = (
    "This card was deleted by someone else since you opened it; it cannot be saved. "
    "Copy anything you need from the fields, then close the dialog."
)
STILL_NEEDS_REASON = "Give a reason to go ahead anyway, or change the card so the rule is kept."
NO_HISTORY_YET = "No history yet: the card is created when you save."
NO_LINKS_YET = (
    "Commits and pull requests appear here once the card has a JIRA key that "
    "commit messages, branches or pull requests name."
)


def split_labels(text: str) -> list[str]:
    """The labels field ("network, windows") as a list, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def card_values(card: Card) -> FormValues:
    """The form's view of a card, normalised the way the dialog reads its widgets."""
    return {
        "title": card.title,
        "description": card.description,
        "size_days": card.size_days,
        "labels": list(card.labels),
        "project": card.project or None,
        "due_date": card.due_date,
        "jira_key": card.jira_key or None,
        "column_id": card.column_id,
        "person_id": card.person_id,
        "not_ready": card.not_ready,
        "not_ready_reason": (card.not_ready_reason or None) if card.not_ready else None,
    }


def pool_column(columns: Sequence[Column]) -> Column:
    """The board's task pool; every board has one."""
    for column in columns:
        if column.kind is ColumnKind.POOL:
            return column
    raise InvalidInput("The board has no task pool column.")


def new_card_values(columns: Sequence[Column], column_id: int | None = None) -> FormValues:
    """The form of a new card: one day, in ``column_id`` (default: the task pool)."""
    return {
        "title": "",
        "description": "",
        "size_days": 1.0,
        "labels": [],
        "project": None,
        "due_date": None,
        "jira_key": None,
        "column_id": column_id if column_id is not None else pool_column(columns).id,
        "person_id": None,
        "not_ready": False,
        "not_ready_reason": None,
    }


def same_value(field: str, a: Any, b: Any) -> bool:
    """Whether two values of ``field`` are the same as far as the form can tell."""
    if field == "size_days":
        # The spin box shows two decimals; a size typed in the CLI as 1.333
        # must not count as an edit just because the box rounds it.
        return abs(float(a) - float(b)) < 0.005
    if field == "description":
        # The text box turns CRLF (as JIRA may send it) into LF; that is not an edit.
        return str(a).replace("\r\n", "\n") == str(b).replace("\r\n", "\n")
    if field == "title":
        return " ".join(str(a).split()) == " ".join(str(b).split())
    if field == "not_ready_reason":
        return " ".join((a or "").split()) == " ".join((b or "").split())
    if field == "jira_key":
        return (a or "").upper() == (b or "").upper()
    return bool(a == b)


def edited_fields(values: Mapping[str, Any], base: Mapping[str, Any]) -> set[str]:
    """The fields whose form value differs from ``base`` (the card as last loaded)."""
    return {f for f in FORM_FIELDS if not same_value(f, values[f], base[f])}


# --- validation --------------------------------------------------------------

_CHECKS: tuple[tuple[str, Callable[[Mapping[str, Any]], object]], ...] = (
    ("title", lambda v: validate_title(v["title"])),
    ("size_days", lambda v: validate_size(v["size_days"])),
    ("labels", lambda v: validate_labels(v["labels"])),
    ("jira_key", lambda v: validate_jira_key(v["jira_key"])),
    (
        "not_ready_reason",
        lambda v: (
            validate_reason(v["not_ready_reason"], "Marking a card not ready")
            if v["not_ready"]
            else None
        ),
    ),
)
VALIDATED_FIELDS: tuple[str, ...] = tuple(field for field, _check in _CHECKS)


def field_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """field → what is wrong with it, in form order; empty when every field is fine.

    The whole form is checked before anything is written, so a save is never
    half-done by a typo.
    """
    errors: dict[str, str] = {}
    for field, check in _CHECKS:
        try:
            check(values)
        except InvalidInput as exc:
            errors[field] = str(exc)
    return errors


# --- the steps of a save -------------------------------------------------------------


def content_changes(values: Mapping[str, Any], edited: set[str]) -> FormValues:
    """The edit_card step: the content fields the user changed, with their new values."""
    return {f: values[f] for f in CONTENT_FIELDS if f in edited}


def placement_step(edited: set[str]) -> Literal["assign", "move"] | None:
    """The placement step: a new person only ("assign"), a new column ("move"), or none."""
    if "column_id" in edited:
        return "move"
    if "person_id" in edited:
        return "assign"
    return None


def readiness_changed(edited: set[str]) -> bool:
    """Whether the not-ready step (block or unblock) is needed."""
    return "not_ready" in edited or "not_ready_reason" in edited


def first_active_column(columns: Sequence[Column]) -> Column | None:
    return next((c for c in columns if c.kind is ColumnKind.ACTIVE), None)


# --- notices ---------------------------------------------------------------------


def rule_prompt(violations: str, button: str = "Save") -> str:
    """The override box's text when a warned team rule asks for a reason."""
    return (
        f"This change breaks a team rule: {violations}.\n"
        f"Give a reason and press {button} again to go ahead; the reason goes into the "
        "card's history."
    )


def conflict_notice(
    old: Mapping[str, Any],
    theirs: Mapping[str, Any],
    mine: Mapping[str, Any],
    *,
    archived: bool,
    last: tuple[str, datetime] | None,
    names: Names,
) -> str:
    """What someone else changed since the dialog loaded the card, and what happens now.

    Args:
        old: the card as the dialog loaded it.
        theirs: the card as stored now.
        mine: the fields the user edited, with the values kept in the form.
        archived: whether the stored card is archived now.
        last: who changed the card last, and when.
        names: column and people names.
    """
    changed = [f for f in FORM_FIELDS if not same_value(f, old[f], theirs[f])]
    who = "Someone else" if last is None else f"{last[0]} (at {last[1].astimezone():%H:%M})"
    lines = [f"{who} changed this card after you opened it, so nothing was saved yet:"]
    for f in changed:
        if f == "not_ready_reason" and "not_ready" in changed:
            continue
        change = (
            f"{FIELD_NAMES[f]}: {format_value(f, old[f], names)} → "
            f"{format_value(f, theirs[f], names)}"
        )
        if f in mine:
            change += " (you changed it too; your value is in the field)"
        lines.append("• " + change)
    if archived:
        lines.append("• the card is now archived (Restore brings it back)")
    if mine:
        lines.append("Your edits are kept in the fields. Check them and press Save to apply them.")
    else:
        lines.append("You had not changed anything; the fields now show the current card.")
    return "\n".join(lines)
