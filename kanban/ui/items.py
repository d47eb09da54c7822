"""Painted scene items: cards, headers, drop zones and message bubbles.

Every item paints itself with QPainter from plain data; none of them is a
widget, so a board of thousands of cards stays cheap to build and repaint.
Text that can grow (titles) is wrapped once and cached per width. Colours for
WIP states are deliberately loud: a red band over a limit must be seen across
a team room.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QTextLayout,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from kanban.domain.model import Card, Person
from kanban.domain.wip import WipState
from kanban.domain.words import plural
from kanban.ui import card_faces
from kanban.ui.board_data import Lane, days_in_column
from kanban.ui.layout import BLOCKED_BAND, Face, Metrics, lane_header_texts
from kanban.ui.palette import (
    AGING,
    BLOCKED_FILL,
    BLOCKED_RED,
    BLOCKED_TEXT,
    CARD_BORDER,
    CHIP_GREY,
    HIGHLIGHT,
    KEY_BLUE,
    LABEL_CHIP,
    LABEL_TEXT,
    OVER_RED,
    SELECTED,
    TEXT,
    WHITE,
    text_colour,
)

# Item types, so the view can tell what was clicked without isinstance chains.
# PySide6's stubs lack QGraphicsItem.UserType (65536), which Qt has.
_USER_TYPE: int = QGraphicsItem.UserType  # type: ignore[attr-defined]
CARD_TYPE = _USER_TYPE + 1
LANE_HEADER_TYPE = _USER_TYPE + 2
ADD_BUTTON_TYPE = _USER_TYPE + 3


def wrap_lines(text: str, font: QFont, width: float, max_lines: int) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines``, eliding the last one."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    lines: list[str] = []
    starts: list[int] = []
    while len(lines) < max_lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
        lines.append(text[line.textStart() : line.textStart() + line.textLength()].rstrip())
    more = layout.createLine().isValid()
    layout.endLayout()
    if more and lines:
        rest = text[starts[-1] :].strip()
        lines[-1] = QFontMetricsF(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return lines


def fit_labels(labels: Sequence[str], fm: QFontMetricsF, room: float) -> tuple[list[str], int]:
    """The first labels that fit in ``room`` as chips, and how many are left out.

    When some are left out, room is kept for a "+N" chip after the shown ones.
    """

    def width(text: str) -> float:
        return fm.horizontalAdvance(text) + 8 + 3

    total = sum(width(label) for label in labels)
    if total <= room:
        return list(labels), 0
    shown: list[str] = []
    used = 0.0
    for index, label in enumerate(labels):
        more = width(f"+{len(labels) - index - 1}")
        if used + width(label) + more > room:
            break
        shown.append(label)
        used += width(label)
    return shown, len(labels) - len(shown)


def _looks(card: Card) -> tuple[object, ...]:
    """The fields a card's picture depends on (not its position or revision)."""
    return (
        card.title,
        card.jira_key,
        card.size_days,
        card.labels,
        card.not_ready,
        card.not_ready_reason,
        card.column_since,
        card.updated_at if card.column_since is None else None,
    )


SLE_MARK = "past SLE"


def past_sle(card: Card, sle_days: float | None, now: datetime) -> bool:
    """True when the card has been in progress longer than the board's SLE."""
    if sle_days is None or card.started_at is None or card.done_at is not None:
        return False
    return (now - card.started_at).total_seconds() / 86400 > sle_days


class CardItem(QGraphicsItem):
    """One card, painted; its position is the top-left of its layout rectangle."""

    def __init__(self, card: Card, metrics: Metrics) -> None:
        super().__init__()
        self.card = card
        self.m = metrics
        self.person: Person | None = None
        self.badges: Sequence[str] = ()
        # The badges in sentences (JIRA's reason for a refused push, approvals).
        self.notes: tuple[str, ...] = ()
        self.highlighted = False
        self.selected = False
        self.oversized = False
        self.chip_colours: tuple[str | None, ...] = ()
        # The board's SLE, given for cards in progress only; past_sle is worked
        # out when the card is set, not on every paint.
        self.sle_days: float | None = None
        self.past_sle = False
        self.now = datetime.now().astimezone()
        self._size = QRectF(0, 0, 10, 10)
        self._lines: tuple[str, float, list[str]] | None = None
        # The first set_card always draws and sets the tooltip, even for the same card.
        self._first = True
        self._tooltip_text: str | None = None
        self.setZValue(1)
        # A card's picture changes far less often than the view repaints
        # (scrolling, drags of other cards), so Qt keeps it as a pixmap.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def type(self) -> int:
        return CARD_TYPE

    def set_card(
        self,
        card: Card,
        rect: QRectF,
        person: Person | None,
        badges: Sequence[str],
        highlighted: bool,
        selected: bool,
        oversized: bool,
        now: datetime,
        notes: Sequence[str] = (),
        sle_days: float | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        restyled = metrics is not None and metrics != self.m
        if restyled and metrics is not None:
            # A fitted board changed the card face: re-wrap the title for it.
            self.m = metrics
            self._lines = None
        if rect.width() != self._size.width() or rect.height() != self._size.height():
            self.prepareGeometryChange()
            self._size = QRectF(0, 0, rect.width(), rect.height())
        chips = self._chip_colours(card)
        changed = (
            self._first
            or restyled
            or (card is not self.card and _looks(card) != _looks(self.card))
            or person != self.person
            or tuple(badges) != tuple(self.badges)
            or tuple(notes) != self.notes
            or highlighted != self.highlighted
            or selected != self.selected
            or oversized != self.oversized
            or past_sle(card, sle_days, now) != self.past_sle
            or chips != self.chip_colours
        )
        self._first = False
        self.chip_colours = chips
        self.card, self.person, self.badges = card, person, tuple(badges)
        self.notes = tuple(notes)
        self.highlighted, self.selected, self.oversized = highlighted, selected, oversized
        self.now = now
        self.sle_days, self.past_sle = sle_days, past_sle(card, sle_days, now)
        if self.pos() != rect.topLeft():
            self.setPos(rect.topLeft())
        if changed:
            self._refresh_tooltip()
            self.update()

    def _chip_colours(self, card: Card) -> tuple[str | None, ...]:
        """The colour of each label chip, as the board data gives it (None: the default)."""
        data = getattr(self.scene(), "data", None)
        if data is None:
            return (None,) * len(card.labels)
        return tuple(data.label_colour(label) for label in card.labels)

    def set_badges(self, badges: Sequence[str], notes: Sequence[str]) -> None:
        """Only the badges changed (a sync, a links scan): repaint if they differ."""
        if tuple(badges) == tuple(self.badges) and tuple(notes) == self.notes:
            return
        self.badges, self.notes = tuple(badges), tuple(notes)
        self._refresh_tooltip()
        self.update()

    def _refresh_tooltip(self) -> None:
        # Written when asked for (toolTip, the scene's help event): a board of
        # thousands of cards would build every text before its first paint.
        self._tooltip_text = None

    def toolTip(self) -> str:  # Qt's name
        """The card's tooltip as rich text (title, full reason, labels, age, badges)."""
        if self._tooltip_text is None:
            # Rich text on purpose, with the card's own text escaped: a title
            # such as "<b>" must show as typed, not as markup.
            self._tooltip_text = "<p>" + escape(self._tooltip()).replace("\n", "<br>") + "</p>"
        return self._tooltip_text

    def _tooltip(self) -> str:
        parts = [self.card.title]
        if self.card.not_ready_reason:
            # In full: the card face has room for the start of it only.
            parts.append(self.card.not_ready_reason)
        if self.card.labels:
            parts.append("Labels: " + ", ".join(self.card.labels))
        days = days_in_column(self.card, self.now)
        parts.append(f"{plural(days, 'day')} in this column")
        if self.past_sle and self.sle_days is not None and self.card.started_at is not None:
            age = (self.now - self.card.started_at).total_seconds() / 86400
            parts.append(
                f"Past the board's SLE: started {age:.0f} days ago; 85% of cards "
                f"finish within {self.sle_days:.1f} days"
            )
        parts.extend(self.notes)
        return "\n".join(parts)

    def boundingRect(self) -> QRectF:
        return self._size.adjusted(-3, -3, 3, 3)

    def _footer_start(self) -> float:
        """Where the footer's chips may start: after the age dots and the SLE mark."""
        m, r = self.m, self._size
        small_fm = QFontMetricsF(m.small_font)
        x = r.left() + m.pad + 4 + 5 * 9
        days = days_in_column(self.card, self.now)
        if days > 5:
            x += small_fm.horizontalAdvance(f"{days}") + 2
        if self.past_sle:
            x += 4 + small_fm.horizontalAdvance(SLE_MARK) + 8
        return x + 4

    def _footer_badges(self) -> tuple[list[str], float]:
        """The badges that fit at the footer's right, in order, and where the first
        of them begins (the labels end before it); the tooltip has them all."""
        small_fm = QFontMetricsF(self.m.small_font)
        badge_x = self._size.right() - self.m.pad
        start = self._footer_start()
        shown: list[str] = []
        for badge in self.badges:
            left = badge_x - (small_fm.horizontalAdvance(badge) + 8 + 3)
            if left < start:
                break
            shown.append(badge)
            badge_x = left
        return shown, badge_x

    def footer_badges(self) -> list[str]:
        """The badges that fit at the footer's right, in order; the tooltip has them all."""
        return self._footer_badges()[0]

    def _footer_room(self) -> tuple[float, float]:
        """Where the footer's labels may go: after the age dots, before the badges."""
        return self._footer_start(), self._footer_badges()[1]

    def label_chips(self) -> tuple[list[str], int]:
        """The labels that fit on the face, and how many more there are ("+N")."""
        start, end = self._footer_room()
        return fit_labels(self.card.labels, QFontMetricsF(self.m.small_font), end - 2 - start)

    def title_lines(self) -> list[str]:
        width = self._size.width() - 2 * self.m.pad - 6
        if self._lines is None or self._lines[0] != self.card.title or self._lines[1] != width:
            self._lines = (
                self.card.title,
                width,
                wrap_lines(
                    self.card.title,
                    self.m.title_font,
                    width,
                    2 if self.m.face is Face.COMPACT else 3,
                ),
            )
        return self._lines[2]

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        m, card, r = self.m, self.card, self._size
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        background = BLOCKED_FILL if card.not_ready else WHITE
        if self.selected:
            pen = QPen(SELECTED, 3)
        elif self.highlighted:
            pen = QPen(HIGHLIGHT, 4)
        elif card.not_ready:
            pen = QPen(BLOCKED_RED, 2)
        else:
            pen = QPen(CARD_BORDER, 1)
        painter.setPen(pen)
        painter.setBrush(background)
        painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)

        # Person colour along the left edge (grey while nobody has it).
        strip = QColor(self.person.colour) if self.person else QColor("#cfd8dc")
        path = QPainterPath()
        path.addRoundedRect(QRectF(r.left() + 1, r.top() + 1, 5, r.height() - 2), 2, 2)
        painter.fillPath(path, strip)
        if card.not_ready:
            card_faces.paint_blocked_band(painter, r)
        if m.face is Face.COMPACT:
            card_faces.paint_compact(
                painter,
                m,
                card,
                r,
                self.person,
                self.badges,
                self.title_lines(),
                oversized=self.oversized,
                past_sle=self.past_sle,
            )
            return
        if m.face is Face.LINE:
            card_faces.paint_line(painter, m, card, r, self.person)
            return

        left = r.left() + m.pad + 4
        right = r.right() - m.pad
        y = r.top() + m.pad - 2 + (BLOCKED_BAND - 2 if card.not_ready else 0)

        # Top row: JIRA key, initials, size.
        small = m.small_font
        small_fm = QFontMetricsF(small)
        top_right = (
            card_faces.paint_chip(
                painter,
                m,
                f"{card.size_days:g}d",
                right,
                y,
                OVER_RED if self.oversized else CHIP_GREY,
                WHITE if self.oversized else TEXT,
            )
            - 4
        )
        if self.person is not None:
            top_right = card_faces.paint_avatar(painter, m, self.person, top_right, y - 1) - 4
        if card.jira_key:
            painter.setFont(m.key_font)
            painter.setPen(KEY_BLUE)
            key_rect = QRectF(left, y, top_right - left, 17)
            fm = QFontMetricsF(m.key_font)
            painter.drawText(
                key_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(card.jira_key, Qt.TextElideMode.ElideRight, key_rect.width()),
            )

        # Title: wrapped, at most three lines.
        painter.setFont(m.title_font)
        painter.setPen(TEXT)
        fm = QFontMetricsF(m.title_font)
        ty = y + 20 + fm.ascent()
        for line in self.title_lines():
            painter.drawText(QPointF(left, ty), line)
            ty += fm.lineSpacing()

        footer_y = r.bottom() - m.pad - 13
        if card.not_ready:
            painter.setFont(small)
            painter.setPen(BLOCKED_TEXT)
            # The red text says "not ready"; the reason is what is worth the room.
            reason = card.not_ready_reason or "not ready"
            reason_rect = QRectF(left, footer_y - m.card_reason_height, right - left, 16)
            painter.drawText(
                reason_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                small_fm.elidedText(reason, Qt.TextElideMode.ElideRight, reason_rect.width()),
            )

        # Footer: aging dots, labels, then sync/link badges at the right.
        days = days_in_column(card, self.now)
        colour = AGING[0] if days < 2 else AGING[1] if days < 4 else AGING[2]
        painter.setPen(Qt.PenStyle.NoPen)
        x = left
        for i in range(5):
            painter.setBrush(colour if i < days else QColor("#e6e9ec"))
            painter.drawEllipse(QRectF(x, footer_y + 3, 7, 7))
            x += 9
        if days > 5:
            painter.setPen(colour)
            painter.setFont(small)
            painter.drawText(QPointF(x, footer_y + 11), f"{days}")
            x += small_fm.horizontalAdvance(f"{days}") + 2
        if self.past_sle:
            # Past the SLE: a red chip beside the dots, readable across the room.
            x += 4
            w = small_fm.horizontalAdvance(SLE_MARK) + 8
            rect = QRectF(x, footer_y, w, 14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(OVER_RED)
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(small)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, SLE_MARK)
            x += w
        x += 4
        badge_x = right
        painter.setFont(small)
        for badge in reversed(self.footer_badges()):
            w = small_fm.horizontalAdvance(badge) + 8
            rect = QRectF(badge_x - w, footer_y, w, 14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#5e35b1"))
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, badge)
            badge_x = rect.left() - 3
        shown, hidden = self.label_chips()
        more = f"+{hidden}"
        # "+N" only where it fits: else the tooltip alone lists the labels.
        fits = x + small_fm.horizontalAdvance(more) + 8 <= badge_x
        chips = [*shown, more] if hidden and (shown or fits) else shown
        for index, label in enumerate(chips):
            w = small_fm.horizontalAdvance(label) + 8
            rect = QRectF(x, footer_y, w, 14)
            chip = self.chip_colours[index] if index < len(shown) else None
            fill = QColor(chip) if chip else LABEL_CHIP
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(text_colour(fill) if chip else LABEL_TEXT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
            x += w + 3


class BoxItem(QGraphicsItem):
    """A rectangle with up to two lines of text: headers and zone backgrounds.

    ``lines`` are drawn with ``fonts``; headers never elide their text (the
    layout gives them the room), zone labels may.
    """

    def __init__(
        self,
        rect: QRectF,
        background: QColor,
        lines: Sequence[str] = (),
        fonts: Sequence[QFont] = (),
        *,
        border: QColor | None = None,
        border_width: float = 0.0,
        stripe: QColor | None = None,
        align_top: bool = False,
        radius: float = 4.0,
        badge: str | None = None,
        z: float = 0.0,
        tooltip: str | None = None,
    ) -> None:
        super().__init__()
        # What the scene made this item of: equal arguments make the same picture.
        self.spec: tuple[object, ...] = ()
        self.rect = QRectF(rect)
        self.background = background
        self.lines = list(lines)
        self.fonts = list(fonts)
        self.border = border
        self.border_width = border_width
        self.stripe = stripe
        self.align_top = align_top
        self.radius = radius
        self.badge = badge
        self.setZValue(z)
        if tooltip is not None:
            self.setToolTip(tooltip)
        if self.lines:
            # Text is the dear part of a header to draw; a header repaints with
            # every card that passes under it while the wall scrolls or a card
            # is dragged over it, and its picture changes only with its figures.
            self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-3, -3, 3, 3)

    def text_rect(self) -> QRectF:
        left = 8 + (10 if self.stripe is not None else 0)
        return self.rect.adjusted(left, 4, -8, -4)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(
            QPen(self.border, self.border_width) if self.border is not None else Qt.PenStyle.NoPen
        )
        painter.setBrush(QBrush(self.background))
        inset = self.border_width / 2
        painter.drawRoundedRect(
            self.rect.adjusted(inset, inset, -inset, -inset), self.radius, self.radius
        )
        if self.stripe is not None:
            painter.fillRect(
                QRectF(self.rect.left() + 3, self.rect.top() + 3, 7, self.rect.height() - 6),
                self.stripe,
            )
        if not self.lines:
            return
        text_rect = self.text_rect()
        colour = text_colour(self.background) if self.background.alpha() > 128 else TEXT
        painter.setPen(colour)
        heights = [QFontMetricsF(f).lineSpacing() for f in self.fonts[: len(self.lines)]]
        y = text_rect.top() if self.align_top else text_rect.center().y() - sum(heights) / 2
        for line, font, h in zip(self.lines, self.fonts, heights, strict=False):
            painter.setFont(font)
            fm = QFontMetricsF(font)
            text = fm.elidedText(line, Qt.TextElideMode.ElideRight, text_rect.width())
            painter.drawText(QPointF(text_rect.left(), y + fm.ascent()), text)
            y += h
        if self.badge:
            font = Metrics.font(self.fonts[-1].pixelSize(), bold=True)
            fm = QFontMetricsF(font)
            w = fm.horizontalAdvance(self.badge) + 12
            rect = QRectF(self.rect.right() - w - 6, self.rect.top() + 6, w, fm.height() + 4)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(rect, 4, 4)
            painter.setPen(OVER_RED)
            painter.setFont(font)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.badge)


class LaneHeaderItem(BoxItem):
    """A swimlane's header; clicking it collapses or expands the lane."""

    def __init__(self, lane: Lane, rect: QRectF, metrics: Metrics) -> None:
        over = lane.state is WipState.OVER
        background = OVER_RED if over else QColor("#eceff1")
        super().__init__(
            rect,
            background,
            lane_header_texts(lane),
            [metrics.lane_font, metrics.header_figure_font],
            stripe=QColor(lane.colour),
            align_top=True,
            z=0.5,
        )
        self.setToolTip(f"{lane.title}: {lane.wip_text} in progress")
        self.lane = lane

    def type(self) -> int:
        return LANE_HEADER_TYPE


class AddButtonItem(BoxItem):
    """The "+" in the pool header that creates a card."""

    def __init__(self, rect: QRectF, metrics: Metrics) -> None:
        super().__init__(rect, QColor("#2e7d32"), ["+"], [metrics.font(22, bold=True)], z=2)
        self.setToolTip("New card (N)")

    def text_rect(self) -> QRectF:
        fm = QFontMetricsF(self.fonts[0])
        w = fm.horizontalAdvance("+")
        return QRectF(self.rect.center().x() - w / 2, self.rect.top(), w + 1, self.rect.height())

    def type(self) -> int:
        return ADD_BUTTON_TYPE


class BubbleItem(QGraphicsItem):
    """A transient message beside a card (a refused drop, a conflict)."""

    def __init__(self, text: str, anchor: QRectF, scene_width: float, metrics: Metrics) -> None:
        super().__init__()
        self.text = text
        self.font = metrics.font(13, bold=True)
        width = 300.0
        fm = QFontMetricsF(self.font)
        self.lines = wrap_lines(text, self.font, width - 20, 8)
        height = len(self.lines) * fm.lineSpacing() + 16
        x = anchor.right() + 8
        if x + width > scene_width:
            x = max(0.0, anchor.left() - width - 8)
        self.rect = QRectF(x, anchor.top(), width, height)
        self.setZValue(50)

    def boundingRect(self) -> QRectF:
        return self.rect

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#ffffff"), 2))
        painter.setBrush(QColor(183, 28, 28, 240))
        painter.drawRoundedRect(self.rect, 8, 8)
        painter.setPen(QColor("#ffffff"))
        painter.setFont(self.font)
        fm = QFontMetricsF(self.font)
        y = self.rect.top() + 8 + fm.ascent()
        for line in self.lines:
            painter.drawText(QPointF(self.rect.left() + 10, y), line)
            y += fm.lineSpacing()


class DropIndicatorItem(QGraphicsItem):
    """Where a dragged card will land: a bar before a card, or the zone outlined."""

    def __init__(self) -> None:
        super().__init__()
        self.zone_rect = QRectF()
        self.bar = QRectF()
        self.setZValue(40)

    def show_at(self, zone_rect: QRectF, bar: QRectF) -> None:
        self.prepareGeometryChange()
        self.zone_rect, self.bar = QRectF(zone_rect), QRectF(bar)
        self.setVisible(True)

    def boundingRect(self) -> QRectF:
        return self.zone_rect.united(self.bar).adjusted(-4, -4, 4, 4)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setPen(QPen(SELECTED, 3, Qt.PenStyle.DashLine))
        painter.setBrush(QColor(21, 101, 192, 20))
        painter.drawRoundedRect(self.zone_rect.adjusted(2, 2, -2, -2), 6, 6)
        if not self.bar.isNull():
            painter.fillRect(self.bar, SELECTED)
