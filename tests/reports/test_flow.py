"""Flow figures on hand-built histories: known dates give known numbers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from kanban.domain.model import ColumnKind, LimitChange
from kanban.reports import flow
from kanban.reports.model import Period
from reports.histories import ALICE, BOB, COLUMNS, DOING, DONE, PEOPLE, POOL, REVIEW, History, at

KINDS = {c.id: c.kind for c in COLUMNS}


def test_percentiles_on_a_known_sample_use_linear_interpolation() -> None:
    sample = [float(n) for n in range(1, 11)]  # 1..10
    assert flow.percentile(sample, 50) == pytest.approx(5.5)
    assert flow.percentile(sample, 85) == pytest.approx(8.65)  # rank 7.65 between 8 and 9
    assert flow.percentile([4.0], 85) == 4.0
    assert flow.percentile([], 50) is None
    odd = flow.stats([3.0, 1.0, 2.0])
    assert (odd.count, odd.median, odd.mean) == (3, 2.0, 2.0)


def test_a_card_moved_on_known_dates_has_known_cycle_and_lead_time() -> None:
    h = History()
    h.create("c", "Patch", at(2))
    h.move("c", at(16), DOING, ALICE.id)
    h.move("c", at(18), REVIEW)
    h.move("c", at(20), DONE)
    tl = flow.build_timelines(h.events, h.cards.values())["c"]
    assert tl.first_entry(KINDS, ColumnKind.ACTIVE) == at(16)
    assert tl.done_at(KINDS) == at(20)
    assert flow.days_between(tl.created_at, tl.done_at(KINDS)) == 18.0
    assert tl.person_at(at(19)) == ALICE.id


def test_a_blocked_spell_is_counted_apart_and_only_inside_the_range() -> None:
    h = History()
    h.create("c", "Patch", at(2))
    h.move("c", at(16), DOING, ALICE.id)
    h.block("c", at(17), "waiting for window")
    h.unblock("c", at(18, 21))  # 36 hours blocked
    h.move("c", at(20), DONE)
    tl = flow.build_timelines(h.events, h.cards.values())["c"]
    assert tl.blocked_days(at(16), at(20)) == pytest.approx(1.5)
    assert tl.blocked_days(at(18), at(20)) == pytest.approx(0.5)  # only the overlap
    assert tl.not_ready_at(at(17, 12)) == (True, "waiting for window", at(17))
    assert tl.not_ready_at(at(19))[0] is False


def test_a_reopened_card_is_not_done_and_done_to_done_is_not_a_new_finish() -> None:
    kinds = dict(KINDS)
    kinds[5] = ColumnKind.DONE  # a second done column, "Released"
    h = History()
    h.create("c", "Patch", at(2))
    h.move("c", at(16), DOING, ALICE.id)
    h.move("c", at(17), DONE)
    h.move("c", at(18), DOING)  # reopened
    tl = flow.build_timelines(h.events, h.cards.values())["c"]
    assert tl.done_at(kinds) is None
    assert tl.done_at(kinds, until=at(17, 12)) == at(17)
    h.move("c", at(19), DONE)
    h.move("c", at(20), 5)
    tl = flow.build_timelines(h.events, h.cards.values())["c"]
    assert tl.done_at(kinds) == at(19)


def test_undo_events_move_the_card_back_like_any_other_column_change() -> None:
    h = History()
    h.create("c", "Patch", at(2))
    h.move("c", at(16), DOING, ALICE.id)
    h.move("c", at(17), DONE)
    # An undo event carries the column it restores in its "after", as BoardService writes it.
    from kanban.domain.model import Event, EventKind

    h.events.append(
        Event(99, "c", "u1", "alice", at(17, 10), EventKind.UNDO, {"column_id": DONE},
              {"column_id": DOING}, target_change="x")
    )  # fmt: skip
    tl = flow.build_timelines(h.events, h.cards.values())["c"]
    assert tl.column_at(at(18)) == DOING
    assert tl.done_at(KINDS) is None


def test_a_card_without_history_is_placed_but_marked_synthetic() -> None:
    h = History()
    h.create("c", "Patch", at(2))
    card = h.cards["c"]
    timelines = flow.build_timelines([], [card])
    assert timelines["c"].synthetic
    assert timelines["c"].column_at(at(3)) == POOL


def test_sweep_counts_columns_per_day_and_finds_a_person_breach() -> None:
    h = History()
    for cid in ("a", "b"):
        h.create(cid, cid, at(2))
    h.move("a", at(16), DOING, ALICE.id)
    h.move("b", at(17), DOING, ALICE.id)  # Alice's limit is 1: over from the 17th
    h.move("a", at(19), DONE)  # back to 1 on the 19th
    tls = flow.build_timelines(h.events, h.cards.values())
    window = Period(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC), "")
    swept = flow.sweep(tls, COLUMNS, PEOPLE, window, window, now=at(30))
    assert len(swept.days) == 7
    assert swept.cfd[POOL] == [1, 0, 0, 0, 0, 0, 0]
    assert swept.cfd[DONE] == [0, 0, 0, 1, 1, 1, 1]
    assert swept.wip_by_person[ALICE.id] == [1, 2, 2, 1, 1, 1, 1]
    assert swept.wip_by_person[BOB.id] == [0] * 7
    (breach,) = swept.breaches
    assert (breach.scope, breach.name, breach.limit, breach.peak) == ("person", ALICE.name, 1, 2)
    assert (breach.start, breach.end) == (at(17), at(19))


def test_breaches_are_judged_by_the_limit_of_their_time() -> None:
    h = History()
    for cid in ("a", "b"):
        h.create(cid, cid, at(2))
    h.move("a", at(16), DOING, ALICE.id)
    h.move("b", at(17), DOING, ALICE.id)  # 2 cards from the 17th on
    # Alice's limit was 1 until the 18th, then raised to 3 (today's limit).
    raised = LimitChange(at(18), "lead", "person", ALICE.id, 1, 3)
    # The column's limit was none until the 20th, then set to 1: over at once.
    lowered = LimitChange(at(20), "lead", "column", DOING, None, 1)
    people = (dataclasses.replace(ALICE, wip_limit=3), BOB)
    columns = tuple(dataclasses.replace(c, wip_max=1) if c.id == DOING else c for c in COLUMNS)
    tls = flow.build_timelines(h.events, h.cards.values())
    window = Period(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC), "")
    swept = flow.sweep(
        tls, columns, people, window, window, now=at(30), limit_changes=[lowered, raised]
    )
    person, column = swept.breaches
    assert (person.scope, person.limit, person.peak) == ("person", 1, 2)
    assert (person.start, person.end) == (at(17), at(18))  # ended by the raise, not by a move
    assert (column.scope, column.name, column.limit, column.peak) == ("column", "In progress", 1, 2)
    assert (column.start, column.end) == (at(20), None)  # started by the new limit
    # Judged by today's limits instead, Alice was never over, and the column since the 17th.
    today = flow.sweep(tls, columns, people, window, window, now=at(30))
    assert [(b.scope, b.start) for b in today.breaches] == [("column", at(17))]


def test_weekly_counts_put_each_finish_in_its_monday_week() -> None:
    window = Period(datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC), "")
    counts = flow.weekly_counts([at(3), at(8, 23), at(9), at(20), at(25)], window)
    assert [(w.day, n) for w, n in counts] == [(2, 2), (9, 1), (16, 1)]
