"""WIP counts per column, person and cell, with blocked cards counted apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kanban.domain.model import Card, Column, ColumnKind, Person
from kanban.domain.wip import WipState, count_wip, wip_state

NOW = datetime(2026, 11, 2, tzinfo=UTC)
COLUMNS = (
    Column(1, "Pool", ColumnKind.POOL, 0),
    Column(2, "Doing", ColumnKind.ACTIVE, 1, wip_min=1, wip_max=3),
    Column(3, "Done", ColumnKind.DONE, 2),
)


def make(cid: str, col: int, person: int | None, blocked: bool = False) -> Card:
    return Card(cid, cid, col, person, 0, 1, NOW, NOW, not_ready=blocked)


def test_counts_split_blocked_and_skip_pool_done_and_archived() -> None:
    cards = [
        make("a", 2, 1),
        make("b", 2, 1, blocked=True),
        make("c", 2, 2),
        make("d", 1, None, blocked=True),
        make("e", 3, 1),
        replace(make("f", 2, 1), archived=True),
    ]
    wip = count_wip(COLUMNS, cards)
    assert wip.by_person[1].total == 2 and wip.by_person[1].blocked == 1
    assert wip.by_person[1].flowing == 1
    assert wip.by_person[2].total == 1
    assert wip.by_column[2].total == 3
    assert wip.by_column[1].blocked == 1
    assert wip.by_cell[(2, 1)].total == 2
    assert wip.by_cell[(3, 1)].total == 1
    assert 3 not in [k for k, v in wip.by_person.items() if v.total == 0]


def test_states_against_limits() -> None:
    assert wip_state(0, 1, 3) is WipState.UNDER
    assert wip_state(2, 1, 3) is WipState.OK
    assert wip_state(3, 1, 3) is WipState.AT
    assert wip_state(4, 1, 3) is WipState.OVER
    assert wip_state(9, None, None) is WipState.OK
    wip = count_wip(COLUMNS, [make("a", 2, 1), make("b", 2, 1)])
    assert wip.column_state(COLUMNS[1]) is WipState.OK
    assert wip.person_state(Person(1, "A", wip_limit=1)) is WipState.OVER
    assert wip.person_state(Person(2, "B", wip_limit=1)) is WipState.OK
