"""``kanban forecast``: Monte Carlo *when* and *how many* forecasts from the board's throughput.

Without ``--when`` or ``--by`` it forecasts when the scope's open cards (pool
and in progress) will be done. The sample is the scope's cards finished per
day over the last ``--weeks`` weeks; with fewer than 10 finished cards there
it says so and gives no dates.
"""

from __future__ import annotations

import argparse
from datetime import date

from kanban.cli.context import Context
from kanban.domain.words import plural
from kanban.errors import InvalidInput, NotFound
from kanban.reports import forecast as mc
from kanban.reports import outlook
from kanban.services import reporting


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``forecast`` subcommand."""
    parser = sub.add_parser(
        "forecast",
        parents=[common],
        help="when will N cards be done, or how many by a date (Monte Carlo)",
        description=(
            "Forecast from the board's own daily throughput: the dates by which N cards "
            "will be done (--when N; default: the open cards), or how many cards will be "
            "done by a date (--by), at 50%%, 85%% and 95%% confidence."
        ),
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--when", type=int, metavar="N", help="when will N cards be done")
    what.add_argument("--by", metavar="DATE", help="how many cards by this date (YYYY-MM-DD)")
    parser.add_argument("--project", help="only cards of this project (or epic)")
    parser.add_argument("--label", help="only cards with this label, e.g. storage")
    parser.add_argument("--person", metavar="NAME", help="only this person's cards")
    parser.add_argument(
        "--weeks", type=int, default=outlook.WINDOW_WEEKS, help="sample window in weeks (12)"
    )
    parser.add_argument("--trials", type=int, default=mc.TRIALS, help="trials (10000)")
    parser.add_argument(
        "--seed", type=int, default=mc.SEED, help="random seed (same seed, same figures)"
    )
    parser.add_argument(
        "--skill",
        action="append",
        default=[],
        metavar="NAME=LABEL[+LABEL...]",
        help="a skill for the headcount figures, e.g. Storage=storage+san (repeatable; "
        "default: the config's [report] skills, else Windows, Linux, storage)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run_forecast)


def run_forecast(ctx: Context) -> int:
    args = ctx.args
    if args.when is not None and args.when < 1:
        raise InvalidInput("--when needs a number of cards of 1 or more.")
    if args.weeks < 1 or args.trials < 1:
        raise InvalidInput("--weeks and --trials need a number of 1 or more.")
    history = reporting.read_history(ctx.service, with_links=False)
    now = reporting.local_now()
    by: date | None = None
    if args.by is not None:
        try:
            by = date.fromisoformat(args.by)
        except ValueError as exc:
            raise InvalidInput(f"--by '{args.by}' is not a date; use YYYY-MM-DD.") from exc
        if by < now.date():
            raise InvalidInput(f"--by {by} is in the past; give today or a later date.")
    person = None
    if args.person:
        person = next((p for p in history.people if p.name.lower() == args.person.lower()), None)
        if person is None:
            names = ", ".join(p.name for p in history.people) or "none yet"
            raise NotFound(f"No person '{args.person}' on this board. People: {names}.")
    board = outlook.board_from(
        columns=history.columns,
        people=history.people,
        cards=history.cards,
        events=history.events,
        as_of=now,
    )
    options = outlook.ForecastOptions(
        window_weeks=args.weeks,
        trials=args.trials,
        seed=args.seed,
        skills=reporting.skills_from(args.skill, ctx.config),
    )
    result = outlook.forecast_for(
        board,
        options=options,
        cards=args.when,
        by=by,
        project=args.project,
        label=args.label,
        person=person,
    )
    if args.json:
        ctx.emit_json(result.as_json())
        return 0
    print(describe(result))
    return 0


def describe(result: outlook.ScopedForecast) -> str:
    """The forecast as a few lines of text."""
    line = result.when or result.how_many
    assert line is not None
    head = (
        f"Forecast for {result.scope}, from {plural(line.finished_in_window, 'card')} finished "
        f"in {result.window.label} ({result.trials:,} trials, seed {result.seed})."
    )
    lines = [head]
    if result.when is not None:
        w = result.when
        lines.append(f"When will {plural(w.cards, 'card')} be done?")
        for level, day in zip(result.levels, w.dates, strict=True):
            lines.append(f"  {level}%: by {day:%a %d %b %Y}" if day else f"  {level}%: –")
    if result.how_many is not None:
        h = result.how_many
        lines.append(f"How many cards will be done by {h.by:%a %d %b %Y} ({h.days} days)?")
        for level, count in zip(result.levels, h.cards, strict=True):
            lines.append(f"  {level}%: at least {count}" if count is not None else f"  {level}%: –")
    if line.note:
        lines.append(line.note)
    return "\n".join(lines)
