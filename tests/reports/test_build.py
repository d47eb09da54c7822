"""The report data on hand-built histories: each section says what happened."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kanban.reports.build import build_report
from kanban.reports.model import Period, PullRequest, ReportData
from kanban.reports.period import parse_period
from reports.histories import ALICE, COLUMNS, DOING, DONE, PEOPLE, History, at, sample_history

NOW = at(21, 12)  # Saturday of the week 16–22 Nov 2026


def report(h: History, period: str = "week", now: datetime = NOW, **kw: object) -> ReportData:
    return build_report(
        board="Ops",
        columns=COLUMNS,
        people=PEOPLE,
        cards=list(h.cards.values()),
        events=h.events,
        period=parse_period(period, now),
        now=now,
        **kw,  # type: ignore[arg-type]
    )


def test_people_sections_show_doing_blocked_finished_and_wip() -> None:
    data = report(sample_history())
    alice, bob = data.people
    assert (alice.name, alice.wip, alice.wip_limit, alice.over_limit) == (
        "Alice Smith", 1, 1, False,
    )  # fmt: skip
    assert alice.doing == ()
    (blocked,) = alice.blocked
    assert (blocked.title, blocked.reason, blocked.since) == (
        "Upgrade SAN firmware", "vendor call on Monday", at(19),
    )  # fmt: skip
    assert [c.title for c in alice.finished] == ["Patch web servers"]
    assert alice.finished[0].cycle_days == pytest.approx(4.0)
    assert alice.finished[0].days == pytest.approx(18.0)  # lead time
    assert [c.title for c in bob.finished] == ["Rotate backups"]
    assert bob.wip == 0


def test_flow_figures_match_the_hand_worked_history() -> None:
    data = report(sample_history())
    f = data.flow
    # c1: 16 Nov 09:00 → 20 Nov 09:00 = 4 d; c2: 16 Nov 10:00 → 18 Nov 09:00 = 47 h.
    cycles = sorted(r.cycle_days for r in f.finished)
    assert cycles == pytest.approx([47 / 24, 4.0])
    assert f.period_cycle.median == pytest.approx((47 / 24 + 4.0) / 2)
    assert f.period_lead.median == pytest.approx(13.0)  # 18 d and 8 d
    # The one day c1 was blocked is counted apart from the time worked.
    assert f.blocked_days_in_period == pytest.approx(1.0)
    assert f.worked_days_in_period == pytest.approx(3.0 + 47 / 24)
    assert f.throughput[-1].finished == 2
    assert f.throughput[-1].week_start == datetime(2026, 11, 16, tzinfo=UTC)
    assert len(f.throughput) == 12


def test_aging_overrides_and_breaches_are_reported() -> None:
    f = report(sample_history()).flow
    (aging,) = f.aging
    assert aging.title == "Upgrade SAN firmware"
    assert aging.age_days == pytest.approx(3.125)  # 18 Nov 09:00 → 21 Nov 12:00
    assert aging.blocked_days == pytest.approx(2.125)
    assert aging.band == "watch"  # between the median (≈3.0) and the 85th (≈3.7)
    (override,) = f.overrides
    assert (override.actor, override.title, override.rules, override.reason) == (
        "alice", "Upgrade SAN firmware", ("wip_limits",), "SAN vendor only free this week",
    )  # fmt: skip
    (breach,) = f.breaches
    assert (breach.name, breach.start, breach.end) == (ALICE.name, at(18), at(20))


def test_pool_and_not_ready_list() -> None:
    pool = report(sample_history()).pool
    assert pool.size == 2
    assert [c.title for c in pool.oldest] == ["Tidy DNS zones"]
    (waiting,) = pool.not_ready
    assert (waiting.title, waiting.reason, waiting.since) == (
        "Order new disks", "waiting for quote", at(13),
    )  # fmt: skip
    assert waiting.days == pytest.approx(8.125)


def test_a_past_period_shows_the_board_as_it_was_then() -> None:
    data = report(sample_history(), period="2026-11-16..2026-11-16")
    alice, bob = data.people
    # At the end of the 16th: c1 not yet blocked, c2 not yet in review.
    assert [c.title for c in alice.doing] == ["Patch web servers"]
    assert [(c.title, c.column) for c in bob.doing] == [("Rotate backups", "In progress")]
    assert alice.finished == () and bob.finished == ()
    assert data.flow.period_cycle.count == 0


def test_filters_by_person_and_project() -> None:
    by_bob = report(sample_history(), person_filter=["bob jones"])
    assert [p.name for p in by_bob.people] == ["Bob Jones"]
    assert {r.card_id for r in by_bob.flow.finished} == {"c2"}
    assert by_bob.pool.size == 2  # the pool belongs to nobody: it stays whole
    ops = report(sample_history(), project="ops")
    assert {r.card_id for r in ops.flow.finished} == {"c2"}
    assert ops.filters == ("project: ops",)


def test_empty_board_says_so() -> None:
    data = report(History())
    assert data.notes == ("The board has no cards yet, so there is nothing to report.",)
    assert data.flow.period_cycle.count == 0 and data.pool.size == 0
    assert all(p.wip == 0 for p in data.people)


def test_one_card_board() -> None:
    h = History()
    h.create("c", "Only card", at(17))
    data = report(h)
    assert data.pool.size == 1 and data.notes == ()
    assert data.flow.finished == ()


def test_cards_without_history_are_listed_but_left_out_of_flow() -> None:
    h = sample_history()
    data = report(History(events=[], cards=h.cards))
    assert "No card has any history yet" in data.notes[0]
    assert data.flow.finished == ()
    assert data.pool.size == 2
    assert data.people[0].wip == 1  # c3 is still placed where the card says it is


def test_pull_requests_section_takes_plain_input() -> None:
    h = sample_history()
    prs = [
        PullRequest("c1", "Patch nginx", url="https://git/1", number="1", state="merged",
                    merged_at=at(19)),
        PullRequest("c5", "Old change", number="2", state="merged", merged_at=at(1)),
    ]  # fmt: skip
    assert report(h).pull_requests is None
    data = report(h, pull_requests=prs)
    assert [pr.title for pr in data.pull_requests or ()] == ["Patch nginx"]
    assert report(h, pull_requests=[]).pull_requests == ()


def test_a_card_finished_twice_counts_once_at_its_last_finish() -> None:
    h = History()
    h.create("c", "Flaky", at(2))
    h.move("c", at(9), DOING, ALICE.id)
    h.move("c", at(10), DONE)
    h.move("c", at(16), DOING)
    h.move("c", at(18), DONE)
    data = report(h)
    (record,) = data.flow.finished
    assert record.done_at == at(18)
    assert record.cycle_days == pytest.approx(9.0)  # from the first start, 9 Nov
    assert sum(w.finished for w in data.flow.throughput) == 1


def test_period_parsing() -> None:
    now = datetime(2026, 11, 21, 12, tzinfo=UTC)
    week = parse_period("week", now)
    assert (week.start.day, week.end.day) == (16, 23)
    month = parse_period("month", now)
    assert (month.start, month.end) == (
        datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC),
    )  # fmt: skip
    assert parse_period("last-month", now).label == "October 2026"
    span = parse_period("2026-11-01..2026-11-15", now)
    assert span == Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC),
                          "1 Nov 2026 – 15 Nov 2026")  # fmt: skip
    from kanban.errors import InvalidInput

    with pytest.raises(InvalidInput, match="starts after it ends"):
        parse_period("2026-11-15..2026-11-01", now)
    with pytest.raises(InvalidInput, match="Unknown period 'fortnight'"):
        parse_period("fortnight", now)
