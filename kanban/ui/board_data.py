"""What the board shows: lanes, cells and the cards in them, after filters.

This module is pure Python (no Qt) so the grouping and filtering rules can be
tested on plain snapshots. ``build_board_data`` turns a :class:`BoardSnapshot`
and the user's view settings (filters, grouping, collapsed lanes, "My board")
into :class:`BoardData`, which the layout and the scene then draw.
"""

from __future__ import annotations

import dataclasses
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kanban.domain.model import BoardSnapshot, Card, Column, ColumnKind, Grouping, Person
from kanban.domain.quick_filters import QuickFilters, passes
from kanban.domain.wip import WipCount, WipState, WipSummary, count_wip, wip_state

# A lane is identified by what it groups: ("person", id), ("unassigned", None)
# or ("project", name-or-None).
LaneKey = tuple[str, object]
UNASSIGNED: LaneKey = ("unassigned", None)
# Done cells show only their most recent cards: the column exists to show what
# finished lately, and years of done cards would bury the lanes.
DONE_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Filters:
    """The user's view filters; empty values show everything."""

    text: str = ""
    person_id: int | None = None
    label: str | None = None
    project: str | None = None
    my_board: bool = False
    me_id: int | None = None
    # The filter bar's toggles (blocked, mine, due soon, aging); "aging" needs
    # the board's SLE, which comes with each load.
    quick: QuickFilters = QuickFilters()
    sle_days: float | None = None

    @property
    def active(self) -> bool:
        return bool(
            self.text
            or self.person_id
            or self.label
            or self.project
            or self.my_board
            or self.quick.active
        )


@dataclass(frozen=True, slots=True)
class Lane:
    """One swimlane and its header figures."""

    key: LaneKey
    title: str
    colour: str
    person_id: int | None
    wip: WipCount
    limit: int | None
    state: WipState
    collapsed: bool = False

    @property
    def wip_text(self) -> str:
        text = f"{self.wip.total}/{self.limit}" if self.limit is not None else f"{self.wip.total}"
        if self.wip.blocked:
            text += f" · {self.wip.blocked} blocked"
        return text


@dataclass(slots=True)
class BoardData:
    """Everything the scene needs, in display order."""

    snapshot: BoardSnapshot
    wip: WipSummary
    grouping: Grouping
    columns: list[Column]  # the active and done columns, left to right
    lanes: list[Lane]
    pool_cards: list[Card]
    not_ready_cards: list[Card]
    cells: dict[tuple[int, LaneKey], list[Card]] = field(default_factory=dict)
    hidden_count: int = 0
    # Done cells: how many older cards are not drawn.
    done_hidden: dict[tuple[int, LaneKey], int] = field(default_factory=dict)
    my_board: bool = False

    @property
    def pool(self) -> Column:
        return self.snapshot.pool

    def column_state(self, column: Column) -> WipState:
        return self.wip.column_state(column)

    def label_colour(self, label: str) -> str | None:
        """The colour the board gave ``label`` (#rrggbb), None for the default chip."""
        return self.snapshot.label_colours.get(label)

    def visible_cards(self) -> Iterable[Card]:
        yield from self.pool_cards
        yield from self.not_ready_cards
        for cards in self.cells.values():
            yield from cards


def lane_key_of(card: Card, grouping: Grouping) -> LaneKey:
    if grouping is Grouping.PROJECT:
        return ("project", card.project)
    if card.person_id is None:
        return UNASSIGNED
    return ("person", card.person_id)


def _matches(
    card: Card, flt: Filters, people: dict[int, Person], now: datetime | None = None
) -> bool:
    if flt.quick.active and not passes(
        card,
        flt.quick,
        me_id=flt.me_id,
        sle_days=flt.sle_days,
        now=now or datetime.now().astimezone(),
    ):
        return False
    if flt.person_id is not None and flt.person_id not in (card.person_id, card.owner_id):
        return False
    if flt.label and flt.label.lower() not in (lb.lower() for lb in card.labels):
        return False
    if flt.project and (card.project or "").lower() != flt.project.lower():
        return False
    if flt.text:
        needle = flt.text.lower()
        who = card.person_id if card.person_id is not None else card.owner_id
        person = people.get(who) if who is not None else None
        haystack = [card.title, card.description, card.jira_key or "", card.not_ready_reason or ""]
        haystack.extend(card.labels)
        if person is not None:
            haystack.append(person.name)
        if not any(needle in part.lower() for part in haystack):
            return False
    return True


_by_position = operator.attrgetter("position")


def _board_order(card: Card) -> tuple[int, int]:
    return (card.person_id or 0, card.position)


def build_board_data(
    snapshot: BoardSnapshot,
    filters: Filters | None = None,
    grouping: Grouping | None = None,
    collapsed: frozenset[LaneKey] | set[LaneKey] = frozenset(),
    done_since: datetime | None = None,
) -> BoardData:
    """Group and filter the snapshot's cards into the pool, not-ready section and lanes.

    Done cells show their DONE_SHOWN latest cards, or with ``done_since`` (the
    wall: since the stand-up) the cards finished since then; the header keeps
    the whole count.

    "My board" keeps the pool, the not-ready section and only my lane: it answers
    "what am I doing now?" and "what is in my pool?". Inactive people get no
    lane unless they still hold cards in an active column, so no card vanishes.
    """
    flt = filters or Filters()
    grouping = grouping or snapshot.grouping
    wip = count_wip(snapshot.columns, snapshot.cards)
    kinds = {c.id: c.kind for c in snapshot.columns}
    people = {p.id: p for p in snapshot.people}
    pool_id = snapshot.pool.id
    moment = datetime.now().astimezone()  # one "now" for every quick filter of this pass
    columns = sorted(
        (c for c in snapshot.columns if c.kind is not ColumnKind.POOL), key=lambda c: c.order
    )

    pool_cards: list[Card] = []
    not_ready: list[Card] = []
    cells: dict[tuple[int, LaneKey], list[Card]] = defaultdict(list)
    keys_with_active: set[LaneKey] = set()
    keys_with_cards: set[LaneKey] = set()
    hidden = 0
    # Without a filter every card matches: the test is skipped, not made 2,000 times.
    filtering = bool(
        flt.text or flt.person_id is not None or flt.label or flt.project or flt.quick.active
    )
    for card in snapshot.cards:
        if card.archived:
            continue
        if card.column_id == pool_id:
            # My board's pool is mine: my cards, then those nobody owns yet.
            mine_or_free = card.owner_id in (None, flt.me_id)
            if (filtering and not _matches(card, flt, people, moment)) or (
                flt.my_board and not mine_or_free
            ):
                hidden += 1
                continue
            (not_ready if card.not_ready else pool_cards).append(card)
            continue
        key = lane_key_of(card, grouping)
        keys_with_cards.add(key)
        if kinds.get(card.column_id) is ColumnKind.ACTIVE:
            keys_with_active.add(key)
        if flt.my_board and card.person_id != flt.me_id:
            hidden += 1
            continue
        if filtering and not _matches(card, flt, people, moment):
            hidden += 1
            continue
        cells[(card.column_id, key)].append(card)
    # Each list in the board's order: by person, then position. Sorting the
    # small lists beats sorting the whole board once per relayout.
    pool_cards.sort(key=_board_order)
    not_ready.sort(key=_board_order)
    for cards in cells.values():
        # A person's cell holds one person's cards: the position alone orders it.
        cards.sort(key=_board_order if grouping is Grouping.PROJECT else _by_position)

    if flt.my_board:
        # Mine first; a stable sort keeps each group in the pool's order.
        pool_cards.sort(key=lambda c: c.owner_id != flt.me_id)
        not_ready.sort(key=lambda c: c.owner_id != flt.me_id)

    done_hidden: dict[tuple[int, LaneKey], int] = {}
    for cell, cards in cells.items():
        if kinds.get(cell[0]) is not ColumnKind.DONE:
            continue
        if done_since is not None:
            recent = [c for c in cards if c.done_at is not None and c.done_at >= done_since]
            if len(recent) < len(cards):
                done_hidden[cell] = len(cards) - len(recent)
                cards[:] = recent
        elif len(cards) > DONE_SHOWN:
            done_hidden[cell] = len(cards) - DONE_SHOWN
            del cards[: len(cards) - DONE_SHOWN]

    lanes: list[Lane] = []
    if grouping is Grouping.PERSON:
        for person in sorted(snapshot.people, key=lambda p: (p.order, p.name.lower())):
            key = ("person", person.id)
            if not person.active and key not in keys_with_active:
                continue
            if flt.my_board and person.id != flt.me_id:
                continue
            if flt.person_id is not None and person.id != flt.person_id:
                continue
            count = wip.by_person.get(person.id, WipCount())
            lanes.append(
                Lane(
                    key=key,
                    title=person.name,
                    colour=person.colour,
                    person_id=person.id,
                    wip=count,
                    limit=person.wip_limit,
                    state=wip_state(count.total, None, person.wip_limit),
                    collapsed=key in collapsed,
                )
            )
        if UNASSIGNED in keys_with_active and not flt.my_board and flt.person_id is None:
            count = wip.by_person.get(None, WipCount())
            lanes.append(
                Lane(
                    key=UNASSIGNED,
                    title="Unassigned",
                    colour="#8a8a8a",
                    person_id=None,
                    wip=count,
                    limit=None,
                    state=WipState.OK,
                    collapsed=UNASSIGNED in collapsed,
                )
            )
    else:
        projects = sorted(
            (k for k in keys_with_cards if k[1] is not None), key=lambda k: str(k[1]).lower()
        )
        if ("project", None) in keys_with_cards:
            projects.append(("project", None))
        for key in projects:
            active_cards = [
                c
                for c in snapshot.cards
                if not c.archived
                and kinds.get(c.column_id) is ColumnKind.ACTIVE
                and c.project == key[1]
            ]
            count = WipCount(len(active_cards), sum(1 for c in active_cards if c.not_ready))
            if flt.my_board and not any(k == key for (_c, k) in cells):
                continue
            lanes.append(
                Lane(
                    key=key,
                    title=str(key[1]) if key[1] is not None else "No project",
                    colour="#59a14f" if key[1] is not None else "#8a8a8a",
                    person_id=None,
                    wip=count,
                    limit=None,
                    state=WipState.OK,
                    collapsed=key in collapsed,
                )
            )
    return BoardData(
        snapshot=snapshot,
        wip=wip,
        grouping=grouping,
        columns=columns,
        lanes=lanes,
        pool_cards=pool_cards,
        not_ready_cards=not_ready,
        cells=dict(cells),
        hidden_count=hidden,
        done_hidden=done_hidden,
        my_board=flt.my_board,
    )


def cell_cards(snapshot: BoardSnapshot, column_id: int, person_id: int | None) -> list[Card]:
    """All unarchived cards of one (column, person) cell in position order, filters ignored."""
    cards = [
        c
        for c in snapshot.cards
        if not c.archived and c.column_id == column_id and c.person_id == person_id
    ]
    cards.sort(key=lambda c: c.position)
    return cards


_CARD_FIELDS = tuple(f.name for f in dataclasses.fields(Card))
_CARD_VALUES = operator.attrgetter(*_CARD_FIELDS)
# The slots' own setters: they fill a new frozen Card without its __init__.
_CARD_SETTERS = tuple(getattr(Card, name).__set__ for name in _CARD_FIELDS)
_POSITION = _CARD_FIELDS.index("position")


def _with_position(card: Card, position: int) -> Card:
    """``card`` at ``position``: ``dataclasses.replace`` without its __init__ (a drop out of
    a pool of a thousand cards renumbers them all before the drop can be shown)."""
    moved = object.__new__(Card)
    values = list(_CARD_VALUES(card))
    values[_POSITION] = position
    for set_slot, value in zip(_CARD_SETTERS, values, strict=True):
        set_slot(moved, value)
    return moved


def apply_local_move(
    snapshot: BoardSnapshot,
    card_id: str,
    column_id: int,
    person_id: int | None,
    position: int | None,
    at: datetime,
    **changes: object,
) -> BoardSnapshot:
    """The snapshot as it will be once the service has moved the card.

    The GUI shows a drop at once with this, while the write runs on a worker;
    the positions are kept dense exactly as the service keeps them.
    """
    cards = {c.id: c for c in snapshot.cards}
    card = cards[card_id]
    old = [c for c in cell_cards(snapshot, card.column_id, card.person_id) if c.id != card_id]
    for i, c in enumerate(old):
        if c.position != i:
            cards[c.id] = _with_position(c, i)
    if (column_id, person_id) == card.cell:
        target = old
    else:
        target = [
            cards[c.id] for c in cell_cards(snapshot, column_id, person_id) if c.id != card_id
        ]
    pos = len(target) if position is None else max(0, min(position, len(target)))
    values: dict[str, object] = {"column_id": column_id, "person_id": person_id}
    if column_id != card.column_id:
        values["column_since"] = at
    values.update(changes)
    moved = dataclasses.replace(card, **values)  # type: ignore[arg-type]
    target.insert(pos, moved)
    for i, c in enumerate(target):
        if c.position != i or c is moved:
            cards[c.id] = _with_position(c, i)
    return dataclasses.replace(snapshot, cards=tuple(cards.values()))


def replace_cards(snapshot: BoardSnapshot, updated: Sequence[Card]) -> BoardSnapshot:
    """The snapshot with some cards replaced by newer versions (e.g. a write's result)."""
    by_id = {c.id: c for c in updated}
    cards = tuple(by_id.pop(c.id, c) for c in snapshot.cards) + tuple(by_id.values())
    return dataclasses.replace(snapshot, cards=cards)


def days_in_column(card: Card, now: datetime) -> int:
    since = card.column_since or card.updated_at
    return max(0, (now - since).days)
