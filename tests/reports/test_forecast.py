"""Monte Carlo forecasts: exact on constant throughput, monotone, honest about thin data."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kanban.cli.main import run
from kanban.domain.model import Column, ColumnKind
from kanban.reports import backtest as bt
from kanban.reports import forecast as mc
from kanban.reports import outlook
from kanban.reports.build import build_report
from kanban.reports.export import render
from kanban.reports.period import parse_period
from reports.histories import ALICE, DOING, DONE, PEOPLE, REVIEW, History

samples = st.lists(st.integers(0, 6), min_size=1, max_size=40)
SMALL = settings(max_examples=30, deadline=None)
TRIALS = 300


@SMALL
@given(rate=st.integers(1, 7), n=st.integers(1, 200))
def test_constant_throughput_forecasts_its_exact_date(rate: int, n: int) -> None:
    result = mc.simulate_when([rate] * 30, n, trials=TRIALS)
    expected = -(-n // rate)
    assert result.days == dict.fromkeys(mc.LEVELS, expected)
    start = date(2026, 12, 1)
    assert mc.day_of(start, result.days[85]) == start + timedelta(days=expected - 1)
    how = mc.simulate_how_many([rate] * 30, 10, trials=TRIALS)
    assert how.cards == dict.fromkeys(mc.LEVELS, rate * 10)


def _later_or_equal(a: dict[int, int | None], b: dict[int, int | None]) -> bool:
    """Every date of ``a`` is on or after ``b``'s (no date counts as the latest)."""
    return all(
        a[lv] is None or (b[lv] is not None and a[lv] >= b[lv])  # type: ignore[operator]
        for lv in mc.LEVELS
    )


@SMALL
@given(sample=samples, n=st.integers(1, 60), seed=st.integers(0, 1000), weekdays=st.booleans())
def test_halving_every_days_throughput_never_brings_a_date_earlier(
    sample: list[int], n: int, seed: int, weekdays: bool
) -> None:
    days = {"sample_start": date(2026, 9, 1), "start": date(2026, 12, 2)} if weekdays else {}
    full = mc.simulate_when(sample, n, trials=TRIALS, seed=seed, **days)  # type: ignore[arg-type]
    half = mc.simulate_when(np.asarray(sample) / 2, n, trials=TRIALS, seed=seed, **days)  # type: ignore[arg-type]
    assert _later_or_equal(half.days, full.days)
    assert np.all(half.trial_days >= full.trial_days)


@SMALL
@given(sample=samples, n=st.integers(1, 60), more=st.integers(1, 40), seed=st.integers(0, 99))
def test_more_cards_never_bring_a_date_earlier(
    sample: list[int], n: int, more: int, seed: int
) -> None:
    fewer = mc.simulate_when(sample, n, trials=TRIALS, seed=seed)
    bigger = mc.simulate_when(sample, n + more, trials=TRIALS, seed=seed)
    assert _later_or_equal(bigger.days, fewer.days)


@SMALL
@given(length=st.integers(0, 60), n=st.integers(1, 50))
def test_zero_throughput_gives_no_date(length: int, n: int) -> None:
    assert mc.simulate_when([0] * length, n, trials=TRIALS).days == dict.fromkeys(mc.LEVELS)


def test_a_seed_reproduces_the_forecast_and_levels_are_ordered() -> None:
    sample = np.random.default_rng(3).poisson(4, 84)
    a = mc.simulate_when(sample, 100, seed=5)
    b = mc.simulate_when(sample, 100, seed=5)
    assert a.days == b.days and np.array_equal(a.trial_days, b.trial_days)
    assert a.days[50] <= a.days[85] <= a.days[95]  # type: ignore[operator]
    how = mc.simulate_how_many(sample, 28, seed=5)
    assert how.cards[50] >= how.cards[85] >= how.cards[95]
    assert a.trial_days.size == mc.TRIALS


# --- on a board -------------------------------------------------------------------

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
COLUMNS = (
    Column(1, "Task pool", ColumnKind.POOL, 0),
    Column(DOING, "In progress", ColumnKind.ACTIVE, 1),
    Column(REVIEW, "Review", ColumnKind.ACTIVE, 2, waiting=True),
    Column(DONE, "Done", ColumnKind.DONE, 3),
)


def steady(finished: int, open_cards: int = 6) -> History:
    """One card finished a day (at noon) before NOW; ``open_cards`` still in the pool."""
    h = History()
    for i in range(finished):
        day = NOW - timedelta(days=finished - i)
        cid = f"f{i}"
        h.create(cid, f"Done {i}", day - timedelta(days=3))
        h.move(cid, day - timedelta(days=2), DOING, ALICE.id)
        h.move(cid, day - timedelta(days=1), REVIEW)  # one day waiting for review
        h.move(cid, day, DONE)
    for i in range(open_cards):
        h.create(f"o{i}", f"Open {i}", NOW - timedelta(days=1))
    return h


def board(h: History) -> outlook.Board:
    return outlook.board_from(columns=COLUMNS, people=PEOPLE, cards=list(h.cards.values()),
                              events=h.events, as_of=NOW)  # fmt: skip


def test_one_card_a_day_forecasts_the_open_cards_day_by_day() -> None:
    # 84 days with one finish each: the whole 12-week window.
    fc = outlook.forecast_for(board(steady(84)))
    assert fc.when is not None and fc.when.cards == 6
    # Today is the first forecast day: the sixth card is done five days later.
    assert fc.when.dates == (date(2026, 12, 5),) * 3
    by = outlook.forecast_for(board(steady(84)), by=date(2026, 12, 9))
    assert by.how_many is not None and by.how_many.cards == (10, 10, 10)


def test_thin_data_says_so_and_gives_no_dates() -> None:
    fc = outlook.forecast_for(board(steady(9)))
    assert fc.when is not None and fc.when.dates == (None, None, None)
    assert "Only 9 card(s) finished" in (fc.when.note or "")
    data = build_report(board="Ops", columns=COLUMNS, people=PEOPLE,
                        cards=list(steady(9).cards.values()), events=steady(9).events,
                        period=parse_period("week", NOW), now=NOW)  # fmt: skip
    assert "a forecast needs at least 10" in render(data, "md").decode()


def test_report_has_sle_efficiency_stability_and_skills() -> None:
    h = steady(40)
    h.create("late", "Stuck migration", NOW - timedelta(days=20))
    h.move("late", NOW - timedelta(days=10), DOING, ALICE.id)
    h.create("soon", "Nearly late", NOW - timedelta(days=5))
    h.move("soon", NOW - timedelta(days=1), DOING, ALICE.id)
    data = build_report(board="Ops", columns=COLUMNS, people=PEOPLE, cards=list(h.cards.values()),
                        events=h.events, period=parse_period("week", NOW), now=NOW)  # fmt: skip
    fc = data.forecast
    assert fc is not None
    assert fc.sle_days == pytest.approx(2.0)
    assert [s.card_id for s in fc.past_sle] == ["late"]
    assert [s.card_id for s in fc.nearing_sle] == ["soon"]
    # One of the two days of each cycle was in an active column, one in Review.
    assert fc.waiting_columns == ("Review",)
    assert fc.efficiency == pytest.approx(1 / 2)
    assert sum(w.finished for w in fc.stability) == 40
    assert any(p.wip for p in fc.wip_age)
    md = render(data, "md").decode()
    for phrase in ("## Forecast", "Service level expectation", "Flow efficiency = active time",
                   "Stability", "Headcount per skill"):  # fmt: skip
        assert phrase in md
    loaded = json.loads(render(data, "json"))
    assert loaded["forecast"]["when"][0]["cards"] == 8


def test_headcount_what_if_scales_by_one_more_person() -> None:
    h = steady(84, open_cards=0)
    for i in range(20):
        h.create(f"s{i}", f"Storage {i}", NOW - timedelta(days=1))
    cards = {cid: dataclasses.replace(c, labels=("storage",)) for cid, c in h.cards.items()}
    b = outlook.Board(board(h).timelines, cards, COLUMNS, PEOPLE, NOW)
    fc = outlook.build_forecast(b)
    (skill,) = fc.skills
    assert skill.pool == 20 and skill.people == (ALICE.name,)
    assert skill.per_person_week == pytest.approx(7.0)
    assert skill.weeks[1] == pytest.approx(20 / 7, abs=0.1)  # one card a day
    # One person more: twice the throughput, half the time.
    assert skill.plus_one_weeks[1] == pytest.approx(10 / 7, abs=0.1)


def test_backtest_hits_the_85_percent_interval_about_85_percent_of_the_time() -> None:
    columns, people, cards, events, end = bt.synthetic_history(cards=1_000, seed=4)
    b = outlook.board_from(columns=columns, people=people, cards=cards, events=events, as_of=end)
    done = [f.done_at.date() for f in outlook.finished_cards(b)]
    first = min(t.created_at for t in b.timelines.values()).date()
    result = bt.backtest(done, first, end.date() - timedelta(days=1), step_days=3, trials=500)
    assert result.origins > 50
    assert 0.70 <= result.how_many_rate <= 0.95
    assert 0.70 <= result.when_rate <= 0.97


def test_cli_forecast(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["forecast", "--db", db_url]) == 0
    assert "no dates are given" in capsys.readouterr().out
    assert run(["forecast", "--db", db_url, "--by", "2999-01-01", "--label", "x", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["forecast"] == "how many" and out["cards"] == {"50": None, "85": None, "95": None}
    assert run(["forecast", "--db", db_url, "--person", "zed"]) == 1
    assert "No person 'zed'" in capsys.readouterr().err
    assert run(["forecast", "--db", db_url, "--by", "tomorrow"]) == 1


def test_a_column_marked_waiting_is_stored_and_named_in_the_report(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from kanban.services import reporting
    from kanban.services.board import BoardService

    svc = BoardService.open(db_url, "tester")
    active = next(c for c in svc.columns() if c.kind is ColumnKind.ACTIVE)
    svc.close()
    assert run(["columns", "edit", active.name, "--waiting", "--db", db_url]) == 0
    assert "waiting" in capsys.readouterr().out
    svc = BoardService.open(db_url, "tester")
    assert next(c for c in svc.columns() if c.id == active.id).waiting
    assert reporting.report(svc).forecast.waiting_columns == (active.name,)  # type: ignore[union-attr]
    svc.update_column(active.id, waiting=False)
    assert not next(c for c in svc.columns() if c.id == active.id).waiting
    svc.close()


def test_the_pdfs_fixed_chart_margins_clip_nothing() -> None:
    from kanban.reports import charts

    h = steady(60, open_cards=30)
    for i in range(25):  # a large WIP age: wide tick labels on both y axes
        h.create(f"w{i}", f"Aging {i}", NOW - timedelta(days=80))
        h.move(f"w{i}", NOW - timedelta(days=70 - i), DOING, ALICE.id)
    data = build_report(board="Ops", columns=COLUMNS, people=PEOPLE, cards=list(h.cards.values()),
                        events=h.events, period=parse_period("month", NOW), now=NOW)  # fmt: skip
    drawn = 0
    for spec in charts.CHARTS:
        fig = spec.draw(data, charts.SIZE)
        if fig is None or spec.margins is None:
            continue
        charts.fix_margins(fig, spec.margins)
        image = charts.to_image(fig)
        assert image.size == (1080, 480) and image.mode == "RGB"
        box = fig.get_tightbbox(fig.canvas.get_renderer())  # type: ignore[attr-defined]
        width, height = charts.SIZE
        assert 0 <= box.x0 and box.x1 <= width and 0 <= box.y0 and box.y1 <= height, spec.key
        drawn += 1
    assert drawn == 7
