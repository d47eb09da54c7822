"""Plain data types of the board: columns, people, cards, rules and events.

These are frozen dataclasses so that a board snapshot can be handed to another
thread (the GUI's loader) and compared cheaply. The store converts database
rows into them; the services change the database and hand out new snapshots.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

# The limits live in kanban.domain.limits; these names stay for existing imports.
from kanban.domain.limits import DESCRIPTION_MAX as DESCRIPTION_MAX
from kanban.domain.limits import REASON_MAX as REASON_MAX
from kanban.domain.limits import TITLE_MAX as TITLE_MAX

# The card fields a plain edit may change (its content); placement (column,
# lane, position, archived) and readiness have their own use cases.
EDITABLE_FIELDS: tuple[str, ...] = (
    "title",
    "description",
    "size_days",
    "labels",
    "project",
    "due_date",
    "jira_key",
)


class ColumnKind(enum.StrEnum):
    """What a column stands for; there is exactly one pool per board."""

    POOL = "pool"
    ACTIVE = "active"
    DONE = "done"


class RuleMode(enum.StrEnum):
    """How strictly a team rule is applied."""

    OFF = "off"
    WARN = "warn"
    ENFORCE = "enforce"


class Rule(enum.StrEnum):
    """The team rules a board can switch on."""

    MOVE_RIGHT_ONLY = "move_right_only"
    WIP_LIMITS = "wip_limits"
    CARD_SIZE = "card_size"


RULE_TITLES: dict[Rule, str] = {
    Rule.MOVE_RIGHT_ONLY: "Cards only move to the right",
    Rule.WIP_LIMITS: "Respect WIP limits (column and person)",
    Rule.CARD_SIZE: "A card is about one day of work",
}


class Source(enum.StrEnum):
    """Where a change came from."""

    LOCAL = "local"
    JIRA = "jira"
    GIT = "git"


class EventKind(enum.StrEnum):
    """Kinds of history events."""

    CREATED = "created"
    EDITED = "edited"
    MOVED = "moved"
    ASSIGNED = "assigned"
    BLOCKED = "blocked"
    UNBLOCKED = "unblocked"
    ARCHIVED = "archived"
    RESTORED = "restored"
    UNDO = "undo"
    REDO = "redo"
    # A card's comments and checklist (kanban.domain.notes): in its history, not undone.
    COMMENTED = "commented"
    COMMENT_EDITED = "comment_edited"
    COMMENT_DELETED = "comment_deleted"
    CHECK_ADDED = "check_added"
    CHECK_DONE = "check_done"
    CHECK_UNDONE = "check_undone"
    CHECK_REMOVED = "check_removed"
    CHECK_MOVED = "check_moved"


class Grouping(enum.StrEnum):
    """How swimlanes are formed."""

    PERSON = "person"
    PROJECT = "project"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the board, ordered left to right by ``order``."""

    id: int
    name: str
    kind: ColumnKind
    order: int
    wip_min: int | None = None
    wip_max: int | None = None
    jira_statuses: tuple[str, ...] = ()
    waiting: bool = False  # work here waits (e.g. for a reviewer): not active time


@dataclass(frozen=True, slots=True)
class Person:
    """A team member; each active person has a swimlane."""

    id: int
    name: str
    jira_user: str | None = None
    email: str | None = None
    colour: str = "#4e79a7"
    wip_limit: int | None = None
    order: int = 0
    active: bool = True

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace(".", " ").split() if p]
        if not parts:
            return "?"
        if len(parts) == 1:
            return parts[0][:2].upper()
        return (parts[0][0] + parts[-1][0]).upper()


@dataclass(frozen=True, slots=True)
class Card:
    """A card as the board shows it.

    ``person_id`` is the card's lane: None while the card is in the pool.
    ``owner_id`` is whose card it is: the person of its lane, and for a pool card
    the person picked for it (JIRA's assignee), so "what is in my pool?" has an
    answer; it stays when the card goes back to the pool. ``position`` orders
    the cards of one cell (column, person) densely from 0. ``revision`` rises on
    every change and guards concurrent writers.
    """

    id: str
    title: str
    column_id: int
    person_id: int | None
    position: int
    revision: int
    created_at: datetime
    updated_at: datetime
    owner_id: int | None = None
    description: str = ""
    not_ready: bool = False
    not_ready_reason: str | None = None
    not_ready_since: datetime | None = None
    size_days: float = 1.0
    labels: tuple[str, ...] = ()
    project: str | None = None
    due_date: date | None = None
    jira_key: str | None = None
    started_at: datetime | None = None
    done_at: datetime | None = None
    column_since: datetime | None = None
    archived: bool = False

    @property
    def cell(self) -> tuple[int, int | None]:
        return (self.column_id, self.person_id)


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """The board's team rules and their parameters."""

    modes: dict[Rule, RuleMode] = field(
        default_factory=lambda: {
            Rule.MOVE_RIGHT_ONLY: RuleMode.WARN,
            Rule.WIP_LIMITS: RuleMode.WARN,
            Rule.CARD_SIZE: RuleMode.WARN,
        }
    )
    max_card_days: float = 2.0

    def mode(self, rule: Rule) -> RuleMode:
        return self.modes.get(rule, RuleMode.OFF)


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of a card's history.

    ``before``/``after`` hold only the card fields the change touched, so any
    change can be undone by writing ``before`` back. ``change_id`` groups the
    events of one user action; undo and redo work on whole groups.
    """

    id: int
    card_id: str
    change_id: str
    actor: str
    at: datetime
    kind: EventKind
    before: dict[str, object]
    after: dict[str, object]
    reason: str | None = None
    rules: tuple[str, ...] = ()
    source: Source = Source.LOCAL
    target_change: str | None = None


@dataclass(frozen=True, slots=True)
class LimitChange:
    """A WIP limit changed: a column's maximum (``scope`` "column") or a person's.

    ``before``/``after`` None mean no limit. Reports judge each moment by the
    limit in force then, not by today's.
    """

    at: datetime
    actor: str
    scope: str
    target_id: int
    before: int | None
    after: int | None


@dataclass(frozen=True, slots=True)
class BoardSnapshot:
    """Everything needed to draw the board at one moment."""

    name: str
    columns: tuple[Column, ...]
    people: tuple[Person, ...]
    cards: tuple[Card, ...]
    rules: RuleSettings
    grouping: Grouping = Grouping.PERSON
    last_event_id: int = 0
    # Label → colour (#rrggbb) for the labels the board gave a colour.
    label_colours: Mapping[str, str] = field(default_factory=dict)

    def column(self, column_id: int) -> Column:
        for col in self.columns:
            if col.id == column_id:
                return col
        raise KeyError(column_id)

    @property
    def pool(self) -> Column:
        for col in self.columns:
            if col.kind is ColumnKind.POOL:
                return col
        raise KeyError("pool")

    def person(self, person_id: int) -> Person:
        for p in self.people:
            if p.id == person_id:
                return p
        raise KeyError(person_id)
