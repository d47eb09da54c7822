"""Properties that hold for any history: counts add up, cycle time never exceeds lead time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kanban.reports import flow
from kanban.reports.build import build_report
from kanban.reports.model import Period
from kanban.reports.period import parse_period
from reports.histories import COLUMNS, PEOPLE, POOL, History

START = datetime(2026, 11, 2, tzinfo=UTC)
COLUMN_IDS = [c.id for c in COLUMNS]

steps = st.lists(
    st.tuples(
        st.integers(0, 5),  # which card
        st.integers(1, 40),  # hours after the previous step
        st.sampled_from(["move", "block", "unblock"]),
        st.sampled_from(COLUMN_IDS),
        st.sampled_from([p.id for p in PEOPLE]),
    ),
    max_size=40,
)


def replay(script: list[tuple[int, int, str, int, int]]) -> tuple[History, datetime]:
    h = History()
    at = START
    for n in range(6):
        h.create(f"c{n}", f"Card {n}", at + timedelta(hours=n))
    at += timedelta(hours=6)
    for card, hours, action, column, person in script:
        at += timedelta(hours=hours)
        cid = f"c{card}"
        if action == "move":
            h.move(cid, at, column, None if column == POOL else person)
        elif action == "block" and not h.cards[cid].not_ready:
            h.block(cid, at, "waiting")
        elif action == "unblock" and h.cards[cid].not_ready:
            h.unblock(cid, at)
    return h, at


@settings(max_examples=60, deadline=None)
@given(steps)
def test_every_card_is_in_exactly_one_column_each_day(script: list) -> None:
    h, end = replay(script)
    timelines = flow.build_timelines(h.events, h.cards.values())
    window = Period(START, end + timedelta(days=1), "")
    swept = flow.sweep(timelines, COLUMNS, PEOPLE, window, window, now=end + timedelta(days=2))
    for i, day in enumerate(swept.days):
        created = sum(1 for tl in timelines.values() if tl.created_at <= day)
        assert sum(values[i] for values in swept.cfd.values()) == created
        in_progress = sum(values[i] for values in swept.wip_by_person.values())
        assert in_progress <= swept.cfd[2][i] + swept.cfd[3][i]


@settings(max_examples=60, deadline=None)
@given(steps)
def test_cycle_time_fits_inside_lead_time_and_blocked_inside_both(script: list) -> None:
    h, end = replay(script)
    data = build_report(
        board="b", columns=COLUMNS, people=PEOPLE, cards=list(h.cards.values()),
        events=h.events, period=parse_period("month", end), now=end + timedelta(hours=1),
    )  # fmt: skip
    for record in data.flow.finished:
        assert record.lead_days >= 0
        assert record.blocked_days <= record.lead_days + 1e-9
        if record.cycle_days is not None:
            assert 0 <= record.cycle_days <= record.lead_days + 1e-9
            assert record.blocked_days <= record.cycle_days + 1e-9
