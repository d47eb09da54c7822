"""Benchmark and backtest the forecasts: a generated 2,000-card year, and the demo board.

Run:  .venv/bin/python bench/bench_forecast.py

Prints the speed table (each step's best of a few runs against its target) and
the backtest: at past dates, a forecast made from only the history before
them, compared with what the board then did. About 85% of the outcomes should
fall inside the 85% forecast ("at least X cards in 4 weeks", "the next 20
cards by this date").
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kanban.reports import backtest as bt
from kanban.reports import forecast as mc
from kanban.reports import outlook
from kanban.reports.build import build_report
from kanban.reports.period import parse_period
from kanban.reports.render_pdf import render_pdf


def best(fn: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000, result


def replay(board: outlook.Board, **kw: int) -> bt.Backtest:
    done = [f.done_at.date() for f in outlook.finished_cards(board)]
    first = min(t.created_at for t in board.timelines.values()).date()
    return bt.backtest(done, first, board.today - timedelta(days=1), **kw)


def demo_board() -> outlook.Board:
    from kanban.services import demo, reporting
    from kanban.services.board import BoardService

    with tempfile.TemporaryDirectory() as tmp:
        service = BoardService.open(f"sqlite:///{Path(tmp) / 'demo.db'}", "bench")
        demo.fill_demo_board(service)
        history = reporting.read_history(service, with_links=False)
        service.close()
    return outlook.board_from(columns=history.columns, people=history.people,
                              cards=history.cards, events=history.events,
                              as_of=reporting.local_now())  # fmt: skip


def main() -> None:
    columns, people, cards, events, end = bt.synthetic_history(cards=2_000, days=365)
    board = outlook.board_from(columns=columns, people=people, cards=cards, events=events,
                               as_of=end)  # fmt: skip
    finished = outlook.finished_cards(board)
    year = outlook.ForecastOptions(window_weeks=52)
    _w, every = outlook.scope_for(board)
    sample = outlook.sample_for(board, finished, every, 52)
    open_now = len(outlook.open_cards(board))

    when_ms, _ = best(lambda: mc.simulate_when(sample.counts, 300, sample_start=sample.first,
                                               start=board.today))  # fmt: skip
    how_ms, _ = best(lambda: mc.simulate_how_many(sample.counts, 28, sample_start=sample.first,
                                                  start=board.today))  # fmt: skip
    scoped_ms, _ = best(lambda: outlook.forecast_for(board, options=year, cards=300))
    section_ms, _ = best(lambda: outlook.build_forecast(board, options=year))
    period = parse_period("month", end - timedelta(hours=1))

    def report() -> object:
        return build_report(board="bench", columns=columns, people=people, cards=cards,
                            events=events, period=period, now=end)  # fmt: skip

    build_ms, data = best(report)
    pdf_ms, pdf = best(lambda: render_pdf(report()), runs=2)  # type: ignore[arg-type]

    rows = [
        ("when: 300 cards, 10,000 trials, a year's sample", when_ms, 200),
        ("how many in 28 days, 10,000 trials", how_ms, 200),
        ("kanban forecast's work (sample + when), a year", scoped_ms, 200),
        ("the report's whole forecast section", section_ms, None),
        ("report data with forecasts (build_report)", build_ms, None),
        (f"whole PDF with forecasts ({len(pdf):,} bytes)", pdf_ms, 3000),  # type: ignore[arg-type]
    ]
    print(f"\nForecast benchmark: {len(cards):,} cards over 365 days, {len(events):,} events, "
          f"{len(finished):,} finished, {open_now} open\n")  # fmt: skip
    print(f"{'step':<52} {'ms':>8} {'target':>8}  ok")
    print("-" * 76)
    for name, ms, target in rows:
        mark = "" if target is None else ("yes" if ms < target else "NO")
        print(f"{name:<52} {ms:8.0f} {('< ' + str(target)) if target else '':>8}  {mark}")

    print("\nBacktest: forecast at past dates from only the days before them (85% level)\n")
    print(f"{'board':<44} {'origins':>7} {'how many':>9} {'when':>7}")
    print("-" * 72)
    year_bt = replay(board, step_days=3)
    demo = replay(demo_board(), window_days=84, min_window_days=14, horizon_days=14,
                  step_days=1, cards=10)  # fmt: skip
    for name, result in (("generated: 2,000 cards, a year (4 weeks ahead)", year_bt),
                         ("demo board: 8 weeks (2 weeks ahead)", demo)):  # fmt: skip
        print(f"{name:<44} {result.origins:>7} {result.how_many_rate:>9.0%} "
              f"{result.when_rate:>7.0%}")  # fmt: skip
    print(
        "\n'how many': share of dates where at least the 85% count was finished in the "
        "horizon;\n'when': share where the next cards were done by the 85% date."
    )


if __name__ == "__main__":
    main()
