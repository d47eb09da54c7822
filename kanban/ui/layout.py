"""Board geometry: where the pool, headers, lanes, cells and cards go.

The layout is computed in scene units for a given visible width (the view's
width divided by its zoom), so one function serves the laptop and the wall.
Card rectangles, cell rectangles and drop zones all come from here; the scene
only places painted items at these rectangles, and drag and drop asks
:meth:`BoardLayout.zone_at` where a point falls. Column widths grow to fit
their header text, so headers are never elided (the board scrolls instead).

Given a ``fit_height``, the layout must end within it: lanes share the height
(those needing less keep their need), and a cell, the pool or the not-ready
section with more cards than fit shows what fits and a "+N more" note.
:mod:`kanban.ui.fit` chooses the card face (:class:`Face`) that needs the
least of that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import compress
from operator import attrgetter

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from kanban.domain.model import Card, Column
from kanban.domain.wip import WIP_NAME, WipState, work_in_progress
from kanban.ui.board_data import BoardData, Lane, LaneKey

# Zones where a card can be dropped.
POOL = "pool"
NOT_READY = "not_ready"
CELL = "cell"


def column_header_texts(data: BoardData, column: Column) -> tuple[str, str]:
    """The two header lines of a column: its name, and count with limits and state."""
    count = data.wip.by_column.get(column.id)
    total = count.total if count else 0
    figure = f"{total}/{column.wip_max}" if column.wip_max is not None else f"{total}"
    if column.wip_min is not None:
        figure += f" · min {column.wip_min}"
    state = data.wip.column_state(column)
    if state is WipState.OVER:
        figure += " · OVER LIMIT"
    elif state is WipState.UNDER:
        figure += " · UNDER MIN"
    return column.name, figure


def corner_texts(data: BoardData) -> tuple[str, str]:
    """The corner above the lanes: what the lanes are, and the board's work in progress."""
    label = "PERSON" if data.grouping.value == "person" else "PROJECT"
    if data.my_board:
        label = "MY BOARD"
    return label, f"{WIP_NAME} {work_in_progress(data.wip).total}"


def lane_header_texts(lane: Lane) -> tuple[str, str]:
    """The two header lines of a lane: who, and their WIP (loud when over the limit)."""
    arrow = "▸ " if lane.collapsed else "▾ "
    figure = lane.wip_text
    if lane.state is WipState.OVER:
        figure += " · OVER"
    return arrow + lane.title, figure


# The room a "+N more" note takes beside the last card of a one-card-wide cell.
MORE_NOTE_WIDTH = 74.0
# The red band across the top of a blocked card (every face): seen from three metres.
BLOCKED_BAND = 7.0


class Face(StrEnum):
    """How much a card shows: the full face, or denser ones for a board that must fit."""

    FULL = "full"  # key, size, owner, three title lines, age dots, labels, badges
    COMPACT = "compact"  # key, size, owner, two title lines, badges
    LINE = "line"  # one line: owner, key and the start of the title


@dataclass(frozen=True)
class Metrics:
    """Sizes in scene units; fonts are pixel-sized so they scale with the view's zoom."""

    face: Face = Face.FULL
    margin: float = 8.0
    gap: float = 6.0
    pad: float = 8.0
    header_height: float = 52.0
    section_header: float = 34.0
    card_min_width: float = 176.0
    card_height: float = 104.0
    card_reason_height: float = 20.0
    lane_header_min: float = 150.0
    lane_header_max: float = 260.0
    collapsed_height: float = 40.0
    note_height: float = 18.0
    pool_share: float = 0.30
    pool_share_single: float = 0.45

    def with_face(self, face: Face) -> Metrics:
        """These metrics with the card sizes of ``face`` (fonts stay: they must stay readable)."""
        if face is Face.FULL:
            return replace(
                self, face=face, card_min_width=176.0, card_height=104.0, card_reason_height=20.0
            )
        title_line = QFontMetricsF(self.title_font).lineSpacing()
        if face is Face.COMPACT:
            # Key row, two title lines; a blocked card adds its reason in title size.
            height = 5 + 17 + 2 + 2 * title_line + 4
            return replace(
                self,
                face=face,
                card_min_width=112.0,
                card_height=math.ceil(height),
                card_reason_height=math.ceil(title_line + BLOCKED_BAND),
            )
        height = 5 + max(19.0, title_line) + 5
        return replace(
            self,
            face=face,
            card_min_width=190.0,
            card_height=math.ceil(height),
            card_reason_height=math.ceil(title_line + BLOCKED_BAND),
        )

    @staticmethod
    def font(pixels: float, bold: bool = False) -> QFont:
        font = QFont()
        font.setPixelSize(max(1, round(pixels)))
        font.setBold(bold)
        return font

    @property
    def header_font(self) -> QFont:
        return self.font(16, bold=True)

    @property
    def header_figure_font(self) -> QFont:
        return self.font(15, bold=True)

    @property
    def lane_font(self) -> QFont:
        return self.font(15, bold=True)

    @property
    def title_font(self) -> QFont:
        return self.font(12.5)

    @property
    def small_font(self) -> QFont:
        return self.font(10.5)

    @property
    def key_font(self) -> QFont:
        return self.font(11, bold=True)


@dataclass(frozen=True, slots=True)
class Zone:
    """A drop area: the pool, the not-ready section or one lane cell."""

    kind: str
    rect: QRectF
    column_id: int | None = None
    lane: LaneKey | None = None


@dataclass
class BoardLayout:
    """All rectangles of one layout pass, in scene coordinates."""

    width: float = 0.0
    height: float = 0.0
    pool_rect: QRectF = field(default_factory=QRectF)
    pool_header: QRectF = field(default_factory=QRectF)
    add_button: QRectF = field(default_factory=QRectF)
    not_ready_rect: QRectF = field(default_factory=QRectF)
    not_ready_header: QRectF = field(default_factory=QRectF)
    column_headers: dict[int, QRectF] = field(default_factory=dict)
    corner: QRectF = field(default_factory=QRectF)
    lane_headers: dict[LaneKey, QRectF] = field(default_factory=dict)
    lane_rects: dict[LaneKey, QRectF] = field(default_factory=dict)
    cells: dict[tuple[int, LaneKey], QRectF] = field(default_factory=dict)
    cards: dict[str, QRectF] = field(default_factory=dict)
    # "+N earlier" notes under done cells that show only their latest cards.
    notes: dict[tuple[int, LaneKey], tuple[QRectF, str]] = field(default_factory=dict)
    zones: list[Zone] = field(default_factory=list)
    # Visible cards of each zone in display order, for drop positions.
    zone_cards: dict[tuple[str, int | None, LaneKey | None], list[str]] = field(
        default_factory=dict
    )
    # The metrics the cards were laid out with (the pool's may be denser or roomier).
    metrics: Metrics = field(default_factory=lambda: Metrics())
    pool_metrics: Metrics = field(default_factory=lambda: Metrics())
    # Cards a fit_height left out ("+N more"), in the lanes and in the pool column.
    lanes_capped: int = 0
    pool_capped: int = 0

    def zone_at(self, point: QPointF) -> Zone | None:
        for zone in self.zones:
            if zone.rect.contains(point):
                return zone
        return None

    def insert_before(self, zone: Zone, point: QPointF, dragged: str) -> str | None:
        """The visible card the drop lands before (None: at the end of the zone)."""
        ids = [
            i
            for i in self.zone_cards.get((zone.kind, zone.column_id, zone.lane), [])
            if i != dragged
        ]
        for card_id in ids:
            rect = self.cards[card_id]
            # Cards flow left to right in rows: before a card means above its row,
            # or in its row and left of its centre.
            if point.y() < rect.top():
                return card_id
            if point.y() <= rect.bottom() and point.x() < rect.center().x():
                return card_id
        return None


def _grid(
    cards: list[Card],
    left: float,
    top: float,
    width: float,
    m: Metrics,
    out: dict[str, QRectF],
    max_height: float | None = None,
) -> tuple[float, int, QRectF | None]:
    """Place cards in rows across ``width``.

    Returns the height used, how many cards were left out and where the note
    counting them goes. With ``max_height``, rows stop where the next would
    not fit, and the last card shown gives its place to that "+N more" note.
    """
    if not cards:
        return 0.0, 0, None
    per_row = max(1, int((width + m.gap) // (m.card_min_width + m.gap)))
    card_w = (width - (per_row - 1) * m.gap) / per_row
    y = top
    placed: list[str] = []
    for start in range(0, len(cards), per_row):
        row = cards[start : start + per_row]
        row_h = max(card_height(c, m) for c in row)
        if max_height is not None and y + row_h > top + max_height + 0.01:
            break
        for i, card in enumerate(row):
            out[card.id] = QRectF(left + i * (card_w + m.gap), y, card_w, card_height(card, m))
            placed.append(card.id)
        y += row_h + m.gap
    used = max(0.0, y - top - m.gap)
    left_out = len(cards) - len(placed)
    if not left_out:
        return used, 0, None
    if not placed:
        # Not even one row: the note alone, as high as the room allows.
        return 0.0, left_out, QRectF(left, top, width, m.note_height)
    if per_row == 1:
        # One card a row: the last card shown gives up the end of its row to
        # the note, so a lane with room for one row still shows a card.
        last = out[placed[-1]]
        note_w = min(MORE_NOTE_WIDTH, last.width() / 2)
        out[placed[-1]] = QRectF(
            last.left(), last.top(), last.width() - note_w - m.gap, last.height()
        )
        slot = QRectF(last.right() - note_w, last.top(), note_w, m.note_height)
        return used, left_out, slot
    # The last card shown makes room for the note that counts the rest.
    slot = out.pop(placed[-1])
    return used, left_out + 1, QRectF(slot.left(), slot.top(), slot.width(), m.note_height)


_is_not_ready = attrgetter("not_ready")


def grid_height(cards: list[Card], width: float, m: Metrics) -> float:
    """The height :func:`_grid` would use for ``cards`` across ``width``, placing nothing.

    Only not-ready cards are taller, so a row's height is known from whether
    it holds one: no per-card sizes (a fit asks this of every cell four times).
    """
    if not cards:
        return 0.0
    per_row = max(1, int((width + m.gap) // (m.card_min_width + m.gap)))
    rows = -(-len(cards) // per_row)
    # In C, not per card in Python: the pool's list can be a thousand long.
    blocked_at = compress(range(len(cards)), map(_is_not_ready, cards))
    taller = len({i // per_row for i in blocked_at})
    return rows * (m.card_height + m.gap) + taller * m.card_reason_height - m.gap


def card_height(card: Card, m: Metrics) -> float:
    return m.card_height + (m.card_reason_height if card.not_ready else 0.0)


def lane_header_width(lanes: list[Lane], m: Metrics) -> float:
    name_fm = QFontMetricsF(m.lane_font)
    figure_fm = QFontMetricsF(m.header_figure_font)
    names = max(
        (name_fm.horizontalAdvance(lane_header_texts(lane)[0]) for lane in lanes), default=0
    )
    figures = max(
        (figure_fm.horizontalAdvance(lane_header_texts(lane)[1]) for lane in lanes), default=0
    )
    # Room for the colour stripe and padding. The figure line is never cut; a
    # very long name may be (the tooltip and the editor show it in full).
    stripe_and_pad = 18 + 8 + 4
    return max(
        m.lane_header_min,
        figures + stripe_and_pad,
        min(m.lane_header_max, names + stripe_and_pad),
    )


def _shares(needs: dict[LaneKey, float], room: float) -> dict[LaneKey, float]:
    """Split ``room`` between lanes: those needing less keep their need, the rest share evenly."""
    out: dict[LaneKey, float] = {}
    left = dict(needs)
    while left:
        share = room / len(left)
        small = {k: h for k, h in left.items() if h <= share}
        if not small:
            out.update(dict.fromkeys(left, share))
            break
        for key, height in small.items():
            out[key] = height
            room -= height
            del left[key]
    return out


def compute_layout(
    data: BoardData,
    visible_width: float,
    m: Metrics | None = None,
    *,
    pool_m: Metrics | None = None,
    fit_height: float | None = None,
    measure_only: bool = False,
) -> BoardLayout:
    """Lay the board out to fill ``visible_width`` scene units (wider if the columns need it).

    ``pool_m`` lays out the pool's and the not-ready cards with other card
    sizes than the lanes'. With ``fit_height`` the board ends within that
    height, leaving out what does not fit (counted in ``lanes_capped`` and
    ``pool_capped``, and said in "+N more" notes). ``measure_only`` places
    nothing and only says whether cards would be left out (nonzero counts).
    """
    m = m or Metrics()
    pm = pool_m or m
    out = BoardLayout(metrics=m, pool_metrics=pm)
    header_fm = QFontMetricsF(m.header_font)
    figure_fm = QFontMetricsF(m.header_figure_font)

    corner_figure = QFontMetricsF(m.header_figure_font).horizontalAdvance(corner_texts(data)[1])
    lane_w = max(lane_header_width(data.lanes, m), corner_figure + 2 * m.pad + 4)
    n_cols = max(1, len(data.columns))
    # Each column must fit one card and its header text without eliding.
    col_min = {
        c.id: max(
            m.card_min_width + 2 * m.pad,
            header_fm.horizontalAdvance(column_header_texts(data, c)[0]) + 2 * m.pad + 4,
            figure_fm.horizontalAdvance(column_header_texts(data, c)[1]) + 2 * m.pad + 4,
        )
        for c in data.columns
    }
    pool_min = pm.card_min_width + 2 * m.pad
    # With one lane (My board) the pool gets more room: it is half the question.
    share = m.pool_share if len(data.lanes) > 1 else m.pool_share_single
    # ...but never so much that the lanes' columns would have to scroll.
    right_needed = lane_w + sum(col_min.values()) + 2 * m.margin + m.gap
    pool_w = max(pool_min, min(math.floor(visible_width * share), visible_width - right_needed))
    right_w = visible_width - pool_w - 2 * m.margin - m.gap - lane_w
    share = right_w / n_cols
    col_w = {c.id: max(col_min[c.id], share) for c in data.columns}

    x0 = m.margin
    pool_x = x0
    right_x = pool_x + pool_w + m.gap
    top = m.margin
    body_top = top + m.header_height + m.gap
    # The room below the header row, when the board must fit a height.
    room = None if fit_height is None else max(0.0, fit_height - body_top - m.margin)

    # Column headers (the pool's header sits above the pool).
    out.pool_header = QRectF(pool_x, top, pool_w, m.header_height)
    out.add_button = QRectF(
        pool_x + pool_w - m.header_height + 8, top + 8, m.header_height - 16, m.header_height - 16
    )
    out.corner = QRectF(right_x, top, lane_w, m.header_height)
    x = right_x + lane_w
    col_x: dict[int, float] = {}
    for col in data.columns:
        col_x[col.id] = x
        out.column_headers[col.id] = QRectF(x, top, col_w[col.id], m.header_height)
        x += col_w[col.id]
    right_edge = x

    def fill_lane(lane: Lane, y: float, max_inner: float | None) -> tuple[float, int]:
        """Place one lane's cards from ``y``; its height and the cards left out."""
        if lane.collapsed:
            return m.collapsed_height, 0
        height = m.card_height + 2 * m.pad
        if max_inner is not None:
            height = min(height, max_inner + 2 * m.pad)
        capped = 0
        for col in data.columns:
            cards = data.cells.get((col.id, lane.key), [])
            inner = col_w[col.id] - 2 * m.pad
            earlier = data.done_hidden.get((col.id, lane.key), 0)
            limit = max_inner
            if earlier and limit is not None:
                limit -= m.note_height + m.gap
            cell_x, cell_y = col_x[col.id] + m.pad, y + m.pad
            used, left_out, slot = _grid(cards, cell_x, cell_y, inner, m, out.cards, limit)
            capped += left_out
            if left_out and slot is not None:
                text = f"+ {left_out} more" + (f", {earlier} done earlier" if earlier else "")
                if slot.width() < 3 * MORE_NOTE_WIDTH:
                    # Beside a card: the short form, counting the earlier done cards too.
                    text = f"+{left_out + earlier} more"
                out.notes[(col.id, lane.key)] = (slot, text)
                used = max(used, slot.bottom() - cell_y)
            elif earlier:
                note_top = cell_y + used + (m.gap if used else 0)
                rect = QRectF(cell_x, note_top, inner, m.note_height)
                out.notes[(col.id, lane.key)] = (rect, f"+ {earlier} done earlier")
                used += m.note_height + (m.gap if used else 0)
            height = max(height, used + 2 * m.pad)
        return height, capped

    def lane_need(lane: Lane) -> float:
        """The height ``fill_lane`` would give ``lane`` with room to spare, placing nothing."""
        if lane.collapsed:
            return m.collapsed_height
        height = m.card_height + 2 * m.pad
        for col in data.columns:
            used = grid_height(data.cells.get((col.id, lane.key), []), col_w[col.id] - 2 * m.pad, m)
            if data.done_hidden.get((col.id, lane.key), 0):
                used += m.note_height + (m.gap if used else 0)
            height = max(height, used + 2 * m.pad)
        return height

    # Lanes. With a height to fit, first what each lane needs, then its share.
    lane_room: dict[LaneKey, float] = {}
    if room is not None and data.lanes:
        needs = {lane.key: lane_need(lane) for lane in data.lanes}
        gaps = m.gap * (len(data.lanes) - 1)
        if sum(needs.values()) + gaps > room:
            lane_room = _shares(needs, room - gaps)
    # The pool column: what the pool's cards and the not-ready section need.
    inner = pool_w - 2 * m.pad
    pool_need = m.pad + grid_height(data.pool_cards, inner, pm) + m.pad
    nr_floor = pm.card_height * 0.6
    nr_h = grid_height(data.not_ready_cards, inner, pm)
    nr_need = m.section_header + m.pad + max(nr_h, nr_floor) + m.pad
    if measure_only and room is not None:
        # Whether this face would leave cards out, from the needs alone.
        out.lanes_capped = sum(1 for key, height in lane_room.items() if height < needs[key] - 0.5)
        out.pool_capped = int(pool_need + m.gap + nr_need > room)
        return out
    y = body_top
    for lane in data.lanes:
        max_inner = lane_room[lane.key] - 2 * m.pad if lane.key in lane_room else None
        height, capped = fill_lane(lane, y, max_inner)
        if lane.key in lane_room:
            height = lane_room[lane.key]
        out.lanes_capped += capped
        out.lane_headers[lane.key] = QRectF(right_x, y, lane_w, height)
        out.lane_rects[lane.key] = QRectF(right_x, y, right_edge - right_x, height)
        for col in data.columns:
            rect = QRectF(col_x[col.id], y, col_w[col.id], height)
            out.cells[(col.id, lane.key)] = rect
            cards = data.cells.get((col.id, lane.key), [])
            if lane.collapsed:
                for card in cards:
                    out.cards.pop(card.id, None)
            else:
                out.zone_cards[(CELL, col.id, lane.key)] = [
                    c.id for c in cards if c.id in out.cards
                ]
            out.zones.append(Zone(CELL, rect, col.id, lane.key))
        y += height + m.gap
    lanes_bottom = y

    # The pool, then the not-ready section at its bottom.
    pool_cards: dict[str, QRectF] = {}
    nr_cards: dict[str, QRectF] = {}
    pool_note: tuple[QRectF, str] | None = None
    nr_note: tuple[QRectF, str] | None = None
    if room is not None and pool_need + m.gap + nr_need > room:
        # Both must show: the not-ready section keeps what it needs up to 40% of
        # the column (at least a header and a row), the pool gets the rest.
        nr_row = m.section_header + 2 * m.pad + pm.card_height + pm.card_reason_height
        nr_alloc = min(nr_need, max(room * 0.4, nr_row))
        pool_alloc = max(0.0, room - m.gap - nr_alloc)
        _, left_out, slot = _grid(
            data.pool_cards, 0, 0, inner, pm, pool_cards, pool_alloc - 2 * m.pad
        )
        out.pool_capped += left_out
        if left_out and slot is not None:
            pool_note = (slot, f"+ {left_out} more in the pool")
        pool_need = pool_alloc
        nr_max = nr_alloc - m.section_header - 2 * m.pad
        _, left_out, slot = _grid(data.not_ready_cards, 0, 0, inner, pm, nr_cards, nr_max)
        out.pool_capped += left_out
        if left_out and slot is not None:
            nr_note = (slot, f"+ {left_out} more not ready")
        nr_need = nr_alloc
    else:
        _grid(data.pool_cards, 0, 0, inner, pm, pool_cards)
        _grid(data.not_ready_cards, 0, 0, inner, pm, nr_cards)
    pool_top = body_top + m.pad
    for card_id, rect in pool_cards.items():
        out.cards[card_id] = rect.translated(pool_x + m.pad, pool_top)
    if pool_note is not None:
        out.notes[(-1, ("pool", None))] = (
            pool_note[0].translated(pool_x + m.pad, pool_top),
            pool_note[1],
        )
    pool_cards_bottom = body_top + pool_need
    # Right under the pool's cards, so it is on screen whenever the pool's top is.
    nr_top = pool_cards_bottom + m.gap
    nr_total = nr_need
    out.not_ready_rect = QRectF(pool_x, nr_top, pool_w, nr_total)
    out.not_ready_header = QRectF(pool_x, nr_top, pool_w, m.section_header)
    nr_cards_top = nr_top + m.section_header + m.pad
    for card_id, rect in nr_cards.items():
        out.cards[card_id] = rect.translated(pool_x + m.pad, nr_cards_top)
    if nr_note is not None:
        out.notes[(-2, ("not_ready", None))] = (
            nr_note[0].translated(pool_x + m.pad, nr_cards_top),
            nr_note[1],
        )
    bottom = max(lanes_bottom - m.gap, nr_top + nr_total)
    # The pool's area runs down the whole board (the not-ready section sits on
    # it and wins the drops that land on it).
    out.pool_rect = QRectF(pool_x, body_top, pool_w, bottom - body_top)
    out.zones.insert(0, Zone(NOT_READY, out.not_ready_rect, data.pool.id, None))
    out.zones.insert(1, Zone(POOL, out.pool_rect, data.pool.id, None))
    out.zone_cards[(POOL, data.pool.id, None)] = [
        c.id for c in data.pool_cards if c.id in out.cards
    ]
    out.zone_cards[(NOT_READY, data.pool.id, None)] = [
        c.id for c in data.not_ready_cards if c.id in out.cards
    ]

    out.width = max(visible_width, right_edge + m.margin)
    out.height = bottom + m.margin
    return out
