"""The card editor's form logic, without Qt.

The dialog (:mod:`kanban.ui.dialogs.card_editor`) turns its widgets into a
plain ``dict`` of field values and back; everything it decides about those
values lives here and is tested without a display: the form's view of a card,
which fields the user changed (with the tolerances the widgets need), which
fields are invalid and why, which service steps a save takes, and the words
of the notices the dialog shows (a conflict with someone else's change, a team
rule that asks for a reason, unsaved edits).

It also holds every call the editor makes to the board service, as jobs the
dialog runs on a worker thread (never on the GUI thread): reading what the
editor shows (:func:`load_editor_data`, :func:`load_panels`) and writing a save
or an archive (:func:`save_card`, :func:`archive_or_restore_card`). A job never
raises a :class:`UserError`; what went wrong comes back in its result, for the
dialog to show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from kanban.domain.model import EDITABLE_FIELDS, Card, Column, ColumnKind, Event, Person
from kanban.errors import ConflictError, InvalidInput, RuleViolationError, UserError
from kanban.services.board import (
    BoardService,
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


# --- the service calls, run on a worker ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Panels:
    """What the history and links panels show for a card.

    An error is the service's words for why that panel could not be read; the
    rest of the editor still works.
    """

    history: tuple[Event, ...] = ()
    history_error: str | None = None
    links: dict[str, Any] | None = None  # None: no card, or the card has no JIRA key
    links_error: str | None = None


@dataclass(frozen=True, slots=True)
class EditorData:
    """Everything the editor shows, read in one job.

    Attributes:
        columns: the board's columns, in order (for the column box).
        people: everyone, inactive people too (a card may still be theirs).
        card: the card (None: a new card, or it could not be read).
        panels: its history and links.
        error: why the columns, people or card could not be read (the form then
            stays disabled and says so); what was read before it is kept.
    """

    columns: tuple[Column, ...] = ()
    people: tuple[Person, ...] = ()
    card: Card | None = None
    panels: Panels = Panels()
    error: UserError | None = None


def load_panels(service: BoardService, card: Card | None) -> Panels:
    """The card's history and the commits and pull requests naming its JIRA key."""
    if card is None:
        return Panels()
    try:
        history: tuple[Event, ...] = tuple(service.history(card.id))
        history_error = None
    except UserError as exc:
        history, history_error = (), str(exc)
    links: dict[str, Any] | None = None
    links_error = None
    if card.jira_key:
        from kanban.services.links import LinksService

        try:
            links = LinksService(service).card_links(card.id)
        except UserError as exc:
            links_error = str(exc)
    return Panels(history, history_error, links, links_error)


def load_editor_data(service: BoardService, card_id: str | None) -> EditorData:
    """The columns, people, card (None: a new card) and its panels, for the editor."""
    columns: tuple[Column, ...] = ()
    people: tuple[Person, ...] = ()
    try:
        columns = tuple(service.columns())
        people = tuple(service.people(include_inactive=True))
        card = service.card(card_id) if card_id is not None else None
    except UserError as exc:
        return EditorData(columns, people, None, Panels(), exc)
    return EditorData(columns, people, card, load_panels(service, card))


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    """What a save (or an archive or restore) did, for the dialog to show.

    Attributes:
        written: the card as the last step that went through stored it (None:
            nothing was written). A save takes up to three steps, so a rule may
            stop the second after the first was written.
        error: why the write stopped (None: everything was written). A
            :class:`UserError` is the user's to fix; anything else is a bug.
        panels: after a rule stopped the write: the card's history and links.
        fresh: after a conflict: the card (and the board's columns and people)
            as stored now, or the error that reading it met.
    """

    written: Card | None = None
    error: BaseException | None = None
    panels: Panels | None = None
    fresh: EditorData | None = None


def _attempt(
    service: BoardService, card: Card | None, steps: Callable[[list[Card]], None]
) -> WriteOutcome:
    """Run ``steps`` (which append each card they write); what stopped them is read up here."""
    written: list[Card] = []
    try:
        steps(written)
    except ConflictError as exc:
        # Someone else changed the card: the dialog shows what, from what is stored now.
        fresh = load_editor_data(service, card.id) if card is not None else None
        return WriteOutcome(written[-1] if written else None, exc, fresh=fresh)
    except RuleViolationError as exc:
        latest = written[-1] if written else card
        return WriteOutcome(
            written[-1] if written else None, exc, panels=load_panels(service, latest)
        )
    except Exception as exc:  # a UserError to show, or a bug to log: the dialog decides
        return WriteOutcome(written[-1] if written else None, exc)
    return WriteOutcome(written[-1] if written else None)


def save_card(
    service: BoardService,
    card: Card | None,
    values: Mapping[str, Any],
    override_reason: str | None,
) -> WriteOutcome:
    """Create the card (``card`` None) or write the user's edits to it.

    An edit is content, then place, then not-ready, each step a use case of its
    own; each diffs against the card as the step before wrote it, and passes
    its revision, so an edit never overwrites someone else's change silently.
    """

    def create(written: list[Card]) -> None:
        result = service.add_card(
            values["title"],
            description=values["description"],
            column=values["column_id"],
            person=values["person_id"],
            size_days=values["size_days"],
            labels=values["labels"],
            project=values["project"],
            due_date=values["due_date"],
            jira_key=values["jira_key"],
            not_ready_reason=values["not_ready_reason"] if values["not_ready"] else None,
            override_reason=override_reason,
        )
        written.append(result.card)

    def apply(written: list[Card]) -> None:
        assert card is not None
        current = card

        def edited() -> set[str]:
            return edited_fields(values, card_values(current))

        content = content_changes(values, edited())
        if content:
            result = service.edit_card(
                card.id,
                expected_revision=current.revision,
                override_reason=override_reason,
                **content,
            )
            current = result.card
            written.append(current)
        step = placement_step(edited())
        if step == "assign":
            result = service.assign(
                card.id,
                values["person_id"],
                expected_revision=current.revision,
                override_reason=override_reason,
            )
            current = result.card
            written.append(current)
        elif step == "move":
            person = values["person_id"]
            result = service.move_card(
                card.id,
                column=values["column_id"],
                person=person,
                unassign=person is None,
                expected_revision=current.revision,
                override_reason=override_reason,
            )
            current = result.card
            written.append(current)
        if readiness_changed(edited()):
            if values["not_ready"]:
                result = service.block(
                    card.id, values["not_ready_reason"] or "", expected_revision=current.revision
                )
            else:
                result = service.unblock(card.id, expected_revision=current.revision)
            written.append(result.card)

    return _attempt(service, card, create if card is None else apply)


def archive_or_restore_card(
    service: BoardService, card: Card, override_reason: str | None
) -> WriteOutcome:
    """Archive the card, or restore it when it is archived (through the WIP rules)."""

    def write(written: list[Card]) -> None:
        if card.archived:
            result = service.restore(
                card.id, expected_revision=card.revision, override_reason=override_reason
            )
        else:
            result = service.archive(card.id, expected_revision=card.revision)
        written.append(result.card)

    return _attempt(service, card, write)
