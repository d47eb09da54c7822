"""Wall mode's board: fitted to the screen, readable from across the room, paged if need be.

:class:`WallBoard` turns fitting on in the controller (see :mod:`kanban.ui.fit`)
at the zoom that makes card titles readable from three metres on this screen,
shows the done cards finished since the stand-up, and, when the team has
more lanes than the screen can hold, rotates pages of lanes every
:data:`ROTATE_MS`. A touch (or a click) pauses the rotation for
:data:`TOUCH_PAUSE_MS`: nobody wants the lane they are dragging into to go.
The same fitting serves the laptop's View → Fit board.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from kanban.ui.controller import BoardController
from kanban.ui.fit import readable_zoom
from kanban.ui.view import BoardView

ROTATE_MS = 20_000
# The fitted zoom may grow to fill the screen, up to this much over the readable one.
GROW_LIMIT = 1.5
TOUCH_PAUSE_MS = 60_000
_TOUCHES = {
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
}


def default_standup(now: datetime) -> datetime:
    """The most recent 09:30 (local time): when most teams stand up."""
    today = now.replace(hour=9, minute=30, second=0, microsecond=0)
    return today if today <= now else today - timedelta(days=1)


def start_of_week(now: datetime) -> datetime:
    """Monday 00:00 of this week (local time): the wall's Done shows the week's work."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=midnight.weekday())


class WallBoard(QObject):
    """Fits the board to the screen and rotates lane pages; ``page_label`` says which is on."""

    page_changed = Signal(int, int)  # page (0-based), pages

    def __init__(self, controller: BoardController, view: BoardView, page_label: QLabel) -> None:
        super().__init__(view)
        self.controller = controller
        self.view = view
        self.page_label = page_label
        self.screen_height = 1080
        self.on = False
        self.rotate_timer = QTimer(self)
        self.rotate_timer.setInterval(ROTATE_MS)
        self.rotate_timer.timeout.connect(self.next_page)
        self.pause_timer = QTimer(self)
        self.pause_timer.setSingleShot(True)
        self.pause_timer.setInterval(TOUCH_PAUSE_MS)
        self.pause_timer.timeout.connect(self._show_page)
        view.viewport().installEventFilter(self)
        controller.board_changed.connect(self._show_page)
        # The screen's size settles after the switch (the bar shows, the window
        # goes full screen): fit again once it has, and after any resize.
        self._fitted_size = view.viewport().size()
        self.resize_timer = QTimer(self)
        self.resize_timer.setSingleShot(True)
        self.resize_timer.setInterval(50)
        self.resize_timer.timeout.connect(self._resized)
        view.resized.connect(self.resize_timer.start)

    @property
    def paused(self) -> bool:
        return self.pause_timer.isActive()

    def start(self, screen_height: int, since: datetime | None = None) -> None:
        """Fit the board for a screen ``screen_height`` pixels high.

        Done cells show the cards finished since ``since`` (the stand-up, when
        the wall highlights it), else this week's.
        """
        self.on = True
        self.screen_height = screen_height
        self.controller.fit = True
        self.controller.paginate = True
        self.controller.lane_page = 0
        self.controller.done_since = since or start_of_week(datetime.now().astimezone())
        self.refit()
        self.rotate_timer.start()

    def stop(self) -> None:
        self.on = False
        self.rotate_timer.stop()
        self.pause_timer.stop()
        self.controller.fit = False
        self.controller.done_since = None
        self.controller.lane_page = 0
        self.page_label.hide()
        self.controller.relayout()

    def refit(self) -> None:
        """The readable zoom, or larger while the board still fits as well (after Ctrl+0 too).

        A small board need not sit in the top half of the screen: the zoom grows
        while every card stays shown with the same faces, up to GROW_LIMIT.
        """
        if not self.on:
            return
        ctrl = self.controller
        self._fitted_size = self.view.viewport().size()
        base = readable_zoom(self.screen_height, ctrl.metrics)
        self._zoom_laid_out(base)
        layout = ctrl.layout
        if layout is None or layout.lanes_capped or layout.pool_capped:
            return
        faces = (layout.metrics.face, layout.pool_metrics.face)
        spare = self.view.viewport().height() / (layout.height * base)
        # A wider zoom narrows the scene, which may push cards to new rows:
        # try the whole spare room, then half of it.
        for grow in (spare * 0.98, 1 + (spare - 1) / 2):
            zoom = base * min(grow, GROW_LIMIT)
            if zoom <= base * 1.02:
                break
            self._zoom_laid_out(zoom)
            grown = ctrl.layout
            if (
                grown is not None
                and not grown.lanes_capped
                and not grown.pool_capped
                and (grown.metrics.face, grown.pool_metrics.face) == faces
                and grown.height * zoom <= self.view.viewport().height()
            ):
                return
        self._zoom_laid_out(base)

    def _zoom_laid_out(self, zoom: float) -> None:
        """The board at ``zoom``, laid out once: a new zoom lays it out by itself
        (the view's zoom_changed), the same zoom does not, and at 5,000 cards
        each layout costs a tenth of a second."""
        ctrl = self.controller
        before = ctrl.layout
        self.view.set_zoom(zoom)
        if ctrl.layout is before:
            ctrl.relayout()

    def set_done_since(self, since: datetime | None) -> None:
        """The stand-up toggle: Done shows what finished since then (None: this week)."""
        if self.on:
            self.controller.done_since = since or start_of_week(datetime.now().astimezone())
            self.controller.relayout()

    def _resized(self) -> None:
        if self.on and self.view.viewport().size() != self._fitted_size:
            self.refit()

    def next_page(self) -> None:
        if self.controller.lane_pages <= 1 or self.paused:
            return
        self.controller.lane_page = (self.controller.lane_page + 1) % self.controller.lane_pages
        self.controller.relayout()

    def pause(self) -> None:
        """Someone is at the board: hold this page for TOUCH_PAUSE_MS after the last touch."""
        if self.on:
            self.pause_timer.start()

    def _show_page(self) -> None:
        pages = self.controller.lane_pages
        if not self.on or pages <= 1:
            self.page_label.hide()
            return
        page = self.controller.lane_page % pages
        held = " · held" if self.paused else ""
        self.page_label.setText(f"Lanes page {page + 1} of {pages}{held}")
        self.page_label.show()
        self.page_changed.emit(page, pages)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.on and event.type() in _TOUCHES:
            was_paused = self.paused
            self.pause()
            if not was_paused:
                self._show_page()
        return False
