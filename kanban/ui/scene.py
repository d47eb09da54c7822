"""The board's QGraphicsScene: places painted items where the layout says.

``BoardScene.apply`` is called with each new board state. Card items are kept
by card id and only moved or repainted when something changed, so a drop or a
refresh on a board of thousands of cards touches few items. Headers and zone
backgrounds are few: each apply describes them again, and an item whose
picture did not change is kept, so a drop repaints only the headers whose
figures it changed instead of every header of the board.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from PySide6.QtCore import QObject, QRect, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneHelpEvent

from kanban.domain.model import Card, ColumnKind, Person
from kanban.domain.rules import is_oversized
from kanban.domain.wip import WIP_NAME, WipState, work_in_progress
from kanban.domain.words import plural
from kanban.ui import items as it
from kanban.ui import palette as pal
from kanban.ui.board_data import BoardData, LaneKey
from kanban.ui.layout import BoardLayout, Metrics, column_header_texts, corner_texts

BUBBLE_MS = 6000
BACKGROUND = QColor("#ffffff")
STICKY_Z = 30.0
CELL_BORDER = QColor("#dde1e5")
COLUMN_HEADER_BORDER = QColor("#ffffff")
CLEAR = QColor(0, 0, 0, 0)

BoxT = TypeVar("BoxT", bound=it.BoxItem)


class BoardScene(QGraphicsScene):
    """Cards, headers and zones of one board.

    Attributes:
        card_items: card id → its item (only cards currently shown).
        column_header_items / lane_header_items: for hit tests and geometry checks.
    """

    def __init__(self, metrics: Metrics, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Items move on every drop; without an index a move costs nothing and
        # drawing a viewport still only visits a few thousand rectangles.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.m = metrics
        self.card_items: dict[str, it.CardItem] = {}
        # Headers, notes and frames by what they are (("header", "pool"),
        # ("note", zone), …), kept across applies; the key's first word is its group.
        self._static_by_key: dict[tuple[object, ...], it.BoxItem] = {}
        self._previous_static: dict[tuple[object, ...], it.BoxItem] = {}
        self.column_header_items: dict[int, it.BoxItem] = {}
        self.lane_header_items: dict[LaneKey, it.LaneHeaderItem] = {}
        self.pool_header_item: it.BoxItem | None = None
        self.corner_item: it.BoxItem | None = None
        self.not_ready_header_item: it.BoxItem | None = None
        self.add_button_item: it.AddButtonItem | None = None
        self.indicator = it.DropIndicatorItem()
        self.indicator.setVisible(False)
        self.addItem(self.indicator)
        self.data: BoardData | None = None
        self.layout: BoardLayout | None = None
        self._bubbles: list[it.BubbleItem] = []
        self.backgrounds: list[tuple[QRectF, QColor, QColor | None, float]] = []
        self._headers_stale = False
        self._bg_key: list[tuple[object, ...]] = []
        self.sticky: list[it.BoxItem] = []
        self._view_top = 0.0

    def _add(self, key: tuple[object, ...], make: type[BoxT], *args: Any, **kwargs: Any) -> BoxT:
        """Show ``make(*args, **kwargs)`` as the static item ``key``. The item shown
        before under ``key`` stays if it was made of equal arguments: it is not made
        again and not repainted. Returns the item on the scene."""
        spec = (make, args, kwargs)
        old = self._previous_static.pop(key, None)
        if old is not None and old.spec == spec:
            item = cast(BoxT, old)
        else:
            if old is not None:
                self.removeItem(old)
            item = make(*args, **kwargs)
            item.spec = spec
            self.addItem(item)
        self._static_by_key[key] = item
        return item

    def _begin_static(self, *groups: str) -> None:
        """The static items of ``groups`` are described anew: keep the others."""
        self._previous_static = {}
        for key in [k for k in self._static_by_key if k[0] in groups]:
            self._previous_static[key] = self._static_by_key.pop(key)

    def _end_static(self) -> None:
        """Remove what the new description no longer has."""
        for item in self._previous_static.values():
            self.removeItem(item)
        self._previous_static = {}

    def apply(
        self,
        data: BoardData,
        layout: BoardLayout,
        *,
        badges: Mapping[str, Sequence[str]],
        notes: Mapping[str, Sequence[str]] | None = None,
        highlighted: set[str] | frozenset[str],
        selected: str | None,
        now: datetime,
        sle_days: float | None = None,
        headers_later: bool = False,
    ) -> None:
        """Show ``data`` laid out as ``layout``.

        With ``headers_later`` (a drop, which must reach the screen within a
        frame) the header figures are left for :meth:`apply_headers` after the
        paint, when the board's geometry and colours did not change: the
        headers are then where they were and only their counts are a frame late.
        """
        self.data, self.layout = data, layout
        self.backgrounds = self._backgrounds(data, layout)
        bg_key = _bg_key(self.backgrounds)
        rect = QRectF(0, 0, layout.width, layout.height)
        reshaped = rect != self.sceneRect() or bg_key != self._bg_key
        self._headers_stale = True
        if not (headers_later and not reshaped):
            self.apply_headers()
        self._apply_notes(layout)
        self._apply_cards(data, layout, badges, notes, highlighted, selected, now, sle_days)
        if reshaped:
            # Only a changed layout costs a repaint of the (cached) background.
            self._bg_key = bg_key
            self.setSceneRect(rect)
            self.invalidate(rect, QGraphicsScene.SceneLayer.BackgroundLayer)

    def _backgrounds(
        self, data: BoardData, layout: BoardLayout
    ) -> list[tuple[QRectF, QColor, QColor | None, float]]:
        """The zones' fills, painted by drawBackground (which the view caches)."""
        backgrounds = [
            (layout.pool_rect, pal.POOL_BG, None, 0.0),
            (layout.not_ready_rect, pal.NOT_READY_BG, pal.NOT_READY_HEADER, 2.0),
        ]
        tints = {WipState.OVER: pal.OVER_TINT, WipState.UNDER: pal.UNDER_TINT}
        for index, lane in enumerate(data.lanes):
            background = QColor(pal.CELL_BG[index % 2])
            for col in data.columns:
                tint = tints.get(data.column_state(col))
                fill = _blend(background, tint) if tint else background
                backgrounds.append((layout.cells[(col.id, lane.key)], fill, CELL_BORDER, 1.0))
        return backgrounds

    def apply_headers(self) -> None:
        """Headers, their figures, lane frames and collapsed lanes' counts, for the
        board last applied (a no-op when they already show it)."""
        data, layout = self.data, self.layout
        if data is None or layout is None or not self._headers_stale:
            return
        self._headers_stale = False
        self._begin_static("header")
        self.column_header_items.clear()
        self.lane_header_items.clear()
        m = self.m

        blocked = len(data.not_ready_cards)
        self.pool_header_item = self._add(
            ("header", "pool"),
            it.BoxItem,
            layout.pool_header,
            pal.HEADER_BG,
            ("TASK POOL", f"{len(data.pool_cards)} ready"),
            (m.header_font, m.header_figure_font),
        )
        self.add_button_item = self._add(
            ("header", "add"), it.AddButtonItem, layout.add_button, m
        )
        self.not_ready_header_item = self._add(
            ("header", "not ready"),
            it.BoxItem,
            layout.not_ready_header,
            pal.NOT_READY_HEADER,
            (f"NOT READY ({blocked})",),
            (m.header_font,),
        )
        wip = work_in_progress(data.wip)
        active = ", ".join(c.name for c in data.columns if c.kind is ColumnKind.ACTIVE)
        corner_item = self._add(
            ("header", "corner"),
            it.BoxItem,
            layout.corner,
            pal.HEADER_BG,
            tuple(corner_texts(data)),
            (m.header_font, m.header_figure_font),
            tooltip=f"{WIP_NAME}: {wip.total} cards in the active columns ({active}), "
            f"{wip.blocked} of them blocked. The status report counts it the same way.",
        )
        self.corner_item = corner_item

        for col in data.columns:
            state = data.column_state(col)
            background = {
                WipState.OVER: pal.OVER_RED,
                WipState.UNDER: pal.UNDER_AMBER,
                WipState.AT: pal.AT_BLUE,
            }.get(state, pal.HEADER_BG)
            self.column_header_items[col.id] = self._add(
                ("header", "column", col.id),
                it.BoxItem,
                layout.column_headers[col.id],
                background,
                tuple(column_header_texts(data, col)),
                (m.header_font, m.header_figure_font),
                border=COLUMN_HEADER_BORDER,
                border_width=1,
            )

        for lane in data.lanes:
            self.lane_header_items[lane.key] = self._add(
                ("header", "lane", lane.key),
                it.LaneHeaderItem,
                lane,
                layout.lane_headers[lane.key],
                m,
            )
            if lane.collapsed:
                for col in data.columns:
                    count = len(data.cells.get((col.id, lane.key), []))
                    if count:
                        self._add(
                            ("header", "collapsed", col.id, lane.key),
                            it.BoxItem,
                            layout.cells[(col.id, lane.key)],
                            CLEAR,
                            (plural(count, "card"),),
                            (m.small_font,),
                            z=-1,
                        )
            if lane.state is WipState.OVER:
                # A thick red frame round the whole lane: visible across the room.
                self._add(
                    ("header", "over limit", lane.key),
                    it.BoxItem,
                    layout.lane_rects[lane.key],
                    CLEAR,
                    border=pal.OVER_RED,
                    border_width=5,
                    radius=2,
                    z=3,
                )
        self._end_static()

        # The header row stays at the top of the view while the board scrolls.
        self.sticky = [
            self.pool_header_item,
            self.add_button_item,
            corner_item,
            *self.column_header_items.values(),
        ]
        for item in self.sticky:
            item.setZValue(STICKY_Z + (1 if item is self.add_button_item else 0))
        self.stick(self._view_top)

    def _apply_notes(self, layout: BoardLayout) -> None:
        """The "+N more" notes: they take a card's slot, so they go with the cards."""
        self._begin_static("note")
        for zone_key, (rect, text) in layout.notes.items():
            # Title-sized: on the wall "+3 more" must read as well as the cards.
            self._add(
                ("note", zone_key), it.BoxItem, rect, CLEAR, (text,), (self.m.title_font,), z=-1
            )
        self._end_static()

    def _apply_cards(
        self,
        data: BoardData,
        layout: BoardLayout,
        badges: Mapping[str, Sequence[str]],
        notes: Mapping[str, Sequence[str]] | None,
        highlighted: set[str] | frozenset[str],
        selected: str | None,
        now: datetime,
        sle_days: float | None,
    ) -> None:
        """Place, restyle or remove the card items; new ones are made for new cards."""
        people: dict[int, Person] = {p.id: p for p in data.snapshot.people}
        shown: set[str] = set()
        rules = data.snapshot.rules
        in_progress = {c.id for c in data.snapshot.columns if c.kind is ColumnKind.ACTIVE}
        pool_cards = {c.id for c in data.pool_cards} | {c.id for c in data.not_ready_cards}
        for card in data.visible_cards():
            card_rect = layout.cards.get(card.id)
            if card_rect is None:
                continue
            shown.add(card.id)
            card_item = self.card_items.get(card.id)
            if card_item is None:
                card_item = it.CardItem(card, self.m)
                self.addItem(card_item)
                self.card_items[card.id] = card_item
            card_item.set_card(
                card,
                card_rect,
                # A pool card shows its owner: whose card it is, though it has no lane.
                _person_of(card, people),
                badges.get(card.id, ()),
                card.id in highlighted,
                card.id == selected,
                is_oversized(card, rules),
                now,
                notes.get(card.id, ()) if notes else (),
                # Only work in progress is held against the SLE.
                sle_days if card.column_id in in_progress else None,
                layout.pool_metrics if card.id in pool_cards else layout.metrics,
            )
        for card_id in [k for k in self.card_items if k not in shown]:
            self.removeItem(self.card_items.pop(card_id))

    def set_badges(
        self, badges: Mapping[str, Sequence[str]], notes: Mapping[str, Sequence[str]]
    ) -> None:
        """New badges for the cards on the board, repainting only the cards they change."""
        for card_id, item in self.card_items.items():
            item.set_badges(badges.get(card_id, ()), notes.get(card_id, ()))

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:  # Qt's name
        """Hover help: a card's tooltip is written now, for the card under the pointer."""
        for item in self.items(event.scenePos()):
            if isinstance(item, it.CardItem):
                QGraphicsItem.setToolTip(item, item.toolTip())
                break
        super().helpEvent(event)

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        area = QRectF(rect)
        painter.fillRect(area, BACKGROUND)
        for zone, colour, border, width in self.backgrounds:
            if not zone.intersects(area):
                continue
            painter.fillRect(zone, colour)
            if border is not None:
                painter.setPen(QPen(border, width))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                inset = width / 2
                painter.drawRect(zone.adjusted(inset, inset, -inset, -inset))

    def stick(self, view_top: float) -> None:
        """Keep the header row in view: ``view_top`` is the scene y at the view's top."""
        self._view_top = view_top
        offset = max(0.0, view_top - self.m.margin) if self.layout else 0.0
        for item in self.sticky:
            if item.pos().y() != offset:
                item.setPos(0, offset)

    def set_selected(self, old: str | None, new: str | None) -> None:
        for card_id, value in ((old, False), (new, True)):
            item = self.card_items.get(card_id) if card_id else None
            if item is not None and item.selected != value:
                item.selected = value
                item.update()

    def show_bubble(self, anchor: QRectF, text: str) -> it.BubbleItem:
        """A message beside ``anchor`` that goes away by itself."""
        bubble = it.BubbleItem(text, anchor, self.sceneRect().width(), self.m)
        self.addItem(bubble)
        self._bubbles.append(bubble)
        # A timer owned by the scene: it dies with the scene instead of firing
        # on a deleted item after the window closed.
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._drop_bubble(bubble, timer))
        timer.start(BUBBLE_MS)
        return bubble

    def _drop_bubble(self, bubble: it.BubbleItem, timer: QTimer) -> None:
        timer.deleteLater()
        if bubble in self._bubbles:
            self._bubbles.remove(bubble)
            if bubble.scene() is self:
                self.removeItem(bubble)

    @property
    def bubbles(self) -> list[it.BubbleItem]:
        return list(self._bubbles)


def _bg_key(
    backgrounds: list[tuple[QRectF, QColor, QColor | None, float]],
) -> list[tuple[object, ...]]:
    return [
        (r.x(), r.y(), r.width(), r.height(), c.rgba(), b.rgba() if b else None, w)
        for r, c, b, w in backgrounds
    ]


def _blend(base: QColor, tint: QColor) -> QColor:
    a = tint.alphaF()
    return QColor(
        round(base.red() * (1 - a) + tint.red() * a),
        round(base.green() * (1 - a) + tint.green() * a),
        round(base.blue() * (1 - a) + tint.blue() * a),
    )


def _person_of(card: Card, people: Mapping[int, Person]) -> Person | None:
    """The person a card face shows: its lane's, or for a pool card its owner."""
    who = card.person_id if card.person_id is not None else card.owner_id
    return people.get(who) if who is not None else None
