"""Finger input on the board: pan with kinetic scrolling, drag a card, tap, pinch; edge scroll.

:class:`TouchGestures` reads the touch events of a :class:`~kanban.ui.view.BoardView`:

- one finger that lands on empty board pans it; :class:`QScroller` is fed the
  finger's positions (``handleInput``), so a flick keeps the board gliding and
  slows down like a phone's list;
- one finger that lands on a card drags it (a direct drag: no press-and-hold
  to learn); a finger that lifts without moving far is a tap and opens the card;
- two fingers pinch to zoom (:meth:`BoardView.set_zoom`), and cancel a drag
  the first finger had started.

:class:`EdgeScroll` scrolls the board while a dragged card is held near an
edge of the view, even when the finger or mouse stands still (a timer, not
the move events, drives it), so a card reaches a lane below the screen.

:func:`touch_target_px` is the smallest side of anything a finger must hit on
the wall (9 mm: about 48 px on a 55" 1080p screen), and :func:`make_touch_sized`
applies it to the buttons of a bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPointF, QTimer
from PySide6.QtGui import QTouchEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QScroller, QScrollerProperties, QWidget

if TYPE_CHECKING:
    from kanban.ui.view import BoardView

# 9 mm on a 55" 1080p screen (0.63 mm a pixel) is 14 px; fingers on a wall
# miss more than on a phone, so the usual 48 px touch target at 1080p, scaled
# with the screen's height (a 4K wall of the same size has pixels half as big).
TOUCH_TARGET_AT_1080 = 48
# A finger wobbles more than a mouse: this many times the start-drag distance.
FINGER_SLOP = 2
# Edge scrolling: the band along each edge of the view, and the fastest speed
# (viewport pixels per tick, reached at the very edge).
EDGE_PX = 56
EDGE_MAX_STEP = 28
EDGE_TICK_MS = 16


def touch_target_px(screen_height: int) -> int:
    """The smallest side, in pixels, of a control a finger must hit on this screen."""
    return max(TOUCH_TARGET_AT_1080, round(TOUCH_TARGET_AT_1080 * screen_height / 1080))


def make_touch_sized(bar: QWidget, screen_height: int) -> None:
    """Give every button in ``bar`` at least the touch target's height and width."""
    side = touch_target_px(screen_height)
    for button in bar.findChildren(QAbstractButton):
        button.setMinimumHeight(side)
        button.setMinimumWidth(side)


def edge_step(position: float, length: float) -> float:
    """How far to scroll along one axis for a pointer at ``position`` in a view ``length`` long.

    Negative towards the start, positive towards the end, 0 outside the edge
    bands; faster the closer the pointer is to the edge.
    """
    band = min(EDGE_PX, length / 4)
    if band <= 0:
        return 0.0
    if position < band:
        return -EDGE_MAX_STEP * min(1.0, (band - position) / band)
    if position > length - band:
        return EDGE_MAX_STEP * min(1.0, (position - (length - band)) / band)
    return 0.0


class EdgeScroll(QObject):
    """Scroll the view while a drag is held near one of its edges (see the module docstring)."""

    def __init__(self, view: BoardView) -> None:
        super().__init__(view)
        self.view = view
        self.pointer = QPointF()  # the last pointer position, in viewport pixels
        self.timer = QTimer(self)
        self.timer.setInterval(EDGE_TICK_MS)
        self.timer.timeout.connect(self._tick)

    def follow(self, viewport_pos: QPointF) -> None:
        """The dragging pointer is at ``viewport_pos``: scroll while it stays near an edge."""
        self.pointer = QPointF(viewport_pos)
        if self._step() != (0.0, 0.0):
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()

    def stop(self) -> None:
        self.timer.stop()

    def _step(self) -> tuple[float, float]:
        size = self.view.viewport().size()
        return (
            edge_step(self.pointer.x(), size.width()),
            edge_step(self.pointer.y(), size.height()),
        )

    def _tick(self) -> None:
        if not self.view.dragging:
            self.timer.stop()
            return
        dx, dy = self._step()
        moved = False
        for bar, step in (
            (self.view.horizontalScrollBar(), dx),
            (self.view.verticalScrollBar(), dy),
        ):
            if step:
                before = bar.value()
                bar.setValue(before + round(step))
                moved = moved or bar.value() != before
        if not moved:  # at the end of the board: nothing more to show
            self.timer.stop()
            return
        # The board moved under the still pointer: the card and the drop
        # indicator follow, as if the pointer had moved over the board.
        self.view.drag_to(self.view.mapToScene(self.pointer.toPoint()))


class TouchGestures(QObject):
    """The touch events of a board view (see the module docstring)."""

    def __init__(self, view: BoardView) -> None:
        super().__init__(view)
        self.view = view
        self.scroller = QScroller.scroller(view.viewport())
        props = self.scroller.scrollerProperties()
        # A board has hard edges: no rubber band past them.
        off = QScrollerProperties.OvershootPolicy.OvershootAlwaysOff
        props.setScrollMetric(QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy, off)
        props.setScrollMetric(QScrollerProperties.ScrollMetric.VerticalOvershootPolicy, off)
        self.scroller.setScrollerProperties(props)
        self.panning = False
        self.pinch: tuple[float, float] | None = None  # start distance, start zoom
        self.tap_card: str | None = None  # the card a finger landed on, until it moves

    def handle(self, event: QTouchEvent) -> None:
        event.accept()
        kind = event.type()
        points = event.points()
        if kind == QEvent.Type.TouchCancel:
            self._end_pan(cancel=True)
            self.pinch, self.tap_card = None, None
            self.view.cancel_drag()
            return
        if len(points) >= 2:
            self._pinch(points[0].position(), points[1].position())
            return
        if not points:
            return
        if self.pinch is not None:
            # The second finger lifted: what is left of a pinch is no pan or drag.
            if kind == QEvent.Type.TouchEnd:
                self.pinch = None
            return
        position = points[0].position()
        stamp = event.timestamp()
        scene_pos = self.view.mapToScene(position.toPoint())
        if kind == QEvent.Type.TouchBegin:
            self.tap_card = None
            self.scroller.stop()  # a finger on a gliding board stops it, like a phone
            if self.view.press_at(scene_pos):
                self.tap_card = self.view.pressed_card
            else:
                self.panning = True
                self.scroller.handleInput(QScroller.Input.InputPress, position, stamp)
        elif kind == QEvent.Type.TouchUpdate:
            if self.panning:
                self.scroller.handleInput(QScroller.Input.InputMove, position, stamp)
            else:
                self.view.drag_to(scene_pos, QApplication.startDragDistance() * FINGER_SLOP)
                if self.view.dragging:
                    self.tap_card = None
                    self.view.edge_scroll.follow(position)
        else:
            if self.panning:
                self.scroller.handleInput(QScroller.Input.InputRelease, position, stamp)
                self.panning = False
                return
            tapped, self.tap_card = self.tap_card, None
            self.view.release_at(scene_pos)
            if tapped is not None:
                self.view.card_activated.emit(tapped)

    def _pinch(self, a: QPointF, b: QPointF) -> None:
        # Two fingers mean zoom: a pan or drag the first one started ends here.
        self._end_pan(cancel=True)
        self.tap_card = None
        self.view.cancel_drag()
        distance = max(1.0, ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5)
        if self.pinch is None:
            self.pinch = (distance, self.view.zoom)
        else:
            self.view.set_zoom(self.pinch[1] * distance / self.pinch[0])

    def _end_pan(self, *, cancel: bool) -> None:
        if self.panning and cancel:
            self.scroller.stop()
        self.panning = False
