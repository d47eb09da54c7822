"""The board's settings dialogs: people, columns, team rules and "who am I".

Every change is applied through ``BoardService`` as soon as the user applies
it (no big "OK" at the end that could lose ten edits to one bad value), and
each dialog emits ``changed`` right after, so the board reloads at once.
Errors are shown in the dialog as written; the dialog stays open with the
user's input in place.

People and columns share one shape (:class:`_ListEditor`): a list on the
left with add and reorder buttons, the selected item's form on the right.
Moving to another item applies pending edits first, so nothing is dropped.

No dialog here takes a database lock on the GUI thread (issue #10): each one
reads and writes on a worker of its own (a :class:`SerialExecutor`, one job at
a time, in order) and shows the result when it comes back. Opened from the
board window, a dialog is filled at once from the board's snapshot (read on
the board's reader) and re-read in the background; opened alone it fills when
its first read arrives (``loaded``). While a write is on its way, the buttons
that would start another are disabled; ``write_finished`` says how it went.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QPixmap, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import (
    RULE_TITLES,
    BoardSnapshot,
    Column,
    ColumnKind,
    Person,
    Rule,
    RuleMode,
    RuleSettings,
)
from kanban.errors import UserError
from kanban.services.board import BoardService
from kanban.settings import Config, config_path, os_user
from kanban.ui.dialogs.common import (
    MessageBanner,
    em,
    limit_spin,
    limit_value,
    run_safely,
    set_limit,
    show_failure,
)
from kanban.ui.dialogs.settings_jobs import Step, StepsOutcome, run_read, run_steps
from kanban.ui.me import find_me, match_person
from kanban.ui.workers import SerialExecutor

T = TypeVar("T", Person, Column)

# A step of a write and what the dialog does with its result on the GUI thread.
_Action = tuple[Step, Callable[[Any], None]]

_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def _swatch(colour: str, size: int) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour) if _COLOUR_RE.match(colour) else QColor("#999999"))
    return QIcon(pix)


def _fit(dialog: QDialog, width_em: float, height_em: float) -> None:
    """Open at a size in font units, never larger than the screen."""
    width, height = em(dialog, width_em), em(dialog, height_em)
    screen = dialog.screen()
    if screen is not None:
        geo = screen.availableGeometry()
        width, height = min(width, int(geo.width() * 0.95)), min(height, int(geo.height() * 0.9))
    dialog.resize(width, height)


class _ListEditor(QDialog, Generic[T]):
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


class PeopleDialog(_ListEditor[Person]):
    """Add and edit the team: name, JIRA user, e-mail, colour, WIP limit, order, active.

    Signals:
        changed(): after every change that reached the database.
    """

    noun = "person"

    def __init__(
        self,
        service: BoardService,
        parent: QWidget | None = None,
        *,
        board: BoardSnapshot | None = None,
    ) -> None:
        super().__init__(service, parent)
        self.setWindowTitle("People")
        self.add_layout.addRow(self.add_button)

        self.name_edit = QLineEdit()
        self.jira_edit = QLineEdit()
        self.jira_edit.setPlaceholderText("JIRA user name or account id")
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("name@example.com")
        self.colour_edit = QLineEdit()
        self.colour_edit.setPlaceholderText("#4e79a7")
        self.colour_button = QPushButton("C&hoose…")
        self.colour_button.clicked.connect(self._choose_colour)
        colour_host = QWidget()
        colour_row = QHBoxLayout(colour_host)
        colour_row.setContentsMargins(0, 0, 0, 0)
        colour_row.addWidget(self.colour_edit, 1)
        colour_row.addWidget(self.colour_button)
        self.wip_spin = limit_spin()
        self.wip_spin.setSuffix(" cards")
        self.active_check = QCheckBox("Active (has a swimlane on the board)")
        self.form.addRow("Na&me", self.name_edit)
        self.form.addRow("&JIRA user", self.jira_edit)
        self.form.addRow("&E-mail", self.email_edit)
        self.form.addRow("C&olour", colour_host)
        self.form.addRow("Personal &WIP limit", self.wip_spin)
        self.form.addRow("", self.active_check)
        self._start_loading(board)
        _fit(self, 44, 28)

    def _load(self) -> list[Person]:
        return self.service.people(include_inactive=True)

    def _from_board(self, board: BoardSnapshot) -> list[Person]:
        return list(board.people)

    def _label(self, item: Person) -> str:
        limit = f"  (limit {item.wip_limit})" if item.wip_limit is not None else ""
        return item.name + limit + ("" if item.active else "  — inactive")

    def _icon(self, item: Person) -> QIcon | None:
        return _swatch(item.colour, max(8, self.fontMetrics().height()))

    def _fill_form(self, item: Person) -> None:
        self.name_edit.setText(item.name)
        self.jira_edit.setText(item.jira_user or "")
        self.email_edit.setText(item.email or "")
        self.colour_edit.setText(item.colour)
        set_limit(self.wip_spin, item.wip_limit)
        self.active_check.setChecked(item.active)

    def _form_values(self, item: Person) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "jira_user": self.jira_edit.text().strip(),
            "email": self.email_edit.text().strip(),
            "colour": self.colour_edit.text().strip(),
            "wip_limit": limit_value(self.wip_spin),
            "active": self.active_check.isChecked(),
        }
        current = {
            "name": item.name,
            "jira_user": item.jira_user or "",
            "email": item.email or "",
            "colour": item.colour,
            "wip_limit": item.wip_limit,
            "active": item.active,
        }
        return {k: v for k, v in values.items() if v != current[k]}

    def _update(self, item: Person, values: dict[str, Any]) -> object:
        return self.service.update_person(item.id, **values)

    def _adder(self, name: str) -> Callable[[], Person]:
        service = self.service
        return lambda: service.add_person(name)

    def _move(self, item: Person, position: int) -> object:
        return self.service.update_person(item.id, position=position)

    def _choose_colour(self) -> None:
        # A modal picker is fine here: it is opened by a click, never by tests.
        colour = QColorDialog.getColor(QColor(self.colour_edit.text()), self, "Lane colour")
        if colour.isValid():
            self.colour_edit.setText(colour.name())


class ColumnsDialog(_ListEditor[Column]):
    """Add, rename, reorder and remove columns; set kind, WIP min/max and JIRA statuses.

    Signals:
        changed(): after every change that reached the database.
    """

    noun = "column"

    def __init__(
        self,
        service: BoardService,
        parent: QWidget | None = None,
        *,
        board: BoardSnapshot | None = None,
    ) -> None:
        super().__init__(service, parent)
        self.setWindowTitle("Columns")
        self.new_kind = QComboBox()
        for kind in (ColumnKind.ACTIVE, ColumnKind.DONE):
            self.new_kind.addItem(kind.value, kind.value)
        self.add_layout.addRow("&Kind", self.new_kind)
        self.add_layout.addRow(self.add_button)

        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        for kind in ColumnKind:
            self.kind_combo.addItem(kind.value, kind.value)
        self.min_spin = limit_spin()
        self.max_spin = limit_spin()
        self.statuses_edit = QLineEdit()
        self.statuses_edit.setPlaceholderText("comma separated, e.g. In Progress, Doing")
        self.waiting_check = QCheckBox("Work &waits here (e.g. for a reviewer)")
        self.waiting_check.setToolTip(
            "Time in a waiting column counts as waiting, not as work, in the report's "
            "flow efficiency."
        )
        hint = QLabel(
            "A column under its minimum or over its maximum shows on the board; "
            "'none' means no limit."
        )
        hint.setWordWrap(True)
        hint.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.form.addRow("Na&me", self.name_edit)
        self.form.addRow("&Kind", self.kind_combo)
        self.form.addRow("WIP m&inimum", self.min_spin)
        self.form.addRow("WIP ma&ximum", self.max_spin)
        self.form.addRow("JIRA &statuses", self.statuses_edit)
        self.form.addRow("", self.waiting_check)
        self.form.addRow(hint)
        self.remove_button = QPushButton("Remo&ve column")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.form.addRow("", self.remove_button)
        self._start_loading(board)
        _fit(self, 46, 28)

    def _load(self) -> list[Column]:
        return self.service.columns()

    def _from_board(self, board: BoardSnapshot) -> list[Column]:
        return list(board.columns)

    def _label(self, item: Column) -> str:
        limits = []
        if item.wip_min is not None:
            limits.append(f"min {item.wip_min}")
        if item.wip_max is not None:
            limits.append(f"max {item.wip_max}")
        if item.waiting:
            limits.append("waiting")
        extra = f"  ({', '.join(limits)})" if limits else ""
        return f"{item.name}  [{item.kind.value}]{extra}"

    def _fill_form(self, item: Column) -> None:
        self.name_edit.setText(item.name)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(item.kind.value))
        # There is exactly one pool: it keeps its kind, and no other column can take it.
        is_pool = item.kind is ColumnKind.POOL
        self.kind_combo.setEnabled(not is_pool)
        model = self.kind_combo.model()
        if isinstance(model, QStandardItemModel):  # what a QComboBox makes by itself
            pool_entry = model.item(self.kind_combo.findData(ColumnKind.POOL.value))
            if pool_entry is not None:
                pool_entry.setEnabled(is_pool)
        set_limit(self.min_spin, item.wip_min)
        set_limit(self.max_spin, item.wip_max)
        self.statuses_edit.setText(", ".join(item.jira_statuses))
        self.waiting_check.setChecked(item.waiting)
        # Only work in progress can wait: the pool and done have no flow to measure.
        self.waiting_check.setEnabled(item.kind is ColumnKind.ACTIVE)
        # The pool is the one column that must stay.
        self.remove_button.setEnabled(item.kind is not ColumnKind.POOL)

    def _form_values(self, item: Column) -> dict[str, Any]:
        statuses = [s.strip() for s in self.statuses_edit.text().split(",") if s.strip()]
        values: dict[str, Any] = {
            "name": self.name_edit.text().strip(),
            "kind": self.kind_combo.currentData(),
            "wip_min": limit_value(self.min_spin),
            "wip_max": limit_value(self.max_spin),
            "jira_statuses": statuses,
            "waiting": self.waiting_check.isChecked(),
        }
        current = {
            "name": item.name,
            "kind": item.kind.value,
            "wip_min": item.wip_min,
            "wip_max": item.wip_max,
            "jira_statuses": list(item.jira_statuses),
            "waiting": item.waiting,
        }
        return {k: v for k, v in values.items() if v != current[k]}

    def _update(self, item: Column, values: dict[str, Any]) -> object:
        return self.service.update_column(item.id, **values)

    def _adder(self, name: str) -> Callable[[], Column]:
        service, kind = self.service, self.new_kind.currentData()
        return lambda: service.add_column(name, kind=kind)

    def _move(self, item: Column, position: int) -> object:
        return self.service.update_column(item.id, position=position)

    def remove_selected(self) -> bool:
        """Start removing the selected column; a column that holds cards is refused."""
        item = self.current()
        if item is None or self._busy or not self._loaded:
            return False
        service = self.service

        def removed(_result: object) -> None:
            self.banner.show_message(f"Removed column '{item.name}'.", "info")
            self._current_id = None

        step = Step(f"removing column '{item.name}'", lambda: service.remove_column(item.id))
        return self._start([(step, removed)])


class RulesDialog(QDialog):
    """Off / warn / enforce for each team rule, and the biggest card size; applied at once.

    Signals:
        changed(): after every change that reached the database.
        write_finished(bool): a change came back from the worker: True when stored.
    """

    changed = Signal()
    write_finished = Signal(bool)

    def __init__(
        self,
        service: BoardService,
        parent: QWidget | None = None,
        *,
        board: BoardSnapshot | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings: RuleSettings | None = None
        self._loaded = False
        self._busy = False
        self._close_when_written = False
        self._focus: QWidget | None = None
        self._executor = SerialExecutor("rules-settings", self)
        self.setWindowTitle("Team rules")
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)
        intro = QLabel(
            "Warn: the board asks for a reason and keeps it in the card's history. "
            "Enforce: the board refuses the change."
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)

        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        self.mode_combos: dict[Rule, QComboBox] = {}
        for row, rule in enumerate(Rule):
            label = QLabel(RULE_TITLES[rule])
            label.setWordWrap(True)
            combo = QComboBox()
            for mode in RuleMode:
                combo.addItem(mode.value.capitalize(), mode.value)
            label.setBuddy(combo)
            self.mode_combos[rule] = combo
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
        row = len(Rule)
        self.max_days = QDoubleSpinBox()
        self.max_days.setRange(0.25, 365)
        self.max_days.setDecimals(2)
        self.max_days.setSingleStep(0.5)
        self.max_days.setSuffix(" days")
        days_label = QLabel("Biggest card size before it is flagged")
        days_label.setWordWrap(True)
        days_label.setBuddy(self.max_days)
        grid.addWidget(days_label, row, 0)
        grid.addWidget(self.max_days, row, 1)
        outer.addLayout(grid)
        outer.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.accept)
        bottom.addWidget(self.close_button)
        outer.addLayout(bottom)

        # No change is written until the stored rules are shown.
        self._loading = True
        for rule, combo in self.mode_combos.items():
            combo.currentIndexChanged.connect(lambda _i, r=rule: self.set_mode(r))
        # editingFinished, not valueChanged: one change per decision, not per arrow click.
        self.max_days.editingFinished.connect(self.apply_max_days)
        if board is not None:
            self._show_settings(board.rules)
        self._update_widgets()
        self.reload()
        _fit(self, 36, 16)

    @property
    def loaded(self) -> bool:
        """The stored rules are shown (from the board's snapshot or the first read)."""
        return self._loaded

    @property
    def busy(self) -> bool:
        """A change is on its way on the worker."""
        return self._busy

    @property
    def idle(self) -> bool:
        return self._loaded and self._executor.pending == 0

    def reload(self) -> None:
        """Read the rules on the worker and show them when they arrive."""
        self._executor.submit(lambda: run_read(self.service.rules), self._read_arrived)

    def _read_arrived(
        self, outcome: StepsOutcome[RuleSettings] | None, error: BaseException | None
    ) -> None:
        load_error = error if outcome is None else outcome.load_error
        if outcome is None or outcome.items is None:
            show_failure(self.banner, "loading the team rules", load_error or RuntimeError())
            self._loaded = True
            self._update_widgets()
            return
        self._show_settings(outcome.items)
        self._update_widgets()

    def _show_settings(self, settings: RuleSettings) -> None:
        self.settings = settings
        self._loaded = True
        self._loading = True
        try:
            for rule, combo in self.mode_combos.items():
                combo.setCurrentIndex(combo.findData(settings.mode(rule).value))
            self.max_days.setValue(settings.max_card_days)
        finally:
            self._loading = False

    def _update_widgets(self) -> None:
        ready = self.settings is not None and not self._busy
        for combo in self.mode_combos.values():
            combo.setEnabled(ready)
        self.max_days.setEnabled(ready)
        self.close_button.setEnabled(not self._busy)

    def set_mode(self, rule: Rule) -> bool:
        """Start writing the mode chosen for ``rule``; False when nothing was started."""
        if self._loading:
            return False
        if self._busy or self.settings is None:
            # Not now: the combo goes back to what is stored.
            if self.settings is not None:
                self._show_settings(self.settings)
            return False
        mode = self.mode_combos[rule].currentData()
        service = self.service

        def failed() -> None:
            self.reload()  # show what is stored

        return self._write(
            Step(f"changing the rule '{RULE_TITLES[rule]}'", lambda: service.set_rule(rule, mode)),
            f"'{RULE_TITLES[rule]}' is now {mode}.",
            failed,
        )

    def apply_max_days(self) -> bool:
        """Start writing the biggest card size, when it differs from the stored one."""
        if self._loading or self._busy or self.settings is None:
            return False
        value = round(self.max_days.value(), 2)
        if abs(self.settings.max_card_days - value) < 0.005:
            return False
        service = self.service
        return self._write(
            Step("changing the biggest card size", lambda: service.set_max_card_days(value)),
            f"Cards over {value:g} days are now flagged.",
        )

    def _write(self, step: Step, message: str, failed: Callable[[], None] | None = None) -> bool:
        """Run ``step`` (a call returning the new rules) on the worker, the widgets disabled."""
        self._focus = self.focusWidget()
        self._busy = True
        self._update_widgets()

        def written(outcome: StepsOutcome[None] | None, error: BaseException | None) -> None:
            self._busy = False
            focus, self._focus = self._focus, None
            close, self._close_when_written = self._close_when_written, False
            if outcome is not None and outcome.results:
                self._show_settings(outcome.results[0])
                self._update_widgets()
                self.banner.show_message(message, "info")
                self.changed.emit()
            else:
                show_failure(
                    self.banner, step.what, (outcome.error if outcome else error) or RuntimeError()
                )
                self._update_widgets()
                if failed is not None:
                    failed()
            if focus is not None and focus.isEnabled() and focus.isVisible():
                focus.setFocus()
            ok = outcome is not None and outcome.complete
            if ok and close:
                QDialog.accept(self)
            self.write_finished.emit(ok)

        self._executor.submit(lambda: run_steps([step]), written)
        return True

    def accept(self) -> None:
        """Close; a value typed but not yet confirmed with Enter or Tab still counts.

        It is written first, and the dialog closes when it is stored (it stays,
        showing why, when it is refused). While a change is on its way the
        dialog stays: its outcome is shown here.
        """
        if self._busy:
            return
        if self.apply_max_days():
            self._close_when_written = True
            return
        super().accept()


def match_os_user(people: list[Person], user: str | None = None) -> Person | None:
    """The person a user name stands for (the board's own matching, ``kanban.ui.me``)."""
    return match_person(people, os_user() if user is None else user)


def current_person(service: BoardService, config: Config | None = None) -> Person | None:
    """Who "I" am on this board: ``Config.me`` if it names a person, else the OS user's match.

    The board's "My board" filter uses the same rule; None means nobody matches yet.
    """
    cfg = config or Config.load()
    return find_me(service.people(include_inactive=True), cfg.me, os_user())


class MeDialog(QDialog):
    """Choose which person "I" am; stored as ``me`` in the config file.

    Signals:
        changed(): after the choice was written to the config file.
    """

    changed = Signal()

    def __init__(
        self,
        service: BoardService,
        parent: QWidget | None = None,
        *,
        board: BoardSnapshot | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._loaded = False
        self._filling = False
        self._chosen = False
        self._executor = SerialExecutor("me-settings", self)
        self.setWindowTitle("Who am I?")
        outer = QVBoxLayout(self)
        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)
        explain = QLabel(
            '"My board" shows your lane, the task pool and your not-ready cards. '
            f"Without a choice here, the board matches your computer user name "
            f"('{os_user()}') to a person."
        )
        explain.setWordWrap(True)
        outer.addWidget(explain)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.person_combo = QComboBox()
        self.person_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.person_combo.currentIndexChanged.connect(self._person_chosen)
        form.addRow("&I am", self.person_combo)
        outer.addLayout(form)
        outer.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(cancel)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        # The config file is read here (a file, no database lock); the people on the worker.
        try:
            self.config = Config.load()
        except UserError as exc:
            self.banner.show_message(str(exc))
            self.config = Config()
        if board is not None:
            self._fill(list(board.people))
        self._update_buttons()
        self.reload()
        _fit(self, 30, 12)

    @property
    def loaded(self) -> bool:
        """The people are shown (from the board's snapshot or the first read)."""
        return self._loaded

    @property
    def idle(self) -> bool:
        return self._loaded and self._executor.pending == 0

    def reload(self) -> None:
        """Read the people on the worker; a person already chosen stays chosen."""
        service = self.service
        self._executor.submit(lambda: run_read(service.people), self._people_arrived)

    def _people_arrived(
        self, outcome: StepsOutcome[list[Person]] | None, error: BaseException | None
    ) -> None:
        if outcome is None or outcome.items is None:
            load_error = error if outcome is None else outcome.load_error
            show_failure(self.banner, "loading the people", load_error or RuntimeError())
            if not self._loaded:
                self._fill([])
        else:
            self._fill(outcome.items)
        self._update_buttons()

    def _person_chosen(self, _index: int) -> None:
        if not self._filling:
            self._chosen = True

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self._loaded)

    def _fill(self, people: list[Person]) -> None:
        chosen = self.person_combo.currentData() if self._chosen else None
        self._filling = True
        try:
            self.person_combo.clear()
            self._fill_combo(people)
            if chosen is not None:
                index = self.person_combo.findData(chosen)
                if index >= 0:
                    self.person_combo.setCurrentIndex(index)
        finally:
            self._filling = False
        self._loaded = True

    def _fill_combo(self, people: list[Person]) -> None:
        config = self.config
        matched = match_os_user(people)
        auto = f"Match my computer user ('{os_user()}')"
        auto += f": {matched.name}" if matched else ": no match yet"
        self.person_combo.addItem(auto, "")
        for p in people:
            self.person_combo.addItem(p.name + ("" if p.active else " (inactive)"), p.name)
        index = 0
        if config.me:
            index = self.person_combo.findData(config.me)
            if index < 0:
                # A name from an older config that no longer matches: show it, keep it.
                self.person_combo.addItem(f"{config.me} (not on this board)", config.me)
                index = self.person_combo.count() - 1
        elif matched is not None:
            index = self.person_combo.findData(matched.name)
        self.person_combo.setCurrentIndex(max(index, 0))

    def choose(self, name: str) -> None:
        """Select a person by name (for keyboard users and tests)."""
        index = self.person_combo.findData(name)
        if index < 0:
            raise KeyError(name)
        self.person_combo.setCurrentIndex(index)

    def save(self) -> bool:
        if not self._loaded:
            return False
        me = self.person_combo.currentData() or None

        def write() -> bool:
            config = Config.load()
            config.me = me
            try:
                config.save()
            except OSError as exc:
                raise UserError(
                    f"Could not write the config file {config_path()} ({exc.strerror}); "
                    "check that its folder is writable."
                ) from exc
            return True

        done = run_safely(self.banner, "saving who you are", write)
        if done is None:
            return False
        self.changed.emit()
        self.accept()
        return True


__all__ = ["ColumnsDialog", "MeDialog", "PeopleDialog", "RulesDialog", "current_person"]
