"""A card's sync tooltip promises only what the next sync will really send."""

from __future__ import annotations

import pytest

from kanban.services.board import BoardService
from kanban.services.sync import SyncService, card_sync_notes
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira

PROMISE = "the next sync sends it"


# Unlike the conftest's ``sync``: one issue pulled already, its columns mapped.
@pytest.fixture
def sync(fake: FakeJira, service: BoardService) -> SyncService:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"], assignee="bob")
    syncer = SyncService(service, make_settings(fake))
    syncer.sync()
    return syncer


def test_keeping_jiras_value_does_not_promise_to_send_the_boards(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    card_id = service.card("OPS-1").id
    service.edit_card("OPS-1", title="Board title")
    fake.edit("OPS-1", summary="Jira title")
    sync.sync()  # a conflict on the title
    sync.resolve("OPS-1", "title", "jira")  # the user keeps JIRA's title

    note = card_sync_notes(service)[card_id]  # the card badge's tooltip
    sync.sync()

    # What the next sync really did: took JIRA's title, sent nothing.
    assert service.card("OPS-1").title == "Jira title"
    assert fake.issues["OPS-1"].summary == "Jira title"
    assert PROMISE not in note


def test_a_project_lane_drop_of_a_jira_card_is_not_promised_to_jira(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    card = service.card("OPS-1")
    # What a drop into the "DC" project lane of the same cell writes.
    service.move_card(card.id, project="DC", expected_revision=card.revision)

    note = card_sync_notes(service)[card.id]
    report = sync.sync()

    # The project is JIRA's (pulled, never pushed): nothing went to JIRA.
    assert report.pushed == 0
    assert service.card(card.id).project == "DC"
    assert PROMISE not in note
