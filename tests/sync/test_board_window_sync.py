"""The board window syncs with JIRA from its menu: issues appear as cards with badges."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.sync.settings import JiraSettings
from kanban.ui.main_window import MainWindow
from sync.conftest import map_default_columns
from sync.fake_jira import FakeJira


def open_window(qtbot: QtBot, service: BoardService) -> MainWindow:
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.sync_dock is not None and win.controller.snapshot is not None)
    return win


def test_sync_now_brings_jira_issues_onto_the_board(
    qtbot: QtBot, fake: FakeJira, service: BoardService, settings: JiraSettings
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    win = open_window(qtbot, service)
    try:
        assert win.act_sync.isEnabled() and not win.act_sync_cancel.isEnabled()
        win.act_sync.trigger()
        # While it runs, a second "Sync now" would do nothing: it is greyed out.
        assert not win.act_sync.isEnabled() and win.act_sync_cancel.isEnabled()

        def on_board() -> bool:
            snap = win.controller.snapshot
            return snap is not None and any(c.jira_key == "OPS-1" for c in snap.cards)

        qtbot.waitUntil(on_board, timeout=15_000)
        card = next(c for c in win.controller.snapshot.cards if c.jira_key == "OPS-1")
        assert card.title == "Patch web01"
        qtbot.waitUntil(lambda: win.controller.badges.get(card.id) == ["⇄ OPS-1"], timeout=10_000)
        qtbot.waitUntil(lambda: win.act_sync.isEnabled())
        assert not win.act_sync_cancel.isEnabled()
        win.act_sync_panel.trigger()
        assert win.sync_dock is not None and win.sync_dock.isVisible()
    finally:
        win.close()


def test_jira_out_of_reach_shows_a_banner_and_the_board_works_on(
    qtbot: QtBot, fake: FakeJira, service: BoardService, settings: JiraSettings
) -> None:
    win = open_window(qtbot, service)
    try:
        fake.stop()
        win.act_sync.trigger()
        qtbot.waitUntil(lambda: win.sync_state.isVisibleTo(win), timeout=15_000)
        qtbot.waitUntil(lambda: win.act_sync.isEnabled())  # a failed sync can be retried
        assert "changes wait" in win.sync_state.text()
        service.add_card("Still works offline")
        win.controller.reload()
        qtbot.waitUntil(
            lambda: any(c.title == "Still works offline" for c in win.controller.snapshot.cards)
        )
    finally:
        win.close()


def test_closing_during_a_sync_hides_the_window_before_waiting_for_it(
    qtbot: QtBot, fake: FakeJira, service: BoardService, settings: JiraSettings
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    win = open_window(qtbot, service)
    win.act_sync.trigger()
    qtbot.waitUntil(lambda: not win.act_sync.isEnabled())

    hidden_before_the_wait: list[bool] = []
    shutdown = win.sync.shutdown

    def shutdown_and_note() -> None:
        hidden_before_the_wait.append(not win.isVisible())
        shutdown()

    win.sync.shutdown = shutdown_and_note  # type: ignore[method-assign]
    win.close()
    assert hidden_before_the_wait == [True]
    assert not win.sync.panel.runner.running  # and the sync was stopped before the end
