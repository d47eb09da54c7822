"""*JIRA → Preview sync* and the first sync of a newly connected board: the plan, then Sync now."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.sync.settings import JiraSettings
from kanban.ui.dialogs.sync_preview import SyncPreviewDialog
from kanban.ui.main_window import MainWindow
from sync.conftest import map_default_columns
from sync.fake_jira import FakeJira


def open_window(qtbot: QtBot, service: BoardService) -> MainWindow:
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.sync_dock is not None and win.controller.snapshot is not None)
    return win


def groups(dialog: SyncPreviewDialog) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for i in range(dialog.tree.topLevelItemCount()):
        group = dialog.tree.topLevelItem(i)
        assert group is not None
        children = [group.child(j) for j in range(group.childCount())]
        out[group.text(0)] = [(c.text(0), c.text(1)) for c in children if c is not None]
    return out


def test_preview_shows_the_plan_and_sync_now_applies_it(
    qtbot: QtBot, fake: FakeJira, service: BoardService, settings: JiraSettings
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    win = open_window(qtbot, service)
    try:
        win.act_sync_preview.trigger()
        qtbot.waitUntil(
            lambda: win.sync_preview is not None and win.sync_preview.isVisible(), timeout=15_000
        )
        dialog = win.sync_preview
        assert isinstance(dialog, SyncPreviewDialog)
        assert dialog.windowTitle() == "Preview sync"
        assert groups(dialog) == {
            "New cards from JIRA issues (1)": [("OPS-1 'Patch web01'", "new card in In progress")]
        }
        # Nothing happened yet: no card, nothing sent, no run recorded.
        assert service.list_cards() == []
        assert fake.writes() == []
        assert not dialog.isModal()

        dialog.apply_button.click()

        def on_board() -> bool:
            snap = win.controller.snapshot
            return snap is not None and any(c.jira_key == "OPS-1" for c in snap.cards)

        qtbot.waitUntil(on_board, timeout=15_000)
    finally:
        win.close()


def test_a_newly_connected_board_shows_its_first_sync_before_applying(
    qtbot: QtBot, fake: FakeJira, service: BoardService, settings: JiraSettings
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Renew certificates")
    win = open_window(qtbot, service)
    try:
        # What accepting JIRA → Connection… does.
        win.sync.settings_changed()
        qtbot.waitUntil(
            lambda: win.sync_preview is not None and win.sync_preview.isVisible(), timeout=15_000
        )
        dialog = win.sync_preview
        assert isinstance(dialog, SyncPreviewDialog)
        assert dialog.windowTitle() == "First sync with JIRA"
        assert "has not synced with JIRA yet" in dialog.intro.text()
        assert "1 new card" in dialog.summary.text()
        # The timer does not sync a board whose first sync the user has not seen.
        assert win.sync.auto is not None and not win.sync.auto.timer.isActive()
        assert service.list_cards() == []

        dialog.apply_button.click()
        qtbot.waitUntil(lambda: len(service.list_cards()) == 1, timeout=15_000)
        qtbot.waitUntil(lambda: win.sync.has_run)
        assert win.sync.auto.timer.isActive()  # from now on it syncs by itself
    finally:
        win.close()
