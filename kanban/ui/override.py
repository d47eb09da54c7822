"""The window's prompts: a reason to override a warned rule or to mark a card not ready,
a yes/no question, a choice from a list; on the wall each one cancels itself in time.

The reason dialogs ask for one line of text and keep OK disabled until there
is some, since an empty reason is exactly what the rules and the history must
not get. On the wall they come with an on-screen keyboard and at the wall's
scale.

A wall is often left alone: a prompt nobody answers must not block the board
for the rest of the day. Given a :class:`PromptTimeout` (the window gives one
in wall mode, :func:`wall_timeout`), a prompt cancels itself after
:data:`WALL_PROMPT_MS` without an answer, as if Cancel (or No) had been
pressed, so the board stays as it was; it says so in the wall bar, and a
reason typed so far is kept for the next try. Typing or tapping in a reason
dialog starts the time again.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import REASON_MAX, Card
from kanban.domain.rules import Violation
from kanban.ui.keyboard import TouchKeyboard, touch_size

OVERRIDE_PRESETS = ("Urgent incident", "Agreed at stand-up", "Follow-up of a done card")
BLOCK_PRESETS = ("Waiting for another team", "Waiting for a vendor", "Waiting for a change window")
# How long a prompt on the wall waits for an answer before it cancels itself.
WALL_PROMPT_MS = 60_000


@dataclass(frozen=True, slots=True)
class PromptTimeout:
    """A prompt cancels itself after ``ms`` without an answer, then calls ``expired``.

    ``expired`` gets the text typed so far ("" for a question without text).
    """

    ms: int
    expired: Callable[[str], None]

    def start(self, dialog: QDialog) -> QTimer:
        """Arm the timer on ``dialog``; :meth:`QTimer.start` again to give more time."""
        timer = QTimer(dialog)
        timer.setSingleShot(True)
        timer.setInterval(self.ms)
        timer.timeout.connect(lambda: _expire(dialog, self))
        # Answered (or closed) in time: the dialog may live on, its timer must not.
        dialog.finished.connect(lambda _r: timer.stop())
        timer.start()
        return timer


def _expire(dialog: QDialog, timeout: PromptTimeout) -> None:
    typed = dialog.value() if isinstance(dialog, ReasonDialog) else ""
    dialog.setProperty("timedOut", True)
    dialog.reject()
    timeout.expired(typed)


def timed_out(dialog: QDialog) -> bool:
    """True when ``dialog`` was closed by its :class:`PromptTimeout`, not by a person."""
    return bool(dialog.property("timedOut"))


def wall_timeout(
    outcome: str,
    say: Callable[[str], None],
    *,
    keep: MutableMapping[tuple[str, str], str] | None = None,
    key: tuple[str, str] | None = None,
) -> PromptTimeout:
    """The wall's timeout for a prompt: after :data:`WALL_PROMPT_MS`, ``say`` what happened.

    ``outcome`` is what cancelling means ("'Patch file servers' stays where it
    was"); a reason typed so far goes into ``keep[key]`` (the controller's
    unsaved reasons, which the next prompt for that card starts from).
    """
    seconds = max(1, round(WALL_PROMPT_MS / 1000))

    def expired(typed: str) -> None:
        kept = ""
        if typed and keep is not None and key is not None:
            keep[key] = typed
            kept = " The reason typed is kept for the next try."
        # After the caller's own reaction to the cancel (which may say "Not
        # undone: ..."), so the wall bar ends with why.
        text = f"Nobody answered within {seconds} s: {outcome}.{kept}"
        QTimer.singleShot(0, lambda: say(text))

    return PromptTimeout(WALL_PROMPT_MS, expired)


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
        timeout: PromptTimeout | None = None,
    ) -> None:
        """``initial`` pre-fills the reason (one typed before, not yet saved);
        ``touch_scale`` (the wall's zoom) adds an on-screen keyboard at that size;
        ``timeout`` cancels the dialog when nobody answers (on the wall)."""
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
        self.timer: QTimer | None = None
        if timeout is not None:
            seconds = max(1, round(timeout.ms / 1000))
            note = QLabel(f"Without an answer this closes by itself in {seconds} s.")
            note.setObjectName("timeoutNote")
            layout.insertWidget(layout.indexOf(self.buttons), note)
            self.timer = timeout.start(self)
            # Someone is answering: the time starts again with each key or preset.
            self.reason.textChanged.connect(lambda _t: self.timer.start() if self.timer else None)

    def value(self) -> str:
        return self.reason.text().strip()


def override_dialog(
    card: Card,
    violations: Sequence[Violation],
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
    timeout: PromptTimeout | None = None,
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
        timeout=timeout,
    )


def ask_override_reason(
    card: Card,
    violations: Sequence[Violation],
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
    timeout: PromptTimeout | None = None,
) -> str | None:
    """Ask why a warned rule may be broken; None if the user cancels (or nobody answers)."""
    dialog = override_dialog(
        card, violations, parent, initial=initial, touch_scale=touch_scale, timeout=timeout
    )
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def block_dialog(
    card: Card,
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
    timeout: PromptTimeout | None = None,
) -> ReasonDialog:
    return ReasonDialog(
        "Not ready",
        f"<b>{escape(card.title)}</b> goes to <i>Not ready</i>.",
        "What is it waiting for? (e.g. 'waiting for server networking')",
        parent,
        BLOCK_PRESETS,
        initial=initial,
        touch_scale=touch_scale,
        timeout=timeout,
    )


def ask_block_reason(
    card: Card,
    parent: QWidget | None = None,
    *,
    initial: str = "",
    touch_scale: float | None = None,
    timeout: PromptTimeout | None = None,
) -> str | None:
    """Ask what a card is waiting for before it goes to Not ready; None if cancelled."""
    dialog = block_dialog(card, parent, initial=initial, touch_scale=touch_scale, timeout=timeout)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_yes_no(
    parent: QWidget | None,
    title: str,
    text: str,
    *,
    timeout: PromptTimeout | None = None,
) -> bool:
    """A question whose default is No; True only for a Yes (never for a timeout)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    if timeout is not None:
        timeout.start(box)
    answer = box.exec()
    return answer == QMessageBox.StandardButton.Yes and not timed_out(box)


def choose_item(
    parent: QWidget | None,
    title: str,
    label: str,
    items: Sequence[str],
    *,
    timeout: PromptTimeout | None = None,
) -> str | None:
    """One of ``items`` (the first preselected), or None when cancelled or unanswered."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(list(items))
    dialog.setComboBoxEditable(False)
    if timeout is not None:
        timeout.start(dialog)
    if dialog.exec() != QDialog.DialogCode.Accepted or timed_out(dialog):
        return None
    return dialog.textValue() or None
