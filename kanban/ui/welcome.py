"""The welcome panel: what a new user sees on an empty board, with three ways in.

A board with no people and no cards says nothing by itself, so a panel over
it names the three first steps, each a button that does it: add the team's
people, add cards (one by one, or a spreadsheet's worth from a CSV file), and
connect JIRA. It goes away by itself once the board has people or cards (see
:func:`wants_welcome`), and comes back if the board is emptied again.

Signals:
    add_people(): open the People dialog.
    add_card(): open the editor for a new card.
    import_csv(): pick a CSV file and import it.
    connect_jira(): open the JIRA connection dialog.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from kanban.domain.model import BoardSnapshot


def wants_welcome(snapshot: BoardSnapshot | None) -> bool:
    """True for a board with no people and no cards on it (archived ones do not count)."""
    if snapshot is None:
        return False
    return not snapshot.people and not any(not c.archived for c in snapshot.cards)


class WelcomePanel(QFrame):
    """The panel; the window places it over the board and connects its signals."""

    add_people = Signal()
    add_card = Signal()
    import_csv = Signal()
    connect_jira = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        self.setStyleSheet(
            "QFrame#welcome { background: #ffffff; border: 1px solid #b0b7bf;"
            " border-radius: 12px; }"
            " QLabel { color: #1d1d1d; }"
            " QLabel#title { font-size: 22px; font-weight: bold; }"
            " QLabel#step { font-size: 15px; font-weight: bold; color: #1f4e9c; }"
            " QPushButton { padding: 6px 14px; }"
        )
        grid = QGridLayout(self)
        grid.setContentsMargins(28, 22, 28, 24)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(10)
        title = QLabel("Welcome to your team board")
        title.setObjectName("title")
        grid.addWidget(title, 0, 0, 1, 3)
        intro = QLabel(
            "The board is empty. Three steps make it the team's: the people who do the "
            "work, the work itself, and (if the team uses it) JIRA."
        )
        intro.setWordWrap(True)
        grid.addWidget(intro, 1, 0, 1, 3)

        def step(row: int, number: int, heading: str, text: str) -> None:
            label = QLabel(f"{number}. {heading}")
            label.setObjectName("step")
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            words = QLabel(text)
            words.setWordWrap(True)
            grid.addWidget(words, row, 1, Qt.AlignmentFlag.AlignTop)

        step(2, 1, "The team", "Each person gets a lane; WIP limits are optional.")
        self.people_button = QPushButton("Add the team's people…")
        self.people_button.clicked.connect(self.add_people)
        grid.addWidget(self.people_button, 2, 2)

        step(3, 2, "The work", "Add cards one by one (N), or import a spreadsheet saved "
             "as CSV: titles, people, labels, due dates.")  # fmt: skip
        self.card_button = QPushButton("Add a card…")
        self.card_button.clicked.connect(self.add_card)
        grid.addWidget(self.card_button, 3, 2)
        self.csv_button = QPushButton("Import a CSV file…")
        self.csv_button.clicked.connect(self.import_csv)
        grid.addWidget(self.csv_button, 4, 2)

        step(5, 3, "JIRA", "Connect to bring the team's issues onto the board and keep "
             "both in step. Nothing changes until you say so.")  # fmt: skip
        self.jira_button = QPushButton("Connect JIRA…")
        self.jira_button.clicked.connect(self.connect_jira)
        grid.addWidget(self.jira_button, 5, 2)

        more = QLabel("Help → Getting started explains the rest.")
        more.setStyleSheet("color: #5f6b76;")
        grid.addWidget(more, 6, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        self.hide()

    def place(self) -> None:
        """Centre the panel over its parent (the board view), at a readable width."""
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(640, max(360, parent.width() - 40))
        self.setFixedWidth(width)
        self.adjustSize()
        self.move((parent.width() - width) // 2, max(10, (parent.height() - self.height()) // 3))
