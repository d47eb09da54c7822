"""A move cut short between its transitions is progress, not a conflict: the next sync goes on."""

from __future__ import annotations

import pytest

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.sync.client import JiraClient
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


def test_a_sync_killed_between_two_transitions_continues_the_path_next_time(
    fake: FakeJira, service: BoardService, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", status="10001")  # Selected, in the task pool
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    service.move_card("OPS-1", column="Review")  # Selected → In Progress → Review

    real = JiraClient.transition
    steps: list[str] = []

    def die_after_the_first_step(self: JiraClient, key: str, transition_id: str) -> None:
        if steps:
            raise KeyboardInterrupt  # the process is killed half-way along the path
        steps.append(transition_id)
        real(self, key, transition_id)

    monkeypatch.setattr(JiraClient, "transition", die_after_the_first_step)
    with pytest.raises(KeyboardInterrupt):
        sync.sync()
    monkeypatch.undo()
    assert fake.issues["OPS-1"].status == "3"  # JIRA stands at In Progress, on the way

    report = sync.sync()

    assert report.conflicted == 0 and sync.pending() == []
    assert fake.issues["OPS-1"].status == "10002"
    assert service.card("OPS-1").column_id == service.resolve_column("Review").id
    start = len(fake.requests)
    sync.sync()
    assert [r for r in fake.requests[start:] if r[0] in ("POST", "PUT")] == []


def test_a_real_change_in_jira_during_a_move_is_still_a_conflict(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", status="10001")
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    service.move_card("OPS-1", column="In progress")
    fake.edit("OPS-1", status="10003")  # someone closed it in JIRA meanwhile

    report = sync.sync()

    assert report.conflicted == 1
