"""The stand-up time dialog: since when the board highlights the cards that moved."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

# The dialog's result when the user turns the highlight off.
STOP_HIGHLIGHTING = 2


class StandupDialog(QDialog):
    """Asks for the stand-up time, starting from ``start``.

    ``exec()`` gives Accepted (the time is :meth:`chosen`), Rejected, or
    :data:`STOP_HIGHLIGHTING`.
    """

    def __init__(self, parent: QWidget | None, start: datetime) -> None:
        super().__init__(parent)
        self.setWindowTitle("Since the last stand-up")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Highlight the cards moved since:"))
        self.edit = QDateTimeEdit(
            QDateTime(
                QDate(start.year, start.month, start.day),
                QTime(start.hour, start.minute, start.second),
            )
        )
        self.edit.setCalendarPopup(True)
        layout.addWidget(self.edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Reset
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        reset = buttons.button(QDialogButtonBox.StandardButton.Reset)
        reset.setText("Stop highlighting")
        reset.clicked.connect(lambda: self.done(STOP_HIGHLIGHTING))
        layout.addWidget(buttons)

    def chosen(self) -> datetime:
        """The time in the editor, in local time."""
        return datetime.fromtimestamp(self.edit.dateTime().toSecsSinceEpoch()).astimezone()
