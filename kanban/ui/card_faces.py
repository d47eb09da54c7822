"""The denser card faces of a fitted board (the wall, View → Fit board).

:class:`~kanban.ui.items.CardItem` paints the full face itself and hands the
compact and one-line faces to :func:`paint_compact` and :func:`paint_line`;
the owner's initials and the small chips (:func:`paint_avatar`,
:func:`paint_chip`) are drawn the same way on every face.
Fonts never shrink here: a denser face shows less (no age dots, fewer title
lines), not smaller text, because the wall must stay readable from across
the room. A blocked card keeps what matters most on every face: a strong red
band and its reason in title-sized text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter

from kanban.domain.model import Card, Person
from kanban.ui.layout import BLOCKED_BAND as BAND
from kanban.ui.layout import Metrics
from kanban.ui.palette import (
    BADGE_PURPLE,
    BLOCKED_REASON,
    BLOCKED_RED,
    CHIP_GREY,
    KEY_BLUE,
    OVER_RED,
    TEXT,
    WHITE,
    text_colour,
)


def paint_blocked_band(painter: QPainter, rect: QRectF) -> None:
    """The red band across the top of a blocked card, on every face."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(BLOCKED_RED)
    painter.drawRoundedRect(QRectF(rect.left(), rect.top(), rect.width(), BAND), 3, 3)


def paint_avatar(painter: QPainter, m: Metrics, person: Person, right: float, top: float) -> float:
    """The owner's initials in their colour, ending at ``right``; returns its left edge."""
    circle = QRectF(right - 19, top, 19, 19)
    colour = QColor(person.colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(circle)
    painter.setPen(text_colour(colour))
    painter.setFont(m.font(9.5, bold=True))
    painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, person.initials)
    return circle.left()


def paint_chip(
    painter: QPainter, m: Metrics, text: str, right: float, top: float, fill: QColor, ink: QColor
) -> float:
    """A small rounded chip ending at ``right``; returns its left edge."""
    fm = QFontMetricsF(m.small_font)
    width = fm.horizontalAdvance(text) + 8
    rect = QRectF(right - width, top, width, 17)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, 4, 4)
    painter.setFont(m.small_font)
    painter.setPen(ink)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    return rect.left()


def _reason(card: Card) -> str:
    return card.not_ready_reason or "not ready"


def paint_compact(
    painter: QPainter,
    m: Metrics,
    card: Card,
    rect: QRectF,
    person: Person | None,
    badges: Sequence[str],
    title_lines: Sequence[str],
    *,
    oversized: bool,
    past_sle: bool,
) -> None:
    """Key, owner, size and badges on top; two title lines; a blocked card's reason.

    The key is never cut: it is how the team names the card. The owner comes
    next, then the size, the SLE mark and the badges, each only if it fits.
    """
    left = rect.left() + m.pad + 4
    right = rect.right() - m.pad
    top = rect.top() + 5 + (BAND - 2 if card.not_ready else 0)
    key_fm = QFontMetricsF(m.key_font)
    small_fm = QFontMetricsF(m.small_font)
    x = left
    if card.jira_key:
        painter.setFont(m.key_font)
        painter.setPen(KEY_BLUE)
        key_w = key_fm.horizontalAdvance(card.jira_key)
        painter.drawText(
            QRectF(left, top, key_w + 1, 17),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            card.jira_key,
        )
        x = left + key_w + 4
    end = right
    if person is not None and end - 19 >= x:
        end = paint_avatar(painter, m, person, end, top - 1) - 4
    extras: list[tuple[str, QColor, QColor]] = [
        (
            f"{card.size_days:g}d",
            OVER_RED if oversized else CHIP_GREY,
            WHITE if oversized else TEXT,
        )
    ]
    if past_sle:
        extras.append(("past SLE", OVER_RED, WHITE))
    extras.extend((badge, BADGE_PURPLE, WHITE) for badge in badges)
    for text, fill, ink in extras:
        if end - (small_fm.horizontalAdvance(text) + 8) < x:
            break
        end = paint_chip(painter, m, text, end, top, fill, ink) - 3
    painter.setFont(m.title_font)
    painter.setPen(TEXT)
    fm = QFontMetricsF(m.title_font)
    y = top + 17 + 2 + fm.ascent()
    for line in title_lines[:2]:
        painter.drawText(QPointF(left, y), line)
        y += fm.lineSpacing()
    if card.not_ready:
        painter.setPen(BLOCKED_REASON)
        painter.setFont(m.font(m.title_font.pixelSize(), bold=True))
        bold = QFontMetricsF(painter.font())
        painter.drawText(
            QPointF(left, y),
            bold.elidedText(_reason(card), Qt.TextElideMode.ElideRight, right - left),
        )


def paint_line(
    painter: QPainter,
    m: Metrics,
    card: Card,
    rect: QRectF,
    person: Person | None,
) -> None:
    """One line: the owner, the key and as much of the title as fits; a blocked card's reason."""
    left = rect.left() + m.pad + 2
    right = rect.right() - m.pad
    fm = QFontMetricsF(m.title_font)
    line_h = max(19.0, fm.lineSpacing())
    top = rect.top() + 5 + (BAND - 3 if card.not_ready else 0)
    x = right
    if person is not None:
        x = paint_avatar(painter, m, person, right, top + (line_h - 19) / 2) - 5
    text_left = left
    if card.jira_key:
        painter.setFont(m.key_font)
        painter.setPen(KEY_BLUE)
        key_fm = QFontMetricsF(m.key_font)
        key = key_fm.elidedText(card.jira_key, Qt.TextElideMode.ElideRight, (x - left) / 2)
        painter.drawText(
            QRectF(left, top, x - left, line_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            key,
        )
        text_left = left + key_fm.horizontalAdvance(key) + 6
    painter.setFont(m.title_font)
    painter.setPen(TEXT)
    painter.drawText(
        QRectF(text_left, top, max(0.0, x - text_left), line_h),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
        fm.elidedText(card.title, Qt.TextElideMode.ElideRight, max(0.0, x - text_left)),
    )
    if card.not_ready:
        painter.setPen(BLOCKED_REASON)
        painter.setFont(m.font(m.title_font.pixelSize(), bold=True))
        bold = QFontMetricsF(painter.font())
        painter.drawText(
            QRectF(left, top + line_h, right - left, fm.lineSpacing()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            bold.elidedText(_reason(card), Qt.TextElideMode.ElideRight, right - left),
        )
