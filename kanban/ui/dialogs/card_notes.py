"""The card editor's Comments and Checklist panels.

- :class:`CommentsBox`: the card's comments, oldest first; add one, edit or
  delete your own, and settle a comment JIRA changed too (keep mine / JIRA's).
- :class:`ChecklistBox`: the card's checklist; add, tick and untick, remove
  and move items up or down.

Each panel reads and writes through :class:`kanban.services.notes.NotesService`
on a :class:`SerialExecutor` worker of its own, so the GUI thread never waits
for the database; every change comes back as the panel's fresh list. A
change is written at once (it is in the card's history at once), apart from
the card's Save button, and ``changed`` tells the editor to reread the
history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.notes import ChecklistItem, Comment, progress
from kanban.errors import UserError
from kanban.logs import log_file
from kanban.services.board import BoardService
from kanban.services.notes import NotesService
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)

NO_CARD_YET = "Save the card first; then comments and a checklist can be added."


class _NotesBox(QGroupBox):
    """What both panels share: the worker, the card, error reporting."""

    changed = Signal()
    failed = Signal(str)

    def __init__(self, title: str, board: BoardService, parent: QWidget | None) -> None:
        super().__init__(title, parent)
        self.notes = NotesService(board)
        self._executor = SerialExecutor(f"card-{title.lower()}", self)
        self.card_id: str | None = None

    @property
    def idle(self) -> bool:
        return self._executor.pending == 0

    def wait(self, msecs: int = -1) -> bool:
        return self._executor.wait(msecs)

    def _run(self, job: Callable[[], Any], *, wrote: bool) -> None:
        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                if isinstance(error, UserError):
                    self.failed.emit(str(error))
                else:
                    log.error("Unexpected error in the %s panel", self.title(), exc_info=error)
                    self.failed.emit(f"Unexpected error; details in {log_file()}.")
                self.reload()
                return
            self._show(result)
            if wrote:
                self.changed.emit()

        self._executor.submit(job, done)

    def load(self, card_id: str | None) -> None:
        self.card_id = card_id
        self.setEnabled(card_id is not None)
        self.setToolTip("" if card_id is not None else NO_CARD_YET)
        self.reload()

    def reload(self) -> None:
        raise NotImplementedError

    def _show(self, result: Any) -> None:
        raise NotImplementedError


class CommentsBox(_NotesBox):
    """The card's comments with add, edit and delete of one's own."""

    def __init__(self, board: BoardService, parent: QWidget | None = None) -> None:
        super().__init__("Comments", board, parent)
        self.comments: list[Comment] = []
        self.editing: int | None = None
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        layout.addWidget(self.list, 1)
        self.conflict = QLabel(self)
        self.conflict.setWordWrap(True)
        self.conflict.setTextFormat(Qt.TextFormat.PlainText)
        self.conflict.hide()
        layout.addWidget(self.conflict)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText("Write a comment (on a JIRA card it goes to JIRA too)")
        self.text.setMaximumHeight(70)
        self.text.textChanged.connect(self._update_buttons)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add comment", self)
        self.add_button.clicked.connect(self.submit)
        self.edit_button = QPushButton("Edit", self)
        self.edit_button.setToolTip("Change your own comment")
        self.edit_button.clicked.connect(self.start_edit)
        self.cancel_edit_button = QPushButton("Cancel edit", self)
        self.cancel_edit_button.clicked.connect(self.cancel_edit)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setToolTip("Delete your own comment")
        self.delete_button.clicked.connect(self.delete_selected)
        self.keep_mine_button = QPushButton("Keep mine", self)
        self.keep_mine_button.setToolTip("The board's text wins; the next sync sends it")
        self.keep_mine_button.clicked.connect(lambda: self.resolve("mine"))
        self.keep_jira_button = QPushButton("Keep JIRA's", self)
        self.keep_jira_button.clicked.connect(lambda: self.resolve("jira"))
        for button in (
            self.add_button,
            self.edit_button,
            self.cancel_edit_button,
            self.delete_button,
            self.keep_mine_button,
            self.keep_jira_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self._update_buttons()

    def selected(self) -> Comment | None:
        row = self.list.currentRow()
        return self.comments[row] if 0 <= row < len(self.comments) else None

    def reload(self) -> None:
        card_id = self.card_id
        if card_id is None:
            self._show([])
            return
        self._run(lambda: self.notes.comments(card_id)[1], wrote=False)

    def submit(self) -> None:
        """Add the typed comment, or save the edit of the selected one."""
        card_id, body, editing = self.card_id, self.text.toPlainText(), self.editing
        if card_id is None or not body.strip():
            return
        notes = self.notes

        def job() -> list[Comment]:
            if editing is not None:
                notes.edit_comment(card_id, editing, body)
            else:
                notes.add_comment(card_id, body)
            return notes.comments(card_id)[1]

        self.editing = None
        self.text.clear()
        self._run(job, wrote=True)

    def start_edit(self) -> None:
        comment = self.selected()
        if comment is None or comment.author != self.notes.actor:
            return
        self.editing = comment.id
        self.text.setPlainText(comment.body)
        self.text.setFocus()
        self._update_buttons()

    def cancel_edit(self) -> None:
        self.editing = None
        self.text.clear()
        self._update_buttons()

    def delete_selected(self) -> None:
        comment, card_id = self.selected(), self.card_id
        if comment is None or card_id is None:
            return
        notes = self.notes

        def job() -> list[Comment]:
            notes.delete_comment(card_id, comment.id, expected_revision=comment.revision)
            return notes.comments(card_id)[1]

        self._run(job, wrote=True)

    def resolve(self, keep: str) -> None:
        comment, card_id = self.selected(), self.card_id
        if comment is None or card_id is None or not comment.in_conflict:
            return
        notes = self.notes

        def job() -> list[Comment]:
            notes.resolve_comment(card_id, comment.id, keep)
            return notes.comments(card_id)[1]

        self._run(job, wrote=True)

    def _show(self, result: Any) -> None:
        current = self.selected()
        keep = current.id if current is not None else None
        self.comments = list(result)
        self.list.clear()
        for comment in self.comments:
            when = comment.created_at.astimezone()
            flags = [
                w for w, on in (("edited", comment.edited), ("in JIRA", comment.jira_id)) if on
            ]
            if comment.in_conflict:
                flags.append("changed in JIRA too")
            head = f"{comment.author} · {when:%Y-%m-%d %H:%M}"
            if flags:
                head += f" ({', '.join(flags)})"
            item = QListWidgetItem(f"{head}\n{comment.body}")
            item.setData(Qt.ItemDataRole.UserRole, comment.id)
            self.list.addItem(item)
            if comment.id == keep:
                self.list.setCurrentItem(item)
        self.setTitle(f"Comments ({len(self.comments)})" if self.comments else "Comments")
        self._update_buttons()

    def _update_buttons(self) -> None:
        comment = self.selected()
        own = comment is not None and comment.author == self.notes.actor
        self.add_button.setText("Save comment" if self.editing is not None else "Add comment")
        self.add_button.setEnabled(
            self.card_id is not None and bool(self.text.toPlainText().strip())
        )
        self.cancel_edit_button.setVisible(self.editing is not None)
        can_change = own and comment is not None and not comment.in_conflict
        self.edit_button.setEnabled(can_change and self.editing is None)
        self.delete_button.setEnabled(can_change and self.editing is None)
        conflict = comment is not None and comment.in_conflict
        self.keep_mine_button.setVisible(conflict)
        self.keep_jira_button.setVisible(conflict)
        self.conflict.setVisible(conflict)
        if comment is not None and comment.in_conflict:
            self.conflict.setText(f"JIRA has: {comment.conflict_text()}")


class _StepLine(QLineEdit):
    """A line whose Enter adds the step and stops there: the editor's Save is not pressed."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.returnPressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ChecklistBox(_NotesBox):
    """The card's checklist: tick items, add, remove, move up and down."""

    def __init__(self, board: BoardService, parent: QWidget | None = None) -> None:
        super().__init__("Checklist", board, parent)
        self.items: list[ChecklistItem] = []
        self._filling = False
        layout = QVBoxLayout(self)
        self.list = QListWidget(self)
        self.list.itemChanged.connect(self._ticked)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_item = _StepLine(self)
        self.new_item.setPlaceholderText("A step to do; Enter adds it")
        self.new_item.returnPressed.connect(self.add)
        self.add_button = QPushButton("Add", self)
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        row.addWidget(self.new_item, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        row = QHBoxLayout()
        self.up_button = QPushButton("Up", self)
        self.up_button.clicked.connect(lambda: self.shift(-1))
        self.down_button = QPushButton("Down", self)
        self.down_button.clicked.connect(lambda: self.shift(1))
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove)
        for button in (self.up_button, self.down_button, self.remove_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        self.progress = QLabel(self)
        row.addWidget(self.progress)
        layout.addLayout(row)
        self._update_buttons()

    def selected(self) -> ChecklistItem | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def reload(self) -> None:
        card_id = self.card_id
        if card_id is None:
            self._show([])
            return
        self._run(lambda: self.notes.checklist(card_id)[1], wrote=False)

    def _change(self, step: Callable[[NotesService, str], object]) -> None:
        card_id, notes = self.card_id, self.notes
        if card_id is None:
            return

        def job() -> list[ChecklistItem]:
            step(notes, card_id)
            return notes.checklist(card_id)[1]

        self._run(job, wrote=True)

    def add(self) -> None:
        text = self.new_item.text()
        if not text.strip():
            return
        self.new_item.clear()
        self._change(lambda notes, card: notes.add_item(card, text))

    def remove(self) -> None:
        item = self.selected()
        if item is not None:
            self._change(lambda notes, card: notes.remove_item(card, item.position + 1))

    def shift(self, delta: int) -> None:
        item = self.selected()
        if item is None:
            return
        target = item.position + delta
        if not 0 <= target < len(self.items):
            return
        self._select_after = item.id
        self._change(lambda notes, card: notes.move_item(card, item.position + 1, target))

    def _ticked(self, widget: QListWidgetItem) -> None:
        if self._filling:
            return
        row = self.list.row(widget)
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        done = widget.checkState() == Qt.CheckState.Checked
        if done != item.done:
            self._change(lambda notes, card: notes.set_done(card, item.position + 1, done))

    _select_after: int | None = None

    def _show(self, result: Any) -> None:
        current = self.selected()
        keep = self._select_after or (current.id if current is not None else None)
        self._select_after = None
        self.items = list(result)
        self._filling = True
        try:
            self.list.clear()
            for item in self.items:
                widget = QListWidgetItem(item.text)
                widget.setFlags(widget.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                widget.setCheckState(
                    Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked
                )
                self.list.addItem(widget)
                if item.id == keep:
                    self.list.setCurrentItem(widget)
        finally:
            self._filling = False
        done = progress(self.items)
        self.progress.setText(f"{done.done} of {done.total} done" if done.total else "")
        self.setTitle(f"Checklist {done.badge()}" if done.total else "Checklist")
        self._update_buttons()

    def _update_buttons(self) -> None:
        item = self.selected()
        has_card = self.card_id is not None
        self.add_button.setEnabled(has_card)
        self.new_item.setEnabled(has_card)
        self.remove_button.setEnabled(item is not None)
        self.up_button.setEnabled(item is not None and item.position > 0)
        self.down_button.setEnabled(item is not None and item.position < len(self.items) - 1)


__all__ = ["NO_CARD_YET", "ChecklistBox", "CommentsBox"]
