"""A finger on the wall: pan with a flick, drag a card (and scroll by holding it at an edge),
tap to open, pinch to zoom, and controls big enough to hit.

Every gesture is real touch events from a touch-screen device (QTest.touchEvent)
through the event loop; the checks are what a user sees: the board scrolled,
the card is stored in its new cell, the editor opened, the zoom changed.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtGui import QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton

from kanban.services.board import BoardService
from kanban.ui import items as it
from kanban.ui.dialogs.card_editor import CardEditorDialog
from kanban.ui.layout import CELL
from kanban.ui.main_window import MainWindow
from kanban.ui.touch import touch_target_px
from ui.board_fixtures import Team, pinch, wait_idle


def _device() -> QPointingDevice:
    device = QTest.createTouchDevice(QPointingDevice.DeviceType.TouchScreen)
    assert device.type() == QPointingDevice.DeviceType.TouchScreen
    return device


def _empty_point(window: MainWindow) -> QPoint:
    """A viewport point over bare board: no card, header or button under it."""
    view = window.view
    vp = view.viewport()
    for y in range(vp.height() - 60, 60, -20):
        for x in range(60, vp.width() - 60, 20):
            point = QPoint(x, y)
            under = view.board_scene.items(view.mapToScene(point))
            kinds = {item.type() for item in under}
            if not kinds & {it.CARD_TYPE, it.LANE_HEADER_TYPE, it.ADD_BUTTON_TYPE} and not any(
                item in view.board_scene.sticky for item in under
            ):
                return point
    raise AssertionError("no bare board on screen")


def _zoomed_in(qtbot, window: MainWindow, zoom: float = 3.0) -> None:
    """Zoom until the board is taller than the window, so there is something to scroll to."""
    window.view.set_zoom(zoom)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.view.verticalScrollBar().maximum() > 200)


def test_a_finger_drag_on_empty_board_pans_it(qtbot, window: MainWindow) -> None:
    _zoomed_in(qtbot, window)
    bar = window.view.verticalScrollBar()
    device, vp = _device(), window.view.viewport()
    start = _empty_point(window)
    assert bar.value() == 0
    QTest.touchEvent(vp, device).press(0, start, vp).commit()
    for step in range(1, 9):
        QTest.touchEvent(vp, device).move(0, start - QPoint(0, 25 * step), vp).commit()
        qtbot.wait(10)
    # Up by 200 px: the board follows the finger.
    qtbot.waitUntil(lambda: bar.value() > 100)
    QTest.touchEvent(vp, device).release(0, start - QPoint(0, 200), vp).commit()
    assert window.controller.snapshot is not None
    assert window.view.current is None  # a pan selects nothing


def test_a_flick_keeps_the_board_gliding_after_the_finger_lifts(qtbot, window) -> None:
    _zoomed_in(qtbot, window, 4.0)
    bar = window.view.verticalScrollBar()
    device, vp = _device(), window.view.viewport()
    start = _empty_point(window)
    QTest.touchEvent(vp, device).press(0, start, vp).commit()
    for step in range(1, 7):
        qtbot.wait(8)
        QTest.touchEvent(vp, device).move(0, start - QPoint(0, 30 * step), vp).commit()
    QTest.touchEvent(vp, device).release(0, start - QPoint(0, 180), vp).commit()
    at_release = bar.value()
    # Kinetic scrolling: the board moves on by itself, then comes to rest.
    qtbot.waitUntil(lambda: bar.value() > at_release + 50)
    scroller = window.view.touch.scroller
    qtbot.waitUntil(lambda: scroller.state() == scroller.State.Inactive, timeout=10_000)


def test_a_finger_on_a_gliding_board_stops_it(qtbot, window) -> None:
    _zoomed_in(qtbot, window, 4.0)
    bar = window.view.verticalScrollBar()
    device, vp = _device(), window.view.viewport()
    start = _empty_point(window)
    QTest.touchEvent(vp, device).press(0, start, vp).commit()
    for step in range(1, 7):
        qtbot.wait(8)
        QTest.touchEvent(vp, device).move(0, start - QPoint(0, 30 * step), vp).commit()
    QTest.touchEvent(vp, device).release(0, start - QPoint(0, 180), vp).commit()
    scroller = window.view.touch.scroller
    qtbot.waitUntil(lambda: scroller.state() == scroller.State.Scrolling)
    QTest.touchEvent(vp, device).press(0, _empty_point(window), vp).commit()
    stopped = bar.value()
    qtbot.wait(100)
    assert bar.value() == stopped
    QTest.touchEvent(vp, device).release(0, _empty_point(window), vp).commit()


def test_a_tap_opens_the_card(qtbot, window, team: Team) -> None:
    card_id = team.cards["Renew TLS certificates"]
    device, vp = _device(), window.view.viewport()
    point = window.view.mapFromScene(window.controller.layout.cards[card_id].center())
    QTest.touchEvent(vp, device).press(0, point, vp).commit()
    QTest.touchEvent(vp, device).release(0, point, vp).commit()
    qtbot.waitUntil(lambda: getattr(window, "_dialog", None) is not None)
    editor = window._dialog
    assert isinstance(editor, CardEditorDialog) and editor.isVisible()
    qtbot.waitUntil(lambda: editor.card is not None)
    assert editor.card.id == card_id
    editor.reject()


def test_a_finger_drag_moves_a_card_and_a_short_wobble_is_still_a_tap(
    qtbot, window, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Renew TLS certificates"]
    layout = window.controller.layout
    device, vp = _device(), window.view.viewport()
    start = window.view.mapFromScene(layout.cards[card_id].center())
    # A finger wobbles a few pixels: that is no drag.
    QTest.touchEvent(vp, device).press(0, start, vp).commit()
    QTest.touchEvent(vp, device).move(0, start + QPoint(4, 3), vp).commit()
    QTest.touchEvent(vp, device).release(0, start + QPoint(4, 3), vp).commit()
    qtbot.waitUntil(lambda: getattr(window, "_dialog", None) is not None)
    window._dialog.reject()
    assert service.card(card_id).column_id == team.pool

    end = window.view.mapFromScene(layout.cells[(team.review, ("person", team.bob.id))].center())
    QTest.touchEvent(vp, device).press(0, start, vp).commit()
    for i in range(1, 6):
        QTest.touchEvent(vp, device).move(0, start + (end - start) * (i / 5), vp).commit()
    QTest.touchEvent(vp, device).release(0, end, vp).commit()
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert (card.column_id, card.person_id) == (team.review, team.bob.id)


def test_holding_a_card_at_an_edge_scrolls_until_the_far_cell_shows(
    qtbot, window, service: BoardService, team: Team
) -> None:
    view = window.view
    view.set_zoom(3.5)
    wait_idle(qtbot, window)
    bars, vp = [view.horizontalScrollBar(), view.verticalScrollBar()], view.viewport()
    layout = window.controller.layout
    # The bottom right cell: the farthest a card can go from the pool.
    lowest = max(
        (z for z in layout.zones if z.kind == CELL),
        key=lambda z: (z.rect.bottom(), z.rect.right()),
    )
    assert view.mapFromScene(lowest.rect.center()).y() > vp.height()  # off screen below
    card_id = team.cards["Patch file servers"]
    start = view.mapFromScene(layout.cards[card_id].center())
    assert 0 < start.y() < vp.height()
    device = _device()
    QTest.touchEvent(vp, device).press(0, start, vp).commit()

    def shown(axis: str) -> bool:
        point = view.mapFromScene(lowest.rect.center())
        value, length = (point.x(), vp.width()) if axis == "x" else (point.y(), vp.height())
        return 80 < value < length - 80

    def slide(src: QPoint, dst: QPoint) -> None:
        for i in range(1, 6):
            QTest.touchEvent(vp, device).move(0, src + (dst - src) * (i / 5), vp).commit()

    # The finger goes to the right edge and stands still there: the board
    # scrolls until the column shows; then the same at the bottom edge.
    right = QPoint(vp.width() - 10, start.y())
    slide(start, right)
    qtbot.waitUntil(lambda: shown("x"), timeout=10_000)
    bottom = QPoint(view.mapFromScene(lowest.rect.center()).x(), vp.height() - 10)
    slide(right, bottom)
    qtbot.waitUntil(lambda: shown("y"), timeout=10_000)
    assert all(b.value() > 0 for b in bars)
    target = view.mapFromScene(lowest.rect.center())
    QTest.touchEvent(vp, device).move(0, target, vp).commit()
    QTest.touchEvent(vp, device).release(0, target, vp).commit()
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert (card.column_id, card.person_id) == (lowest.column_id, lowest.lane[1])


def test_pinch_zooms_out_and_in_and_leaves_the_card_where_it_was(
    qtbot, window, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Renew TLS certificates"]
    view = window.view
    on_card = view.mapFromScene(window.controller.layout.cards[card_id].center())
    other = on_card + QPoint(200, 0)
    before = view.zoom
    pinch(window, (on_card, other), (on_card + QPoint(50, 0), other - QPoint(50, 0)))
    assert view.zoom < before  # fingers together: smaller
    smaller = view.zoom
    pinch(window, (QPoint(300, 300), QPoint(350, 300)), (QPoint(250, 300), QPoint(450, 300)))
    assert view.zoom > smaller  # fingers apart: bigger
    wait_idle(qtbot, window)
    assert service.card(card_id).column_id == team.pool  # the pinch moved nothing
    assert getattr(window, "_dialog", None) is None  # nor opened it


def _wall_controls(window: MainWindow) -> list[QAbstractButton]:
    buttons = [b for b in window.wall_bar.findChildren(QAbstractButton) if b.isVisible()]
    return [*buttons, window.wall_undo.offer_button, window.wall_undo.panel.close_button]


def test_every_wall_control_is_finger_sized_at_1080p_and_4k(qtbot, window, team: Team) -> None:
    for height, width in ((1080, 1920), (2160, 3840)):
        window.set_wall(False)
        window.resize(width, height)
        qtbot.waitUntil(lambda h=height: window.height() == h)
        window.set_wall(True, full_screen=False)
        side = touch_target_px(height)
        assert side >= 48 * height / 1080
        window.wall_undo.offer_button.setText("Undo: moved OPS-12 to In progress")
        controls = _wall_controls(window)
        assert window.wall_undo.history_button in controls
        for control in controls:
            hint = control.sizeHint().expandedTo(control.minimumSize())
            assert min(hint.width(), hint.height()) >= side, control.text()
        assert window.view.verticalScrollBar().sizeHint().width() >= side
        assert window.view.horizontalScrollBar().sizeHint().height() >= side
    window.set_wall(False)
    assert window.view.verticalScrollBar().sizeHint().width() < 48
