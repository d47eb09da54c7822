"""Small reason dialogs: overriding a warned team rule, and marking a card not ready.

Both ask for one line of text and keep OK disabled until there is some, since
an empty reason is exactly what the rules and the history must not get. On the
wall they come with an on-screen keyboard and at the wall's scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import REASON_MAX, Card
from kanban.domain.rules import Violation
from kanban.ui.keyboard import TouchKeyboard, touch_size

OVERRIDE_PRESETS = ("Urgent incident", "Agreed at stand-up", "Follow-up of a done card")
BLOCK_PRESETS = ("Waiting for another team", "Waiting for a vendor", "Waiting for a change window")


class ReasonDialog(QDialog):
    """Explain what needs a reason, take one line of text."""

    def __init__(
        self,
        title: str,
        explanation: str,
        prompt: str,
        parent: QWidget | None = None,
        presets: Sequence[str] = (),
        *,
        initial: str = "",
        touch_scale: float | None = None,
    ) -> None:
        """``initial`` pre-fills the reason (one typed before, not yet saved);
        ``touch_scale`` (the wall's zoom) adds an on-screen keyboard at that size."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        if touch_scale is not None:
            font = QFont(self.font())
            font.setPointSizeF(font.pointSizeF() * max(1.0, touch_scale))
            self.setFont(font)
        layout = QVBoxLayout(self)
        explained = QLabel(explanation)
        explained.setWordWrap(True)
        layout.addWidget(explained)
        layout.addWidget(QLabel(prompt))
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX)
        layout.addWidget(self.reason)
        # Common reasons as buttons: on the wall's touch screen there is no keyboard.
        self.preset_buttons: list[QPushButton] = []
        if presets:
            row = QHBoxLayout()
            for text in presets:
                button = QPushButton(text)
                button.setAutoDefault(False)
                button.clicked.connect(lambda _c=False, t=text: self.reason.setText(t))
                row.addWidget(button)
                self.preset_buttons.append(button)
            layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.reason.textChanged.connect(lambda t: self.ok.setEnabled(bool(t.strip())))
        self.keyboard: TouchKeyboard | None = None
        if touch_scale is not None:
            self.keyboard = TouchKeyboard(self.reason, touch_scale, self)
            layout.insertWidget(layout.indexOf(self.buttons), self.keyboard)
            # Every target a finger must hit is key-sized, OK and Cancel first.
            for target in [*self.preset_buttons, *self.buttons.buttons()]:
                target.setMinimumHeight(touch_size(touch_scale))
                target.setMinimumWidth(touch_size(touch_scale) * 2)
            self.reason.setMinimumHeight(touch_size(touch_scale))
        self.reason.setText(initial)
        self.reason.setFocus()

    def value(self) -> str:
        return self.reason.text().strip()


def override_dialog(
    card: Card,
    violations: Sequence[Violation],
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
) -> ReasonDialog:
    rules = "".join(f"<li>{escape(v.message)}</li>" for v in violations)
    return ReasonDialog(
        "Override a team rule",
        f"Moving <b>{escape(card.title)}</b> breaks the board's rules:<ul>{rules}</ul>"
        "You can do it anyway; the reason is kept in the card's history.",
        "Why is it needed?",
        parent,
        OVERRIDE_PRESETS,
        initial=initial,
        touch_scale=touch_scale,
    )


def ask_override_reason(
    card: Card,
    violations: Sequence[Violation],
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
) -> str | None:
    """Ask why a warned rule may be broken; None if the user cancels."""
    dialog = override_dialog(card, violations, parent, initial=initial, touch_scale=touch_scale)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def block_dialog(
    card: Card,
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
) -> ReasonDialog:
    return ReasonDialog(
        "Not ready",
        f"<b>{escape(card.title)}</b> goes to <i>Not ready</i>.",
        "What is it waiting for? (e.g. 'waiting for server networking')",
        parent,
        BLOCK_PRESETS,
        initial=initial,
        touch_scale=touch_scale,
    )


def ask_block_reason(
    card: Card,
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
) -> str | None:
    """Ask what a card is waiting for before it goes to Not ready; None if cancelled."""
    dialog = block_dialog(card, parent, initial=initial, touch_scale=touch_scale)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
