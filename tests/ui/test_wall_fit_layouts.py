"""The wall fitting itself to the screen lays the board out once for each zoom it
tries, never twice for the same one (at 5,000 cards each layout costs a tenth of
a second, and the wall fits itself on every resize)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from kanban.services.board import BoardService
from kanban.services.demo import fill_demo_board
from kanban.ui.main_window import MainWindow


def test_the_wall_fits_itself_with_one_layout_per_zoom_it_tries(
    qtbot, service: BoardService
) -> None:
    fill_demo_board(service)
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitUntil(lambda: window.controller.snapshot is not None)
    window.set_wall(True, full_screen=False)
    QApplication.processEvents()
    zooms: list[float] = []
    window.controller.board_changed.connect(lambda: zooms.append(window.view.zoom))
    window.wall_board.refit()
    assert zooms  # the board was laid out
    # A small board grows past the readable zoom, so more than one zoom is tried.
    assert window.view.zoom > zooms[0] or len(zooms) > 1
    assert all(a != b for a, b in zip(zooms, zooms[1:], strict=False))
    window.close()
