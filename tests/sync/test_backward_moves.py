"""A move is never pushed through a done status on its way to one that is not done."""

from __future__ import annotations

import pytest

from kanban.domain.sync_states import ItemKind
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


def transitions_posted(fake: FakeJira, start: int) -> list[str]:
    return [p for m, p, _q in fake.requests[start:] if m == "POST" and "/transitions" in p]


def test_a_move_back_to_the_pool_waits_instead_of_passing_done(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    # In Progress → Review → Done → (Reopen) → Backlog is JIRA's only way back; the
    # issues in Review and Done let the sync learn those transitions.
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    fake.add_issue("OPS", "Being reviewed", status="10002")
    fake.add_issue("OPS", "Finished", status="10003")
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    start = len(fake.requests)

    service.move_card("OPS-1", column="Task pool", override_reason="not started after all")
    report = sync.sync()

    assert transitions_posted(fake, start) == []  # not even the first step towards Done
    assert fake.issues["OPS-1"].status == "3"
    [item] = [i for i in sync.pending() if i.field == "column"]
    assert item.kind is ItemKind.QUEUED
    assert "only through a done status" in (item.message or "")
    assert "move the issue in JIRA" in (item.message or "")
    assert any("only through a done status" in e for e in report.errors)
    # The card stays where the user put it; nothing is lost.
    assert service.card("OPS-1").column_id == service.resolve_column("Task pool").id


def test_a_move_into_done_may_pass_done_statuses_on_the_way(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    sync = SyncService(service, make_settings(fake))
    sync.sync()

    service.move_card("OPS-1", column="Done")
    sync.sync()

    assert fake.issues["OPS-1"].status == "10003"


def test_pending_names_columns_and_statuses_not_ids(
    fake: FakeJira, service: BoardService, capsys: pytest.CaptureFixture[str]
) -> None:
    from kanban.cli.main import run

    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    fake.add_issue("OPS", "Being reviewed", status="10002")
    fake.add_issue("OPS", "Finished", status="10003")
    settings = make_settings(fake)
    sync = SyncService(service, settings)
    sync.sync()
    service.move_card("OPS-1", column="Task pool", override_reason="not started after all")
    sync.sync()

    assert run(["jira", "pending", "--db", service.url]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("OPS-1"))
    assert "Task pool" in line and "In Progress (In progress)" in line
    assert "kanban jira revert CARD" in out
