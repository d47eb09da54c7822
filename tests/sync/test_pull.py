"""Pull: issues become cards, with their history, people and flags (real jira library, loopback)."""

from __future__ import annotations

from kanban.domain.model import EventKind, Source
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import map_default_columns
from sync.fake_jira import FakeJira


def test_first_sync_creates_cards_in_mapped_columns_with_history(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"], assignee="bob")
    fake.add_issue("OPS", "Renew certs", path=["10000", "10001", "3", "10002", "10003"])
    fake.add_issue("OPS", "Plan DR test")
    fake.add_issue("OTHER", "Not on this board")

    report = sync.sync()

    assert report.created_cards == 3
    cards = {c.jira_key: c for c in service.list_cards()}
    assert set(cards) == {"OPS-1", "OPS-2", "OPS-3"}
    columns = {c.id: c.name for c in service.columns()}
    assert columns[cards["OPS-1"].column_id] == "In progress"
    assert columns[cards["OPS-2"].column_id] == "Done"
    assert columns[cards["OPS-3"].column_id] == "Task pool"
    bob = service.resolve_person("Bob Builder")
    assert cards["OPS-1"].person_id == bob.id
    assert bob.active is True  # a new assignee with work in progress gets a lane
    history = service.history("OPS-2")
    assert history[0].kind is EventKind.CREATED
    moves = [e for e in history if e.kind is EventKind.MOVED]
    assert [columns[e.after["column_id"]] for e in moves] == ["In progress", "Review", "Done"]
    assert all(e.source is Source.JIRA for e in history)
    # Real timestamps from the changelog, not the time of the sync.
    issue = fake.issues["OPS-2"]
    assert moves[0].at < issue.updated
    assert history[0].at == issue.created.replace(
        microsecond=issue.created.microsecond // 1000 * 1000
    )


def test_second_sync_without_changes_writes_nothing(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    map_default_columns(service)
    for n in range(7):
        fake.add_issue("OPS", f"Task {n}", path=["10000", "10001", "3"], assignee="carol")
    sync.sync()
    events_before = service.last_event_id()
    fake.requests.clear()

    report = sync.sync()

    assert report.mode == "incremental"
    assert service.last_event_id() == events_before
    assert fake.writes() == []
    assert fake.count("GET", "/search") == 1
    assert report.board_writes == 0 and report.jira_writes == 0
