"""The Labels dialog: the labels used on the board, each with its colour and card count.

Pick a label and *Colour…* (or double-click it) to give it a colour; *Default
colour* takes it away. A colour is stored with the board at once
(:func:`kanban.services.labels.set_label_colour`) on the dialog's own worker,
so the GUI thread never waits on the database, and ``changed`` tells the
window to redraw the cards' chips. Failures are shown in the dialog's banner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kanban.services.board import BoardService
from kanban.services.labels import DEFAULT_LABEL_COLOUR, LabelInfo, labels, set_label_colour
from kanban.ui.dialogs.common import MessageBanner, em, show_failure
from kanban.ui.dialogs.settings_jobs import Step, StepsOutcome, run_read, run_steps
from kanban.ui.workers import SerialExecutor

# Asks for a colour, starting from ``current``; None when cancelled.
ColourChooser = Callable[[str, QWidget], "str | None"]


def _choose_colour(current: str, parent: QWidget) -> str | None:
    colour = QColorDialog.getColor(QColor(current), parent, "Label colour")
    return colour.name() if colour.isValid() else None


class LabelsDialog(QDialog):
    """Lists the board's labels and sets their colours; see the module docstring."""

    changed = Signal()

    def __init__(self, service: BoardService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setWindowTitle("Labels")
        self.choose_colour: ColourChooser = _choose_colour
        self.worker = SerialExecutor("kanban-labels", self)
        self.items: list[LabelInfo] = []

        layout = QVBoxLayout(self)
        self.banner = MessageBanner(self)
        layout.addWidget(self.banner)
        intro = QLabel(
            "Labels on the board's cards. A label's colour is used on the cards and in the "
            "reports, for the whole team."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Label", "Colour", "Cards"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.pick_colour(row))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table)
        self.empty = QLabel(
            "No labels yet: give a card labels in its editor, then colour them here."
        )
        self.empty.setWordWrap(True)
        self.empty.hide()
        layout.addWidget(self.empty)

        row = QHBoxLayout()
        self.colour_button = QPushButton("Colour…")
        self.colour_button.clicked.connect(lambda: self.pick_colour(self.table.currentRow()))
        self.default_button = QPushButton("Default colour")
        self.default_button.clicked.connect(
            lambda: self._set(self.table.currentRow(), None)
        )
        for button in (self.colour_button, self.default_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(em(self, 28), em(self, 24))
        self.worker.submit(lambda: run_read(lambda: labels(service)), self._shown)

    # --- showing --------------------------------------------------------------------

    def _shown(self, outcome: StepsOutcome[list[LabelInfo]] | None, error: object) -> None:
        if outcome is None:
            return
        if outcome.failed is not None and outcome.error is not None:
            show_failure(self.banner, outcome.failed.what, outcome.error)
        if outcome.load_error is not None:
            show_failure(self.banner, "reading the labels", outcome.load_error)
        if outcome.items is not None:
            self.fill(outcome.items)
        if outcome.results:
            self.changed.emit()

    def fill(self, items: Sequence[LabelInfo]) -> None:
        selected = self._current_name()
        self.items = list(items)
        self.table.setRowCount(len(self.items))
        for row, info in enumerate(self.items):
            self.table.setItem(row, 0, QTableWidgetItem(info.name))
            colour = QTableWidgetItem(info.colour or "default")
            swatch = QColor(info.colour or DEFAULT_LABEL_COLOUR)
            colour.setBackground(QBrush(swatch))
            colour.setForeground(
                QBrush(QColor("#ffffff" if swatch.lightnessF() < 0.6 else "#1d1d1d"))
            )
            self.table.setItem(row, 1, colour)
            count = QTableWidgetItem(str(info.cards))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 2, count)
            if info.name == selected:
                self.table.selectRow(row)
        self.table.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)
        self._selection_changed()

    def _current_name(self) -> str | None:
        row = self.table.currentRow()
        return self.items[row].name if 0 <= row < len(self.items) else None

    def _selection_changed(self) -> None:
        row = self.table.currentRow()
        chosen = 0 <= row < len(self.items)
        self.colour_button.setEnabled(chosen)
        self.default_button.setEnabled(chosen and self.items[row].colour is not None)

    # --- changing -------------------------------------------------------------------

    def pick_colour(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            return
        info = self.items[row]
        colour = self.choose_colour(info.colour or DEFAULT_LABEL_COLOUR, self)
        if colour is not None:
            self._set(row, colour)

    def _set(self, row: int, colour: str | None) -> None:
        if not 0 <= row < len(self.items):
            return
        self.banner.clear_message()
        name, service = self.items[row].name, self.service
        step = Step(
            f"colouring label '{name}'", lambda: set_label_colour(service, name, colour)
        )
        self.worker.submit(lambda: run_steps([step], lambda: labels(service)), self._shown)

    def done(self, result: int) -> None:
        self.worker.wait()  # a colour being stored is stored before the dialog goes
        super().done(result)
