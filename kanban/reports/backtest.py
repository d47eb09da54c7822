"""Does the forecast forecast? Replay past dates with only the history before them.

At each origin date the forecast sees only the days before it (the sample
window), forecasts the next ``horizon`` days, and is compared with what the
board really did:

- *how many*: the 85% figure is "at least X cards"; a hit when at least X
  cards really were finished in the horizon;
- *when*: the 85% date for the next ``cards`` cards; a hit when they really
  were finished by that date.

Over many origins, about 85% should be hits. ``synthetic_history`` makes the
2,000-card, one-year board the benchmark and the tests replay.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from kanban.domain.model import Card, Column, ColumnKind, Event, EventKind, Person
from kanban.reports import forecast as mc


@dataclass(frozen=True, slots=True)
class Backtest:
    origins: int  # forecasts made
    how_many_hits: int
    when_hits: int
    when_origins: int  # origins where the next ``cards`` cards were all finished in the data

    @property
    def how_many_rate(self) -> float:
        return self.how_many_hits / self.origins if self.origins else 0.0

    @property
    def when_rate(self) -> float:
        return self.when_hits / self.when_origins if self.when_origins else 0.0


def backtest(
    done: Sequence[date],
    first: date,
    last: date,
    *,
    window_days: int = 84,
    min_window_days: int = 14,
    horizon_days: int = 28,
    step_days: int = 7,
    cards: int = 20,
    trials: int = 2_000,
    seed: int = mc.SEED,
    level: int = 85,
) -> Backtest:
    """Forecast at origins from ``first + min_window_days`` to ``last - horizon_days``.

    Args:
        done: the day each card was finished.
        first, last: the days the history covers (both included).
    """
    counts = mc.daily_counts((datetime(d.year, d.month, d.day) for d in done), first, last)
    cumulative = np.concatenate([[0], np.cumsum(counts)])
    origins = how_hits = when_hits = when_origins = 0
    day = min_window_days
    while day + horizon_days <= len(counts):
        sample = counts[max(0, day - window_days) : day]
        if sample.sum() >= mc.MIN_FINISHED:
            origins += 1
            actual = int(cumulative[day + horizon_days] - cumulative[day])
            since = first + timedelta(days=max(0, day - window_days))
            origin = first + timedelta(days=day)
            how = mc.simulate_how_many(sample, horizon_days, trials=trials, seed=seed + day,
                                       sample_start=since, start=origin)  # fmt: skip
            how_hits += actual >= how.cards[level]
            target = cumulative[day] + cards
            reached = np.flatnonzero(cumulative[day + 1 :] >= target)
            if reached.size:
                when_origins += 1
                took = int(reached[0]) + 1  # days, 1 = the origin day itself
                need = mc.simulate_when(sample, cards, trials=trials, seed=seed + day,
                                        sample_start=since, start=origin)  # fmt: skip
                forecast = need.days[level]
                when_hits += forecast is not None and took <= forecast
        day += step_days
    return Backtest(origins, how_hits, when_hits, when_origins)


# --- a generated board: 2,000 cards over a year ------------------------------------

POOL, DOING, REVIEW, DONE = 1, 2, 3, 4
SYNTHETIC_COLUMNS = (
    Column(POOL, "Task pool", ColumnKind.POOL, 0),
    Column(DOING, "In progress", ColumnKind.ACTIVE, 1),
    Column(REVIEW, "Review", ColumnKind.ACTIVE, 2, waiting=True),
    Column(DONE, "Done", ColumnKind.DONE, 3),
)
SKILLS = ("windows", "linux", "storage")


def synthetic_history(
    cards: int = 2_000, days: int = 365, *, people: int = 8, seed: int = 1
) -> tuple[tuple[Column, ...], tuple[Person, ...], list[Card], list[Event], datetime]:
    """A steady team: cards arrive through the year, are worked (on weekdays), reviewed, done.

    Returns the columns, people, cards, events (in time order) and the end of the history.
    """
    rng = random.Random(seed)
    start = datetime(2025, 12, 1, tzinfo=UTC)
    end = start + timedelta(days=days)
    team = tuple(Person(i + 1, f"Person {i + 1:02d}", order=i) for i in range(people))
    raw: list[tuple[datetime, str, EventKind, dict[str, object], dict[str, object]]] = []
    out_cards: list[Card] = []

    def workday(moment: datetime) -> datetime:
        while moment.weekday() >= 5:
            moment += timedelta(days=1)
        return moment

    # Busy and quiet weeks (holidays, incidents): work arrives, and so is
    # finished, unevenly from week to week, as on a real board.
    weeks = [rng.uniform(0.5, 1.5) for _ in range(days // 7)]
    for n in range(cards):
        cid = f"s{n:05d}"
        week = rng.choices(range(len(weeks)), weights=weeks)[0]
        created = start + timedelta(weeks=week, seconds=rng.uniform(0, 7 * 86_400))
        label = SKILLS[n % len(SKILLS)]
        person = team[rng.randrange(people)]
        raw.append((created, cid, EventKind.CREATED, {"archived": True},
                    {"column_id": POOL, "person_id": None, "not_ready": False,
                     "archived": False, "labels": [label]}))  # fmt: skip
        moment = workday(created + timedelta(days=rng.expovariate(1 / 4)))
        column, done_at = POOL, None
        for target, mean in ((DOING, 2.5), (REVIEW, 1.0), (DONE, 0.0)):
            if moment >= end:
                break
            raw.append((moment, cid, EventKind.MOVED, {"column_id": column},
                        {"column_id": target, "person_id": person.id}))  # fmt: skip
            if target == DOING and rng.random() < 0.1:
                blocked = moment + timedelta(hours=rng.uniform(1, 20))
                raw.append((blocked, cid, EventKind.BLOCKED, {"not_ready": False},
                            {"not_ready": True, "not_ready_reason": "vendor"}))  # fmt: skip
                raw.append((blocked + timedelta(days=rng.uniform(0.5, 3)), cid,
                            EventKind.UNBLOCKED, {"not_ready": True},
                            {"not_ready": False, "not_ready_reason": None}))  # fmt: skip
            column = target
            if target == DONE:
                done_at = moment
            moment = workday(moment + timedelta(days=rng.expovariate(1 / mean) if mean else 0))
        out_cards.append(Card(cid, f"Generated card {n}", column,
                              None if column == POOL else person.id, 0, 1, created, created,
                              owner_id=person.id, labels=(label,), project=f"P{n % 4}",
                              done_at=done_at))  # fmt: skip
    raw.sort(key=lambda r: r[0])
    events = [
        Event(i + 1, cid, f"c{i + 1}", "gen", at, kind, before, after)
        for i, (at, cid, kind, before, after) in enumerate(raw)
        if at < end
    ]
    return SYNTHETIC_COLUMNS, team, out_cards, events, end
