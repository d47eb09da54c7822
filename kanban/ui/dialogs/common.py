"""Small pieces every dialog shares: the message banner and safe service calls.

Dialogs never show a traceback. A ``UserError`` is shown as written (its text
already says what happened and what to do); anything else is a bug, so its
traceback goes to the log file and the user gets one line pointing there.
Sizes are derived from the font, never fixed in pixels, so the same dialog
fits a 13-inch laptop and stays legible on a 4K wall with a larger font.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QSpinBox, QWidget

from kanban.errors import UserError
from kanban.logs import log_file

log = logging.getLogger(__name__)

T = TypeVar("T")

# Banner colours: strong enough to read from across a room, and paired with a
# text prefix so the meaning does not rest on colour alone.
_STYLES = {
    "error": "background:#fde2e1; color:#7a1010; border:1px solid #d9534f;",
    "warning": "background:#fff4d6; color:#5c4200; border:1px solid #e0a800;",
    "info": "background:#e3f0fb; color:#0b3d66; border:1px solid #4e79a7;",
}


class MessageBanner(QLabel):
    """A word-wrapped message strip at the top of a dialog; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.level = ""
        self.hide()

    def show_message(self, text: str, level: str = "error") -> None:
        self.level = level
        pad = max(4, self.fontMetrics().height() // 3)
        self.setStyleSheet(f"QLabel {{ {_STYLES[level]} padding:{pad}px; border-radius:3px; }}")
        self.setText(text)
        self.show()

    def clear_message(self) -> None:
        self.level = ""
        self.setText("")
        self.hide()


class FieldError(QLabel):
    """A red line under one form field, naming what is wrong with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet("QLabel { color:#b00020; }")
        self.hide()

    def set_error(self, text: str | None) -> None:
        self.setText(text or "")
        self.setVisible(bool(text))


def run_safely(banner: MessageBanner, what: str, call: Callable[[], T]) -> T | None:
    """Run a service call; show a failure in ``banner`` and return None.

    Args:
        banner: where the message goes.
        what: the action in words, for the one-line message about a bug.
        call: the service call.
    """
    try:
        return call()
    except Exception as exc:  # a bug must not take the dialog down with it
        show_failure(banner, what, exc)
    return None


def show_failure(banner: MessageBanner, what: str, error: BaseException) -> None:
    """Show what a service call raised (here or on a worker) the way :func:`run_safely` does.

    A ``UserError`` is shown as written; anything else is a bug: its traceback
    goes to the log file and the banner points there.
    """
    if isinstance(error, UserError):
        banner.show_message(str(error))
        return
    log.error("Unexpected error while %s", what, exc_info=error)
    banner.show_message(f"Unexpected error while {what}; details in {log_file()}.")


def limit_spin(parent: QWidget | None = None, maximum: int = 999) -> QSpinBox:
    """A spin box for an optional limit: its lowest value reads "none" and means None.

    "none" sits below 0 so that a limit of 0 set elsewhere (the CLI) is shown as
    it is and never silently turned into "no limit" by an unrelated edit.
    """
    spin = QSpinBox(parent)
    spin.setRange(-1, maximum)
    spin.setSpecialValueText("none")
    spin.setAccelerated(True)
    return spin


def limit_value(spin: QSpinBox) -> int | None:
    return None if spin.value() == spin.minimum() else spin.value()


def set_limit(spin: QSpinBox, value: int | None) -> None:
    spin.setValue(spin.minimum() if value is None else value)


def em(widget: QWidget, n: float) -> int:
    """``n`` times the widget's font height, in pixels: sizes that scale with the font."""
    return int(widget.fontMetrics().height() * n)
