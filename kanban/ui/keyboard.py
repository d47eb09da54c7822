"""An on-screen keyboard for the wall's touch screen.

A wall display has no keyboard, yet a warned rule or a drop into Not ready
asks for a reason. The preset buttons cover the common reasons; this keyboard
covers the rest. It types into one line edit: letters (with a Shift that
lasts one letter, like a phone's), digits, common punctuation, space and
backspace, in keys big enough for a finger at the wall's scale.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QSizePolicy, QWidget

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl-", "zxcvbnm,.'")
# Finger-sized at scale 1 (a 1080p wall at 1.5x zoom gets 1.5 times this).
KEY_PX = 44


def touch_size(scale: float) -> int:
    """The side of a finger-sized button, in pixels, at the wall's ``scale``."""
    return round(KEY_PX * max(1.0, scale))


class TouchKeyboard(QWidget):
    """Keys that type into ``target``.

    Args:
        target: the line edit that receives the text.
        scale: the wall's zoom, so keys stay finger-sized on a 4K screen.
    """

    def __init__(self, target: QLineEdit, scale: float = 1.0, parent: QWidget | None = None):
        super().__init__(parent)
        self.target = target
        self.letter_keys: list[QPushButton] = []
        grid = QGridLayout(self)
        grid.setSpacing(max(2, round(4 * scale)))
        grid.setContentsMargins(0, 0, 0, 0)
        # The parent dialog's font is already at the wall's scale.
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        size = touch_size(scale)
        self.keys: dict[str, QPushButton] = {}

        def key(label: str, row: int, column: int, span: int = 1) -> QPushButton:
            button = QPushButton(label, self)
            button.setFont(font)
            button.setMinimumSize(size * span, size)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            # The line edit keeps the focus (and its cursor); Enter still means OK.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAutoDefault(False)
            grid.addWidget(button, row, column, 1, span)
            self.keys[label] = button
            return button

        for r, chars in enumerate(ROWS):
            for c, char in enumerate(chars):
                button = key(char, r, c)
                button.clicked.connect(lambda _c=False, b=button: self._type(b.text()))
                if char.isalpha():
                    self.letter_keys.append(button)
        last = len(ROWS)
        self.shift_key = key("Shift", last, 0, 2)
        self.shift_key.setCheckable(True)
        self.shift_key.toggled.connect(self._set_shift)
        key("Space", last, 2, 6).clicked.connect(lambda: self._type(" "))
        key("⌫", last, 8, 2).clicked.connect(self.target.backspace)

    def _type(self, text: str) -> None:
        self.target.insert(text)
        self.shift_key.setChecked(False)  # Shift holds for one letter

    def _set_shift(self, on: bool) -> None:
        for button in self.letter_keys:
            text = button.text()
            button.setText(text.upper() if on else text.lower())
