"""The status report as plain data: what every renderer and the Reports view read.

``ReportData`` is built once (see :mod:`kanban.reports.build`) and rendered to
Markdown, HTML, PDF, CSV and JSON, and drawn live in the app. Everything is a
frozen dataclass of plain values (str, int, float, datetime), so the data can
cross threads and be dumped to JSON without a custom encoder per field.

Durations are in days (float) because that is the unit a manager reads and
the unit the board's card size uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Bump when a field is renamed or removed, so consumers of the JSON can tell.
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open time range ``[start, end)`` with the words that name it."""

    start: datetime
    end: datetime
    label: str

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request linked to a card, as the links feature hands it over.

    The report only reads these fields; where they come from (git hosts, JIRA
    dev-status) is the links feature's business.
    """

    card_id: str
    title: str
    url: str = ""
    repository: str = ""
    number: str = ""
    author: str = ""
    state: str = "open"  # open | merged | declined
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CardLine:
    """One card as a report line."""

    card_id: str
    title: str
    key: str | None
    project: str | None
    column: str
    person: str | None
    days: float | None = None  # days in progress, or waited, depending on the list
    reason: str | None = None
    since: datetime | None = None
    finished_at: datetime | None = None
    cycle_days: float | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PersonSection:
    """Everything the report says about one person."""

    name: str
    wip: int
    wip_limit: int | None
    doing: tuple[CardLine, ...]
    blocked: tuple[CardLine, ...]
    finished: tuple[CardLine, ...]

    @property
    def over_limit(self) -> bool:
        return self.wip_limit is not None and self.wip > self.wip_limit


@dataclass(frozen=True, slots=True)
class PoolSection:
    """The task pool and its not-ready part."""

    size: int
    oldest: tuple[CardLine, ...]
    not_ready: tuple[CardLine, ...]


@dataclass(frozen=True, slots=True)
class Stats:
    """Summary of a sample of durations in days."""

    count: int
    median: float | None
    p85: float | None
    mean: float | None


@dataclass(frozen=True, slots=True)
class CycleRecord:
    """A finished card's flow times (one dot of the cycle-time scatter)."""

    card_id: str
    title: str
    person: str | None
    created_at: datetime
    started_at: datetime | None
    done_at: datetime
    lead_days: float
    cycle_days: float | None
    blocked_days: float  # not-ready time inside the cycle (or lead time if never started)

    @property
    def worked_days(self) -> float | None:
        if self.cycle_days is None:
            return None
        return max(0.0, self.cycle_days - self.blocked_days)


@dataclass(frozen=True, slots=True)
class AgingItem:
    """A card in progress and how long it has been in flight."""

    card_id: str
    title: str
    person: str | None
    column: str
    age_days: float
    blocked_days: float
    band: str  # "ok" (under the median), "watch" (median..85th), "late" (over the 85th)
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Override:
    """A change made against a team rule, with the reason given."""

    at: datetime
    actor: str
    card_id: str
    title: str
    rules: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True, slots=True)
class Breach:
    """A spell during which a WIP count was above its limit."""

    scope: str  # "person" | "column"
    name: str
    limit: int
    peak: int
    start: datetime
    end: datetime | None  # None: still over the limit


@dataclass(frozen=True, slots=True)
class WeekCount:
    week_start: datetime
    finished: int


@dataclass(frozen=True, slots=True)
class Series:
    """A named series of values over ``FlowData.days``."""

    name: str
    values: tuple[int, ...]
    colour: str = ""


@dataclass(frozen=True, slots=True)
class FlowData:
    """The flow section: figures and the series the charts draw."""

    window: Period  # the span the charts and reference percentiles cover
    throughput: tuple[WeekCount, ...]
    period_cycle: Stats
    period_lead: Stats
    window_cycle: Stats
    window_lead: Stats
    blocked_days_in_period: float  # not-ready time of the period's finished cards
    worked_days_in_period: float
    finished: tuple[CycleRecord, ...]  # finished in the window, oldest first
    aging: tuple[AgingItem, ...]
    overrides: tuple[Override, ...]
    breaches: tuple[Breach, ...]
    days: tuple[datetime, ...]  # sample moments (end of each day) for the series below
    cfd: tuple[Series, ...]  # one per column, board order
    wip_by_person: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class CardRecord:
    """A card for the spreadsheet export: where it is and its flow figures."""

    card_id: str
    key: str | None
    title: str
    project: str | None
    person: str | None
    column: str
    column_kind: str
    not_ready: bool
    not_ready_reason: str | None
    archived: bool
    created_at: datetime
    started_at: datetime | None
    done_at: datetime | None
    lead_days: float | None
    cycle_days: float | None
    blocked_days: float
    age_days: float | None
    labels: tuple[str, ...] = ()  # one CSV cell, "a; b"


@dataclass(frozen=True, slots=True)
class EventRecord:
    """A history event flattened for the spreadsheet export."""

    event_id: int
    at: datetime
    card_id: str
    title: str
    kind: str
    actor: str
    source: str
    from_column: str | None
    to_column: str | None
    from_person: str | None
    to_person: str | None
    reason: str | None
    rules: str


@dataclass(frozen=True, slots=True)
class ForecastLine:
    """A *when* forecast: the dates by which ``cards`` cards are done, one per level."""

    scope: str  # "the whole board", "project NET", "label storage", "Alice's cards"
    cards: int
    finished_in_window: int  # the scope's finished cards the sample is made of
    dates: tuple[date | None, ...]  # one per ``ForecastData.levels``; None: no date
    note: str | None = None  # why there are no dates
    what_if: bool = False


@dataclass(frozen=True, slots=True)
class HowManyLine:
    """A *how many* forecast: cards finished by ``by``, one count per level."""

    scope: str
    by: date
    days: int
    finished_in_window: int
    cards: tuple[int | None, ...]  # at least this many, at each level; None: thin data
    note: str | None = None


@dataclass(frozen=True, slots=True)
class TrialOutcome:
    """How many trials ended on one outcome (a finish date or a card count)."""

    forecast: str  # "when" | "how many"
    outcome: str  # ISO date, a card count, or "later" (not within ten years)
    trials: int
    cumulative: float  # share of trials ending on or before this outcome


@dataclass(frozen=True, slots=True)
class SleItem:
    """A card in progress measured against the service level expectation."""

    card_id: str
    title: str
    person: str | None
    column: str
    age_days: float
    sle_days: float
    labels: tuple[str, ...] = ()

    @property
    def over_days(self) -> float:
        """Days past the SLE (negative: days left)."""
        return self.age_days - self.sle_days


@dataclass(frozen=True, slots=True)
class EfficiencyLine:
    """A finished card's flow efficiency: active time over cycle time."""

    card_id: str
    title: str
    person: str | None
    cycle_days: float
    active_days: float
    waiting_days: float  # in waiting columns, sent back to the pool, or blocked
    blocked_days: float
    efficiency: float | None  # None: zero cycle time


@dataclass(frozen=True, slots=True)
class StabilityWeek:
    week_start: datetime
    arrivals: int  # cards created
    finished: int


@dataclass(frozen=True, slots=True)
class WipAgePoint:
    day: datetime  # the end of the day
    wip: int
    total_age_days: float
    oldest_days: float


@dataclass(frozen=True, slots=True)
class SkillLine:
    """Headcount for one skill (a group of labels)."""

    skill: str
    labels: tuple[str, ...]
    pool: int  # open cards with one of the labels
    people: tuple[str, ...]  # who finished such cards in the window
    finished_in_window: int
    per_person_week: float | None  # cards per person per week
    weeks: tuple[float | None, ...]  # weeks to clear the pool, per level
    plus_one_weeks: tuple[float | None, ...]  # what-if: one more person
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ForecastData:
    """Forecasts, SLE, flow efficiency, stability and headcount."""

    window: Period  # the days the throughput sample is taken from
    start: date  # the first forecast day
    trials: int
    seed: int
    levels: tuple[int, ...]
    finished_in_window: int
    min_finished: int
    when: tuple[ForecastLine, ...]  # the first is the report's whole scope
    how_many: tuple[HowManyLine, ...]
    trial_outcomes: tuple[TrialOutcome, ...]  # of the first when and how-many lines
    sle_days: float | None  # 85th percentile cycle time in the window
    sle_basis: int  # finished cards with a cycle time it is taken from
    past_sle: tuple[SleItem, ...]
    nearing_sle: tuple[SleItem, ...]  # will pass it within ``nearing_days``
    nearing_days: float
    waiting_columns: tuple[str, ...]
    efficiency: float | None  # overall: total active / total cycle time
    efficiency_cards: tuple[EfficiencyLine, ...]
    stability: tuple[StabilityWeek, ...]
    wip_age: tuple[WipAgePoint, ...]
    skills: tuple[SkillLine, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    """The whole status report for one period."""

    board: str
    period: Period
    generated_at: datetime
    filters: tuple[str, ...]  # human-readable ("people: alice, bob", "project: NET")
    people: tuple[PersonSection, ...]
    pool: PoolSection
    flow: FlowData
    cards: tuple[CardRecord, ...]
    events: tuple[EventRecord, ...]
    # None: the links feature is not available; empty: nothing linked in the period.
    pull_requests: tuple[PullRequest, ...] | None = None
    notes: tuple[str, ...] = field(default=())  # plain sentences about missing data
    # None: not worked out (an old JSON file); see kanban.reports.outlook.
    forecast: ForecastData | None = None
    # Label → #rrggbb for the labels the board gave a colour; the rest are drawn
    # in the default chip colour (kanban.reports.labels).
    label_colours: dict[str, str] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
