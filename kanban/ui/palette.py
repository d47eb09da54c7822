"""The board's colours, shared by the card faces, headers and zones.

WIP states are deliberately loud: a red band over a limit must be seen across
a team room. One place for them, so the full card face and the wall's denser
faces (:mod:`kanban.ui.card_faces`) cannot drift apart.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

OVER_RED = QColor("#d32f2f")
OVER_TINT = QColor(211, 47, 47, 40)
UNDER_AMBER = QColor("#f9a825")
UNDER_TINT = QColor(249, 168, 37, 35)
AT_BLUE = QColor("#37474f")
HEADER_BG = QColor("#455a64")
POOL_BG = QColor("#eef1f4")
NOT_READY_BG = QColor("#fbe9e7")
NOT_READY_HEADER = QColor("#bf360c")
CELL_BG = (QColor("#fafafa"), QColor("#f2f4f6"))
CARD_BORDER = QColor("#b0b7bf")
SELECTED = QColor("#1565c0")
HIGHLIGHT = QColor("#ffb300")
KEY_BLUE = QColor("#1f4e9c")
TEXT = QColor("#1d1d1d")
WHITE = QColor("#ffffff")
MUTED = QColor("#5f6b76")
# The full face's small "not ready" reason line.
BLOCKED_TEXT = QColor("#b71c1c")
# A blocked card on every face: its band and border, its fill, its reason in title size.
BLOCKED_RED = QColor("#c62828")
BLOCKED_FILL = QColor("#ffebee")
BLOCKED_REASON = QColor("#8e0000")
AGING = (QColor("#9e9e9e"), QColor("#f9a825"), QColor("#e53935"))
CHIP_GREY = QColor("#e0e4e8")
BADGE_PURPLE = QColor("#5e35b1")
# A label the board gave no colour (kanban.services.labels.DEFAULT_LABEL_COLOUR).
LABEL_CHIP = QColor("#e3f2fd")
LABEL_TEXT = QColor("#0d47a1")


def text_colour(background: QColor) -> QColor:
    """White on a dark background, the board's text colour on a light one."""
    return WHITE if background.lightnessF() < 0.6 else TEXT
