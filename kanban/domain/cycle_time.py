"""Days between two moments, percentiles, and the board's SLE from cycle times.

The board's card faces mark work in progress past the SLE (the 85th percentile
cycle time of the cards finished in the last 12 weeks), read with every load of
the window; the report's flow figures (:mod:`kanban.reports.flow`) use the same
percentile and day arithmetic. Here, apart from the report's data model, so the
window's loads import no report code.

Percentiles interpolate linearly between closest ranks (Hyndman & Fan type 7,
the default of numpy and Excel's PERCENTILE.INC).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

DAY = 86_400.0


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile (0..100) of ``values`` by linear interpolation; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / DAY


def service_level_days(
    spans: Iterable[tuple[datetime, datetime]], as_of: datetime, weeks: int = 12
) -> float | None:
    """The board's SLE: the 85th percentile cycle time of the cards finished lately.

    Read from the cards' own (started, done) times (no history replay), over the
    ``weeks`` before ``as_of``, the window the report's forecasts use; None when
    no card went from started to done in it. The board marks a card in progress
    whose age passes this.
    """
    since = as_of - timedelta(weeks=weeks)
    cycles = [
        days_between(start, done)
        for start, done in spans
        if since <= done <= as_of and done >= start
    ]
    return percentile(cycles, 85)
