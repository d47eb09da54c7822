"""The board's QGraphicsView: drag and drop by mouse and touch, zoom, keyboard.

Dragging is done here rather than with QDrag: the card item follows the
pointer inside the scene, a drop indicator shows where it will land, and on
release the view emits ``card_dropped`` with the zone and the card it lands
before. That works the same for a mouse, a touch screen and QTest events, and
needs no nested event loop. Finger gestures (pan with kinetic scrolling, tap,
pinch) are read by :class:`~kanban.ui.touch.TouchGestures`; a drag held near an
edge scrolls the board (:class:`~kanban.ui.touch.EdgeScroll`).

Signals:
    card_dropped(str, object, str): card id, the layout Zone, the card id it
        lands before ("" for the end of the zone).
    card_activated(str): Enter, a double-click or a tap on a card.
    card_selected(str): the current card changed.
    lane_toggled(object): a lane header was clicked (its LaneKey).
    add_requested(): the pool's "+" was clicked.
    archive_requested(str): Delete on the current card.
    zoom_changed(float): the zoom factor changed (Ctrl+wheel, pinch, keys).
    resized(): the viewport changed size.
    painted(): a paint of the viewport is done (a drop's write waits for it).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPixmapCache,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QGraphicsView, QLabel, QWidget

from kanban.ui import items as it
from kanban.ui.scene import BoardScene
from kanban.ui.touch import EdgeScroll, TouchGestures

MIN_ZOOM = 0.4
PIXMAP_CACHE_KB = 96 * 1024
MAX_ZOOM = 6.0

HELP_TEXT = """<h2>Keyboard and touch</h2>
<table cellspacing="6">
<tr><td><b>← → ↑ ↓</b></td><td>move between cards</td></tr>
<tr><td><b>Enter</b> / double-click / tap</td><td>open the card editor</td></tr>
<tr><td><b>N</b> or <b>+</b> in the pool</td><td>new card</td></tr>
<tr><td><b>/</b></td><td>search; <b>Esc</b> in the search box: clear the search</td></tr>
<tr><td><b>Shift+→</b> / <b>Shift+←</b></td><td>move the card to the next / previous
column</td></tr>
<tr><td><b>A</b></td><td>assign the card (pick a person)</td></tr>
<tr><td><b>B</b></td><td>block the card with a reason; <b>B</b> again unblocks it</td></tr>
<tr><td><b>E</b></td><td>edit the card</td></tr>
<tr><td><b>Delete</b></td><td>archive the card (Ctrl+Z brings it back)</td></tr>
<tr><td><b>Ctrl+Z</b> / <b>Ctrl+Shift+Z</b></td><td>undo / redo (every change above too)</td></tr>
<tr><td><b>F11</b></td><td>wall mode on / off</td></tr>
<tr><td><b>M</b></td><td>My board on / off</td></tr>
<tr><td><b>Ctrl+wheel</b>, pinch, <b>Ctrl +/−/0</b></td><td>zoom</td></tr>
<tr><td>drag a card</td><td>move it; drop on <i>Not ready</i> to block it;
hold it near an edge to scroll</td></tr>
<tr><td>finger on empty board</td><td>pan; flick to glide</td></tr>
<tr><td>click a lane header</td><td>collapse or expand the lane</td></tr>
<tr><td><b>?</b> / <b>Esc</b></td><td>show / hide this help</td></tr>
</table>
<h3>On a card</h3>
<table cellspacing="6">
<tr><td><b>●●○○○</b></td><td>days in its column, one dot a day: grey under 2 days,
amber from 2, red from 4; past 5 the number of days follows</td></tr>
<tr><td><b>+N</b></td><td>N more labels; hover over the card for all of them</td></tr>
<tr><td>red text</td><td>not ready, and why; hover for the whole reason</td></tr>
</table>"""


class BoardView(QGraphicsView):
    """Shows a :class:`BoardScene`; see the module docstring for its signals."""

    card_dropped = Signal(str, object, str)
    card_activated = Signal(str)
    card_selected = Signal(str)
    lane_toggled = Signal(object)
    add_requested = Signal()
    archive_requested = Signal(str)
    zoom_changed = Signal(float)
    resized = Signal()
    painted = Signal()

    def __init__(self, scene: BoardScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.board_scene = scene
        self.zoom = 1.0
        self.current: str | None = None
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        # Cards are cached as pixmaps; at 4K a screenful of them is ~40 MB, well
        # over Qt's 10 MB default, which would re-render every card each paint.
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), PIXMAP_CACHE_KB))
        # The zone backgrounds change only with the layout (the scene invalidates them).
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        # Items restore their own painter state and keep inside their bounds.
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontSavePainterState
            | QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self._press: tuple[str, QPointF, QPointF] | None = None  # card, scene pos, offset
        self._dragging = False
        self._drag_origin = QPointF()
        self.edge_scroll = EdgeScroll(self)
        self.touch = TouchGestures(self)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._scrolled())
        self.help = QLabel(HELP_TEXT, self)
        self.help.setStyleSheet(
            "QLabel { background: rgba(33,33,33,235); color: white; padding: 18px;"
            " border-radius: 10px; font-size: 15px; }"
        )
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.hide()

    # --- zoom ----------------------------------------------------------------

    def set_zoom(self, zoom: float) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        if abs(zoom - self.zoom) < 1e-4:
            return
        self.zoom = zoom
        self.setTransform(QTransform.fromScale(zoom, zoom))
        self.zoom_changed.emit(zoom)

    def scroll_bar_width(self) -> float:
        """The width, in scene units, a vertical scroll bar takes when it appears."""
        bar = self.verticalScrollBar()
        if bar.isVisible():
            return 0.0
        return bar.sizeHint().width() / self.zoom

    def visible_width(self) -> float:
        """The width the layout should fill, in scene units."""
        return max(200.0, (self.viewport().width() - 2) / self.zoom)

    def visible_height(self) -> float:
        """The height a fitted layout must end within, in scene units."""
        return max(200.0, (self.viewport().height() - 2) / self.zoom)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            self.set_zoom(self.zoom * (1.1**steps))
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_help()
        self.resized.emit()

    # --- help overlay ---------------------------------------------------------

    def toggle_help(self, show: bool | None = None) -> None:
        show = not self.help.isVisible() if show is None else show
        if show:
            self.help.adjustSize()
            self._place_help()
            self.help.raise_()
        self.help.setVisible(show)

    def _place_help(self) -> None:
        size = self.help.sizeHint()
        self.help.move(
            max(0, (self.width() - size.width()) // 2), max(0, (self.height() - size.height()) // 2)
        )

    # --- pointer: press, drag, release ---------------------------------------

    def _card_at(self, scene_pos: QPointF) -> it.CardItem | None:
        for item in self.board_scene.items(scene_pos):
            if item.type() == it.CARD_TYPE:
                return item  # type: ignore[return-value]
            if item in self.board_scene.sticky:
                return None  # a header row over the card
        return None

    def _scrolled(self) -> None:
        # The window deletes the scene before this view, and the scroll bars
        # still move while the view goes away.
        if shiboken6.isValid(self.board_scene):
            self.board_scene.stick(self.mapToScene(0, 0).y())

    @property
    def dragging(self) -> bool:
        """True while a card follows the pointer (mouse or finger)."""
        return self._dragging

    @property
    def pressed_card(self) -> str | None:
        """The card the pointer went down on, until it is released."""
        return self._press[0] if self._press is not None else None

    def press_at(self, scene_pos: QPointF) -> bool:
        """Start a possible drag or click at ``scene_pos``; True if something took it."""
        self.help.hide()
        card = self._card_at(scene_pos)
        if card is not None:
            self.select(card.card.id)
            self._press = (card.card.id, scene_pos, scene_pos - card.pos())
            self._dragging = False
            return True
        for item in self.board_scene.items(scene_pos):
            if item.type() == it.LANE_HEADER_TYPE:
                self.lane_toggled.emit(item.lane.key)  # type: ignore[attr-defined]
                return True
            if item.type() == it.ADD_BUTTON_TYPE:
                self.add_requested.emit()
                return True
        return False

    def drag_to(self, scene_pos: QPointF, threshold: float | None = None) -> None:
        """The pointer is at ``scene_pos``: the pressed card follows once it moved ``threshold``."""
        if self._press is None:
            return
        card_id, start, offset = self._press
        item = self.board_scene.card_items.get(card_id)
        if item is None:
            return
        if not self._dragging:
            limit = QApplication.startDragDistance() if threshold is None else threshold
            if (scene_pos - start).manhattanLength() * self.zoom < limit:
                return
            self._dragging = True
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            self._drag_origin = item.pos()
            item.setZValue(100)
            item.setOpacity(0.85)
        item.setPos(scene_pos - offset)
        self._show_indicator(scene_pos, card_id)

    def _show_indicator(self, scene_pos: QPointF, card_id: str) -> None:
        layout = self.board_scene.layout
        indicator = self.board_scene.indicator
        zone = layout.zone_at(scene_pos) if layout else None
        if layout is None or zone is None:
            indicator.setVisible(False)
            return
        before = layout.insert_before(zone, scene_pos, card_id)
        bar = QRectF()
        if before is not None:
            rect = layout.cards[before]
            bar = QRectF(rect.left() - 4, rect.top(), 3, rect.height())
        indicator.show_at(zone.rect, bar)

    def cancel_drag(self) -> None:
        """Forget the press; a dragged card goes back to its place, nothing is dropped."""
        press, dragging = self._press, self._dragging
        self._press, self._dragging = None, False
        self.edge_scroll.stop()
        self.board_scene.indicator.setVisible(False)
        self.viewport().unsetCursor()
        item = self.board_scene.card_items.get(press[0]) if press is not None else None
        if item is not None and dragging:
            item.setZValue(1)
            item.setOpacity(1.0)
            # Back to its slot until the board is redrawn with the card's new place.
            item.setPos(self._drag_origin)

    def release_at(self, scene_pos: QPointF) -> None:
        """The pointer went up at ``scene_pos``: a dragged card is dropped there."""
        press, dragging = self._press, self._dragging
        self.cancel_drag()
        if press is None or not dragging:
            return
        layout = self.board_scene.layout
        zone = layout.zone_at(scene_pos) if layout else None
        if layout is None or zone is None:
            return
        card_id = press[0]
        self.card_dropped.emit(card_id, zone, layout.insert_before(zone, scene_pos, card_id) or "")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.press_at(
            self.mapToScene(event.position().toPoint())
        ):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            self.drag_to(self.mapToScene(event.position().toPoint()))
            if self._dragging:
                self.edge_scroll.follow(event.position())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            self.release_at(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        card = self._card_at(self.mapToScene(event.position().toPoint()))
        if card is not None:
            self._press = None
            self.card_activated.emit(card.card.id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.TouchBegin,
            QEvent.Type.TouchUpdate,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            self.touch.handle(event)  # type: ignore[arg-type]
            return True
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Type.Paint:
            self.painted.emit()
        return handled

    def set_touch_size(self, side: int | None) -> None:
        """Scroll bars a finger can hold (``side`` px wide), or the style's own (None)."""
        if side is None:
            self.setStyleSheet("")
            return
        radius = side // 4
        self.setStyleSheet(
            f"QScrollBar:vertical {{ width: {side}px; background: #eceff1; }}"
            f" QScrollBar:horizontal {{ height: {side}px; background: #eceff1; }}"
            f" QScrollBar::handle {{ background: #90a4ae; border-radius: {radius}px;"
            f" min-height: {side}px; min-width: {side}px; margin: 4px; }}"
            " QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; }"
            " QScrollBar::add-page, QScrollBar::sub-page { background: none; }"
        )

    # --- keyboard --------------------------------------------------------------

    def select(self, card_id: str | None) -> None:
        old, self.current = self.current, card_id
        self.board_scene.set_selected(old, card_id)
        item = self.board_scene.card_items.get(card_id) if card_id else None
        if item is not None:
            self.ensureVisible(item, 16, 16)
        if card_id and card_id != old:
            self.card_selected.emit(card_id)

    def neighbour(self, key: int) -> str | None:
        """The nearest shown card in an arrow key's direction from the current one."""
        cards = self.board_scene.layout.cards if self.board_scene.layout else {}
        shown = {k: r for k, r in cards.items() if k in self.board_scene.card_items}
        if not shown:
            return None
        if self.current not in shown:
            return min(shown, key=lambda k: (shown[k].top(), shown[k].left()))
        here = shown[self.current].center()
        best: tuple[float, str] | None = None
        for card_id, rect in shown.items():
            if card_id == self.current:
                continue
            dx, dy = rect.center().x() - here.x(), rect.center().y() - here.y()
            if key == Qt.Key.Key_Right and dx > 1:
                score = dx + 3 * abs(dy)
            elif key == Qt.Key.Key_Left and dx < -1:
                score = -dx + 3 * abs(dy)
            elif key == Qt.Key.Key_Down and dy > 1:
                score = dy + 3 * abs(dx)
            elif key == Qt.Key.Key_Up and dy < -1:
                score = -dy + 3 * abs(dx)
            else:
                continue
            if best is None or score < best[0]:
                best = (score, card_id)
        return best[1] if best else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                target = self.neighbour(key)
                if target is not None:
                    self.select(target)
                event.accept()
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current:
            self.card_activated.emit(self.current)
            event.accept()
            return
        if key == Qt.Key.Key_Delete and self.current:
            self.archive_requested.emit(self.current)
            event.accept()
            return
        if key == Qt.Key.Key_Escape and self.help.isVisible():
            self.help.hide()
            event.accept()
            return
        super().keyPressEvent(event)
