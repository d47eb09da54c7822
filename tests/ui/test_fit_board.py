"""View → Fit board on a laptop: the whole board in the window, denser cards, no scrolling."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from kanban.services.board import BoardService
from kanban.services.demo import fill_demo_board
from kanban.ui.layout import Face
from kanban.ui.main_window import MainWindow


def _window(qtbot, service: BoardService) -> MainWindow:
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    QApplication.processEvents()
    return win


def _on_screen(win: MainWindow, rect) -> bool:
    seen = win.view.mapFromScene(rect).boundingRect()
    return win.view.viewport().rect().adjusted(-1, -1, 1, 1).contains(seen)


def test_fit_board_shows_every_lane_and_not_ready_without_scrolling(qtbot, service):
    fill_demo_board(service)
    win = _window(qtbot, service)
    # The demo board does not fit a laptop screen as it is.
    assert win.view.verticalScrollBar().maximum() > 0

    win.act_fit.trigger()
    QApplication.processEvents()
    layout = win.controller.layout
    assert win.act_fit.isChecked()
    assert win.view.verticalScrollBar().maximum() == 0
    assert len(layout.lane_rects) == 6
    for rect in (*layout.lane_rects.values(), layout.pool_rect, layout.not_ready_rect):
        assert _on_screen(win, rect)
    # Cards got denser, not the text smaller, and the zoom stayed the user's.
    assert layout.metrics.face is not Face.FULL or layout.pool_metrics.face is not Face.FULL
    assert layout.metrics.title_font.pixelSize() == win.metrics.title_font.pixelSize()
    assert win.view.zoom == 1.0

    # Not ready is a drop target on screen: a drop there asks for the reason.
    card = win.controller.data.pool_cards[0]
    zone = layout.zone_at(layout.not_ready_rect.center())
    assert zone is not None and zone.kind == "not_ready"
    win.controller.ask_block_reason = lambda _card: "Waiting for the vendor"
    win.controller.drop(card.id, zone, None)
    qtbot.waitUntil(lambda: service.card(card.id).not_ready)

    win.act_fit.trigger()
    QApplication.processEvents()
    assert not win.act_fit.isChecked()
    assert win.view.verticalScrollBar().maximum() > 0
    assert win.controller.layout.metrics.face is Face.FULL
