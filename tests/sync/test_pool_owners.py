"""A To Do issue keeps its assignee: the pool card carries an owner, on both sides."""

from __future__ import annotations

from kanban.domain.model import EventKind, Source
from kanban.services.board import BoardService, CardFilter
from kanban.services.sync import SyncService
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


def writes_since(fake: FakeJira, start: int) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _q in fake.requests[start:] if m in ("POST", "PUT", "DELETE")]


def test_a_to_do_issue_is_a_pool_card_owned_by_its_assignee(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_user("bob", "Bob Builder", "bob@example.com")
    fake.add_issue("OPS", "Rotate backup tapes", assignee="bob")
    sync = SyncService(service, make_settings(fake))

    report = sync.sync()

    card = service.card("OPS-1")
    bob = service.resolve_person("Bob Builder")
    assert card.column_id == service.resolve_column("Task pool").id
    assert (card.person_id, card.owner_id) == (None, bob.id)
    assert [c.id for c in service.list_cards(CardFilter(person="Bob Builder"))] == [card.id]
    # Bob holds only pool work: he is added, but gets no lane yet.
    assert report.adopted == ["Bob Builder"] and bob.active is False
    start = len(fake.requests)
    sync.sync()
    assert writes_since(fake, start) == []


def test_an_owned_pool_card_starts_in_its_owners_lane_and_comes_back_owned(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_user("bob", "Bob Builder", "bob@example.com")
    fake.add_issue("OPS", "Rotate backup tapes", status="10001", assignee="bob")
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    bob = service.resolve_person("Bob Builder")

    started = service.move_card("OPS-1", column="In progress").card
    assert (started.person_id, started.owner_id) == (bob.id, bob.id)
    start = len(fake.requests)
    sync.sync()
    assert fake.issues["OPS-1"].status == "3" and fake.issues["OPS-1"].assignee == "bob"
    assert not any("/assignee" in p for _m, p in writes_since(fake, start))

    back = service.move_card("OPS-1", column="Task pool", override_reason="not this week").card
    assert (back.person_id, back.owner_id) == (None, bob.id)
    start = len(fake.requests)
    sync.sync()
    # Back in the pool in JIRA too, still Bob's: never unassigned by a move.
    assert fake.issues["OPS-1"].assignee == "bob"
    assert not any("/assignee" in p for _m, p in writes_since(fake, start))


def test_clearing_the_owner_on_the_board_unassigns_in_jira(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_user("bob", "Bob Builder", "bob@example.com")
    fake.add_issue("OPS", "Rotate backup tapes", assignee="bob")
    sync = SyncService(service, make_settings(fake))
    sync.sync()

    service.assign("OPS-1", None)
    sync.sync()

    assert fake.issues["OPS-1"].assignee is None


def test_picking_an_owner_on_the_board_assigns_in_jira_and_jira_changes_follow(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_user("bob", "Bob Builder", "bob@example.com")
    fake.add_issue("OPS", "Rotate backup tapes")
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    service.add_person("Alice", jira_user="alice")

    service.assign("OPS-1", "Alice")
    sync.sync()
    assert fake.issues["OPS-1"].assignee == "alice"
    assert service.card("OPS-1").column_id == service.resolve_column("Task pool").id

    fake.edit("OPS-1", assignee="bob")
    sync.sync()
    card = service.card("OPS-1")
    assert card.owner_id == service.resolve_person("Bob Builder").id and card.person_id is None
    last = [e for e in service.history("OPS-1") if e.kind is EventKind.ASSIGNED][-1]
    assert last.source is Source.JIRA


def test_a_new_assignee_with_work_in_progress_gets_a_lane(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_user("carol", "Carol Danvers", "carol@example.com")
    fake.add_issue("OPS", "Patch web01", status="3", assignee="carol")

    report = SyncService(service, make_settings(fake)).sync()

    carol = service.resolve_person("Carol Danvers")
    assert carol.active is True
    assert report.adopted == ["Carol Danvers"]
    assert "new people from JIRA: Carol Danvers" in report.summary()
    assert service.card("OPS-1").person_id == carol.id
