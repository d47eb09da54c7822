"""Monte Carlo forecasts from the board's own daily throughput.

The method (as ActionableAgile and Nave use it): take how many cards the team
finished on each calendar day of a past window (weekends and holidays
included, so their zeros are part of the sample), then run many trials, each
drawing future days at random from that sample:

- *When*: in each trial, days are drawn until ``n`` cards are done; the 85%
  date is the day by which 85% of the trials had finished.
- *How many*: in each trial, as many days are drawn as lie before a date and
  their cards summed; the 85% figure is the count reached or passed by 85% of
  the trials.

Everything is vectorised with numpy: trials are rows, future days columns.
Given the sample's first day and the first forecast day, a future Monday is
drawn from the sample's Mondays, a Saturday from its Saturdays (once the
sample has two of each weekday): a team that does not work weekends keeps
its weekends, and a month's forecast is not made wider by trials that drew
ten Sundays. The draws are indices into the sample, taken in chunks whose sizes never
depend on the sample's values, so one seed gives the same sequence of picked
days whatever the throughput: halving every day's throughput, or asking for
more cards, can only bring a later (or the same) date. A trial that has not
finished within ``MAX_DAYS`` never finishes; a date that needs such trials is
not given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

TRIALS = 10_000
SEED = 16
LEVELS = (50, 85, 95)
MIN_FINISHED = 10  # fewer finished cards in the window: no dates
MAX_DAYS = 3_650  # ten years: past that a trial is "never"
_CHUNKS = (32, 64, 128, 256)  # then 256 at a time; fixed, so draws never depend on values

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class WhenResult:
    """Days (counted from the first forecast day, 1 = that day) to finish ``n`` cards."""

    n: int
    days: dict[int, int | None]  # confidence level -> days needed; None: not within MAX_DAYS
    trial_days: IntArray  # per trial; MAX_DAYS + 1 for "not within MAX_DAYS"


@dataclass(frozen=True, slots=True)
class HowManyResult:
    """Cards finished within ``days`` days, at each confidence."""

    days: int
    cards: dict[int, int]
    trial_cards: IntArray


def daily_counts(done_times: Iterable[datetime], first: date, last: date) -> IntArray:
    """Cards finished on each local day ``first..last`` (both included).

    ``done_times`` are compared by their own date, so give them in the
    reader's time zone.
    """
    span = (last - first).days + 1
    counts = np.zeros(max(span, 0), dtype=np.int64)
    for moment in done_times:
        idx = (moment.date() - first).days
        if 0 <= idx < span:
            counts[idx] += 1
    return counts


def _chunk_sizes() -> Iterable[int]:
    total = 0
    for size in _CHUNKS:
        total += size
        yield size
    while total < MAX_DAYS:
        size = min(_CHUNKS[-1], MAX_DAYS - total)
        total += size
        yield size


class _Picker:
    """Draws sample indices for future days: any day, or the same weekday."""

    def __init__(self, size: int, sample_start: date | None, start: date | None) -> None:
        self.size = size
        self.by_weekday: IntArray | None = None
        if sample_start is not None and start is not None and size >= 14:
            weekdays = (np.arange(size) + sample_start.weekday()) % 7
            order = np.argsort(weekdays, kind="stable")
            self.order = order.astype(np.int64)
            self.counts = np.bincount(weekdays, minlength=7).astype(np.int64)
            self.offsets = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)
            self.by_weekday = self.order
            self.first = start.weekday()

    def picks(self, rng: np.random.Generator, trials: int, offset: int, size: int) -> IntArray:
        if self.by_weekday is None:
            return rng.integers(0, self.size, size=(trials, size), dtype=np.int64)
        u = rng.random((trials, size))
        wd = (np.arange(offset, offset + size) + self.first) % 7
        slot = self.offsets[wd] + np.floor(u * self.counts[wd]).astype(np.int64)
        picked: IntArray = self.order[slot]
        return picked


def simulate_when(
    sample: Sequence[float] | npt.ArrayLike,
    n: int,
    *,
    trials: int = TRIALS,
    seed: int = SEED,
    sample_start: date | None = None,
    start: date | None = None,
) -> WhenResult:
    """How many days ``n`` cards take, over ``trials`` runs drawn from ``sample``.

    Args:
        sample: cards finished per day in the past window.
        n: cards to finish (0 or fewer: done on day 0).
        sample_start, start: the sample's first day and the first forecast
            day; with both, each future day is drawn from the same weekday.
    """
    values = np.asarray(sample, dtype=np.float64)
    never = MAX_DAYS + 1
    if n <= 0:
        days = np.zeros(trials, dtype=np.int64)
        return WhenResult(n, _when_levels(days, never), days)
    result = np.full(trials, never, dtype=np.int64)
    if values.size == 0 or not np.any(values > 0):
        return WhenResult(n, dict.fromkeys(LEVELS), result)
    rng = np.random.default_rng(seed)
    picker = _Picker(values.size, sample_start, start)
    total = np.zeros(trials, dtype=np.float64)
    open_rows = np.ones(trials, dtype=bool)
    offset = 0
    # A little slack so float sums (0.5 + 0.5 ...) reach a whole n.
    goal = n - 1e-9
    for size in _chunk_sizes():
        picks = picker.picks(rng, trials, offset, size)
        if open_rows.any():
            rows = np.flatnonzero(open_rows)
            running = np.cumsum(values[picks[rows]], axis=1) + total[rows, None]
            reached = running >= goal
            hit = reached.any(axis=1)
            first = reached.argmax(axis=1)
            result[rows[hit]] = offset + first[hit] + 1
            total[rows] = running[:, -1]
            open_rows[rows[hit]] = False
        offset += size
        if not open_rows.any():
            break
    return WhenResult(n, _when_levels(result, never), result)


def _when_levels(days: IntArray, never: int) -> dict[int, int | None]:
    out: dict[int, int | None] = {}
    for level in LEVELS:
        value = int(np.quantile(days, level / 100, method="inverted_cdf"))
        out[level] = None if value >= never else value
    return out


def simulate_how_many(
    sample: Sequence[float] | npt.ArrayLike,
    days: int,
    *,
    trials: int = TRIALS,
    seed: int = SEED,
    sample_start: date | None = None,
    start: date | None = None,
) -> HowManyResult:
    """Cards finished in ``days`` future days: the count reached by each share of trials."""
    values = np.asarray(sample, dtype=np.float64)
    if days <= 0 or values.size == 0:
        zeros = np.zeros(trials, dtype=np.int64)
        return HowManyResult(max(days, 0), dict.fromkeys(LEVELS, 0), zeros)
    rng = np.random.default_rng(seed)
    picker = _Picker(values.size, sample_start, start)
    sums = np.zeros(trials, dtype=np.float64)
    left = days
    offset = 0
    for size in _chunk_sizes():
        step = min(size, left)
        picks = picker.picks(rng, trials, offset, size)
        offset += size
        sums += values[picks[:, :step]].sum(axis=1)
        left -= step
        if left <= 0:
            break
    cards = np.floor(sums + 1e-9).astype(np.int64)
    # 85% confidence: at least this many in 85% of the trials (a low quantile).
    levels = {
        level: int(np.quantile(cards, 1 - level / 100, method="inverted_cdf")) for level in LEVELS
    }
    return HowManyResult(days, levels, cards)


def day_of(start: date, days: int | None) -> date | None:
    """The date of forecast day ``days`` (1 = ``start``); None stays None."""
    if days is None:
        return None
    return start + timedelta(days=max(days, 1) - 1)


def histogram(values: IntArray) -> list[tuple[int, int]]:
    """(value, trials) for every value some trial ended on, ascending."""
    uniq, counts = np.unique(values, return_counts=True)
    return [(int(v), int(c)) for v, c in zip(uniq, counts, strict=True)]
