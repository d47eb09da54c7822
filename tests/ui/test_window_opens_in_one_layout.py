"""Opening the window lays the board out once: the first paint shows the board as it
stays, with no second layout when the scroll bar appears (at 5,000 cards each
layout costs a tenth of a second before anything is seen)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from kanban.services.board import BoardService
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team, wait_idle


def test_a_board_that_scrolls_is_laid_out_once_before_its_first_paint(
    qtbot, service: BoardService, team: Team
) -> None:
    for i in range(40):
        service.add_card(f"Replace disk {i} in the backup array")
    window = MainWindow(service, me="Alice Smith")
    qtbot.addWidget(window)
    layouts: list[int] = []
    window.controller.board_changed.connect(lambda: layouts.append(1))
    at_first_paint: list[int] = []

    class FirstPaint(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # Qt's name
            if event.type() == QEvent.Type.Paint and window.scene.card_items and not at_first_paint:
                at_first_paint.append(len(layouts))
            return False

    watch = FirstPaint()
    window.view.viewport().installEventFilter(watch)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: bool(at_first_paint))
    wait_idle(qtbot, window)
    qtbot.wait(50)  # resize events after the scroll bar appeared, if any
    assert window.view.verticalScrollBar().isVisible()  # the board does scroll
    assert at_first_paint == [1]
    assert len(layouts) == 1
    # Laid out for the width the scroll bar leaves: nothing is cut at the right.
    assert window.controller.layout is not None
    assert window.controller.layout.width <= window.view.visible_width() + 0.5
    window.close()
