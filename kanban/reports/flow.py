"""Flow metrics worked out from the history of events alone.

Pure functions over ``Event`` lists. A card's life is replayed from every event
whose ``after`` touches a placement field: ``column_id`` (kinds created, moved,
assigned, undo, redo...), ``person_id``, ``not_ready`` and ``archived``. That
gives, per card, step functions of time (its column, lane, not-ready flag and
archived flag) from which every figure follows:

- *lead time*: created → done; *cycle time*: first entry into an active column
  → the last entry into a done column. A card counts as done only if its last
  column change put it in a done column (reopened cards are in progress).
- *blocked time*: not-ready spells that overlap the cycle (or the lead time
  for a card that skipped the active columns), counted apart from worked time.
- *percentiles*: linear interpolation between closest ranks (Hyndman & Fan
  type 7, the default of numpy and Excel's PERCENTILE.INC), so the median of
  an even sample is the mean of the middle two.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from operator import attrgetter, itemgetter
from typing import TypeVar

# The day arithmetic and the percentile are the domain's (the board's SLE uses
# them without the report); the report's modules read them here as flow's.
from kanban.domain.cycle_time import DAY as DAY
from kanban.domain.cycle_time import days_between as days_between
from kanban.domain.cycle_time import percentile as percentile
from kanban.domain.model import Card, Column, ColumnKind, Event, LimitChange, Person
from kanban.reports.model import Breach, Period, Series, Stats

_V = TypeVar("_V")
_D = TypeVar("_D")


def stats(values: Sequence[float]) -> Stats:
    """Count, median, 85th percentile and mean of a sample of days."""
    if not values:
        return Stats(0, None, None, None)
    return Stats(
        len(values), percentile(values, 50), percentile(values, 85), sum(values) / len(values)
    )


@dataclass(slots=True)
class Timeline:
    """One card's placement over time, as step functions ``[(at, value), ...]``.

    ``synthetic`` marks a card that has no history at all: its timeline is made
    from the card's current fields so it can be placed, but it is left out of
    every flow figure because nothing says when it really moved.
    """

    card_id: str
    created_at: datetime
    columns: list[tuple[datetime, int]] = field(default_factory=list)
    people: list[tuple[datetime, int | None]] = field(default_factory=list)
    not_ready: list[tuple[datetime, bool, str | None]] = field(default_factory=list)
    archived: list[tuple[datetime, bool]] = field(default_factory=list)
    # Full placement (column, person, archived) after each change of any of them.
    states: list[tuple[datetime, int | None, int | None, bool]] = field(default_factory=list)
    synthetic: bool = False

    @staticmethod
    def _at(steps: Sequence[tuple[datetime, _V]], moment: datetime, default: _D) -> _V | _D:
        # Steps are few per card, so a linear scan from the end beats building keys.
        for step in reversed(steps):
            if step[0] <= moment:
                return step[1]
        return default

    def column_at(self, moment: datetime) -> int | None:
        return self._at(self.columns, moment, None)

    def person_at(self, moment: datetime) -> int | None:
        return self._at(self.people, moment, None)

    def archived_at(self, moment: datetime) -> bool:
        return bool(self._at(self.archived, moment, False))

    def not_ready_at(self, moment: datetime) -> tuple[bool, str | None, datetime | None]:
        """Whether the card is not ready at ``moment``, the reason, and since when."""
        since: datetime | None = None
        state, reason = False, None
        for at, flag, why in self.not_ready:
            if at > moment:
                break
            if flag and not state:
                since = at
            state, reason = flag, (why if flag else None)
        return state, reason, since if state else None

    def first_entry(self, kinds: Mapping[int, ColumnKind], kind: ColumnKind) -> datetime | None:
        for at, col in self.columns:
            if kinds.get(col) is kind:
                return at
        return None

    def done_at(
        self, kinds: Mapping[int, ColumnKind], until: datetime | None = None
    ) -> datetime | None:
        """When the card last came into done from elsewhere, if it is done at ``until``.

        A move between two done columns is not a new finish, and a card that
        left done again (reopened) is not done.
        """
        final: datetime | None = None
        for at, col in self.columns:
            if until is not None and at > until:
                break
            if kinds.get(col) is ColumnKind.DONE:
                if final is None:
                    final = at
            else:
                final = None
        return final

    def blocked_days(self, start: datetime, end: datetime) -> float:
        """Days of not-ready time overlapping ``[start, end)``."""
        total = 0.0
        spell_start: datetime | None = None
        for at, flag, _why in self.not_ready:
            if flag and spell_start is None:
                spell_start = at
            elif not flag and spell_start is not None:
                total += _overlap(spell_start, at, start, end)
                spell_start = None
        if spell_start is not None:
            total += _overlap(spell_start, end, start, end)
        return total / DAY


def _overlap(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    lo, hi = max(a0, b0), min(a1, b1)
    return max(0.0, (hi - lo).total_seconds())


def chronological(events: Sequence[Event]) -> list[Event]:
    """Events by (time, id); a history appended in time order needs no sort."""
    items = list(events)
    if all(a.at < b.at or (a.at == b.at and a.id <= b.id) for a, b in pairwise(items)):
        return items
    return sorted(items, key=lambda e: (e.at, e.id))


def build_timelines(
    events: Iterable[Event], cards: Iterable[Card], *, ordered: bool = False
) -> dict[str, Timeline]:
    """Replay the history into one timeline per card.

    Args:
        events: the board's events; sorted here by (time, id) unless ``ordered``.
        cards: the cards to place, archived ones included; a card with no
            event gets a synthetic timeline from its own fields.
    """
    timelines: dict[str, Timeline] = {}
    current: dict[str, tuple[int | None, int | None, bool]] = {}
    stream = events if ordered else sorted(events, key=lambda e: (e.at, e.id))
    for ev in stream:
        cid = ev.card_id
        tl = timelines.get(cid)
        if tl is None:
            tl = timelines[cid] = Timeline(cid, ev.at)
            current[cid] = (None, None, False)
        after = ev.after
        col, pid, arch = current[cid]
        if "column_id" in after and after["column_id"] is not None:
            col = int(after["column_id"])  # type: ignore[call-overload]
        if "person_id" in after:
            raw = after["person_id"]
            pid = None if raw is None else int(raw)  # type: ignore[call-overload]
        if "archived" in after:
            arch = bool(after["archived"])
        if "not_ready" in after:
            why = after.get("not_ready_reason")
            tl.not_ready.append((ev.at, bool(after["not_ready"]), str(why) if why else None))
        old_col, old_pid, old_arch = current[cid]
        if (col, pid, arch) != (old_col, old_pid, old_arch):
            current[cid] = (col, pid, arch)
            tl.states.append((ev.at, col, pid, arch))
            if col != old_col and col is not None:
                tl.columns.append((ev.at, col))
            if pid != old_pid or not tl.people:
                tl.people.append((ev.at, pid))
            if arch != old_arch:
                tl.archived.append((ev.at, arch))
    for card in cards:
        if card.id in timelines:
            continue
        tl = Timeline(card.id, card.created_at, synthetic=True)
        tl.columns.append((card.created_at, card.column_id))
        tl.people.append((card.created_at, card.person_id))
        tl.states.append((card.created_at, card.column_id, card.person_id, False))
        if card.not_ready:
            tl.not_ready.append(
                (card.not_ready_since or card.created_at, True, card.not_ready_reason)
            )
        if card.archived:
            tl.archived.append((card.updated_at, True))
            tl.states.append((card.updated_at, card.column_id, card.person_id, True))
        timelines[card.id] = tl
    return timelines


@dataclass(slots=True)
class _Spell:
    """A running WIP breach: whose limit, which limit, the peak so far, since when."""

    name: str
    limit: int
    peak: int
    start: datetime


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one pass over all placement changes yields."""

    days: tuple[datetime, ...]
    cfd: dict[int, list[int]]  # column id → count at each day
    wip_by_person: dict[int, list[int]]
    breaches: list[Breach]


def sweep(
    timelines: Mapping[str, Timeline],
    columns: Sequence[Column],
    people: Sequence[Person],
    window: Period,
    breach_period: Period,
    now: datetime,
    limit_changes: Sequence[LimitChange] = (),
) -> Sweep:
    """Replay every card together to sample counts per day and find WIP breaches.

    One pass over all steps in time order keeps per-column and per-person
    counts; the counts are read at the end of each day of ``window`` (the last
    sample is ``now`` when the window reaches past it). Archived cards leave
    their column, except done ones, which stay in the cumulative flow so the
    done band never shrinks. Breaches use the limit in force at each moment:
    ``limit_changes`` (oldest first) are replayed along with the cards; before
    a target's first recorded change its ``before`` value holds, and a target
    that never changed has today's limit throughout. A change ends a running
    breach and, if the count is still over the new limit, starts another.
    """
    kinds = {c.id: c.kind for c in columns}
    limits_col = {c.id: c.wip_max for c in columns if c.wip_max is not None}
    names_col = {c.id: c.name for c in columns}
    limits_person = {p.id: p.wip_limit for p in people if p.wip_limit is not None}
    names_person = {p.id: p.name for p in people}
    # Only changes of columns still on the board and of the people reported on:
    # a removed column or a person left out of a filtered report has no counts.
    changes = sorted(
        (
            ch
            for ch in limit_changes
            if ch.target_id in (names_col if ch.scope == "column" else names_person)
        ),
        key=attrgetter("at"),
    )
    for change in reversed(changes):  # ends on each target's earliest "before"
        table = limits_col if change.scope == "column" else limits_person
        if change.before is None:
            table.pop(change.target_id, None)
        else:
            table[change.target_id] = change.before
    change_index, n_changes = 0, len(changes)

    steps: list[tuple[datetime, str, int | None, int | None, bool]] = [
        (at, tl.card_id, col, pid, arch)
        for tl in timelines.values()
        for at, col, pid, arch in tl.states
    ]
    # A stable sort on time alone keeps each card's own changes in order.
    steps.sort(key=itemgetter(0))

    end = min(window.end, now)
    days: list[datetime] = []
    moment = window.start + timedelta(days=1)
    while moment < end:
        days.append(moment)
        moment += timedelta(days=1)
    if end > window.start:
        days.append(end)

    state: dict[str, tuple[int | None, int | None, bool]] = {}
    visible: dict[int, int] = dict.fromkeys(kinds, 0)
    archived_done: dict[int, int] = dict.fromkeys(kinds, 0)
    person_wip: dict[int, int] = {}
    cfd: dict[int, list[int]] = {cid: [] for cid in kinds}
    wip_series: dict[int, list[int]] = {p.id: [] for p in people}
    open_breach: dict[tuple[str, int], _Spell] = {}
    breaches: list[Breach] = []
    done_kind, active_kind = ColumnKind.DONE, ColumnKind.ACTIVE

    day_index, n_days = 0, len(days)
    unplaced = (None, None, False)
    # The hot loop of the report: kept inline (no helper calls) on purpose.
    for at, card, col, pid, arch in steps:
        while day_index < n_days and days[day_index] <= at:
            _sample(visible, archived_done, person_wip, cfd, wip_series)
            day_index += 1
        while change_index < n_changes and changes[change_index].at <= at:
            _new_limit(changes[change_index], limits_col, limits_person, names_col,
                       names_person, visible, person_wip, open_breach, breaches)  # fmt: skip
            change_index += 1
        old_col, old_pid, old_arch = state.get(card, unplaced)
        state[card] = (col, pid, arch)
        for c, p, a, sign in ((old_col, old_pid, old_arch, -1), (col, pid, arch, 1)):
            kind = kinds.get(c) if c is not None else None
            if c is None or kind is None:  # not placed yet, or a column removed since
                continue
            if a:
                if kind is done_kind:
                    archived_done[c] += sign
                continue
            visible[c] += sign
            if kind is active_kind and p is not None:
                person_wip[p] = person_wip.get(p, 0) + sign
        # Only the cells the card left or entered can have crossed a limit.
        for c in (old_col, col) if col != old_col else (col,):
            if c in limits_col:
                _track(open_breach, breaches, "column", c, names_col[c], visible[c],
                       limits_col[c], at)  # fmt: skip
        for p in (old_pid, pid) if pid != old_pid else (pid,):
            if p in limits_person:
                _track(open_breach, breaches, "person", p, names_person[p],
                       person_wip.get(p, 0), limits_person[p], at)  # fmt: skip
    while day_index < n_days:
        _sample(visible, archived_done, person_wip, cfd, wip_series)
        day_index += 1
    for change in changes[change_index:]:
        _new_limit(change, limits_col, limits_person, names_col, names_person, visible,
                   person_wip, open_breach, breaches)  # fmt: skip
    for (scope, _key), spell in open_breach.items():
        breaches.append(Breach(scope, spell.name, spell.limit, spell.peak, spell.start, None))
    in_period = [
        b
        for b in breaches
        if b.start < breach_period.end and (b.end is None or b.end > breach_period.start)
    ]
    in_period.sort(key=lambda b: b.start)
    return Sweep(tuple(days), cfd, wip_series, in_period)


def _new_limit(
    change: LimitChange,
    limits_col: dict[int, int],
    limits_person: dict[int, int],
    names_col: Mapping[int, str],
    names_person: Mapping[int, str],
    visible: Mapping[int, int],
    person_wip: Mapping[int, int],
    open_breach: dict[tuple[str, int], _Spell],
    breaches: list[Breach],
) -> None:
    """Apply a limit change at its moment: end the running breach, maybe start one."""
    column = change.scope == "column"
    limits = limits_col if column else limits_person
    names = names_col if column else names_person
    key = change.target_id  # one of names: sweep keeps only changes of those
    if change.after is None:
        limits.pop(key, None)
    else:
        limits[key] = change.after
    spell = open_breach.pop((change.scope, key), None)
    if spell is not None:
        breaches.append(
            Breach(change.scope, spell.name, spell.limit, spell.peak, spell.start, change.at)
        )
    if change.after is not None:
        count = visible.get(key, 0) if column else person_wip.get(key, 0)
        _track(open_breach, breaches, change.scope, key, names[key], count, change.after,
               change.at)  # fmt: skip


def _track(
    open_breach: dict[tuple[str, int], _Spell],
    breaches: list[Breach],
    scope: str,
    key: int,
    name: str,
    count: int,
    limit: int,
    at: datetime,
) -> None:
    spell = open_breach.get((scope, key))
    if count > limit:
        if spell is None:
            open_breach[(scope, key)] = _Spell(name, limit, count, at)
        else:
            spell.peak = max(spell.peak, count)
    elif spell is not None:
        del open_breach[(scope, key)]
        breaches.append(Breach(scope, spell.name, spell.limit, spell.peak, spell.start, at))


def _sample(
    visible: Mapping[int, int],
    archived_done: Mapping[int, int],
    person_wip: Mapping[int, int],
    cfd: dict[int, list[int]],
    wip_series: dict[int, list[int]],
) -> None:
    for cid, values in cfd.items():
        values.append(visible[cid] + archived_done[cid])
    for pid, values in wip_series.items():
        values.append(person_wip.get(pid, 0))


def column_series(columns: Sequence[Column], cfd: Mapping[int, list[int]]) -> tuple[Series, ...]:
    """CFD bands in board order (the pool first, done last)."""
    return tuple(
        Series(c.name, tuple(cfd.get(c.id, ()))) for c in sorted(columns, key=lambda c: c.order)
    )


def person_series(people: Sequence[Person], wip: Mapping[int, list[int]]) -> tuple[Series, ...]:
    return tuple(Series(p.name, tuple(wip.get(p.id, ())), p.colour) for p in people)


def week_start(moment: datetime) -> datetime:
    """Monday 00:00 of ``moment``'s week, in ``moment``'s own time zone."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def weekly_counts(done_times: Iterable[datetime], window: Period) -> list[tuple[datetime, int]]:
    """How many cards finished in each week (Monday start) that overlaps ``window``."""
    tz = window.start.tzinfo
    first = week_start(window.start)
    weeks: list[datetime] = []
    moment = first
    while moment < window.end:
        weeks.append(moment)
        moment += timedelta(days=7)
    counts = [0] * len(weeks)
    for done in done_times:
        local = done.astimezone(tz) if tz else done
        if not window.contains(local):
            continue
        idx = bisect.bisect_right(weeks, local) - 1
        if 0 <= idx < len(counts):
            counts[idx] += 1
    return list(zip(weeks, counts, strict=True))
