"""Undo on the wall, where there is no keyboard: an offer after each drop, and a history.

:class:`WallUndo` owns two things a finger can reach:

- the **offer**: after a drop, a big button names what it would take back
  ("Undo: moved OPS-12 to In progress, Bob Jones"). It stays until my next
  change (another drop, an edit, an undo: whatever makes the change it names
  no longer the one undo would take back) or for :data:`OFFER_MS`;
- the **history**: a button in the wall bar opens :class:`UndoHistoryPanel`,
  a touch-sized list of my recent undoable changes, newest first, named like
  every other undo (:func:`kanban.services.undo_history.recent_undo_steps`).
  A tap on one undoes it, and every newer one with it (undo is a stack), in
  one transaction. The panel is not modal: the board stays usable, and it
  closes by itself after :data:`PANEL_IDLE_MS` untouched.

Every lookup and undo runs on the controller's writer, after the writes
already queued, so what is offered is what an undo would take back then.
On a laptop nothing changes: Ctrl+Z and the Edit menu as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from kanban.domain.history import UndoStep
from kanban.services.history_text import ago
from kanban.services.undo_history import recent_undo_steps, undo_back_to
from kanban.ui.controller import BoardController
from kanban.ui.touch import touch_target_px

# How long the offer after a drop stays (unless a newer change replaces it).
OFFER_MS = 30_000
# The history panel closes itself when nobody touched it for this long.
PANEL_IDLE_MS = 60_000
# How many of my changes the history lists.
HISTORY_STEPS = 8
# The offer and the panel keep this far from the view's edges (at 1080p).
MARGIN_AT_1080 = 24


def now() -> datetime:
    return datetime.now().astimezone()


def undone_text(steps: Sequence[UndoStep], when: datetime) -> str:
    """What the wall says after undoing ``steps`` (newest first)."""
    oldest = steps[-1]
    if len(steps) == 1:
        return f"Undone: {oldest.what} ({ago(oldest.at, when)})."
    return f"Undone {len(steps)} changes, back to before: {oldest.what} ({ago(oldest.at, when)})."


def row_text(steps: Sequence[UndoStep], index: int, when: datetime) -> str:
    """One line of the history: the change, how long ago, and what else a tap takes back."""
    step = steps[index]
    text = f"{step.what}\n{ago(step.at, when)}"
    if index == 1:
        text += " · also undoes the newer change above"
    elif index > 1:
        text += f" · also undoes the {index} newer changes above"
    return text


class UndoHistoryPanel(QFrame):
    """The list of my recent changes; a tap asks to undo back to one (see the module docstring).

    Signals:
        undo_requested(int): the index of the row tapped (0 is the newest change).
    """

    undo_requested = Signal(int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("undoHistory")
        self.steps: list[UndoStep] = []
        self.rows: list[QPushButton] = []
        self._layout = QVBoxLayout(self)
        self.title = QLabel("My recent changes: tap one to undo it")
        self.title.setWordWrap(True)
        self.empty = QLabel("")
        self.empty.setWordWrap(True)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.hide)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.empty)
        self._layout.addWidget(self.close_button)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self.hide)
        self.row_height = 72
        self.hide()

    def set_scale(self, screen_height: int) -> None:
        """Text readable and rows easy to hit on a screen ``screen_height`` pixels high."""
        side = touch_target_px(screen_height)
        big, small = round(22 * screen_height / 1080), round(18 * screen_height / 1080)
        self.row_height = round(side * 1.5)
        pad = round(10 * screen_height / 1080)
        self.setStyleSheet(
            "QFrame#undoHistory { background: #263238; border-radius: 12px; }"
            f" QLabel {{ color: white; font-size: {big}px; font-weight: bold; padding: {pad}px; }}"
            f" QPushButton {{ font-size: {small}px; text-align: left; padding: {pad}px;"
            " background: #37474f; color: white; border-radius: 8px; }"
            " QPushButton#close { text-align: center; background: #546e7a; }"
        )
        self.close_button.setObjectName("close")
        self.close_button.setMinimumHeight(side)
        for row in self.rows:
            row.setMinimumHeight(self.row_height)
        margin = round(12 * screen_height / 1080)
        self._layout.setContentsMargins(margin, margin, margin, margin)
        self._layout.setSpacing(margin)

    def show_steps(self, steps: Sequence[UndoStep], when: datetime) -> None:
        """Fill the list with ``steps`` (newest first) and keep it open a while."""
        for row in self.rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self.steps = list(steps)
        self.rows = []
        for index in range(len(self.steps)):
            row = QPushButton(row_text(self.steps, index, when))
            row.setMinimumHeight(self.row_height)
            row.clicked.connect(lambda _c=False, i=index: self._tapped(i))
            self._layout.insertWidget(self._layout.indexOf(self.empty), row)
            self.rows.append(row)
        self.empty.setText("" if self.steps else "Nothing of yours to undo on this board.")
        self.empty.setVisible(not self.steps)
        self.show()
        self.raise_()
        self.idle.start(PANEL_IDLE_MS)

    def _tapped(self, index: int) -> None:
        self.hide()
        self.undo_requested.emit(index)

    def hideEvent(self, event: QHideEvent) -> None:
        self.idle.stop()
        super().hideEvent(event)


class WallUndo(QObject):
    """The wall's undo offer and history (see the module docstring).

    Args:
        controller: the board's controller (its writer runs the lookups and undos).
        view: the board view the offer and the panel float over.
        bar: the wall bar; the history button is added to its layout.
    """

    def __init__(self, controller: BoardController, view: QWidget, bar: QWidget) -> None:
        super().__init__(controller)
        self.controller = controller
        self.view = view
        self.screen_height = 1080
        self.offered: UndoStep | None = None
        self.offer_button = QPushButton("Undo", view)
        self.offer_button.clicked.connect(self.undo_offered)
        self.offer_button.hide()
        self.offer_timer = QTimer(self)
        self.offer_timer.setSingleShot(True)
        self.offer_timer.timeout.connect(self.withdraw)
        self.history_button = QPushButton("Undo history")
        self.history_button.setToolTip("My recent changes on this board; tap one to undo it")
        self.history_button.clicked.connect(self.open_history)
        layout = bar.layout()
        if layout is not None:
            layout.addWidget(self.history_button)
        self.panel = UndoHistoryPanel(view)
        self.panel.undo_requested.connect(self._undo_back_to)
        controller.undo_state.connect(self._undo_state)

    # --- size and place -----------------------------------------------------------

    def set_screen_height(self, height: int) -> None:
        """Size the offer, the history button and the panel for a screen ``height`` px high."""
        self.screen_height = height
        side = touch_target_px(height)
        for button in (self.offer_button, self.history_button):
            button.setMinimumHeight(side)
            button.setMinimumWidth(side)
        self.panel.set_scale(height)
        self.place()

    def place(self) -> None:
        """Keep the offer in the bottom right corner and the panel at the right edge."""
        margin = round(MARGIN_AT_1080 * self.screen_height / 1080)
        self.offer_button.setMaximumWidth(max(200, self.view.width() * 2 // 3))
        self.offer_button.adjustSize()
        self.offer_button.move(
            self.view.width() - self.offer_button.width() - margin,
            self.view.height() - self.offer_button.height() - margin,
        )
        width = min(self.view.width() - 2 * margin, max(420, self.view.width() * 2 // 5))
        self.panel.setFixedWidth(max(200, width))
        self.panel.adjustSize()
        height = min(self.panel.sizeHint().height(), self.view.height() - 2 * margin)
        self.panel.setFixedHeight(max(100, height))
        self.panel.move(self.view.width() - self.panel.width() - margin, margin)

    def hide_all(self) -> None:
        """Leaving wall mode: nothing of this stays on the laptop's board."""
        self.withdraw()
        self.panel.hide()

    # --- the offer after a drop -------------------------------------------------------

    def offer(self) -> None:
        """A drop was written: offer to take it back, named."""
        self.controller.writer.submit(self.controller.service.next_undo, self._offer_named)

    def _offer_named(self, step: UndoStep | None, error: BaseException | None) -> None:
        if error is not None or step is None:
            self.withdraw()
            return
        self.offered = step
        text = f"Undo: {step.what}"
        self.offer_button.setToolTip(text)
        metrics = self.offer_button.fontMetrics()
        room = max(200, self.view.width() * 2 // 3) - 80
        self.offer_button.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, room))
        self.place()
        self.offer_button.show()
        self.offer_button.raise_()
        self.offer_timer.start(OFFER_MS)

    def withdraw(self) -> None:
        self.offered = None
        self.offer_timer.stop()
        self.offer_button.hide()

    def _undo_state(self, _can_undo: bool, _can_redo: bool) -> None:
        # Something of mine was written (or undone): is the offer still the change
        # undo would take back? If not, it goes: "until the next change".
        offered = self.offered
        if offered is None:
            return

        def still(step: UndoStep | None, error: BaseException | None) -> None:
            if self.offered is offered and (
                error is not None or step is None or step.change_id != offered.change_id
            ):
                self.withdraw()

        self.controller.writer.submit(self.controller.service.next_undo, still)

    def undo_offered(self) -> None:
        """The offer was tapped: undo exactly the change it names."""
        step = self.offered
        self.withdraw()
        if step is not None:
            self._run_undo([step])

    # --- the history ------------------------------------------------------------------

    def open_history(self) -> None:
        """Show my recent changes; a second tap on the button closes the list."""
        if self.panel.isVisible():
            self.panel.hide()
            return
        service = self.controller.service
        self.controller.writer.submit(
            lambda: recent_undo_steps(service, HISTORY_STEPS), self._history_read
        )

    def _history_read(self, steps: list[UndoStep] | None, error: BaseException | None) -> None:
        if error is not None:
            self.controller.report(error, "reading your recent changes")
            return
        self.panel.show_steps(steps or [], now())
        self.place()

    def _undo_back_to(self, index: int) -> None:
        steps = self.panel.steps[: index + 1]
        if steps:
            self.withdraw()
            self._run_undo(steps)

    def _run_undo(self, steps: Sequence[UndoStep]) -> None:
        service, said = self.controller.service, undone_text(steps, now())
        self.controller.run_write(
            lambda: undo_back_to(service, steps),
            "undoing",
            lambda _n: self.controller.message.emit(said),
        )
