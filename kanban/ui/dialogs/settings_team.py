"""The People and Columns dialogs: who has a lane, and the board's columns.

Both are a :class:`~kanban.ui.dialogs.settings_list.ListEditor`: a change is
applied through ``BoardService`` as soon as the user applies it, on the
dialog's worker, and ``changed`` is emitted right after so the board reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QColor, QIcon, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from kanban.domain.model import (
    BoardSnapshot,
    Column,
    ColumnKind,
    Person,
)
from kanban.services.board import BoardService
from kanban.ui.dialogs.common import (
    limit_spin,
    limit_value,
    set_limit,
)
from kanban.ui.dialogs.settings_jobs import Step
from kanban.ui.dialogs.settings_list import ListEditor, fit_dialog, swatch


class PeopleDialog(ListEditor[Person]):
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
        fit_dialog(self, 44, 28)

    def _load(self) -> list[Person]:
        return self.service.people(include_inactive=True)

    def _from_board(self, board: BoardSnapshot) -> list[Person]:
        return list(board.people)

    def _label(self, item: Person) -> str:
        limit = f"  (limit {item.wip_limit})" if item.wip_limit is not None else ""
        return item.name + limit + ("" if item.active else "  — inactive")

    def _icon(self, item: Person) -> QIcon | None:
        return swatch(item.colour, max(8, self.fontMetrics().height()))

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


class ColumnsDialog(ListEditor[Column]):
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
        fit_dialog(self, 46, 28)

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
