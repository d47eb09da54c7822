"""Push: board changes reach JIRA (transitions along a path, assignee, fields, flag)."""

from __future__ import annotations

import pytest

from kanban.services.board import BoardService
from kanban.services.sync import SyncService, card_sync_notes
from sync.conftest import map_default_columns
from sync.fake_jira import FLAG_FIELD, FakeJira


@pytest.fixture
def linked(fake: FakeJira, service: BoardService, sync: SyncService) -> FakeJira:
    map_default_columns(service)
    service.add_person("Bob", jira_user=fake.user_id("bob"))
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"], assignee="bob")
    fake.add_issue("OPS", "Renew certs")  # Backlog
    # Issues sitting in other statuses let the sync read the workflow around them.
    fake.add_issue("OPS", "Review me", path=["10000", "10001", "3", "10002"])
    sync.sync()
    return fake


def test_move_becomes_a_transition(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.move_card("OPS-1", column="Review")

    report = sync.sync()

    assert linked.issues["OPS-1"].status == "10002"
    assert report.pushed == 1
    assert sync.pending() == []
    # The board and JIRA agree now: the next sync writes nothing.
    linked.requests.clear()
    sync.sync()
    assert linked.writes() == []


def test_move_across_several_transitions_finds_a_path(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    # Backlog → Review needs Select, Start progress, Submit for review.
    service.move_card("OPS-2", column="Review", person="Bob", override_reason="test")

    sync.sync()

    issue = linked.issues["OPS-2"]
    assert issue.status == "10002"
    statuses = [i["to"] for h in issue.histories for i in h["items"] if i["field"] == "status"]
    assert statuses == ["10001", "3", "10002"]
    assert issue.assignee == "bob"


def test_no_path_keeps_the_local_move_queued_with_jiras_reason(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    linked.allowed_transitions = {"11", "21"}  # nothing leads past In Progress any more
    service.move_card("OPS-1", column="Done", override_reason="test")

    report = sync.sync()

    card = service.card("OPS-1")
    assert service.resolve_column(card.column_id).name == "Done"  # the local move is kept
    assert linked.issues["OPS-1"].status == "3"
    [item] = sync.pending()
    assert item.field == "column" and item.kind == "queued"
    assert "no way from 'In Progress'" in (item.message or "")
    assert report.queued == 1
    assert sync.badges()[card.id] == "✖ error"
    note = card_sync_notes(service)[card.id]
    assert note.startswith("OPS-1 (In Progress in JIRA)")
    assert "Not pushed (column (status)): JIRA's workflow has no way" in note

    # Retried on the next sync: once the workflow allows it, it goes through.
    linked.allowed_transitions = None
    sync.sync()
    assert linked.issues["OPS-1"].status == "10003"
    assert sync.pending() == []


def test_revert_puts_the_card_back_where_jira_has_it(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    linked.allowed_transitions = set()
    service.move_card("OPS-1", column="Done", override_reason="test")
    sync.sync()

    sync.revert("OPS-1")

    card = service.card("OPS-1")
    assert service.resolve_column(card.column_id).name == "In progress"
    assert sync.pending() == []
    linked.allowed_transitions = None
    linked.requests.clear()
    sync.sync()
    assert linked.writes() == []


def test_edits_flag_and_labels_are_pushed(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.edit_card("OPS-1", title="Patch web01 and web02", labels=["linux", "patching"])
    service.block("OPS-1", "waiting for the change window")

    sync.sync()

    issue = linked.issues["OPS-1"]
    assert issue.summary == "Patch web01 and web02"
    assert issue.labels == ["linux", "patching"]
    assert issue.flagged is True
    service.unblock("OPS-1")
    sync.sync()
    assert issue.flagged is False
    assert FLAG_FIELD  # the flag went through the instance's own field id


def test_refused_edit_is_queued_with_jiras_message_and_nothing_is_lost(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    linked.fail(
        "PUT",
        r"/issue/\d+$",
        400,
        body={"errorMessages": [], "errors": {"summary": "Summary is not on the edit screen."}},
    )
    service.edit_card("OPS-1", title="A better title")

    sync.sync()

    assert service.card("OPS-1").title == "A better title"
    [item] = sync.pending()
    assert item.field == "title"
    assert item.message == "summary: Summary is not on the edit screen."
    sync.sync()  # the fault was one-off: the retry succeeds
    assert linked.issues["OPS-1"].summary == "A better title"
    assert sync.pending() == []


def test_assignee_without_jira_user_is_queued_with_a_hint(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    service.add_person("Dana")
    service.move_card("OPS-2", column="In progress", person="Dana", override_reason="test")

    sync.sync()

    items = {i.field: i for i in sync.pending()}
    assert "Dana has no JIRA user name" in (items["assignee"].message or "")
    assert linked.issues["OPS-2"].status == "3"  # the move itself went through
