"""The start paths `kanban --wall`, `kanban --me NAME` and `kanban --db X`."""

from __future__ import annotations

from kanban.main import wants_gui
from kanban.services.board import BoardService
from kanban.ui.main_window import MainWindow


def test_wall_option_opens_the_window_in_wall_mode(qtbot, service: BoardService) -> None:
    # `kanban --wall` builds the window with wall=True before the sync dock exists.
    win = MainWindow(service, wall=True)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    assert win.wall
    assert win.wall_bar.isVisibleTo(win)
    assert not win.statusBar().isVisibleTo(win)
    qtbot.waitUntil(lambda: win.sync_dock is not None)
    win.close()


def test_me_with_a_name_opens_the_window_not_the_cli() -> None:
    assert wants_gui(["--me", "alice"])
    assert wants_gui(["--db", "board.db", "--me", "alice", "--wall"])
    assert wants_gui(["--me", "--wall"])
    assert wants_gui(["--db", "board.db"])
    assert not wants_gui(["--db", "board.db", "list"])
    assert not wants_gui(["list", "--me"])
