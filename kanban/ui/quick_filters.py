"""The filter bar's quick filters: four toggle buttons over the board's cards.

*Blocked*, *Mine*, *Due soon* and *Aging* narrow the board the way Jira's and
Trello's quick filters do; the rules themselves are pure
(:mod:`kanban.domain.quick_filters`), this widget only holds which are on.
Two of them need something the board may not have yet: *Mine* needs to know
who the user is, *Aging* needs the board's SLE (cards finished lately). When
that is missing the button goes back off and the user is told why, rather
than showing an empty board that looks like a bug.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from kanban.domain.quick_filters import DUE_SOON_DAYS, QuickFilters


class QuickFilterBar(QWidget):
    """Toggle buttons for the quick filters; ``changed`` fires when one is toggled."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(3)

        def toggle(text: str, tip: str) -> QPushButton:
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setToolTip(tip)
            button.toggled.connect(lambda _on: self.changed.emit())
            row.addWidget(button)
            return button

        self.blocked = toggle("Blocked", "Only cards marked not ready (blocked)")
        self.mine = toggle("Mine", "Only my cards: in my lane, or mine in the pool")
        self.due_soon = toggle(
            "Due soon", f"Only cards due within {DUE_SOON_DAYS} days, or overdue"
        )
        self.aging = toggle(
            "Aging",
            "Only cards in progress for longer than the board's SLE "
            "(85% of cards finish within it)",
        )

    def current(self) -> QuickFilters:
        return QuickFilters(
            blocked=self.blocked.isChecked(),
            mine=self.mine.isChecked(),
            due_soon=self.due_soon.isChecked(),
            aging=self.aging.isChecked(),
        )

    def settle(
        self,
        knows_me: Callable[[], bool],
        sle_days: float | None,
        say: Callable[[str], None],
    ) -> QuickFilters:
        """The quick filters that can apply now; a button that cannot goes back off.

        ``knows_me`` is asked only when *Mine* is on (it may ask the user who
        they are); ``say`` tells the user why a button went off.
        """
        if self.mine.isChecked() and not knows_me():
            self._uncheck(self.mine)
        if self.aging.isChecked() and sle_days is None:
            self._uncheck(self.aging)
            say(
                "Aging needs the board's SLE, which comes from cards finished in the last "
                "12 weeks; none are finished yet."
            )
        return self.current()

    def _uncheck(self, button: QPushButton) -> None:
        button.blockSignals(True)
        button.setChecked(False)
        button.blockSignals(False)
