"""The shape the People and Columns dialogs share: a list, its form, and work on a worker.

:class:`ListEditor` shows the items on the left with add and reorder buttons
and the selected item's form on the right. Moving to another item applies
pending edits first, so nothing is dropped. Every read and write runs on the
dialog's own worker (a :class:`SerialExecutor`); while a write is on its way
the buttons that would start another are disabled, and ``write_finished``
says how it went.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import (
    BoardSnapshot,
    Column,
    Person,
)
from kanban.services.board import BoardService
from kanban.ui.dialogs.common import (
    MessageBanner,
    em,
    show_failure,
)
from kanban.ui.dialogs.settings_jobs import Step, StepsOutcome, run_read, run_steps
from kanban.ui.workers import SerialExecutor

T = TypeVar("T", Person, Column)

# A step of a write and what the dialog does with its result on the GUI thread.
_Action = tuple[Step, Callable[[Any], None]]

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def swatch(colour: str, size: int) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour) if COLOUR_RE.match(colour) else QColor("#999999"))
    return QIcon(pix)


def fit_dialog(dialog: QDialog, width_em: float, height_em: float) -> None:
    """Open at a size in font units, never larger than the screen."""
    width, height = em(dialog, width_em), em(dialog, height_em)
    screen = dialog.screen()
    if screen is not None:
        geo = screen.availableGeometry()
        width, height = min(width, int(geo.width() * 0.95)), min(height, int(geo.height() * 0.9))
    dialog.resize(width, height)


class ListEditor(QDialog, Generic[T]):
    """A list of items with add / up / down, and a form for the selected one.

    Subclasses fill in the item-specific parts; this class keeps the list, the
    selection and the "apply pending edits before switching" rule, and runs
    every read and write on the dialog's worker.

    Signals:
        changed(): after every change that reached the database.
        write_finished(bool): a write came back from the worker (or there was
            nothing to write): True when all of it was stored.
    """

    changed = Signal()
    write_finished = Signal(bool)
    noun = "item"

    def __init__(self, service: BoardService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.items: list[T] = []
        self._current_id: int | None = None
        self._switching = False
        self._loaded = False
        self._busy = False
        self._focus: QWidget | None = None
        # Reads and writes of this dialog, one at a time and in order.
        self._executor = SerialExecutor(f"{self.noun}-settings", self)
        self.setSizeGripEnabled(True)

        outer = QVBoxLayout(self)
        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        outer.addLayout(body, 1)

        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.setMinimumWidth(em(self, 10))
        self.list.currentRowChanged.connect(self._row_changed)
        left.addWidget(self.list, 1)
        order = QHBoxLayout()
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move do&wn")
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        # Enter belongs to the field it is pressed in: "Add" for the name of a new
        # item, "Apply" for the form. No other button may take it (autoDefault).
        for button in (self.up_button, self.down_button):
            button.setAutoDefault(False)
        order.addWidget(self.up_button)
        order.addWidget(self.down_button)
        left.addLayout(order)
        self.add_box = QGroupBox(f"Add a {self.noun}")
        self.add_layout = QFormLayout(self.add_box)
        self.add_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText("name")
        self.new_name.installEventFilter(self)
        self.add_layout.addRow("&Name", self.new_name)
        self.add_button = QPushButton(f"&Add {self.noun}")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        left.addWidget(self.add_box)
        body.addLayout(left, 2)

        self.form_box = QGroupBox(f"Selected {self.noun}")
        right = QVBoxLayout(self.form_box)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        right.addLayout(self.form)
        right.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setAutoDefault(False)
        self.revert_button.clicked.connect(self._show_current)
        self.apply_button = QPushButton("A&pply")
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        right.addLayout(buttons)
        body.addWidget(self.form_box, 3)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.close_button = QPushButton("&Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.accept)
        bottom.addWidget(self.close_button)
        outer.addLayout(bottom)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the new item's name adds it, and the dialog's default button stays put."""
        if (
            watched is self.new_name
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add()
            return True
        return super().eventFilter(watched, event)

    # --- subclass parts ---------------------------------------------------------
    # _load, _update and _move run on the worker: they call the service and touch
    # no widget. _adder reads the widgets it needs on the GUI thread and returns
    # the call to run there.

    def _load(self) -> list[T]:
        raise NotImplementedError

    def _from_board(self, board: BoardSnapshot) -> list[T]:
        raise NotImplementedError

    def _label(self, item: T) -> str:
        raise NotImplementedError

    def _icon(self, item: T) -> QIcon | None:
        return None

    def _fill_form(self, item: T) -> None:
        raise NotImplementedError

    def _form_values(self, item: T) -> dict[str, Any]:
        """The form's values that differ from ``item`` (empty: nothing to apply)."""
        raise NotImplementedError

    def _update(self, item: T, values: dict[str, Any]) -> object:
        raise NotImplementedError

    def _adder(self, name: str) -> Callable[[], T]:
        raise NotImplementedError

    def _move(self, item: T, position: int) -> object:
        raise NotImplementedError

    # --- state --------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """The first read came back (or the board's snapshot was shown)."""
        return self._loaded

    @property
    def busy(self) -> bool:
        """A write is on its way on the worker."""
        return self._busy

    @property
    def idle(self) -> bool:
        """Loaded, and no read or write of the dialog is on its way."""
        return self._loaded and self._executor.pending == 0

    # --- reading ------------------------------------------------------------------

    def _start_loading(self, board: BoardSnapshot | None) -> None:
        """Show the board's snapshot at once (when given), and read the items afresh."""
        if board is not None:
            self._loaded = True
            self._show_items(self._from_board(board), None, keep_form=False)
        else:
            self._update_buttons()
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        """Re-read the items on the worker; they are shown when they arrive, keeping
        the selection (and the form, when it holds edits not yet applied)."""
        load = self._load
        self._executor.submit(
            lambda: run_read(load),
            lambda outcome, error: self._read_arrived(outcome, error, select_id),
        )

    def _read_arrived(
        self,
        outcome: StepsOutcome[list[T]] | None,
        error: BaseException | None,
        select_id: int | None,
    ) -> None:
        self._loaded = True
        load_error = error if outcome is None else outcome.load_error
        if load_error is not None or outcome is None or outcome.items is None:
            show_failure(self.banner, f"loading the {self.noun}s", load_error or RuntimeError())
            self._update_buttons()
            return
        self._show_items(outcome.items, select_id, keep_form=self.is_dirty())

    def _show_items(self, items: list[T], select_id: int | None, *, keep_form: bool) -> None:
        """Show ``items``, selecting ``select_id`` (or the current item, or the first)."""
        previous = self._current_id
        self.items = list(items)
        wanted = select_id if select_id is not None else self._current_id
        self._switching = True
        try:
            self.list.clear()
            row_to_select = 0 if self.items else -1
            for row, item in enumerate(self.items):
                entry = QListWidgetItem(self._label(item))
                icon = self._icon(item)
                if icon is not None:
                    entry.setIcon(icon)
                self.list.addItem(entry)
                if item.id == wanted:
                    row_to_select = row
            self.list.setCurrentRow(row_to_select)
        finally:
            self._switching = False
        self._current_id = self.items[row_to_select].id if row_to_select >= 0 else None
        if keep_form and self._current_id == previous:
            self._update_buttons()  # the user's edits stay in the form
        else:
            self._show_current()

    def current(self) -> T | None:
        return next((i for i in self.items if i.id == self._current_id), None)

    def select(self, name: str) -> None:
        """Select the item with this name (for keyboard users and tests)."""
        for row, item in enumerate(self.items):
            if item.name == name:
                self.list.setCurrentRow(row)
                return
        raise KeyError(name)

    def _update_buttons(self) -> None:
        """Enable what can be used now: nothing that writes while a write is on its way."""
        item = self.current()
        ready = self._loaded and not self._busy
        index = self.items.index(item) if item is not None else -1
        self.list.setEnabled(ready)
        self.add_box.setEnabled(ready)
        self.close_button.setEnabled(not self._busy)
        self.form_box.setEnabled(ready and item is not None)
        self.up_button.setEnabled(ready and index > 0)
        self.down_button.setEnabled(ready and 0 <= index < len(self.items) - 1)
        if item is not None:
            self.form_box.setTitle(f"{self.noun.capitalize()}: {item.name}")

    def _show_current(self) -> None:
        self._update_buttons()
        item = self.current()
        if item is not None:
            self._fill_form(item)

    def is_dirty(self) -> bool:
        item = self.current()
        return item is not None and bool(self._form_values(item))

    def _keep_selection(self) -> None:
        """Put the list's selection back on the current item."""
        item = self.current()
        self._switching = True
        try:
            self.list.setCurrentRow(self.items.index(item) if item is not None else -1)
        finally:
            self._switching = False

    def _row_changed(self, row: int) -> None:
        if self._switching:
            return
        item = self.current()
        target = self.items[row] if 0 <= row < len(self.items) else None
        values = self._form_values(item) if item is not None else {}
        if self._busy or values:
            # Stay on the item until its edits are stored, so they are not lost;
            # the selection moves on when the write comes back.
            self._keep_selection()
            if item is not None and values and target is not None:
                self._start([self._apply_action(item, values, then_select=target.id)])
            return
        if target is not None:
            self._current_id = target.id
            self.banner.clear_message()
            self._show_current()

    # --- writing ------------------------------------------------------------------

    def _start(
        self,
        actions: list[_Action],
        then: Callable[[StepsOutcome[list[T]]], None] | None = None,
    ) -> bool:
        """Run the steps of ``actions`` in order on the worker, then re-read the items.

        Each step that went through has its action run on the GUI thread and
        ``changed`` emitted; the first that fails is shown in the banner and
        stops the rest. ``then`` gets the outcome last. False when nothing was
        started: the items are not loaded yet, or a write is on its way.
        """
        if self._busy or not self._loaded:
            return False
        self._set_busy(True)
        steps = [step for step, _done in actions]
        load = self._load
        self._executor.submit(
            lambda: run_steps(steps, load),
            lambda outcome, error: self._written(actions, outcome, error, then),
        )
        return True

    def _written(
        self,
        actions: list[_Action],
        outcome: StepsOutcome[list[T]] | None,
        error: BaseException | None,
        then: Callable[[StepsOutcome[list[T]]], None] | None,
    ) -> None:
        """A write came back from the worker (on the GUI thread)."""
        if outcome is None:  # the job itself raised: a bug
            outcome = StepsOutcome(failed=actions[0][0], error=error)
        self._set_busy(False)
        for (_step, done), result in zip(actions, outcome.results, strict=False):
            done(result)
            self.changed.emit()
        if outcome.failed is not None:
            show_failure(self.banner, outcome.failed.what, outcome.error or RuntimeError())
        if outcome.load_error is not None:
            show_failure(self.banner, f"loading the {self.noun}s", outcome.load_error)
        elif outcome.items is not None:
            self._show_items(outcome.items, None, keep_form=False)
        if then is not None:
            then(outcome)
        self.write_finished.emit(outcome.complete)

    def _set_busy(self, busy: bool) -> None:
        """While a write is on its way: no second one, and nothing to type into."""
        if busy:
            self._focus = self.focusWidget()
        self._busy = busy
        self._update_buttons()
        if not busy:
            focus, self._focus = self._focus, None
            if focus is not None and focus.isEnabled() and focus.isVisible():
                focus.setFocus()

    def _apply_action(
        self, item: T, values: dict[str, Any], then_select: int | None = None
    ) -> _Action:
        """Write the form's ``values`` to ``item``; then select ``then_select``, if given."""
        name = values.get("name", item.name)

        def saved(_result: object) -> None:
            if then_select is None:
                self.banner.show_message(f"Saved {self.noun} '{name}'.", "info")
            else:  # the user moved on to another item: show that one
                self._current_id = then_select
                self.banner.clear_message()

        return Step(f"saving {self.noun} '{item.name}'", lambda: self._update(item, values)), saved

    def _pending_apply(self) -> list[_Action]:
        """Applying the form first, when it holds edits (nothing is dropped)."""
        item = self.current()
        values = self._form_values(item) if item is not None else {}
        return [self._apply_action(item, values)] if item is not None and values else []

    def apply(self) -> bool:
        """Start applying the form to the selected item on the worker.

        True when the write started or there was nothing to apply (then
        ``write_finished(True)`` follows at once); False when nothing could
        start (loading, or a write is on its way). ``write_finished`` says
        whether it was stored; a refused change is shown in the banner, with
        the user's input left in the form.
        """
        if self._busy or not self._loaded:
            return False
        actions = self._pending_apply()
        if not actions:
            self.write_finished.emit(True)
            return True
        return self._start(actions)

    def add(self) -> bool:
        """Start adding a new item named as typed (pending edits are applied first)."""
        if self._busy or not self._loaded:
            return False
        name = self.new_name.text()
        add_step = Step(f"adding a {self.noun}", self._adder(name))

        def added(created: T) -> None:
            self.new_name.clear()
            self.banner.show_message(f"Added {self.noun} '{created.name}'.", "info")
            self._current_id = created.id

        def then(outcome: StepsOutcome[list[T]]) -> None:
            if outcome.failed is add_step:
                self.new_name.setFocus()

        return self._start([*self._pending_apply(), (add_step, added)], then)

    def move_selected(self, delta: int) -> bool:
        """Start moving the selected item ``delta`` places (pending edits are applied first)."""
        item = self.current()
        if item is None or self._busy or not self._loaded:
            return False
        position = self.items.index(item) + delta
        if not 0 <= position < len(self.items):
            return False
        move = Step(f"moving {self.noun} '{item.name}'", lambda: self._move(item, position))
        return self._start([*self._pending_apply(), (move, lambda _result: None)])

    def accept(self) -> None:
        """Close, applying pending edits first; stays open if they fail.

        While a write is on its way the dialog stays: its outcome is shown here.
        """
        if self._busy:
            return
        actions = self._pending_apply() if self._loaded else []
        if not actions:
            super().accept()
            return

        def then(outcome: StepsOutcome[list[T]]) -> None:
            if outcome.complete:
                QDialog.accept(self)

        self._start(actions, then)
