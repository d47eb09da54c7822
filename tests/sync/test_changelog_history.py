"""A new issue's whole changelog becomes history: moves, assignees and flagged spells.

Reports compute cycle time, WIP per person and blocked time from events, so a
team's first sync must bring what really happened in JIRA, with JIRA's times.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kanban.domain.model import EventKind, Source
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import map_default_columns
from sync.fake_jira import FakeJira

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_first_pull_replays_status_assignee_and_flag_changes(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    bob = service.add_person("Bob Builder", jira_user="bob")
    map_default_columns(service)
    issue = fake.add_issue(
        "OPS",
        "Replace UPS battery",
        path=["10000", "3", "10003"],
        created=T0,
        step=timedelta(days=1),
    )  # Backlog → In Progress (T0+1d) → Done (T0+2d)
    fake._history(issue, [fake._item("assignee", None, "bob")], T0 + timedelta(days=1, hours=1))
    fake._history(
        issue, [fake._item("Flagged", None, "Impediment")], T0 + timedelta(days=1, hours=2)
    )
    fake._history(
        issue, [fake._item("Flagged", "Impediment", None)], T0 + timedelta(days=1, hours=6)
    )
    issue.histories.sort(key=lambda h: h["created"])
    issue.assignee = "bob"

    sync.sync()

    events = service.history("OPS-1")
    assert [e.kind for e in events] == [
        EventKind.CREATED,
        EventKind.MOVED,
        EventKind.ASSIGNED,
        EventKind.BLOCKED,
        EventKind.UNBLOCKED,
        EventKind.MOVED,
    ]
    assert all(e.source is Source.JIRA for e in events)
    created, started, assigned, blocked, unblocked, done = events
    assert created.after["person_id"] is None and created.after["not_ready"] is False
    assert started.at == T0 + timedelta(days=1)
    assert assigned.after == {"person_id": bob.id, "owner_id": bob.id}
    assert assigned.at == T0 + timedelta(days=1, hours=1)
    assert unblocked.at - blocked.at == timedelta(hours=4)
    assert done.after["person_id"] == bob.id and done.at == T0 + timedelta(days=2)
    card = service.card("OPS-1")
    assert card.person_id == bob.id and not card.not_ready
    assert card.started_at == T0 + timedelta(days=1) and card.done_at == T0 + timedelta(days=2)


def test_an_issue_flagged_now_is_not_ready_since_it_was_flagged(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    map_default_columns(service)
    issue = fake.add_issue("OPS", "Expand LUN", created=T0)
    flagged_at = T0 + timedelta(hours=5)
    fake._history(issue, [fake._item("Flagged", None, "Impediment")], flagged_at)
    issue.flagged = True

    sync.sync()

    card = service.card("OPS-1")
    assert card.not_ready and card.not_ready_since == flagged_at
    kinds = [e.kind for e in service.history("OPS-1")]
    assert kinds == [EventKind.CREATED, EventKind.BLOCKED]
