"""Conflicts: both sides changed a field differently; nothing is dropped, the user picks."""

from __future__ import annotations

import pytest

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import map_default_columns
from sync.fake_jira import FakeJira


@pytest.fixture
def linked(fake: FakeJira, service: BoardService, sync: SyncService) -> FakeJira:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"], assignee="bob")
    sync.sync()
    return fake


def test_both_sides_change_the_title_differently(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.edit_card("OPS-1", title="Patch web01 (board)")
    linked.edit("OPS-1", summary="Patch web01 (jira)")

    report = sync.sync()

    assert report.conflicted == 1
    [item] = sync.pending()
    assert (item.kind, item.field) == ("conflict", "title")
    assert (item.local, item.remote) == ("Patch web01 (board)", "Patch web01 (jira)")
    # Neither side was overwritten.
    assert service.card("OPS-1").title == "Patch web01 (board)"
    assert linked.issues["OPS-1"].summary == "Patch web01 (jira)"
    assert sync.badges()[service.card("OPS-1").id] == "⚠ conflict"
    # Still a conflict on the next run, not silently settled.
    sync.sync()
    assert [i.kind for i in sync.pending()] == ["conflict"]


def test_keep_mine_pushes_the_card_value(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.edit_card("OPS-1", title="Board title")
    linked.edit("OPS-1", summary="Jira title")
    sync.sync()

    sync.resolve("OPS-1", "title", "mine")
    sync.sync()

    assert linked.issues["OPS-1"].summary == "Board title"
    assert service.card("OPS-1").title == "Board title"
    assert sync.pending() == []


def test_keep_jira_pulls_the_issue_value(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.edit_card("OPS-1", title="Board title")
    linked.edit("OPS-1", summary="Jira title")
    sync.sync()

    sync.resolve("OPS-1", "title", "jira")
    sync.sync()

    assert service.card("OPS-1").title == "Jira title"
    assert linked.issues["OPS-1"].summary == "Jira title"
    assert sync.pending() == []


def test_different_fields_merge_without_conflict(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.edit_card("OPS-1", description="Steps: drain, patch, reboot")
    linked.edit("OPS-1", summary="Patch web01 tonight", status="10002")

    report = sync.sync()

    assert report.conflicted == 0
    card = service.card("OPS-1")
    assert card.title == "Patch web01 tonight"
    assert service.resolve_column(card.column_id).name == "Review"
    assert linked.issues["OPS-1"].description == "Steps: drain, patch, reboot"


def test_same_change_on_both_sides_is_no_conflict(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.edit_card("OPS-1", title="Same words")
    linked.edit("OPS-1", summary="Same  words ")  # whitespace noise is not a change

    report = sync.sync()

    assert report.conflicted == 0 and report.pushed == 0
    assert sync.pending() == []


def test_pulled_moves_carry_jiras_time_and_source(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    linked.edit("OPS-1", status="10002")
    linked.edit("OPS-1", flagged=True)

    sync.sync()

    card = service.card("OPS-1")
    assert card.not_ready and card.not_ready_reason == "Flagged in JIRA"
    last_move = [e for e in service.history("OPS-1") if "column_id" in e.after][-1]
    assert last_move.source.value == "jira"
    assert last_move.actor == "jira"
