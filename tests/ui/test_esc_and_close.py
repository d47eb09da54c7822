"""Esc clears the search box; the Reports window closes with Esc or its Close button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kanban.services.board import BoardService
from kanban.ui.reports_view import ReportsView


def test_esc_in_the_search_box_clears_it_and_shows_every_card(qtbot, window, team) -> None:
    window.activateWindow()
    window.focus_search()
    qtbot.keyClicks(window.search, "DNS")
    assert len(window.scene.card_items) == 1
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert len(window.scene.card_items) == len(team.cards)


def test_the_reports_window_closes_with_esc(qtbot, service: BoardService) -> None:
    view = ReportsView(service)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.report_ready, timeout=10_000):
        view.show()
    view.activateWindow()
    view.summary.setFocus()
    qtbot.keyClick(view.summary, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.isVisible())


def test_the_reports_window_has_a_close_button(qtbot, service: BoardService) -> None:
    view = ReportsView(service)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.report_ready, timeout=10_000):
        view.show()
    close = [b for b in view.findChildren(QPushButton) if b.text().replace("&", "") == "Close"]
    assert len(close) == 1
    qtbot.mouseClick(close[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not view.isVisible())
