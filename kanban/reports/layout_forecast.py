"""The report's forecast section as format-neutral blocks (see :mod:`layout`).

Forecasts (when, how many), the service level expectation, flow efficiency,
stability and headcount per skill. Every figure says how it was made, and
thin data says so instead of printing dates.
"""

from __future__ import annotations

from kanban.domain.words import plural
from kanban.reports.layout import (
    Block,
    Chart,
    Group,
    Heading,
    Para,
    Table,
    card_table,
    days,
    when,
)
from kanban.reports.model import ForecastData, ReportData, SleItem


def _date(value: object) -> str:
    return f"{value:%a %d %b %Y}" if value is not None else "–"


def _weeks(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} wk"


def _is(count: int) -> str:
    return "is" if count == 1 else "are"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def headline(fc: ForecastData) -> str:
    """One line for *At a glance*: when the open cards are done, at 85%."""
    line = fc.when[0]
    if line.note and all(d is None for d in line.dates):
        return "no forecast (too few finished cards)"
    i = fc.levels.index(85) if 85 in fc.levels else -1
    return f"{plural(line.cards, 'card')} by {_date(line.dates[i])} (85%)"


def forecast_blocks(data: ReportData) -> list[Block]:
    fc = data.forecast
    if fc is None:
        return []
    levels = tuple(f"{lv}%" for lv in fc.levels)
    out: list[Block] = [Heading(2, "Forecast")]
    out.append(Para(
        f"Monte Carlo forecasts: {fc.trials:,} trials, each drawing future days at random "
        f"from the cards finished per day over {fc.window.label} "
        f"({plural(fc.finished_in_window, 'card')} finished; weekends included). "
        f"Forecasts start on {_date(fc.start)}. A date at 85% means 85 of 100 trials were "
        f"done by then. Seed {fc.seed}: the same board gives the same figures.",
        "note",
    ))  # fmt: skip
    head = fc.when[0]
    if head.note and all(d is None for d in head.dates):
        out.append(Para(head.note, "alert"))
    else:
        rows = tuple(
            (f"{plural(w.cards, 'open card')} ({w.scope})" + (" – what-if" if w.what_if else ""),
             *(_date(d) for d in w.dates)) for w in fc.when
        )  # fmt: skip
        out.append(Table(("When will they be done?", *levels), rows, widths=(4, 2, 2, 2)))
        if head.note:
            out.append(Para(head.note, "note"))
        out.append(Table(
            ("How many cards will be done by…", *(f"at {lv}" for lv in levels)),
            tuple((f"{_date(h.by)} ({h.days} days)",
                   *(str(c) if c is not None else "–" for c in h.cards)) for h in fc.how_many),
            widths=(4, 2, 2, 2), numeric=(1, 2, 3),
        ))  # fmt: skip
        out.append(Chart("forecast"))

    # --- SLE ------------------------------------------------------------------
    out.append(Heading(3, "Service level expectation"))
    if fc.sle_days is None:
        out.append(Para("No card finished in the window, so there is no SLE yet."))
    else:
        out.append(Para(
            f"85% of our cards finish within {days(fc.sle_days)} of starting (the 85th "
            f"percentile cycle time of {plural(fc.sle_basis, 'card')} finished in the window). "
            f"{plural(len(fc.past_sle), 'card')} in progress {_is(len(fc.past_sle))} past it; "
            f"{len(fc.nearing_sle)} will pass it within {fc.nearing_days:g} days."
        ))  # fmt: skip
        items = [("past the SLE", s) for s in fc.past_sle] + [
            ("passes it soon", s) for s in fc.nearing_sle
        ]
        if items:
            out.append(card_table(
                ("Card", "Person", "Column", "Age", "Against the SLE", "Status"),
                [_sle_row(status, s) for status, s in items[:20]],
                [s.labels for _status, s in items[:20]], data.label_colours,
                widths=(4, 2, 2, 1.2, 1.8, 1.8), numeric=(3, 4),
            ))  # fmt: skip

    # --- flow efficiency --------------------------------------------------------
    out.append(Heading(3, "Flow efficiency"))
    waiting = ", ".join(fc.waiting_columns) or "none marked yet"
    out.append(Para(
        "Flow efficiency = active time / cycle time. Active time is time in an active "
        "column that is not marked waiting, while the card is not blocked; time in a "
        f"waiting column (here: {waiting}), back in the pool, or blocked is waiting time.",
        "note",
    ))  # fmt: skip
    if not fc.efficiency_cards:
        out.append(Para("No card with a cycle time finished in the window."))
    else:
        out.append(Para(
            f"Overall flow efficiency: {_pct(fc.efficiency)} over "
            f"{plural(len(fc.efficiency_cards), 'finished card')}."
        ))  # fmt: skip
        out.append(Table(
            ("Least efficient finished cards", "Person", "Cycle", "Active", "Waiting",
             "Blocked", "Efficiency"),
            tuple((e.title, e.person or "–", days(e.cycle_days), days(e.active_days),
                   days(e.waiting_days), days(e.blocked_days), _pct(e.efficiency))
                  for e in fc.efficiency_cards[:8]),
            widths=(4, 2, 1.2, 1.2, 1.2, 1.2, 1.4), numeric=(2, 3, 4, 5, 6),
        ))  # fmt: skip

    # --- stability --------------------------------------------------------------
    out.append(Heading(3, "Stability"))
    came = sum(w.arrivals for w in fc.stability)
    went = sum(w.finished for w in fc.stability)
    trend = "growing" if came > went else "shrinking" if came < went else "steady"
    out.append(Para(
        f"Over {fc.window.label} {plural(came, 'card')} arrived and {went} were finished: "
        f"the open work is {trend}. The run chart shows the total age of the work in "
        "progress each day: a rising line means work is piling up."
    ))  # fmt: skip
    out.append(Chart("stability"))
    out.append(Chart("wipage"))

    # --- headcount --------------------------------------------------------------
    skills: list[Block] = [Heading(3, "Headcount per skill")]
    if not fc.skills:
        skills.append(Para(
            "No card carries a skill label (windows, linux, storage, or the skills "
            "configured), so there is nothing to say per skill."
        ))  # fmt: skip
    else:
        skills.append(Para(
            "Per skill (a group of labels): open cards, who finished such cards in the "
            "window and how many per person per week, and the forecast weeks to clear "
            "them at 50% and 85%. WHAT-IF: the same forecast with one more person, the "
            "skill's throughput scaled by (people + 1) / people.",
            "note",
        ))  # fmt: skip
        i50 = fc.levels.index(50) if 50 in fc.levels else 0
        i85 = fc.levels.index(85) if 85 in fc.levels else 0
        skills.append(Table(
            ("Skill", "Open", "People", "Per person / wk", "Clear 50%", "Clear 85%",
             "What-if +1 person, 85%"),
            tuple((s.skill, str(s.pool), str(len(s.people)),
                   f"{s.per_person_week:.1f}" if s.per_person_week is not None else "–",
                   _weeks(s.weeks[i50]), _weeks(s.weeks[i85]),
                   _weeks(s.plus_one_weeks[i85])) for s in fc.skills),
            widths=(2, 1, 1, 1.6, 1.5, 1.5, 2.2), numeric=(1, 2, 3, 4, 5, 6),
        ))  # fmt: skip
        for s in fc.skills:
            if s.note:
                skills.append(Para(f"{s.skill}: {s.note}", "note"))
    out.append(Group(tuple(skills)))
    return out


def _sle_row(status: str, s: SleItem) -> tuple[str, ...]:
    over = s.over_days
    against = f"{days(over)} over" if over > 0 else f"{days(-over)} left"
    return (s.title, s.person or "–", s.column, days(s.age_days), against, status)


__all__ = ["forecast_blocks", "headline", "when"]
