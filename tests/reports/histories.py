"""Hand-built board histories for the report tests: known dates, known answers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kanban.domain.model import Card, Column, ColumnKind, Event, EventKind, Person

POOL, DOING, REVIEW, DONE = 1, 2, 3, 4
COLUMNS = (
    Column(POOL, "Task pool", ColumnKind.POOL, 0),
    Column(DOING, "In progress", ColumnKind.ACTIVE, 1, wip_max=2),
    Column(REVIEW, "Review", ColumnKind.ACTIVE, 2),
    Column(DONE, "Done", ColumnKind.DONE, 3),
)
ALICE = Person(1, "Alice Smith", wip_limit=1, order=0, colour="#4e79a7")
BOB = Person(2, "Bob Jones", wip_limit=3, order=1, colour="#f28e2b")
PEOPLE = (ALICE, BOB)


def at(day: int, hour: int = 9) -> datetime:
    """A moment in November 2026 (the 16th is a Monday)."""
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@dataclass
class History:
    """Builds cards and their events the way BoardService records them."""

    events: list[Event] = field(default_factory=list)
    cards: dict[str, Card] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _event(
        self,
        card_id: str,
        when: datetime,
        kind: EventKind,
        before: dict,
        after: dict,
        actor: str = "alice",
        reason: str | None = None,
        rules: tuple[str, ...] = (),
    ) -> None:
        n = next(self._ids)
        self.events.append(
            Event(
                n,
                card_id,
                f"change-{n}",
                actor,
                when,
                kind,
                before,
                after,
                reason=reason,
                rules=rules,
            )
        )

    def create(
        self,
        card_id: str,
        title: str,
        when: datetime,
        column: int = POOL,
        person: int | None = None,
        project: str | None = None,
        not_ready: str | None = None,
    ) -> None:
        self.cards[card_id] = Card(
            card_id,
            title,
            column,
            person,
            0,
            1,
            when,
            when,
            project=project,
            not_ready=not_ready is not None,
            not_ready_reason=not_ready,
        )
        self._event(
            card_id,
            when,
            EventKind.CREATED,
            {"archived": True},
            {
                "title": title,
                "column_id": column,
                "person_id": person,
                "not_ready": not_ready is not None,
                "not_ready_reason": not_ready,
                "archived": False,
                "project": project,
            },
        )

    def move(
        self,
        card_id: str,
        when: datetime,
        column: int,
        person: int | None = None,
        rules: tuple[str, ...] = (),
        reason: str | None = None,
        actor: str = "alice",
    ) -> None:
        card = self.cards[card_id]
        person = person if person is not None else card.person_id
        if column == POOL:
            person = None
        self.cards[card_id] = Card(
            card.id,
            card.title,
            column,
            person,
            0,
            1,
            card.created_at,
            when,
            project=card.project,
            not_ready=card.not_ready,
            not_ready_reason=card.not_ready_reason,
        )
        self._event(
            card_id,
            when,
            EventKind.MOVED,
            {"column_id": card.column_id, "person_id": card.person_id},
            {"column_id": column, "person_id": person},
            actor=actor,
            reason=reason,
            rules=rules,
        )

    def block(self, card_id: str, when: datetime, reason: str) -> None:
        card = self.cards[card_id]
        self.cards[card_id] = Card(
            card.id,
            card.title,
            card.column_id,
            card.person_id,
            0,
            1,
            card.created_at,
            when,
            project=card.project,
            not_ready=True,
            not_ready_reason=reason,
            not_ready_since=when,
        )
        self._event(
            card_id,
            when,
            EventKind.BLOCKED,
            {"not_ready": False},
            {"not_ready": True, "not_ready_reason": reason},
        )

    def unblock(self, card_id: str, when: datetime) -> None:
        card = self.cards[card_id]
        self.cards[card_id] = Card(
            card.id,
            card.title,
            card.column_id,
            card.person_id,
            0,
            1,
            card.created_at,
            when,
            project=card.project,
        )
        self._event(
            card_id,
            when,
            EventKind.UNBLOCKED,
            {"not_ready": True},
            {"not_ready": False, "not_ready_reason": None},
        )


def sample_history() -> History:
    """A small board whose figures are worked out by hand in the tests.

    - c1 "Patch web servers": created 2 Nov, started 16 Nov 09:00 by Alice,
      blocked 17 Nov 09:00 → 18 Nov 09:00, done 20 Nov 09:00 (cycle 4 d, blocked 1 d,
      lead 18 d).
    - c2 "Rotate backups": created 10 Nov, started 16 Nov by Bob, review 17 Nov,
      done 18 Nov 09:00 (cycle 2 d, lead 8 d).
    - c3 "Upgrade SAN firmware": created 12 Nov, started by Alice 18 Nov 09:00 with
      a WIP override (Alice's limit is 1), still in progress, blocked since 19 Nov.
    - c4 "Order new disks": in the pool, not ready since 13 Nov ("waiting for quote").
    - c5 "Tidy DNS zones": in the pool since 14 Nov.
    """
    h = History()
    h.create("c1", "Patch web servers", at(2), project="WEB")
    h.create("c2", "Rotate backups", at(10), project="OPS")
    h.create("c3", "Upgrade SAN firmware", at(12), project="OPS")
    h.create("c4", "Order new disks", at(13), not_ready="waiting for quote")
    h.create("c5", "Tidy DNS zones", at(14))
    h.move("c1", at(16), DOING, ALICE.id)
    h.move("c2", at(16, 10), DOING, BOB.id, actor="bob")
    h.block("c1", at(17), "waiting for change window")
    h.move("c2", at(17), REVIEW, actor="bob")
    h.unblock("c1", at(18))
    h.move("c2", at(18), DONE, actor="bob")
    h.move(
        "c3",
        at(18),
        DOING,
        ALICE.id,
        rules=("wip_limits",),
        reason="SAN vendor only free this week",
    )
    h.block("c3", at(19), "vendor call on Monday")
    h.move("c1", at(20), DONE)
    return h
