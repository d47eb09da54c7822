"""The Archived cards dialog: what left the board, when and by whom, with Restore.

The list is read on the board's reader and a restore runs on the board's
writer (:class:`~kanban.ui.controller.BoardController`), like every change
made in the window: the board reloads after it, and Ctrl+Z in the window takes
it back. A card goes back to its former column when the team rules allow it,
else to the task pool; the dialog says which
(:func:`kanban.services.board_admin.restore_card`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from kanban.errors import UserError
from kanban.services.board_admin import ArchivedCard, Restored, archived_cards, restore_card
from kanban.ui.controller import BoardController
from kanban.ui.dialogs.common import MessageBanner, em, show_failure


class ArchivedDialog(QDialog):
    """Archived cards, newest first; *Restore* brings the selected one back."""

    def __init__(self, controller: BoardController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Archived cards")
        self.cards: list[ArchivedCard] = []
        layout = QVBoxLayout(self)
        self.banner = MessageBanner(self)
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["Card", "Title", "Was in", "Archived", "By"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(5):
            mode = QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(
                column, QHeaderView.ResizeMode.Stretch if column == 1 else mode
            )
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda _r, _c: self.restore_selected())
        layout.addWidget(self.table)
        self.empty = QLabel("No archived cards. Archive a card with Delete on the board.")
        self.empty.hide()
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.restore_button = QPushButton("Restore")
        self.restore_button.setToolTip(
            "Back to its column if the team rules allow it, else to the task pool "
            "(Ctrl+Z on the board takes it back)"
        )
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(em(self, 44), em(self, 24))
        self.load()

    def load(self) -> None:
        service = self.controller.service
        self.controller.reader.submit(lambda: archived_cards(service), self._loaded)

    def _loaded(self, cards: list[ArchivedCard] | None, error: BaseException | None) -> None:
        if error is not None:
            show_failure(self.banner, "reading the archived cards", error)
            return
        self.fill(cards or [])

    def fill(self, cards: Sequence[ArchivedCard]) -> None:
        self.cards = list(cards)
        self.table.setRowCount(len(self.cards))
        for row, archived in enumerate(self.cards):
            card = archived.card
            when = (
                f"{archived.archived_at.astimezone():%a %d %b %Y %H:%M}"
                if archived.archived_at
                else "–"
            )
            values = (
                card.jira_key or card.id[:8],
                card.title,
                archived.column,
                when,
                archived.archived_by or "–",
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, card.id)
                self.table.setItem(row, column, item)
        self.table.setVisible(bool(self.cards))
        self.empty.setVisible(not self.cards)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(0 <= self.table.currentRow() < len(self.cards))

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.cards):
            return
        card = self.cards[row].card
        service, controller = self.controller.service, self.controller
        self.banner.clear_message()
        self.restore_button.setEnabled(False)

        def job() -> tuple[Restored | None, UserError | None]:
            # An expected refusal is this dialog's to show, next to the list.
            try:
                return restore_card(service, card.id, expected_revision=card.revision), None
            except UserError as exc:
                return None, exc

        def done(outcome: tuple[Restored | None, UserError | None]) -> None:
            restored, error = outcome
            if error is not None:
                show_failure(self.banner, f"restoring '{card.title}'", error)
            elif restored is not None:
                text = restored.sentence() + " Ctrl+Z on the board takes it back."
                self.banner.show_message(text, "warning" if restored.to_pool_because else "info")
                controller.message.emit(restored.sentence())
            self.load()

        # On the board's writer, after any change still queued; the board reloads after it.
        controller.run_write(job, f"restoring '{card.title}'", done)
