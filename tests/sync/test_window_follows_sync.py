"""The board window after a sync: one reload, and a queued change shown on its card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.ui.main_window import MainWindow
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


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
