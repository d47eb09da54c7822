"""A card's comments and checklist: their data types, limits and checks.

Comments are the card's discussion; on a card linked to JIRA they are the
issue's comments too (``kanban.services.sync_comments``). The checklist is an
ordered list of small steps with a tick each. Both are kept beside the card,
not in its fields, and each change is a history event of its own kind
(:data:`NOTE_KINDS`): they show in the card's history but undo passes them
by, since a comment or a tick is changed again directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kanban.domain.model import EventKind
from kanban.domain.validation import check_text, clean_line, strip_controls
from kanban.errors import InvalidInput

# JIRA refuses a comment over 32,767 characters; the board keeps the same limit
# so that every comment can be synced.
COMMENT_MAX = 32_767
CHECK_TEXT_MAX = 500

NOTE_KINDS: frozenset[EventKind] = frozenset(
    {
        EventKind.COMMENTED,
        EventKind.COMMENT_EDITED,
        EventKind.COMMENT_DELETED,
        EventKind.CHECK_ADDED,
        EventKind.CHECK_DONE,
        EventKind.CHECK_UNDONE,
        EventKind.CHECK_REMOVED,
        EventKind.CHECK_MOVED,
    }
)


@dataclass(frozen=True, slots=True)
class Comment:
    """One comment on a card; ``conflict`` holds JIRA's differing side, if any.

    ``conflict`` is ``{"body": ..., "author": ...}`` when JIRA edited the
    comment differently, ``{"deleted": True}`` when JIRA deleted a comment
    edited here.
    """

    id: int
    card_id: str
    author: str
    body: str
    created_at: datetime
    updated_at: datetime
    revision: int = 1
    jira_id: str | None = None
    conflict: dict[str, object] | None = None

    @property
    def edited(self) -> bool:
        return self.updated_at > self.created_at

    @property
    def in_conflict(self) -> bool:
        return self.conflict is not None

    def conflict_text(self) -> str:
        """JIRA's side of a conflict, in words ("" when there is none)."""
        if self.conflict is None:
            return ""
        if self.conflict.get("deleted"):
            return "deleted in JIRA"
        return str(self.conflict.get("body") or "")


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One step of a card's checklist, at ``position`` (0 first)."""

    id: int
    card_id: str
    position: int
    text: str
    done: bool = False
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a checklist is: ``done`` of ``total`` items ticked."""

    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    def badge(self) -> str:
        """The card face's badge: "☑ 2/5"."""
        return f"☑ {self.done}/{self.total}"


def clean_comment(body: str | None) -> str:
    """A comment's text: line breaks kept, other controls dropped, not empty."""
    raw = body or ""
    check_text(raw, "comment")
    cleaned = strip_controls(raw, multiline=True).strip()
    if not cleaned:
        raise InvalidInput("A comment needs some text; nothing was saved.")
    if len(cleaned) > COMMENT_MAX:
        raise InvalidInput(
            f"The comment is {len(cleaned):,} characters; the limit is {COMMENT_MAX:,} "
            "(JIRA's). Shorten it or split it in two."
        )
    return cleaned


def clean_check_text(text: str | None) -> str:
    """A checklist item's text: one line, not empty."""
    cleaned = clean_line(text, "checklist item", CHECK_TEXT_MAX)
    if not cleaned:
        raise InvalidInput("A checklist item needs some text; nothing was added.")
    return cleaned


def progress(items: list[ChecklistItem]) -> Progress:
    return Progress(sum(1 for i in items if i.done), len(items))


def first_line(text: str, limit: int = 60) -> str:
    """A comment in one short line, for lists and history."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe_note(kind: EventKind, before: dict[str, object], after: dict[str, object]) -> str:
    """What a comment or checklist event changed, for the history: "'Patched web01'"."""
    if kind is EventKind.COMMENTED:
        return f"'{first_line(str(after.get('body') or ''))}'"
    if kind is EventKind.COMMENT_DELETED:
        return f"'{first_line(str(before.get('body') or ''))}'"
    if kind is EventKind.COMMENT_EDITED:
        old = first_line(str(before.get("body") or ""), 30)
        return f"'{old}' → '{first_line(str(after.get('body') or ''), 30)}'"
    text = first_line(str(after.get("text") or before.get("text") or ""))
    if kind is EventKind.CHECK_MOVED:
        place = after.get("position")
        return f"'{text}' to place {int(place) + 1 if isinstance(place, int) else '?'}"
    return f"'{text}'"
