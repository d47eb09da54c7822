"""Build the report data from a board snapshot and its history (pure).

The caller hands over everything (columns, people, cards with archived ones,
events, optional pull requests), so this runs anywhere: a worker thread in the
app, the CLI, a test with a hand-built history. Placement *at the end of the
period* (or now, for a period still running) is replayed from the events, so a
report for last month shows last month's board, not today's.
"""

from __future__ import annotations

import bisect
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from operator import attrgetter

from kanban.domain.model import Card, Column, ColumnKind, Event, LimitChange, Person
from kanban.reports import flow, outlook
from kanban.reports.model import (
    AgingItem,
    CardLine,
    CardRecord,
    CycleRecord,
    EventRecord,
    FlowData,
    Override,
    Period,
    PersonSection,
    PoolSection,
    PullRequest,
    ReportData,
    WeekCount,
)
from kanban.reports.outlook import ForecastOptions

# How far back the charts and reference percentiles reach: one week's numbers
# mean little without the weeks before it.
WINDOW_WEEKS = 12
POOL_OLDEST = 5
UNASSIGNED = "Not assigned"


def flow_window(period: Period, weeks: int = WINDOW_WEEKS) -> Period:
    """The period stretched back to ``weeks`` whole weeks (Monday start) before its end."""
    last = period.end - timedelta(microseconds=1)
    start = flow.week_start(last) - timedelta(days=7 * (weeks - 1))
    start = min(start, period.start)
    return Period(start, period.end, f"{weeks} weeks to {last.date():%d %b %Y}")


def build_report(
    *,
    board: str,
    columns: Sequence[Column],
    people: Sequence[Person],
    cards: Iterable[Card],
    events: Sequence[Event],
    period: Period,
    now: datetime,
    person_filter: Collection[str] = (),
    project: str | None = None,
    pull_requests: Sequence[PullRequest] | None = None,
    window_weeks: int = WINDOW_WEEKS,
    limit_changes: Sequence[LimitChange] = (),
    forecast: ForecastOptions | None = None,
    label_colours: Mapping[str, str] | None = None,
) -> ReportData:
    """Work out the whole report.

    Args:
        cards: every card, archived ones too (finished cards are often archived).
        events: the board's whole history (any order); figures need each card's
            events from its creation, not only those inside the period.
        person_filter: names of people to report on (empty: everyone).
        project: only cards of this project (case-insensitive).
        pull_requests: linked PRs, or None when the links feature is absent.
        limit_changes: WIP limit changes, so breaches use the limit of their time.
        forecast: how to forecast (window, trials, seed, skills); defaults if None.
        label_colours: label → #rrggbb, the colours the board gave its labels.
    """
    all_cards = {c.id: c for c in cards}
    kinds = {c.id: c.kind for c in columns}
    col_names = {c.id: c.name for c in columns}
    person_by_id = {p.id: p for p in people}
    wanted_people = {n.strip().lower() for n in person_filter if n.strip()}
    chosen_people = [p for p in people if not wanted_people or p.name.lower() in wanted_people]
    chosen_ids = {p.id for p in chosen_people}
    as_of = min(now, period.end - timedelta(microseconds=1))
    window = flow_window(period, window_weeks)

    ordered = flow.chronological(events)
    timelines = flow.build_timelines(ordered, all_cards.values(), ordered=True)
    notes: list[str] = []
    if not all_cards:
        notes.append("The board has no cards yet, so there is nothing to report.")
    synthetic = [t for t in timelines.values() if t.synthetic]
    if synthetic and len(synthetic) == len(timelines):
        notes.append(
            "No card has any history yet, so flow figures (cycle time, throughput) "
            "cannot be worked out; the lists show where cards are now."
        )
    elif synthetic:
        notes.append(
            f"{len(synthetic)} card(s) have no history (made before history was kept); "
            "they are listed where they are now but left out of flow figures."
        )

    def in_project(card: Card | None) -> bool:
        if project is None:
            return True
        return card is not None and (card.project or "").lower() == project.lower()

    def for_people(tl: flow.Timeline) -> bool:
        if not wanted_people:
            return True
        return any(pid in chosen_ids for _at, pid in tl.people)

    in_scope = {cid: tl for cid, tl in timelines.items() if in_project(all_cards.get(cid))}
    scoped = {cid: tl for cid, tl in in_scope.items() if for_people(tl)}

    def title(cid: str) -> str:
        card = all_cards.get(cid)
        return card.title if card else f"(deleted card {cid[:8]})"

    def line(cid: str, col: int, pid: int | None, **extra: object) -> CardLine:
        card = all_cards.get(cid)
        return CardLine(
            card_id=cid,
            title=title(cid),
            key=card.jira_key if card else None,
            project=card.project if card else None,
            column=col_names.get(col, "?"),
            person=person_by_id[pid].name if pid in person_by_id else None,
            labels=card.labels if card else (),
            **extra,  # type: ignore[arg-type]
        )

    # --- finished cards and their flow times ------------------------------
    finished: list[CycleRecord] = []
    for cid, tl in scoped.items():
        if tl.synthetic:
            continue
        done = tl.done_at(kinds, until=as_of)
        if done is None or not window.contains(done):
            continue
        started = tl.first_entry(kinds, ColumnKind.ACTIVE)
        if started is not None and started > done:
            started = None
        begin = started or tl.created_at
        pid = tl.person_at(done)
        finished.append(
            CycleRecord(
                card_id=cid,
                title=title(cid),
                person=person_by_id[pid].name if pid in person_by_id else None,
                created_at=tl.created_at,
                started_at=started,
                done_at=done,
                lead_days=flow.days_between(tl.created_at, done),
                cycle_days=flow.days_between(started, done) if started else None,
                blocked_days=tl.blocked_days(begin, done),
            )
        )
    finished.sort(key=lambda r: r.done_at)
    in_period = [r for r in finished if period.contains(r.done_at)]
    window_cycle = flow.stats([r.cycle_days for r in finished if r.cycle_days is not None])
    period_cycle = flow.stats([r.cycle_days for r in in_period if r.cycle_days is not None])

    # --- where every card stands at the end of the period --------------------
    doing: dict[int | None, list[CardLine]] = {}
    blocked: dict[int | None, list[CardLine]] = {}
    wip: dict[int | None, int] = {}
    pool_cards: list[tuple[datetime, CardLine]] = []
    not_ready: list[CardLine] = []
    aging: list[AgingItem] = []
    records: list[CardRecord] = []
    # The pool belongs to no one, so a people filter leaves it whole.
    for cid, tl in in_scope.items():
        if tl.created_at > as_of:
            continue
        col = tl.column_at(as_of)
        if col is None or col not in kinds:
            continue
        kind = kinds[col]
        if kind is not ColumnKind.POOL and cid not in scoped:
            continue
        pid = tl.person_at(as_of) if kind is not ColumnKind.POOL else None
        archived = tl.archived_at(as_of)
        is_blocked, reason, since = tl.not_ready_at(as_of)
        started = tl.first_entry(kinds, ColumnKind.ACTIVE)
        card = all_cards.get(cid)
        if tl.synthetic and card is not None:
            started = card.started_at
        done = tl.done_at(kinds, until=as_of) if not tl.synthetic else None
        begin = started or tl.created_at
        record_blocked = tl.blocked_days(begin, done or as_of)
        records.append(
            CardRecord(
                card_id=cid,
                key=card.jira_key if card else None,
                title=title(cid),
                project=card.project if card else None,
                person=person_by_id[pid].name if pid in person_by_id else None,
                column=col_names[col],
                column_kind=kind.value,
                not_ready=is_blocked,
                not_ready_reason=reason,
                archived=archived,
                created_at=tl.created_at,
                started_at=started,
                done_at=done,
                lead_days=flow.days_between(tl.created_at, done) if done else None,
                cycle_days=flow.days_between(started, done) if done and started else None,
                blocked_days=round(record_blocked, 3),
                age_days=flow.days_between(begin, as_of) if not done else None,
                labels=card.labels if card else (),
            )
        )
        if archived:
            continue
        if kind is ColumnKind.POOL:
            waited = flow.days_between(since or tl.created_at, as_of)
            entry = line(cid, col, None, days=waited, reason=reason, since=since)
            if is_blocked:
                not_ready.append(entry)
            else:
                pool_cards.append(
                    (
                        tl.created_at,
                        line(
                            cid,
                            col,
                            None,
                            days=flow.days_between(tl.created_at, as_of),
                            since=tl.created_at,
                        ),
                    )
                )
            continue
        if kind is not ColumnKind.ACTIVE:
            continue
        if wanted_people and pid not in chosen_ids:
            continue
        age = flow.days_between(started or tl.created_at, as_of)
        wip[pid] = wip.get(pid, 0) + 1
        if is_blocked:
            blocked.setdefault(pid, []).append(
                line(
                    cid,
                    col,
                    pid,
                    days=flow.days_between(since or as_of, as_of),
                    reason=reason,
                    since=since,
                )
            )
        else:
            doing.setdefault(pid, []).append(line(cid, col, pid, days=age, since=started))
        aging.append(
            AgingItem(
                card_id=cid,
                title=title(cid),
                person=person_by_id[pid].name if pid in person_by_id else None,
                column=col_names[col],
                age_days=age,
                blocked_days=tl.blocked_days(started or tl.created_at, as_of),
                band=_band(age, window_cycle.median, window_cycle.p85),
                labels=card.labels if card else (),
            )
        )
    pool_cards.sort(key=lambda item: item[0])
    not_ready.sort(key=lambda c: -(c.days or 0.0))
    aging.sort(key=lambda a: -a.age_days)
    records.sort(key=lambda r: (r.column_kind != "active", r.created_at))

    # --- people ----------------------------------------------------------------
    finished_by: dict[str | None, list[CardLine]] = {}
    for r in in_period:
        finished_by.setdefault(r.person, []).append(
            CardLine(
                card_id=r.card_id,
                title=r.title,
                key=all_cards[r.card_id].jira_key if r.card_id in all_cards else None,
                project=all_cards[r.card_id].project if r.card_id in all_cards else None,
                column="",
                person=r.person,
                finished_at=r.done_at,
                cycle_days=r.cycle_days,
                days=r.lead_days,
                labels=all_cards[r.card_id].labels if r.card_id in all_cards else (),
            )
        )
    sections: list[PersonSection] = []
    for p in chosen_people:
        has_work = p.id in wip or p.name in finished_by
        if not p.active and not has_work:
            continue
        sections.append(
            PersonSection(
                name=p.name,
                wip=wip.get(p.id, 0),
                wip_limit=p.wip_limit,
                doing=tuple(sorted(doing.get(p.id, []), key=lambda c: -(c.days or 0))),
                blocked=tuple(blocked.get(p.id, [])),
                finished=tuple(finished_by.get(p.name, [])),
            )
        )
    if not wanted_people and (None in wip or None in finished_by):
        sections.append(
            PersonSection(
                name=UNASSIGNED,
                wip=wip.get(None, 0),
                wip_limit=None,
                doing=tuple(doing.get(None, [])),
                blocked=tuple(blocked.get(None, [])),
                finished=tuple(finished_by.get(None, [])),
            )
        )

    # --- overrides, breaches, series ------------------------------------------
    # The history is in time order: the period's events are one slice of it.
    first = bisect.bisect_left(ordered, period.start, key=attrgetter("at"))
    last = bisect.bisect_left(ordered, period.end, key=attrgetter("at"))
    period_events = [ev for ev in ordered[first:last] if ev.card_id in scoped]
    overrides = tuple(
        Override(
            at=ev.at,
            actor=ev.actor,
            card_id=ev.card_id,
            title=title(ev.card_id),
            rules=ev.rules,
            reason=ev.reason,
        )
        for ev in period_events
        if ev.rules
    )
    swept = flow.sweep(scoped, columns, chosen_people, window, period, now, limit_changes)
    breaches = swept.breaches
    if len(scoped) != len(timelines):
        # Limits are about the whole board: a filtered view must not hide a breach.
        full = flow.sweep(
            timelines,
            columns,
            chosen_people,
            Period(period.start, period.end, ""),
            period,
            now,
            limit_changes,
        )
        breaches = full.breaches
    done_times = [r.done_at for r in finished]
    throughput = tuple(WeekCount(w, n) for w, n in flow.weekly_counts(done_times, window))

    events_out = tuple(
        _event_record(ev, title(ev.card_id), col_names, person_by_id) for ev in period_events
    )
    prs: tuple[PullRequest, ...] | None = None
    if pull_requests is not None:
        finished_ids = {r.card_id for r in in_period}
        prs = tuple(
            pr
            for pr in pull_requests
            if pr.card_id in scoped
            and (period.contains(pr.merged_at) or pr.card_id in finished_ids)
        )

    filters: list[str] = []
    if wanted_people:
        filters.append("people: " + ", ".join(p.name for p in chosen_people))
    if project:
        filters.append(f"project: {project}")

    def forecast_scope(cid: str, pid: int | None) -> bool:
        if not wanted_people:
            return True
        card = all_cards.get(cid)
        owner = card.owner_id if card is not None else None
        return pid in chosen_ids or (pid is None and owner in chosen_ids)

    outlook_data = outlook.build_forecast(
        outlook.Board(in_scope, all_cards, columns, people, as_of),
        options=forecast,
        scope=forecast_scope,
        scope_words="; ".join(filters) or "the whole board",
        sle_days=window_cycle.p85,
        sle_basis=window_cycle.count,
    )

    return ReportData(
        board=board,
        period=period,
        generated_at=now,
        filters=tuple(filters),
        people=tuple(sections),
        pool=PoolSection(
            size=len(pool_cards) + len(not_ready),
            oldest=tuple(c for _at, c in pool_cards[:POOL_OLDEST]),
            not_ready=tuple(not_ready),
        ),
        flow=FlowData(
            window=window,
            throughput=throughput,
            period_cycle=period_cycle,
            period_lead=flow.stats([r.lead_days for r in in_period]),
            window_cycle=window_cycle,
            window_lead=flow.stats([r.lead_days for r in finished]),
            blocked_days_in_period=sum(r.blocked_days for r in in_period),
            worked_days_in_period=sum(r.worked_days or 0.0 for r in in_period),
            finished=tuple(finished),
            aging=tuple(aging),
            overrides=overrides,
            breaches=tuple(breaches),
            days=swept.days,
            cfd=flow.column_series(columns, swept.cfd),
            wip_by_person=flow.person_series(chosen_people, swept.wip_by_person),
        ),
        cards=tuple(records),
        events=events_out,
        pull_requests=prs,
        notes=tuple(notes),
        forecast=outlook_data,
        label_colours=dict(sorted((label_colours or {}).items())),
    )


def _band(age: float, median: float | None, p85: float | None) -> str:
    if median is None or p85 is None:
        return "n/a"
    if age <= median:
        return "ok"
    if age <= p85:
        return "watch"
    return "late"


def _event_record(
    ev: Event, title: str, col_names: dict[int, str], people: dict[int, Person]
) -> EventRecord:
    def col(value: object) -> str | None:
        return col_names.get(value) if isinstance(value, int) else None

    def person(value: object) -> str | None:
        return people[value].name if isinstance(value, int) and value in people else None

    return EventRecord(
        event_id=ev.id,
        at=ev.at,
        card_id=ev.card_id,
        title=title,
        kind=ev.kind.value,
        actor=ev.actor,
        source=ev.source.value,
        from_column=col(ev.before.get("column_id")),
        to_column=col(ev.after.get("column_id")),
        from_person=person(ev.before.get("person_id")),
        to_person=person(ev.after.get("person_id")),
        reason=ev.reason or _str_or_none(ev.after.get("not_ready_reason")),
        rules=",".join(ev.rules),
    )


def _str_or_none(value: object) -> str | None:
    return str(value) if value else None
