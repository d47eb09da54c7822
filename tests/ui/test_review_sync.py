"""Review: one sync that writes to the board reloads it once, not twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira

from kanban.services.board import BoardService
from kanban.ui.main_window import MainWindow


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    server = FakeJira().start()
    make_settings(server)
    yield server
    server.stop()


def test_a_sync_with_board_writes_reloads_the_board_once(
    qtbot: QtBot, jira: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    jira.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.sync_dock is not None and win.controller.snapshot is not None)
    reloads: list[int] = []
    win.sync.board_changed.connect(lambda: reloads.append(1))
    reports: list[object] = []
    # Connected last: called after the panel and the watcher handled the report.
    win.sync.panel.runner.finished.connect(reports.append)
    try:
        win.act_sync.trigger()
        qtbot.waitUntil(lambda: bool(reports), timeout=15_000)
        assert reports[0].board_writes  # type: ignore[attr-defined]
        assert reloads == [1]
    finally:
        win.close()


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


def test_moving_a_linked_card_shows_its_change_is_queued(
    qtbot: QtBot, jira: FakeJira, service: BoardService
) -> None:
    from kanban.ui.layout import POOL

    map_default_columns(service)
    jira.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.sync_dock is not None and win.controller.snapshot is not None)
    try:
        win.act_sync.trigger()

        def linked() -> str | None:
            snap = win.controller.snapshot
            card = next((c for c in snap.cards if c.jira_key == "OPS-1"), None) if snap else None
            if card and win.controller.badges.get(card.id) == ["⇄ OPS-1"]:
                return card.id
            return None

        qtbot.waitUntil(lambda: linked() is not None, timeout=15_000)
        card_id = linked()
        assert card_id is not None
        card = win.controller.card(card_id)
        assert card is not None and card.column_id != win.controller.snapshot.pool.id
        pool = next(z for z in win.controller.layout.zones if z.kind == POOL)
        win.controller.ask_override = lambda _card, _violations: "reopened in JIRA terms"
        win.controller.drop(card_id, pool, None)
        qtbot.waitUntil(lambda: win.controller.badges.get(card_id) == ["⟳ queued"])
        qtbot.waitUntil(lambda: "the next sync sends it" in win.scene.card_items[card_id].toolTip())
        assert "OPS-1" in win.scene.card_items[card_id].toolTip()
    finally:
        win.close()


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


def test_a_scan_that_keeps_failing_is_said_once(
    qtbot: QtBot, service: BoardService, tmp_path
) -> None:
    from links.helpers import GitRepo

    from kanban.settings import Config

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
