"""What will happen: forecasts, the SLE, flow efficiency, stability and headcount.

Pure functions over the timelines of :mod:`kanban.reports.flow` and the cards.
The Monte Carlo itself is :mod:`kanban.reports.forecast`; this module picks
the sample (the daily throughput of a scope over a window of whole days
before the first forecast day) and the cards still to do.

- *Scope*: the whole board (or the report's filter), a project, a label, or
  one person's cards. A card is the scope's throughput when it finished in
  the scope; a person's finished cards are those in their lane when done,
  their open cards those in their lane now and the pool cards they own.
- *Open cards*: not archived, in the pool or an active column (not-ready
  cards included: they are still work to do).
- *SLE*: the 85th percentile cycle time of the cards finished in the window.
- *Flow efficiency*: active time / cycle time. Time in a column marked
  *waiting*, back in the pool, or blocked (not ready) is waiting time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np

from kanban.domain.model import Card, Column, ColumnKind, Event, Person
from kanban.reports import flow
from kanban.reports import forecast as mc
from kanban.reports.model import (
    EfficiencyLine,
    ForecastData,
    ForecastLine,
    HowManyLine,
    Period,
    SkillLine,
    SleItem,
    StabilityWeek,
    TrialOutcome,
    WipAgePoint,
)

WINDOW_WEEKS = 12
NEARING_DAYS = 2.0
HOW_MANY_WEEKS = (2, 4, 8)


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill as a group of labels (any of them makes a card need the skill)."""

    name: str
    labels: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Skill:
        """``storage`` or ``storage=storage+san+nas``."""
        name, _sep, rest = text.partition("=")
        labels = tuple(p.strip().lower() for p in rest.replace(",", "+").split("+") if p.strip())
        return cls(name.strip(), labels or (name.strip().lower(),))


DEFAULT_SKILLS = (Skill("Windows", ("windows",)), Skill("Linux", ("linux",)),
                  Skill("Storage", ("storage",)))  # fmt: skip


@dataclass(frozen=True, slots=True)
class ForecastOptions:
    window_weeks: int = WINDOW_WEEKS
    trials: int = mc.TRIALS
    seed: int = mc.SEED
    skills: tuple[Skill, ...] = field(default=DEFAULT_SKILLS)


@dataclass(frozen=True, slots=True)
class Board:
    """What the forecasts read: timelines, cards, columns, people, and the moment."""

    timelines: Mapping[str, flow.Timeline]
    cards: Mapping[str, Card]
    columns: Sequence[Column]
    people: Sequence[Person]
    as_of: datetime

    @property
    def kinds(self) -> dict[int, ColumnKind]:
        return {c.id: c.kind for c in self.columns}

    @property
    def today(self) -> date:
        return self.as_of.date()

    @property
    def first_day(self) -> date | None:
        """The first day of the board's history (its oldest card with a history)."""
        tz = self.as_of.tzinfo
        starts = [tl.created_at for tl in self.timelines.values() if not tl.synthetic]
        if not starts:
            return None
        first = min(starts)
        return (first.astimezone(tz) if tz is not None else first).date()

    def window(self, weeks: int) -> Period:
        """Whole days before today, from the board's first day at the earliest."""
        first = self.today - timedelta(days=7 * weeks)
        known = self.first_day
        if known is not None and first < known < self.today:
            first = known
        start = _midnight(first, self.as_of)
        end = _midnight(self.today, self.as_of)
        last = self.today - timedelta(days=1)
        span = (self.today - first).days
        words = f"{weeks} weeks" if span == 7 * weeks else f"{span} days"
        return Period(start, end, f"the {words} to {last:%d %b %Y}")


def _midnight(day: date, like: datetime) -> datetime:
    return datetime.combine(day, time(), tzinfo=like.tzinfo)


@dataclass(frozen=True, slots=True)
class Finished:
    card_id: str
    done_at: datetime  # in the reader's time zone
    started_at: datetime | None
    person_id: int | None


def finished_cards(board: Board) -> list[Finished]:
    """Every card done at ``as_of`` (history-less cards left out), done time in local time."""
    kinds = board.kinds
    tz = board.as_of.tzinfo
    out: list[Finished] = []
    for cid, tl in board.timelines.items():
        if tl.synthetic:
            continue
        done = tl.done_at(kinds, until=board.as_of)
        if done is None:
            continue
        started = tl.first_entry(kinds, ColumnKind.ACTIVE)
        if started is not None and started > done:
            started = None
        local = done.astimezone(tz) if tz is not None else done
        out.append(Finished(cid, local, started, tl.person_at(done)))
    return out


def open_cards(board: Board) -> dict[str, int | None]:
    """Cards still to do at ``as_of``: card id -> the lane's person (None in the pool)."""
    kinds = board.kinds
    out: dict[str, int | None] = {}
    for cid, tl in board.timelines.items():
        if tl.created_at > board.as_of or tl.archived_at(board.as_of):
            continue
        col = tl.column_at(board.as_of)
        kind = kinds.get(col) if col is not None else None
        if kind is ColumnKind.POOL:
            out[cid] = None
        elif kind is ColumnKind.ACTIVE:
            out[cid] = tl.person_at(board.as_of)
    return out


Scope = Callable[[str, int | None], bool]  # (card id, person) -> in the scope


def scope_for(
    board: Board,
    *,
    project: str | None = None,
    label: str | None = None,
    labels: Iterable[str] = (),
    person: Person | None = None,
) -> tuple[str, Scope]:
    """A scope's words and its test (card id, the lane's person or None)."""
    wanted = {x.lower() for x in labels}
    if label:
        wanted.add(label.lower())
    words: list[str] = []
    if project:
        words.append(f"project {project}")
    if wanted:
        words.append(("label " if len(wanted) == 1 else "labels ") + ", ".join(sorted(wanted)))
    if person is not None:
        words.append(f"{person.name}'s cards")
    cards = board.cards

    def test(cid: str, pid: int | None) -> bool:
        card = cards.get(cid)
        if project and (card is None or (card.project or "").lower() != project.lower()):
            return False
        if wanted and (card is None or not wanted & {x.lower() for x in card.labels}):
            return False
        if person is not None:
            owner = card.owner_id if card is not None else None
            if pid != person.id and not (pid is None and owner == person.id):
                return False
        return True

    return (", ".join(words) or "the whole board"), test


@dataclass(slots=True)
class Sample:
    """A scope's daily throughput over the window, and what it is made of."""

    counts: np.ndarray
    finished: int
    people: set[int | None]
    first: date | None = None  # the sample's first day


def sample_for(board: Board, finished: Sequence[Finished], scope: Scope, weeks: int) -> Sample:
    window = board.window(weeks)
    first = window.start.date()
    last = board.today - timedelta(days=1)
    hits = [f for f in finished if window.contains(f.done_at) and scope(f.card_id, f.person_id)]
    counts = mc.daily_counts((f.done_at for f in hits), first, last)
    return Sample(counts, len(hits), {f.person_id for f in hits}, first)


def thin_note(finished: int) -> str:
    return (
        f"Only {finished} card(s) finished in the sample window; a forecast needs at least "
        f"{mc.MIN_FINISHED}, so no dates are given."
    )


def when_line(
    board: Board,
    sample: Sample,
    cards: int,
    scope_words: str,
    options: ForecastOptions,
    *,
    scale: float = 1.0,
    what_if: bool = False,
) -> tuple[ForecastLine, mc.WhenResult | None]:
    if sample.finished < mc.MIN_FINISHED:
        return ForecastLine(scope_words, cards, sample.finished, (None,) * len(mc.LEVELS),
                            thin_note(sample.finished), what_if), None  # fmt: skip
    result = mc.simulate_when(sample.counts * scale, cards, trials=options.trials,
                              seed=options.seed, sample_start=sample.first,
                              start=board.today)  # fmt: skip
    dates = tuple(mc.day_of(board.today, result.days[lv]) for lv in mc.LEVELS)
    note = None
    if cards > 0 and any(d is None for d in dates):
        note = "At this throughput some trials take over ten years: those dates are not given."
    return ForecastLine(scope_words, cards, sample.finished, dates, note, what_if), result


def how_many_line(
    board: Board, sample: Sample, by: date, scope_words: str, options: ForecastOptions
) -> tuple[HowManyLine, mc.HowManyResult | None]:
    days = (by - board.today).days + 1
    if sample.finished < mc.MIN_FINISHED:
        return HowManyLine(scope_words, by, days, sample.finished, (None,) * len(mc.LEVELS),
                           thin_note(sample.finished)), None  # fmt: skip
    result = mc.simulate_how_many(sample.counts, days, trials=options.trials, seed=options.seed,
                                  sample_start=sample.first, start=board.today)  # fmt: skip
    counts = tuple(result.cards[lv] for lv in mc.LEVELS)
    return HowManyLine(scope_words, by, days, sample.finished, counts), result


def trial_outcomes(
    board: Board, when: mc.WhenResult | None, how_many: mc.HowManyResult | None
) -> tuple[TrialOutcome, ...]:
    out: list[TrialOutcome] = []
    for name, result in (("when", when), ("how many", how_many)):
        if result is None:
            continue
        values = result.trial_days if isinstance(result, mc.WhenResult) else result.trial_cards
        total = int(values.size)
        seen = 0
        buckets = mc.histogram(values)
        if name == "how many":
            # Read downwards: "at least this many" in the share of trials.
            buckets.reverse()
        for value, trials in buckets:
            seen += trials
            if name == "when":
                day = mc.day_of(board.today, value) if value <= mc.MAX_DAYS else None
                label = day.isoformat() if day is not None else "later"
            else:
                label = str(value)
            out.append(TrialOutcome(name, label, trials, round(seen / total, 4)))
    return tuple(out)


# --- SLE, flow efficiency, stability ------------------------------------------


def sle_lists(
    board: Board, sle: float | None, scope: Scope
) -> tuple[tuple[SleItem, ...], tuple[SleItem, ...]]:
    """Cards in progress past the SLE, and those passing it within NEARING_DAYS."""
    if sle is None:
        return (), ()
    kinds = board.kinds
    names = {c.id: c.name for c in board.columns}
    people = {p.id: p.name for p in board.people}
    past: list[SleItem] = []
    soon: list[SleItem] = []
    for cid, pid in open_cards(board).items():
        tl = board.timelines[cid]
        col = tl.column_at(board.as_of)
        if col is None or kinds.get(col) is not ColumnKind.ACTIVE or not scope(cid, pid):
            continue
        started = tl.first_entry(kinds, ColumnKind.ACTIVE) or tl.created_at
        age = flow.days_between(started, board.as_of)
        card = board.cards.get(cid)
        item = SleItem(cid, card.title if card else cid[:8], people.get(pid) if pid else None,
                       names.get(col, "?"), age, sle, card.labels if card else ())  # fmt: skip
        if age > sle:
            past.append(item)
        elif age > sle - NEARING_DAYS:
            soon.append(item)
    past.sort(key=lambda s: -s.age_days)
    soon.sort(key=lambda s: -s.age_days)
    return tuple(past), tuple(soon)


def efficiency_of(
    tl: flow.Timeline, columns: Mapping[int, Column], start: datetime, end: datetime
) -> tuple[float, float]:
    """(active days, blocked days) of ``[start, end)``; the rest of it is waiting."""
    active = 0.0
    steps = tl.columns
    for i, (at, col) in enumerate(steps):
        nxt = steps[i + 1][0] if i + 1 < len(steps) else end
        lo, hi = max(at, start), min(nxt, end)
        if hi <= lo:
            continue
        column = columns.get(col)
        if column is None or column.kind is not ColumnKind.ACTIVE or column.waiting:
            continue
        active += flow.days_between(lo, hi) - tl.blocked_days(lo, hi)
    return max(0.0, active), tl.blocked_days(start, end)


def efficiency_lines(
    board: Board, finished: Sequence[Finished], window: Period, scope: Scope
) -> tuple[float | None, tuple[EfficiencyLine, ...]]:
    columns = {c.id: c for c in board.columns}
    people = {p.id: p.name for p in board.people}
    lines: list[EfficiencyLine] = []
    for f in finished:
        if f.started_at is None or not window.contains(f.done_at):
            continue
        if not scope(f.card_id, f.person_id):
            continue
        tl = board.timelines[f.card_id]
        cycle = flow.days_between(f.started_at, f.done_at)
        active, blocked = efficiency_of(tl, columns, f.started_at, f.done_at)
        active = min(active, cycle)
        card = board.cards.get(f.card_id)
        lines.append(EfficiencyLine(
            f.card_id, card.title if card else f.card_id[:8],
            people.get(f.person_id) if f.person_id else None, cycle, active,
            max(0.0, cycle - active), blocked, active / cycle if cycle > 0 else None,
        ))  # fmt: skip
    total_cycle = sum(x.cycle_days for x in lines)
    overall = sum(x.active_days for x in lines) / total_cycle if total_cycle > 0 else None
    lines.sort(key=lambda x: x.efficiency if x.efficiency is not None else 2.0)
    return overall, tuple(lines)


def stability_weeks(
    board: Board, finished: Sequence[Finished], window: Period, scope: Scope
) -> tuple[StabilityWeek, ...]:
    tz = board.as_of.tzinfo
    arrivals = [
        tl.created_at.astimezone(tz) if tz else tl.created_at
        for cid, tl in board.timelines.items()
        if not tl.synthetic and scope(cid, _lane_then(tl, tl.created_at))
    ]
    done = [f.done_at for f in finished if scope(f.card_id, f.person_id)]
    came = dict(flow.weekly_counts(arrivals, window))
    went = flow.weekly_counts(done, window)
    return tuple(StabilityWeek(w, came.get(w, 0), n) for w, n in went)


def _lane_then(tl: flow.Timeline, moment: datetime) -> int | None:
    return tl.person_at(moment)


def wip_age_series(
    board: Board, finished: Sequence[Finished], window: Period, scope: Scope
) -> tuple[WipAgePoint, ...]:
    """Each day's end: cards in progress (first start to done), their total and oldest age."""
    kinds = board.kinds
    done_at = {f.card_id: f.done_at for f in finished}
    starts: list[float] = []
    ends: list[float] = []
    for cid, tl in board.timelines.items():
        if tl.synthetic or (tl.archived_at(board.as_of) and cid not in done_at):
            continue
        started = tl.first_entry(kinds, ColumnKind.ACTIVE)
        if started is None or not scope(cid, tl.person_at(started)):
            continue
        end = done_at.get(cid)
        starts.append(started.timestamp())
        ends.append(end.timestamp() if end is not None else float("inf"))
    days: list[datetime] = []
    moment = window.start + timedelta(days=1)
    while moment <= window.end:
        days.append(moment)
        moment += timedelta(days=1)
    if not days:
        return ()
    t = np.array([d.timestamp() for d in days])[:, None]
    s = np.array(starts)[None, :] if starts else np.zeros((1, 0))
    e = np.array(ends)[None, :] if ends else np.zeros((1, 0))
    live = (s <= t) & (t < e)
    ages = np.where(live, (t - s) / flow.DAY, 0.0)
    wip = live.sum(axis=1)
    total = ages.sum(axis=1)
    oldest = ages.max(axis=1) if ages.shape[1] else np.zeros(len(days))
    return tuple(
        WipAgePoint(d, int(w), round(float(a), 2), round(float(o), 2))
        for d, w, a, o in zip(days, wip, total, oldest, strict=True)
    )


# --- headcount -----------------------------------------------------------------


def skill_lines(
    board: Board,
    finished: Sequence[Finished],
    open_now: Mapping[str, int | None],
    options: ForecastOptions,
    base: Scope,
) -> tuple[SkillLine, ...]:
    names = {p.id: p.name for p in board.people}
    used = {x.lower() for c in board.cards.values() for x in c.labels}
    out: list[SkillLine] = []
    for skill in options.skills:
        if not used & set(skill.labels):
            continue
        _words, test = scope_for(board, labels=skill.labels)

        def scope(cid: str, pid: int | None, test: Scope = test) -> bool:
            return test(cid, pid) and base(cid, pid)

        pool = sum(1 for cid, pid in open_now.items() if scope(cid, pid))
        sample = sample_for(board, finished, scope, options.window_weeks)
        people = sorted({names[p] for p in sample.people if p in names})
        headcount = len(people)
        weeks = max(len(sample.counts), 1) / 7
        per_person = sample.finished / headcount / weeks if headcount else None
        line, _r = when_line(board, sample, pool, skill.name, options)
        clear = tuple(_weeks(board, d) for d in line.dates)
        plus: tuple[float | None, ...] = (None,) * len(mc.LEVELS)
        note = line.note
        if headcount and line.note is None:
            more, _r = when_line(board, sample, pool, skill.name, options,
                                 scale=(headcount + 1) / headcount, what_if=True)  # fmt: skip
            plus = tuple(_weeks(board, d) for d in more.dates)
        elif not headcount and note is None:
            note = "Nobody on the board finished such cards in the window."
        out.append(SkillLine(skill.name, skill.labels, pool, tuple(people), sample.finished,
                             per_person, clear, plus, note))  # fmt: skip
    return tuple(out)


def _weeks(board: Board, day: date | None) -> float | None:
    if day is None:
        return None
    return round(((day - board.today).days + 1) / 7, 1)


# --- the report's section ------------------------------------------------------


def build_forecast(
    board: Board,
    *,
    options: ForecastOptions | None = None,
    scope: Scope | None = None,
    scope_words: str = "the whole board",
    sle_days: float | None = None,
    sle_basis: int = 0,
) -> ForecastData:
    """The report's forecast section for the cards ``scope`` accepts (default: all).

    Args:
        sle_days: the report's 85th percentile cycle time; worked out from the
            window here when None.
    """
    opts = options or ForecastOptions()
    test: Scope = scope or (lambda _cid, _pid: True)
    finished = finished_cards(board)
    open_now = open_cards(board)
    window = board.window(opts.window_weeks)
    sample = sample_for(board, finished, test, opts.window_weeks)
    remaining = sum(1 for cid, pid in open_now.items() if test(cid, pid))
    when, when_result = when_line(board, sample, remaining, scope_words, opts)
    how_many: list[HowManyLine] = []
    first_how: mc.HowManyResult | None = None
    for weeks in HOW_MANY_WEEKS:
        by = board.today + timedelta(days=7 * weeks - 1)
        line, result = how_many_line(board, sample, by, scope_words, opts)
        how_many.append(line)
        if first_how is None:
            first_how = result
    if sle_days is None:
        cycles = [
            flow.days_between(f.started_at, f.done_at)
            for f in finished
            if f.started_at is not None and window.contains(f.done_at) and test(f.card_id,
                                                                                 f.person_id)
        ]  # fmt: skip
        sle_days, sle_basis = flow.percentile(cycles, 85), len(cycles)
    past, soon = sle_lists(board, sle_days, test)
    overall, eff = efficiency_lines(board, finished, window, test)
    return ForecastData(
        window=window,
        start=board.today,
        trials=opts.trials,
        seed=opts.seed,
        levels=mc.LEVELS,
        finished_in_window=sample.finished,
        min_finished=mc.MIN_FINISHED,
        when=(when,),
        how_many=tuple(how_many),
        trial_outcomes=trial_outcomes(board, when_result, first_how),
        sle_days=sle_days,
        sle_basis=sle_basis,
        past_sle=past,
        nearing_sle=soon,
        nearing_days=NEARING_DAYS,
        waiting_columns=tuple(c.name for c in board.columns if c.waiting),
        efficiency=overall,
        efficiency_cards=eff,
        stability=stability_weeks(board, finished, window, test),
        wip_age=wip_age_series(board, finished, window, test),
        skills=skill_lines(board, finished, open_now, opts, test),
    )


@dataclass(frozen=True, slots=True)
class ScopedForecast:
    """One forecast asked for by name (``kanban forecast``, the Reports view)."""

    scope: str
    window: Period
    trials: int
    seed: int
    levels: tuple[int, ...]
    when: ForecastLine | None = None
    how_many: HowManyLine | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "scope": self.scope,
            "window": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "trials": self.trials,
            "seed": self.seed,
            "levels": list(self.levels),
        }
        line = self.when or self.how_many
        assert line is not None
        out["finished_in_window"] = line.finished_in_window
        out["note"] = line.note
        if self.when is not None:
            out["forecast"] = "when"
            out["cards"] = self.when.cards
            out["dates"] = {
                str(lv): (d.isoformat() if d is not None else None)
                for lv, d in zip(self.levels, self.when.dates, strict=True)
            }
        if self.how_many is not None:
            out["forecast"] = "how many"
            out["by"] = self.how_many.by.isoformat()
            out["days"] = self.how_many.days
            out["cards"] = {
                str(lv): c for lv, c in zip(self.levels, self.how_many.cards, strict=True)
            }
        return out


def forecast_for(
    board: Board,
    *,
    options: ForecastOptions | None = None,
    cards: int | None = None,
    by: date | None = None,
    project: str | None = None,
    label: str | None = None,
    person: Person | None = None,
) -> ScopedForecast:
    """*When* will ``cards`` (default: the scope's open cards) be done, or *how many* by ``by``."""
    opts = options or ForecastOptions()
    words, test = scope_for(board, project=project, label=label, person=person)
    finished = finished_cards(board)
    sample = sample_for(board, finished, test, opts.window_weeks)
    window = board.window(opts.window_weeks)
    base = ScopedForecast(words, window, opts.trials, opts.seed, mc.LEVELS)
    if by is not None:
        line, _r = how_many_line(board, sample, by, words, opts)
        return ScopedForecast(words, window, opts.trials, opts.seed, mc.LEVELS, how_many=line)
    if cards is None:
        cards = sum(1 for cid, pid in open_cards(board).items() if test(cid, pid))
    when, _w = when_line(board, sample, cards, words, opts)
    return ScopedForecast(base.scope, window, opts.trials, opts.seed, mc.LEVELS, when=when)


def board_from(
    *,
    columns: Sequence[Column],
    people: Sequence[Person],
    cards: Iterable[Card],
    events: Sequence[Event],
    as_of: datetime,
) -> Board:
    """Replay the history into the forecasts' view of the board at ``as_of``."""
    by_id = {c.id: c for c in cards}
    timelines = flow.build_timelines(flow.chronological(events), by_id.values(), ordered=True)
    return Board(timelines, by_id, columns, people, as_of)
