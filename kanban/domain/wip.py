"""Work-in-progress counts and their state against the limits.

WIP is what sits in *active* columns: the pool has not started and done has
finished. Blocked (not ready) cards still occupy a slot, so limits compare the
total; the blocked part is counted apart so the board can show both.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kanban.domain.model import Card, Column, ColumnKind, Person

# The one name of the one figure: cards in active columns, blocked ones included.
# The board's header and the status report both call it this.
WIP_NAME = "Work in progress"


class WipState(enum.StrEnum):
    """A count's position relative to its limits."""

    OK = "ok"
    UNDER = "under"
    AT = "at"
    OVER = "over"


def wip_state(count: int, minimum: int | None, maximum: int | None) -> WipState:
    """Where ``count`` stands against optional min and max limits."""
    if maximum is not None and count > maximum:
        return WipState.OVER
    if minimum is not None and count < minimum:
        return WipState.UNDER
    if maximum is not None and count == maximum:
        return WipState.AT
    return WipState.OK


@dataclass(frozen=True, slots=True)
class WipCount:
    """A WIP figure: all cards, and how many of them are blocked."""

    total: int = 0
    blocked: int = 0

    @property
    def flowing(self) -> int:
        return self.total - self.blocked


@dataclass(frozen=True, slots=True)
class WipSummary:
    """WIP per column, per person and per (column, person) cell."""

    by_column: dict[int, WipCount]
    by_person: dict[int | None, WipCount]
    by_cell: dict[tuple[int, int | None], WipCount]

    def column_state(self, column: Column) -> WipState:
        count = self.by_column.get(column.id, WipCount()).total
        return wip_state(count, column.wip_min, column.wip_max)

    def person_state(self, person: Person) -> WipState:
        count = self.by_person.get(person.id, WipCount()).total
        return wip_state(count, None, person.wip_limit)


def count_wip(columns: Iterable[Column], cards: Iterable[Card]) -> WipSummary:
    """Count live cards per column (every kind), per person and per cell."""
    cells: Counter[tuple[int, int | None, bool]] = Counter(
        (card.column_id, card.person_id, card.not_ready) for card in cards if not card.archived
    )
    return summarize(columns, ((c, p, b, n) for (c, p, b), n in cells.items()))


def summarize(
    columns: Iterable[Column], cells: Iterable[tuple[int, int | None, bool, int]]
) -> WipSummary:
    """Build the WIP summary from per-cell counts ``(column, person, blocked, n)``.

    Column and cell counts cover every column so headers can show them; the
    per-person figure only counts active columns, which is what a personal WIP
    limit is about. The store feeds this from one GROUP BY query, so a move
    does not have to load every card to check the limits.
    """
    kinds = {c.id: c.kind for c in columns}
    col_total: Counter[int] = Counter()
    col_blocked: Counter[int] = Counter()
    cell_total: Counter[tuple[int, int | None]] = Counter()
    cell_blocked: Counter[tuple[int, int | None]] = Counter()
    person_total: Counter[int | None] = Counter()
    person_blocked: Counter[int | None] = Counter()
    for column_id, person_id, blocked, n in cells:
        col_total[column_id] += n
        cell_total[(column_id, person_id)] += n
        if blocked:
            col_blocked[column_id] += n
            cell_blocked[(column_id, person_id)] += n
        if kinds.get(column_id) is ColumnKind.ACTIVE:
            person_total[person_id] += n
            if blocked:
                person_blocked[person_id] += n
    return WipSummary(
        by_column={k: WipCount(v, col_blocked[k]) for k, v in col_total.items()},
        by_person={k: WipCount(v, person_blocked[k]) for k, v in person_total.items()},
        by_cell={k: WipCount(v, cell_blocked[k]) for k, v in cell_total.items()},
    )


def work_in_progress(summary: WipSummary) -> WipCount:
    """The board's whole work in progress (:data:`WIP_NAME`): every card in an active
    column, whoever has it; the per-person counts cover exactly those cards."""
    counts = summary.by_person.values()
    return WipCount(sum(c.total for c in counts), sum(c.blocked for c in counts))
