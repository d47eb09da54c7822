"""A card's history events as short sentences people can read.

Events keep raw ``before``/``after`` field values (column and person ids,
ISO dates); this module turns them into "when · who · what changed from → to"
with column and person names, the override reason and where the change came
from. The card editor's history panel and ``kanban history`` / ``kanban show``
both word events through it, so the window and the terminal say the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from kanban.domain.history import UndoStep
from kanban.domain.model import RULE_TITLES, BoardSnapshot, Card, Event, EventKind, Rule, Source
from kanban.domain.notes import NOTE_KINDS, describe_note

FIELD_NAMES: dict[str, str] = {
    "title": "title",
    "description": "description",
    "column_id": "column",
    "person_id": "person",
    "owner_id": "owner",
    "not_ready": "not ready",
    "not_ready_reason": "not-ready reason",
    "size_days": "size",
    "labels": "labels",
    "project": "project",
    "due_date": "due date",
    "jira_key": "JIRA key",
    "archived": "archived",
}
# Book-keeping fields that follow from the ones above; listing them would bury
# the change people care about (a move also sets column_since, started_at...).
_DERIVED = frozenset({"position", "not_ready_since", "started_at", "done_at", "column_since"})
_VERBS: dict[EventKind, str] = {
    EventKind.CREATED: "created",
    EventKind.EDITED: "edited",
    EventKind.MOVED: "moved",
    EventKind.ASSIGNED: "assigned",
    EventKind.BLOCKED: "marked not ready",
    EventKind.UNBLOCKED: "marked ready",
    EventKind.ARCHIVED: "archived",
    EventKind.RESTORED: "restored",
    EventKind.UNDO: "undid a change",
    EventKind.REDO: "redid a change",
    EventKind.COMMENTED: "commented",
    EventKind.COMMENT_EDITED: "edited a comment",
    EventKind.COMMENT_DELETED: "deleted a comment",
    EventKind.CHECK_ADDED: "added a checklist item",
    EventKind.CHECK_DONE: "ticked",
    EventKind.CHECK_UNDONE: "unticked",
    EventKind.CHECK_REMOVED: "removed a checklist item",
    EventKind.CHECK_MOVED: "moved a checklist item",
}
_SOURCES = {Source.JIRA: "from JIRA", Source.GIT: "from git"}
_TEXT_CLIP = 60


@dataclass(frozen=True, slots=True)
class Names:
    """Id → name lookups for columns and people (missing ids print as #id)."""

    columns: Mapping[int, str]
    people: Mapping[int, str]


def names_of(snap: BoardSnapshot) -> Names:
    """The column and people names of a board snapshot."""
    return Names({c.id: c.name for c in snap.columns}, {p.id: p.name for p in snap.people})


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _TEXT_CLIP else flat[: _TEXT_CLIP - 1] + "…"


def format_value(field: str, value: object, names: Names) -> str:
    """One field value as shown in history ("—" for nothing)."""
    if value is None or value == "" or value == []:
        if field == "owner_id":
            return "nobody"
        return "pool (nobody)" if field == "person_id" else "—"
    if field == "column_id" and isinstance(value, int):
        return names.columns.get(value, f"#{value}")
    if field in ("person_id", "owner_id") and isinstance(value, int):
        return names.people.get(value, f"#{value}")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "size_days" and isinstance(value, int | float):
        return f"{value:g} day" + ("" if value == 1 else "s")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str):
        return f"'{_clip(value)}'"
    return str(value)


def changes(event: Event, names: Names) -> list[str]:
    """The "field: old → new" parts of an event, in a stable, readable order."""
    if event.kind in NOTE_KINDS:
        return [describe_note(event.kind, event.before, event.after)]
    parts: list[str] = []
    for field, label in FIELD_NAMES.items():
        if field not in event.after:
            continue
        old, new = event.before.get(field), event.after[field]
        if old == new or field in _DERIVED:
            continue
        if field in ("not_ready", "archived") and event.kind is not EventKind.UNDO:
            continue  # the verb already says it ("marked not ready", "archived")
        if field == "description":
            parts.append("description changed")
            continue
        if field == "owner_id" and new == event.after.get(
            "person_id", event.before.get("person_id")
        ):
            continue  # the owner followed the lane: "person" says it already
        parts.append(
            f"{label}: {format_value(field, old, names)} → {format_value(field, new, names)}"
        )
    if not parts and "position" in event.after and event.kind is EventKind.MOVED:
        parts.append("reordered within its cell")
    return parts


def _created(event: Event, names: Names) -> str:
    after = event.after
    where = format_value("column_id", after.get("column_id"), names)
    person = after.get("person_id")
    owner = after.get("owner_id")
    if person is not None:
        where += f", {format_value('person_id', person, names)}"
    elif owner is not None:
        where += f", {format_value('owner_id', owner, names)}'s"
    return f"created in {where}"


def change_summary(event: Event, names: Names) -> str:
    """What an event changed, without when, who or why: "column: A → B; person: …".

    The terminal's history shows the kind, the reason and the rules in columns
    of their own, so this is the part that goes in its CHANGE column.
    """
    if event.kind is EventKind.CREATED:
        return _created(event, names)
    return "; ".join(changes(event, names))


def describe(event: Event, names: Names) -> str:
    """One line: "2026-11-24 10:42 · alice · moved: column A → B · reason: … · from JIRA"."""
    head, body = describe_parts(event, names)
    return f"{head} · {body}"


def describe_parts(event: Event, names: Names) -> tuple[str, str]:
    """("2026-11-24 10:42 · alice", "moved: column A → B · reason: …") for two-line lists.

    Times are shown in the viewer's local time zone.
    """
    when = event.at.astimezone()
    head = f"{when:%Y-%m-%d %H:%M} · {event.actor}"
    if event.kind is EventKind.CREATED:
        what = _created(event, names)
    else:
        what = _VERBS.get(event.kind, event.kind.value)
        detail = changes(event, names)
        if event.kind is EventKind.BLOCKED:
            detail = [f"'{_clip(str(event.after.get('not_ready_reason') or ''))}'"]
        if detail:
            what += ": " + "; ".join(detail)
        if event.kind is EventKind.UNBLOCKED and event.before.get("not_ready_reason"):
            was = _clip(str(event.before["not_ready_reason"]))
            what = f"marked ready (was not ready: '{was}')"
    parts = [what]
    if event.rules:
        titles = []
        for name in event.rules:
            try:
                titles.append(RULE_TITLES[Rule(name)])
            except ValueError:
                titles.append(name)
        parts.append("overrode: " + "; ".join(titles))
    if event.reason:
        parts.append(f"reason: {event.reason}")
    if event.source in _SOURCES:
        parts.append(_SOURCES[event.source])
    return head, " · ".join(parts)


def newest_first(events: list[Event]) -> list[Event]:
    """The order people scan a history in."""
    return sorted(events, key=lambda e: (e.at, e.id), reverse=True)


def describe_all(events: list[Event], names: Names) -> list[str]:
    """Every event as one line, newest first."""
    return [describe(e, names) for e in newest_first(events)]


def latest_change(events: list[Event]) -> tuple[str, datetime] | None:
    """Who changed the card last and when, for the "changed by someone else" notice."""
    if not events:
        return None
    last = max(events, key=lambda e: (e.at, e.id))
    return last.actor, last.at


# --- naming a change before undoing it -------------------------------------------


def card_ref(card: Card | None, card_id: str) -> str:
    """How a change names its card: the JIRA key, else the title in quotes."""
    if card is None:
        return f"card {card_id[:8]}"
    return card.jira_key or f"'{_clip(card.title)}'"


def _placed(after: Mapping[str, object], names: Names) -> str:
    where = format_value("column_id", after.get("column_id"), names)
    person = after.get("person_id")
    if person is not None:
        where += f", {format_value('person_id', person, names)}"
    return where


def _phrase(event: Event, ref: str, names: Names) -> str:
    kind, after, before = event.kind, event.after, event.before
    if kind is EventKind.CREATED:
        return f"created {ref} in {_placed(after, names)}"
    if kind is EventKind.MOVED:
        if "column_id" not in after and "person_id" not in after:
            return f"reordered {ref}"
        return f"moved {ref} to {_placed({**before, **after}, names)}"
    if kind is EventKind.ASSIGNED:
        person = after.get("person_id", after.get("owner_id"))
        if person is None:
            return f"took {ref} from its person"
        return f"gave {ref} to {format_value('person_id', person, names)}"
    if kind is EventKind.EDITED:
        fields = [label for f, label in FIELD_NAMES.items() if f in after and f not in _DERIVED]
        return f"edited {ref}" + (f" ({', '.join(fields)})" if fields else "")
    if kind is EventKind.BLOCKED:
        return f"marked {ref} not ready"
    if kind is EventKind.UNBLOCKED:
        return f"marked {ref} ready"
    if kind in (EventKind.UNDO, EventKind.REDO):
        return f"{_VERBS[kind].removesuffix(' a change')} a change to {ref}"
    return f"{_VERBS.get(kind, kind.value)} {ref}"


def change_phrase(events: Sequence[Event], cards: Mapping[str, Card], names: Names) -> str:
    """One change (its events, oldest first) as a phrase: "moved OPS-12 to In progress".

    A later event on the same card says "it": "... and marked it not ready".
    """
    parts: list[str] = []
    seen: set[str] = set()
    for event in events:
        ref = card_ref(cards.get(event.card_id), event.card_id)
        phrase = _phrase(event, "it" if event.card_id in seen else ref, names)
        if phrase not in parts:
            parts.append(phrase)
        seen.add(event.card_id)
    return " and ".join(parts)


def ago(at: datetime, now: datetime) -> str:
    """How long ago ``at`` was, the way people say it: "3 min ago", "2 h ago"."""
    seconds = max(0, int((now - at).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def undo_question(step: UndoStep, now: datetime) -> str:
    """ "Undo: moved OPS-12 to In progress, 3 min ago?" """
    return f"Undo: {step.what}, {ago(step.at, now)}?"
