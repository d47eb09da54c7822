"""A conflict with JIRA is shown on the card, with both values, and settled from there."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.ui.dialogs.card_editor import CardEditorDialog
from sync.conftest import map_default_columns
from sync.fake_jira import FakeJira


def _conflict_on_the_title(fake: FakeJira, service: BoardService, sync: SyncService) -> str:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    sync.sync()
    service.edit_card("OPS-1", title="Patch web01 and web02")
    fake.edit("OPS-1", summary="Patch web01 (JIRA)")
    sync.sync()
    return service.card("OPS-1").id


def test_editor_shows_a_conflict_and_keep_mine_wins_at_the_next_sync(
    qtbot: QtBot, fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    card_id = _conflict_on_the_title(fake, service, sync)
    dialog = CardEditorDialog(service, card_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)  # the card is read first, then its sync state
    # The sync state is read on the editor's worker, never on the GUI thread.
    qtbot.waitUntil(lambda: dialog.sync_box.idle)
    assert dialog.sync_box.isVisibleTo(dialog)
    text = dialog.sync_view.text()
    assert "'Patch web01 and web02'" in text and "'Patch web01 (JIRA)'" in text
    assert dialog.keep_mine_button.isVisibleTo(dialog)
    assert not dialog.revert_button.isVisibleTo(dialog)

    with qtbot.waitSignal(dialog.saved):
        assert dialog.settle_sync("mine")
    assert not dialog.sync_box.isVisibleTo(dialog)
    sync.sync()
    assert fake.issues["OPS-1"].summary == "Patch web01 and web02"


def test_editor_hides_the_jira_section_when_nothing_waits(
    qtbot: QtBot, service: BoardService
) -> None:
    card = service.add_card("Local only").card
    dialog = CardEditorDialog(service, card.id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)  # the card is read first, then its sync state
    qtbot.waitUntil(lambda: dialog.sync_box.idle)
    assert not dialog.sync_box.isVisibleTo(dialog)


def test_the_editor_builds_and_uses_the_sync_service_only_on_its_worker(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    fake: FakeJira,
    service: BoardService,
    sync: SyncService,
) -> None:
    card_id = _conflict_on_the_title(fake, service, sync)
    threads: list[threading.Thread] = []
    built = SyncService.__init__

    def spy(self: SyncService, *args: object, **kwargs: object) -> None:
        threads.append(threading.current_thread())
        built(self, *args, **kwargs)

    monkeypatch.setattr(SyncService, "__init__", spy)
    dialog = CardEditorDialog(service, card_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)  # the card is read first, then its sync state
    qtbot.waitUntil(lambda: dialog.sync_box.idle)
    with qtbot.waitSignal(dialog.saved):
        assert dialog.settle_sync("jira")
    assert len(threads) == 2  # one read on opening, one settle (which reads back)
    assert threading.main_thread() not in threads
