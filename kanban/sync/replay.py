"""A new issue's changelog replayed as the card's history.

Cycle times, WIP per person and blocked time are computed from events, so a
card pulled from JIRA gets its past from the changelog (with JIRA's own
timestamps) rather than starting on the day of the first sync. Everything
here is pure: the caller hands in the board's columns, the status mapping and
the people, and gets back the card row and its timeline to insert.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kanban.domain.model import Column, ColumnKind, EventKind
from kanban.store.repo import jsonable
from kanban.sync.mapping import IssueRecord, card_description, card_labels, card_title

FLAG_REASON = "Flagged in JIRA"

# (when, kind, the fields before, the fields after, who) of one history event.
TimelineEvent = tuple[datetime, EventKind, dict[str, Any], dict[str, Any], str]


@dataclass(frozen=True, slots=True)
class NewCard:
    """A card to insert for a new issue, already in its current place.

    Attributes:
        values: the card's fields now.
        created_at: when the issue was created (the card's creation event).
        initial: the card's placement fields at creation, before the timeline.
        timeline: the changes since, oldest first.
    """

    values: dict[str, Any]
    created_at: datetime
    initial: dict[str, Any]
    timeline: list[TimelineEvent]


@dataclass(frozen=True, slots=True)
class BoardShape:
    """What the replay needs to know of the board."""

    columns: Sequence[Column]
    statuses: Mapping[str, int]  # JIRA status id → column id
    person_of_user: Mapping[str, int]  # JIRA user id → person id
    pool_id: int


def replay(rec: IssueRecord, board: BoardShape) -> NewCard:
    """The card row of a new issue, and its history from the changelog.

    Status, assignee and flag changes are replayed in time order. Where the
    replay does not end as the issue is now (statuses no column maps, users
    not on the board), a last change at the issue's update time brings it there.
    """
    column_id = board.statuses.get(rec.status_id, board.pool_id)
    kinds = {c.id: c.kind for c in board.columns}

    def person_of(user: str | None) -> int | None:
        return board.person_of_user.get(user) if user else None

    def lane(col: int, person: int | None) -> int | None:
        # Pool cards belong to no lane, whoever JIRA says is assigned.
        return None if kinds.get(col) is ColumnKind.POOL else person

    current_person = person_of(rec.assignee.id) if rec.assignee else None
    first_status = rec.status_changes[0].from_status if rec.status_changes else None
    col = board.statuses.get(first_status or "", board.pool_id) if rec.status_changes else column_id
    person = person_of(rec.assignee_changes[0].old) if rec.assignee_changes else current_person
    flagged = rec.flag_changes[0].old is not None if rec.flag_changes else bool(rec.flagged)
    initial: dict[str, Any] = {
        "column_id": col,
        "person_id": lane(col, person),
        "owner_id": person,
        "not_ready": flagged,
        "not_ready_reason": FLAG_REASON if flagged else None,
        "not_ready_since": jsonable(rec.created) if flagged else None,
    }
    changes: list[tuple[datetime, int, str, str | None, str]] = []
    for n, sc in enumerate(rec.status_changes):
        changes.append((sc.at, n, "status", sc.to_status, sc.author))
    for n, ac in enumerate(rec.assignee_changes):
        changes.append((ac.at, n, "assignee", ac.new, ac.author))
    for n, fc in enumerate(rec.flag_changes):
        changes.append((fc.at, n, "flag", fc.new, fc.author))
    changes.sort(key=lambda c: (c[0], c[2], c[1]))
    timeline: list[TimelineEvent] = []
    blocked_since: datetime | None = rec.created if flagged else None

    def move_to(at: datetime, dst: int, who: str) -> None:
        nonlocal col
        before = {"column_id": col, "person_id": lane(col, person), "owner_id": person}
        after = {"column_id": dst, "person_id": lane(dst, person), "owner_id": person}
        timeline.append((at, EventKind.MOVED, before, after, who))
        col = dst

    def assign_to(at: datetime, new_person: int | None, who: str) -> None:
        nonlocal person
        old_person, old_lane, person = person, lane(col, person), new_person
        if person != old_person:
            # In the pool only the owner changes; in a lane the card changes lanes too.
            before = {"person_id": old_lane, "owner_id": old_person}
            after = {"person_id": lane(col, person), "owner_id": person}
            timeline.append((at, EventKind.ASSIGNED, before, after, who))

    def flag_to(at: datetime, on: bool, who: str) -> None:
        nonlocal flagged, blocked_since
        if on == flagged:
            return
        before = {"not_ready": flagged, "not_ready_reason": FLAG_REASON if flagged else None}
        flagged = on
        blocked_since = at if on else None
        after = {
            "not_ready": on,
            "not_ready_reason": FLAG_REASON if on else None,
            "not_ready_since": jsonable(at) if on else None,
        }
        kind = EventKind.BLOCKED if on else EventKind.UNBLOCKED
        timeline.append((at, kind, before, after, who))

    for at, _n, what, value, who in changes:
        if what == "status":
            dst = board.statuses.get(value or "")
            if dst is not None and dst != col:
                move_to(at, dst, who)
        elif what == "assignee":
            assign_to(at, person_of(value), who)
        else:
            flag_to(at, value is not None, who)
    if col != column_id:
        move_to(rec.updated_at, column_id, "jira")
    if person != current_person:
        assign_to(rec.updated_at, current_person, "jira")
    if rec.flagged is not None and bool(rec.flagged) != flagged:
        flag_to(rec.updated_at, bool(rec.flagged), "jira")

    moves = [t for t in timeline if t[1] is EventKind.MOVED]
    started = next(
        (t[0] for t in moves if kinds.get(t[3]["column_id"]) is not ColumnKind.POOL), None
    )
    if started is None and kinds.get(column_id) is not ColumnKind.POOL:
        started = rec.created
    done_at = None
    if kinds.get(column_id) is ColumnKind.DONE:
        done_at = moves[-1][0] if moves else rec.created
    values: dict[str, Any] = {
        "title": card_title(rec.summary, rec.key),
        "description": card_description(rec.description),
        "column_id": column_id,
        "person_id": lane(column_id, current_person),
        "owner_id": current_person,
        "labels": card_labels(rec.labels),
        "project": rec.project,
        "jira_key": rec.key,
        "not_ready": flagged,
        "not_ready_reason": FLAG_REASON if flagged else None,
        "not_ready_since": (blocked_since or rec.updated_at) if flagged else None,
        "started_at": started,
        "done_at": done_at,
        "column_since": moves[-1][0] if moves else rec.created,
    }
    return NewCard(values, rec.created, initial, timeline)
