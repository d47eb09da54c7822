"""The demo board: a believable team, eight weeks of history, the same for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kanban.domain.model import BoardSnapshot, ColumnKind, Event, EventKind
from kanban.domain.wip import count_wip
from kanban.errors import UserError
from kanban.services.board import BoardService, CardFilter
from kanban.services.demo import fill_demo_board

NOW = datetime(2026, 3, 4, 16, 0, tzinfo=UTC)


def _build(path: Path, seed: int = 7) -> tuple[BoardSnapshot, list[Event], BoardService]:
    service = BoardService.open(f"sqlite:///{path}", "tester")
    fill_demo_board(service, seed=seed, now=NOW)
    return service.snapshot(), service.history(), service


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[BoardSnapshot, list[Event]]:
    snap, events, service = _build(tmp_path_factory.mktemp("demo") / "demo.db")
    service.close()
    return snap, events


def test_six_people_from_three_specialities(demo: tuple[BoardSnapshot, list[Event]]) -> None:
    snap, _ = demo
    assert len(snap.people) == 6
    assert len({p.colour for p in snap.people}) == 6
    assert all(p.email and p.jira_user and p.active for p in snap.people)
    assert any(p.wip_limit for p in snap.people) and any(not p.wip_limit for p in snap.people)
    labels = Counter(label for c in snap.cards for label in c.labels)
    assert labels["windows"] and labels["linux"] and labels["storage"]


def test_about_eighty_cards_spread_over_the_board(demo: tuple[BoardSnapshot, list[Event]]) -> None:
    snap, _ = demo
    assert 75 <= len(snap.cards) <= 90
    kinds = Counter(snap.column(c.column_id).kind for c in snap.cards)
    assert kinds[ColumnKind.DONE] >= 20
    assert kinds[ColumnKind.ACTIVE] >= 5
    assert kinds[ColumnKind.POOL] >= 10
    not_ready = [c for c in snap.cards if c.not_ready]
    assert len(not_ready) >= 3 and all(c.not_ready_reason for c in not_ready)
    assert sum(1 for c in snap.cards if c.jira_key) > len(snap.cards) // 2
    # Lanes hold only active people's cards; the pool holds nobody's.
    for card in snap.cards:
        in_pool = snap.column(card.column_id).kind is ColumnKind.POOL
        assert (card.person_id is None) == in_pool


def test_history_spans_eight_weeks_of_working_days(
    demo: tuple[BoardSnapshot, list[Event]],
) -> None:
    _, events = demo
    times = [e.at for e in events]
    assert max(times) <= NOW
    assert NOW - min(times) >= timedelta(weeks=7, days=5)
    assert all(t.weekday() < 5 and 8 <= t.hour < 17 for t in times)
    kinds = Counter(e.kind for e in events)
    assert kinds[EventKind.CREATED] == len({e.card_id for e in events})
    assert kinds[EventKind.MOVED] >= 100
    assert kinds[EventKind.BLOCKED] >= 3 and kinds[EventKind.UNBLOCKED] >= 3
    assert len({e.actor for e in events}) == 6  # each admin does their own moves
    # History ids follow time: the simulation replays in order.
    assert times == sorted(times)


def test_a_few_overrides_each_with_a_reason(demo: tuple[BoardSnapshot, list[Event]]) -> None:
    _, events = demo
    overrides = [e for e in events if e.rules]
    assert 5 <= len(overrides) <= 30
    assert all(e.reason for e in overrides)
    rules = {rule for e in overrides for rule in e.rules}
    assert {"card_size", "wip_limits", "move_right_only"} <= rules


def test_board_invariants_hold(demo: tuple[BoardSnapshot, list[Event]]) -> None:
    snap, _ = demo
    cells: dict[tuple[int, int | None], list[int]] = {}
    for card in snap.cards:
        cells.setdefault(card.cell, []).append(card.position)
    for positions in cells.values():
        assert sorted(positions) == list(range(len(positions)))
    wip = count_wip(snap.columns, snap.cards)
    assert sum(w.total for w in wip.by_column.values()) == len(snap.cards)


def test_same_seed_same_board_other_seed_other_board(
    demo: tuple[BoardSnapshot, list[Event]], tmp_path: Path
) -> None:
    snap, events = demo
    again, again_events, service = _build(tmp_path / "again.db")
    service.close()

    def shape(s: BoardSnapshot) -> list[tuple[object, ...]]:
        return [(c.id, c.title, c.column_id, c.person_id, c.position) for c in s.cards]

    assert shape(again) == shape(snap)
    assert [(e.at, e.kind, e.actor) for e in again_events] == [
        (e.at, e.kind, e.actor) for e in events
    ]
    other, _, service = _build(tmp_path / "other.db", seed=8)
    service.close()
    assert shape(other) != shape(snap)


def test_refuses_a_board_in_use(tmp_path: Path) -> None:
    service = BoardService.open(f"sqlite:///{tmp_path / 'used.db'}", "tester")
    service.add_card("Real work")
    with pytest.raises(UserError, match="only fills an empty board"):
        fill_demo_board(service, now=NOW)
    assert [c.title for c in service.list_cards(CardFilter(include_archived=True))] == ["Real work"]
    assert service.people() == []
    assert service.actor == "tester"
