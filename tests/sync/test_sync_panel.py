"""The sync panel: it asks once about an empty JIRA and names the menu to set it up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    server = FakeJira().start()
    make_settings(server)
    yield server
    server.stop()


def test_an_empty_jira_asks_once_even_when_the_timer_syncs_again_meanwhile(
    qtbot: QtBot, jira: FakeJira, service: BoardService, db_url: str
) -> None:
    from kanban.services.sync import SyncService
    from kanban.ui.sync_panel import SyncPanel

    map_default_columns(service)
    for n in range(4):
        jira.add_issue("OPS", f"Task {n}")
    first = SyncService.open(db_url, "tester")
    try:
        first.sync()
    finally:
        first.close()
    for issue in jira.issues.values():
        issue.project = "GONE"  # a lost permission: JIRA now returns nothing
    panel = SyncPanel(lambda: SyncService.open(db_url, "tester"))
    qtbot.addWidget(panel)
    asked: list[str] = []

    def confirm(message: str) -> bool:
        # The question waits for someone to walk up to the wall; meanwhile the
        # automatic sync ticks again (a QMessageBox runs a nested event loop too).
        asked.append(message)
        if len(asked) == 1:
            qtbot.waitUntil(lambda: not panel.runner.running)
            with qtbot.waitSignal(panel.runner.side_empty, timeout=10_000):
                assert panel.runner.start(full=True)
        return False

    panel.confirm_archive = confirm  # type: ignore[method-assign]
    with qtbot.waitSignal(panel.runner.side_empty, timeout=10_000):
        panel.runner.start(full=True)
    qtbot.waitUntil(lambda: not panel.runner.running)
    assert len(asked) == 1
    assert len(service.list_cards()) == 4


def test_panel_without_jira_points_at_the_menu_that_exists(qtbot: QtBot, db_url: str) -> None:
    from kanban.services.sync import SyncService
    from kanban.ui.sync_panel import SyncPanel

    panel = SyncPanel(lambda: SyncService.open(db_url, "tester"))
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.status.text() != "")
    assert "JIRA → Connection" in panel.status.text()
