"""A realistic demo board: an operations team's last eight weeks, replayed.

``fill_demo_board`` gives an empty board six admins (Windows, Linux,
storage), about eighty everyday ops cards and a history that looks lived in:
cards are created, pulled from the pool into people's lanes, reviewed, sent
back, blocked and released, with a handful of rule overrides and their
reasons. Everything goes through :class:`BoardService` with past timestamps
(a small discrete-event simulation over working hours), so the demo's history
has exactly the shape real use produces, and the GUI screenshot script, the
CLI's ``kanban demo`` and the tests all get the same board for the same seed.
The team, tasks and reasons are data, in :mod:`kanban.services.demo_data`.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from kanban.domain.model import ColumnKind, Rule
from kanban.errors import RuleViolationError, UserError
from kanban.services.board import BoardService, CardFilter
from kanban.services.demo_data import (
    BLOCK_REASONS,
    DEMO_BOARD_NAME,
    DESCRIPTIONS,
    LEFT_OVERRIDES,
    NOT_READY_REASONS,
    PEOPLE,
    SIZE_OVERRIDES,
    TASKS,
    WIP_OVERRIDES,
    PersonSpec,
)
from kanban.store import db

log = logging.getLogger(__name__)

HISTORY_DAYS = 56
WORK_START = 8
WORK_END = 17
# Overrides during the simulated weeks (big cards get one more when created):
# enough to show in the history and the report, few enough to stay exceptions.
MAX_OVERRIDES = 10
# Chance that a person starts a planned card on a given day: an ops team's days
# go mostly to incidents and requests that never reach the board.
PULL_CHANCE = 0.45


@dataclass
class _CardState:
    """What the simulation knows about a card (the board has the truth)."""

    card_id: str
    skill: str
    stage: str = "pool"  # pool | work | review | done
    person: str | None = None
    blocked: bool = False
    urgent: bool = False


@dataclass
class _Sim:
    service: BoardService
    rng: random.Random
    now: datetime
    work_col: int
    review_col: int | None
    done_col: int
    pool_col: int
    cards: list[_CardState] = field(default_factory=list)
    queue: list[tuple[datetime, int, Callable[[datetime], None]]] = field(default_factory=list)
    seq: itertools.count[int] = field(default_factory=itertools.count)
    overrides: int = 0
    sent_back: int = 0
    people: dict[str, PersonSpec] = field(default_factory=dict)

    def at(self, when: datetime, action: Callable[[datetime], None]) -> None:
        if when < self.now:
            heapq.heappush(self.queue, (when, next(self.seq), action))

    def act_as(self, name: str) -> None:
        self.service.actor = name


def working_time(start: datetime, hours: float) -> datetime:
    """``start`` plus ``hours`` of working time (weekdays, 08:00 to 17:00 UTC)."""
    t = start
    remaining = timedelta(hours=hours)
    while True:
        if t.weekday() >= 5 or t.hour >= WORK_END:
            t = datetime.combine(t.date() + timedelta(days=1), time(WORK_START), tzinfo=UTC)
            continue
        if t.hour < WORK_START:
            t = datetime.combine(t.date(), time(WORK_START), tzinfo=UTC)
        end = datetime.combine(t.date(), time(WORK_END), tzinfo=UTC)
        if t + remaining < end:
            return t + remaining
        remaining -= end - t
        t = end


def _jittered(day: date, hour: int, rng: random.Random) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC) + timedelta(minutes=rng.randint(0, 50))


def fill_demo_board(service: BoardService, *, seed: int = 7, now: datetime | None = None) -> None:
    """Fill an empty board with a demo ops team and eight weeks of history.

    Args:
        service: a board without cards or people (a fresh database).
        seed: the same seed and ``now`` give the same board.
        now: the end of the simulated history (default: the current time).

    Raises:
        UserError: the board already has cards or people.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if service.list_cards(CardFilter(include_archived=True)) or service.people():
        raise UserError(
            "The board already has cards or people; the demo only fills an empty board. "
            "Use 'kanban demo --force' to replace it, or choose another file with --db."
        )
    rng = random.Random(seed)
    # The simulation acts as each person in turn on the batch's own copy of the
    # service, so ``service.actor`` stays as it is.
    with service.batch() as board:
        sim = _setup(board, rng, now)
        _schedule(sim)
        while sim.queue:
            when, _n, action = heapq.heappop(sim.queue)
            action(when)
    log.info("Filled %s with the demo board (seed %s)", db.describe(service.url), seed)


def _setup(service: BoardService, rng: random.Random, now: datetime) -> _Sim:
    service.set_board(name=DEMO_BOARD_NAME)
    columns = service.columns()
    pool = next(c for c in columns if c.kind is ColumnKind.POOL)
    active = [c for c in columns if c.kind is ColumnKind.ACTIVE]
    done = [c for c in columns if c.kind is ColumnKind.DONE]
    if not active or not done:
        raise UserError("The demo needs at least one active column and a done column.")
    statuses = {
        pool.id: ("To Do", "Open", "Backlog"),
        active[0].id: ("In Progress",),
        done[0].id: ("Done", "Closed", "Resolved"),
    }
    if len(active) > 1:
        statuses[active[1].id] = ("In Review",)
    for col_id, names in statuses.items():
        service.update_column(col_id, jira_statuses=list(names))
    # The limits were there before the simulated history began.
    configured = now - timedelta(days=HISTORY_DAYS + 1)
    service.update_column(active[0].id, wip_min=3, wip_max=12, at=configured)
    if len(active) > 1:
        service.update_column(active[1].id, wip_max=5, at=configured)
    for spec in PEOPLE:
        first, last = spec.name.split(" ", 1)
        email = f"{_ascii(first)}.{_ascii(last)}@ops.example.com".lower()
        service.add_person(
            spec.name,
            jira_user=spec.jira_user,
            email=email,
            colour=spec.colour,
            wip_limit=spec.wip_limit,
        )
    sim = _Sim(
        service=service,
        rng=rng,
        now=now,
        work_col=active[0].id,
        review_col=active[1].id if len(active) > 1 else None,
        done_col=done[0].id,
        pool_col=pool.id,
    )
    sim.people = {p.name: p for p in PEOPLE}
    return sim


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("éíáóúñç", "eiaounc"))


def _schedule(sim: _Sim) -> None:
    rng = sim.rng
    start_day = (sim.now - timedelta(days=HISTORY_DAYS)).date()
    while start_day.weekday() >= 5:
        start_day += timedelta(days=1)
    tasks = list(TASKS)
    rng.shuffle(tasks)
    # A third of the cards come from the old whiteboard on day one; the rest
    # arrive over the weeks, as tickets do.
    backlog = len(tasks) // 3
    workdays = [
        start_day + timedelta(days=i)
        for i in range((sim.now.date() - start_day).days + 1)
        if (start_day + timedelta(days=i)).weekday() < 5
    ]
    creation_times: list[datetime] = []
    for i in range(len(tasks)):
        if i < backlog:
            creation_times.append(_jittered(start_day, 9, rng) + timedelta(minutes=i))
        else:
            day = workdays[
                min(len(workdays) - 1, int((i - backlog) / (len(tasks) - backlog) * len(workdays)))
            ]
            creation_times.append(_jittered(day, rng.randint(WORK_START, WORK_END - 1), rng))
    creation_times = [min(t, sim.now - timedelta(minutes=30)) for t in creation_times]
    creation_times.sort()
    key_numbers = itertools.count(101)
    for task, when in zip(tasks, creation_times, strict=True):
        sim.at(when, _creator(sim, task, key_numbers))
    for day in workdays:
        for person in PEOPLE:
            sim.at(_jittered(day, rng.choice((9, 11, 14)), rng), _puller(sim, person))


def _creator(
    sim: _Sim,
    task: tuple[str, str, str, str, float],
    numbers: itertools.count[int],
) -> Callable[[datetime], None]:
    skill, title, project, labels, size = task

    def create(when: datetime) -> None:
        rng = sim.rng
        author = rng.choice([p for p in PEOPLE if p.skill == skill])
        sim.act_as(author.name)
        key = f"OPS-{next(numbers)}" if rng.random() < 0.75 else None
        reason = rng.choice(NOT_READY_REASONS[skill]) if rng.random() < 0.16 else None
        override = rng.choice(SIZE_OVERRIDES) if size > sim.service.rules().max_card_days else None
        due = None
        if project == "Certificates":
            due = (when + timedelta(days=rng.randint(7, 25))).date()
        result = sim.service.add_card(
            title,
            description=DESCRIPTIONS.get(project, "") if rng.random() < 0.6 else "",
            size_days=size,
            labels=labels.split(","),
            project=project,
            due_date=due,
            jira_key=key,
            not_ready_reason=reason,
            override_reason=override,
            created_at=when,
            # Ids from the seeded generator: the same seed gives the same card ids.
            card_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        )
        state = _CardState(result.card.id, skill, blocked=reason is not None)
        state.urgent = "incident" in labels
        sim.cards.append(state)
        if reason is not None:
            # Most waits end; the rest are what the board's not-ready section shows today.
            if rng.random() < 0.45:
                sim.at(working_time(when, rng.uniform(6, 40)), _releaser(sim, state, author))

    return create


def _releaser(sim: _Sim, state: _CardState, who: PersonSpec) -> Callable[[datetime], None]:
    def release(when: datetime) -> None:
        if not state.blocked or state.stage == "done":
            return
        sim.act_as(state.person or who.name)
        sim.service.unblock(state.card_id, at=when)
        state.blocked = False

    return release


def _wip(sim: _Sim, name: str) -> int:
    return sum(1 for c in sim.cards if c.person == name and c.stage in ("work", "review"))


def _puller(sim: _Sim, person: PersonSpec) -> Callable[[datetime], None]:
    def pull(when: datetime) -> None:
        rng = sim.rng
        if rng.random() > PULL_CHANCE:
            return  # incidents, meetings, leave: most days start no planned work
        waiting = [c for c in sim.cards if c.stage == "pool" and not c.blocked]
        mine = [c for c in waiting if c.skill == person.skill]
        urgent = [c for c in mine if c.urgent]
        limit = person.wip_limit or 3
        if _wip(sim, person.name) >= limit and not (urgent and sim.overrides < MAX_OVERRIDES):
            return
        candidates = urgent or mine or ([] if rng.random() < 0.7 else waiting)
        sim.act_as(person.name)
        # A card the rules refuse (too big, no override left) stays in the pool;
        # the person takes the next one instead of giving up.
        card = next(
            (c for c in candidates[:3] if _move(sim, c, sim.work_col, when, person.name)), None
        )
        if card is None:
            return
        card.stage, card.person = "work", person.name
        # People juggle several cards, so a card takes longer than its size.
        hours = _spec_size(sim, card) * 8 * rng.uniform(5.0, 12.0)
        sim.at(working_time(when, hours), _finisher(sim, card))
        if rng.random() < 0.15:
            sim.at(working_time(when, rng.uniform(1, 6)), _blocker(sim, card))

    return pull


def _spec_size(sim: _Sim, card: _CardState) -> float:
    return sim.service.card(card.card_id).size_days


def _move(
    sim: _Sim,
    card: _CardState,
    column: int,
    when: datetime,
    person: str | None,
) -> bool:
    """Move through the board's rules; a warned rule is overridden now and then."""
    try:
        sim.service.move_card(card.card_id, column=column, person=person, at=when)
        return True
    except RuleViolationError as exc:
        if not exc.needs_reason or sim.overrides >= MAX_OVERRIDES or sim.rng.random() > 0.5:
            return False
        rules = {getattr(v, "rule", None) for v in exc.violations}
    reasons = SIZE_OVERRIDES if rules == {Rule.CARD_SIZE} else WIP_OVERRIDES
    sim.service.move_card(
        card.card_id,
        column=column,
        person=person,
        at=when,
        override_reason=sim.rng.choice(reasons),
    )
    sim.overrides += 1
    return True


def _blocker(sim: _Sim, card: _CardState) -> Callable[[datetime], None]:
    def block(when: datetime) -> None:
        if card.stage != "work" or card.blocked:
            return
        sim.act_as(card.person or PEOPLE[0].name)
        sim.service.block(card.card_id, sim.rng.choice(BLOCK_REASONS), at=when)
        card.blocked = True
        release_at = working_time(when, sim.rng.uniform(4, 24))
        sim.at(release_at, _releaser(sim, card, sim.people[card.person or PEOPLE[0].name]))

    return block


def _finisher(sim: _Sim, card: _CardState) -> Callable[[datetime], None]:
    def finish(when: datetime) -> None:
        if card.stage != "work":
            return
        if card.blocked:
            # Blocked work waits; try again later in the day.
            sim.at(working_time(when, 3), finish)
            return
        sim.act_as(card.person or PEOPLE[0].name)
        if sim.review_col is None:
            _done(sim, card, when)
            return
        if not _move(sim, card, sim.review_col, when, None):
            sim.at(working_time(when, 4), finish)
            return
        card.stage = "review"
        sim.at(working_time(when, sim.rng.uniform(2, 20)), _reviewer(sim, card))

    return finish


def _reviewer(sim: _Sim, card: _CardState) -> Callable[[datetime], None]:
    def review(when: datetime) -> None:
        if card.stage != "review":
            return
        sim.act_as(card.person or PEOPLE[0].name)
        if sim.sent_back < 4 and sim.overrides < MAX_OVERRIDES and sim.rng.random() < 0.1:
            sim.service.move_card(
                card.card_id,
                column=sim.work_col,
                at=when,
                override_reason=sim.rng.choice(LEFT_OVERRIDES),
            )
            sim.overrides += 1
            sim.sent_back += 1
            card.stage = "work"
            sim.at(working_time(when, sim.rng.uniform(2, 8)), _finisher(sim, card))
            return
        _done(sim, card, when)

    return review


def _done(sim: _Sim, card: _CardState, when: datetime) -> None:
    sim.service.move_card(card.card_id, column=sim.done_col, at=when)
    card.stage = "done"
