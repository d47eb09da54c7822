"""What the board window says about links scans: nothing without sources, a failure once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sync.conftest import make_settings
from sync.fake_jira import FakeJira

from kanban.services.board import BoardService
from kanban.ui.main_window import MainWindow


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    server = FakeJira().start()
    make_settings(server)
    yield server
    server.stop()


def test_jira_set_up_without_links_raises_no_scan_failure(
    qtbot: QtBot, jira: FakeJira, service: BoardService
) -> None:
    # JIRA is set up with its own JQL (no project keys); commits and PRs are not.
    win = MainWindow(service)
    qtbot.addWidget(win)
    said: list[str] = []
    win.links.message.connect(said.append)
    win.show()
    try:
        qtbot.waitUntil(lambda: not win.links._busy and win.links.executor.pending == 0)
        assert said == []
        assert "Scanning commits" not in win.statusBar().currentMessage()
    finally:
        win.close()


def test_a_scan_that_keeps_failing_is_said_once(
    qtbot: QtBot, service: BoardService, tmp_path
) -> None:
    from kanban.settings import Config
    from links.helpers import GitRepo

    repo = GitRepo(tmp_path / "configs")
    repo.commit("first")
    config = Config.load()
    config.extra["links"] = {"repos": [{"path": str(repo.path)}]}  # no project keys
    config.save()
    win = MainWindow(service)
    qtbot.addWidget(win)
    said: list[str] = []
    win.links.message.connect(said.append)
    win.show()
    try:
        qtbot.waitUntil(lambda: not win.links._busy)
        win.links.scan_now()  # the timer's next round
        qtbot.waitUntil(lambda: not win.links._busy and win.links.executor.pending == 0)
        assert len(said) == 1 and "project keys" in said[0]
    finally:
        win.close()
