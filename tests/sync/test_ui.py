"""The JIRA setup dialog and the sync panel, offscreen, against the loopback JIRA."""

from __future__ import annotations

import keyring
import pytest
from PySide6.QtCore import Qt

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.settings import Config
from kanban.sync.settings import KEYRING_SERVICE, JiraSettings
from kanban.ui.jira_dialog import JiraSetupDialog
from kanban.ui.sync_panel import SyncPanel, SyncRunner
from sync.conftest import map_default_columns
from sync.fake_jira import TOKEN, FakeJira


def test_setup_dialog_tests_the_connection_and_saves(qtbot, fake: FakeJira) -> None:  # type: ignore[no-untyped-def]
    dialog = JiraSetupDialog()
    qtbot.addWidget(dialog)
    dialog.show()  # the button sits on the dialog's first tab: clicked as a user would
    dialog.url.setText(fake.url)
    dialog.token.setText(TOKEN)
    dialog.jql.setPlainText("project = OPS")

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Connected"), timeout=10_000)
    assert "9.12.2 (Server)" in dialog.test_result.text()
    assert "Alice Admin [alice]" in dialog.test_result.text()

    dialog.accept()
    saved = JiraSettings.load(Config.load())
    assert (saved.url, saved.jql) == (fake.url, "project = OPS")
    assert keyring.get_password(KEYRING_SERVICE, saved.account) == TOKEN


def test_setup_dialog_shows_a_refused_token(qtbot, fake: FakeJira) -> None:  # type: ignore[no-untyped-def]
    dialog = JiraSetupDialog()
    qtbot.addWidget(dialog)
    dialog.url.setText(fake.url)
    dialog.token.setText("not-the-token")
    dialog.jql.setPlainText("project = OPS")
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.banner.isVisibleTo(dialog), timeout=10_000)
    assert "refused the credentials (401)" in dialog.banner.text()
    assert "not-the-token" not in dialog.banner.text()


@pytest.fixture
def factory(db_url: str, settings: JiraSettings):  # type: ignore[no-untyped-def]
    return lambda: SyncService(BoardService.open(db_url, "tester"), settings)


def test_panel_lists_a_conflict_and_keep_mine_settles_it(  # type: ignore[no-untyped-def]
    qtbot, fake: FakeJira, service: BoardService, sync: SyncService, factory
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    sync.sync()
    service.edit_card("OPS-1", title="Board title")
    fake.edit("OPS-1", summary="Jira title")
    sync.sync()

    panel = SyncPanel(factory)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    assert panel.table.item(0, 3).text() == "conflict"
    assert panel.table.item(0, 4).text() == "Board title"
    assert panel.table.item(0, 5).text() == "Jira title"
    panel.table.selectRow(0)
    assert panel.mine_button.isEnabled() and not panel.revert_button.isEnabled()

    with qtbot.waitSignal(panel.runner.finished, timeout=10_000):
        qtbot.mouseClick(panel.mine_button, Qt.MouseButton.LeftButton)
    assert fake.issues["OPS-1"].summary == "Board title"
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0, timeout=10_000)


def test_runner_reports_offline_without_blocking(  # type: ignore[no-untyped-def]
    qtbot, fake: FakeJira, service: BoardService, factory
) -> None:
    fake.stop()
    runner = SyncRunner(factory)
    with qtbot.waitSignal(runner.failed, timeout=10_000) as blocker:
        assert runner.start()
    message, offline = blocker.args
    assert offline and "Cannot reach JIRA" in message


def test_auto_sync_ticks_start_a_sync(qtbot, fake: FakeJira, factory) -> None:  # type: ignore[no-untyped-def]
    from kanban.ui.sync_panel import AutoSync

    fake.add_issue("OPS", "Patch web01")
    runner = SyncRunner(factory)
    auto = AutoSync(runner, 0)
    assert not auto.timer.isActive()
    auto.set_minutes(5)
    assert auto.timer.interval() == 300_000
    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        auto.timer.timeout.emit()
    assert blocker.args[0].created_cards == 1


def test_panel_asks_before_archiving_everything(  # type: ignore[no-untyped-def]
    qtbot, fake: FakeJira, service: BoardService, sync: SyncService, factory
) -> None:
    map_default_columns(service)
    for n in range(4):
        fake.add_issue("OPS", f"Task {n}")
    sync.sync()
    for issue in fake.issues.values():
        issue.project = "GONE"
    panel = SyncPanel(factory)
    qtbot.addWidget(panel)
    asked: list[str] = []
    panel.confirm_archive = lambda message: asked.append(message) or False  # type: ignore[method-assign]
    with qtbot.waitSignal(panel.runner.side_empty, timeout=10_000):
        panel.runner.start(full=True)
    assert asked and "nothing was archived" in asked[0]
    assert len(service.list_cards()) == 4
