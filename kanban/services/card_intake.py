"""A new card: its cleaned fields, the team rules it meets, and the row it is stored as.

:meth:`BoardService.add_card <kanban.services.board.BoardService.add_card>`
and the CSV import's bulk path (:mod:`kanban.services.csv_import`) both create
cards through these functions, so a card typed in and a card read from a
spreadsheet are cleaned, checked and stored alike. They differ only in where
the counts come from: ``add_card`` queries the cells it needs, the import keeps
the counts of a whole sheet in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kanban.domain import rules as rules_mod
from kanban.domain.model import BoardSnapshot, Card, Column, ColumnKind, Person
from kanban.domain.rules import Violation
from kanban.domain.validation import (
    clean_description,
    clean_project,
    validate_jira_key,
    validate_labels,
    validate_reason,
    validate_size,
    validate_title,
)
from kanban.domain.wip import WipSummary
from kanban.errors import InvalidInput, RuleViolationError


@dataclass(frozen=True, slots=True)
class NewCard:
    """A new card's own fields, cleaned and checked against the board's limits."""

    title: str
    description: str
    project: str | None
    size: float
    labels: list[str]
    jira_key: str | None
    not_ready_reason: str | None


def clean_new_card(
    title: str,
    *,
    description: str = "",
    project: str | None = None,
    size_days: float = 1.0,
    labels: Sequence[str] = (),
    jira_key: str | None = None,
    not_ready_reason: str | None = None,
) -> NewCard:
    """Clean every field of a new card; the first bad one raises ``InvalidInput``."""
    return NewCard(
        title=validate_title(title),
        description=clean_description(description),
        project=clean_project(project),
        size=validate_size(size_days),
        labels=validate_labels(labels),
        jira_key=validate_jira_key(jira_key),
        not_ready_reason=(
            validate_reason(not_ready_reason, "Not ready") if not_ready_reason else None
        ),
    )


def lane_and_owner(column: Column, person: Person | None) -> tuple[Person | None, int | None]:
    """The lane a new card goes to and whose card it is.

    The pool has no lanes, so a person named for a pool card owns it without a lane.
    """
    owner_id = person.id if person else None
    return (None if column.kind is ColumnKind.POOL else person), owner_id


def counted_columns(frame: BoardSnapshot, column: Column, lane: Person | None) -> set[int]:
    """The columns whose counts the WIP rule reads for a card placed there.

    None for the pool; else the target column and, for a lane, the person's
    active columns (a personal limit counts those): never the whole board.
    """
    if column.kind is ColumnKind.POOL:
        return set()
    wanted = {column.id}
    if lane is not None:
        wanted |= {c.id for c in frame.columns if c.kind is ColumnKind.ACTIVE}
    return wanted


def new_card_violations(
    frame: BoardSnapshot,
    column: Column,
    lane: Person | None,
    size: float,
    wip: WipSummary,
) -> list[Violation]:
    """The team rules a new card breaks.

    ``wip`` needs only the counts of :func:`counted_columns` (none for the pool).
    """
    if column.kind is ColumnKind.POOL:
        return rules_mod.check_size(size, frame.rules)
    return rules_mod.check_move(
        card=probe_card(frame.pool.id, size),
        source=frame.pool,
        target=column,
        target_person=lane,
        wip=wip,
        settings=frame.rules,
    )


def check_rules(title: str, violations: Sequence[Violation], override_reason: str | None) -> None:
    """Refuse a change an enforced rule forbids, or a warned one without a reason."""
    allowed, needs_reason = rules_mod.decide(violations, override_reason)
    if not allowed:
        raise RuleViolationError(title, violations, needs_reason)


def key_taken(key: str, other_title: str) -> InvalidInput:
    """The error for a JIRA key another card already has."""
    return InvalidInput(f"{key} is already on card '{other_title}'; a JIRA key links one card.")


def probe_card(pool_id: int, size: float) -> Card:
    """A stand-in for a card that does not exist yet, coming from the pool."""
    at = datetime.min
    return Card(
        id="",
        title="",
        column_id=pool_id,
        person_id=None,
        position=0,
        revision=0,
        created_at=at,
        updated_at=at,
        size_days=size,
    )


def card_row(
    card: NewCard,
    *,
    card_id: str,
    column: Column,
    person_id: int | None,
    owner_id: int | None,
    position: int,
    due_date: date | None,
    at: datetime,
) -> dict[str, Any]:
    """The stored row of a new card created at ``at``."""
    reason = card.not_ready_reason
    return {
        "id": card_id,
        "title": card.title,
        "description": card.description,
        "column_id": column.id,
        "person_id": person_id,
        "owner_id": owner_id,
        "position": position,
        "not_ready": reason is not None,
        "not_ready_reason": reason,
        "not_ready_since": at if reason else None,
        "size_days": card.size,
        "labels": card.labels,
        "project": card.project,
        "due_date": due_date,
        "jira_key": card.jira_key,
        "created_at": at,
        "updated_at": at,
        "started_at": at if column.kind is not ColumnKind.POOL else None,
        "done_at": at if column.kind is ColumnKind.DONE else None,
        "column_since": at,
        "revision": 1,
        "archived": False,
    }
