"""The report's reading order as format-neutral blocks.

Markdown, HTML and PDF all render the same list of blocks, so the three say
the same thing in the same words. A ``Group`` marks content that must stay on
one page where it fits (a person's section). Every empty list becomes a plain
sentence, never an empty table. A table of cards gets a Labels column of
coloured chips (:mod:`kanban.reports.labels`) when any of its cards has a label.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from kanban.domain.wip import WIP_NAME
from kanban.domain.words import plural
from kanban.reports.labels import Chips, chips_for
from kanban.reports.model import CardLine, EventRecord, ReportData, Stats

# A table cell: text, or a card's labels as chips.
Cell = str | Chips


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    text: str
    style: str = "normal"  # normal | note | alert


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...] = ()  # relative column widths for PDF
    numeric: tuple[int, ...] = ()  # columns aligned right


@dataclass(frozen=True, slots=True)
class Chart:
    key: str


@dataclass(frozen=True, slots=True)
class Group:
    blocks: tuple[object, ...] = field(default=())


Block = Heading | Para | Table | Chart | Group


def days(value: float | None) -> str:
    if value is None:
        return "–"
    if value <= 0:
        return "0 d"
    if value < 1:
        hours = value * 24
        return f"{hours:.0f} h" if hours >= 1 else "< 1 h"
    return f"{value:.1f} d"


def when(moment: datetime | None, tz: tzinfo | None = None) -> str:
    if moment is None:
        return "–"
    local = moment.astimezone(tz) if tz is not None else moment
    return f"{local:%a %d %b %Y}"


def card_name(line: CardLine) -> str:
    return f"{line.key} {line.title}" if line.key else line.title


def card_table(
    headers: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    labels: Sequence[Sequence[str]],
    colours: Mapping[str, str],
    *,
    widths: tuple[float, ...],
    numeric: tuple[int, ...] = (),
) -> Table:
    """A table whose first column names a card, with a Labels column after it.

    ``labels`` holds each row's card labels. A table none of whose cards has a
    label keeps its columns as they are: an empty column says nothing.
    """
    if not any(labels):
        return Table(headers, tuple(rows), widths, numeric)
    name = widths[0]
    return Table(
        (headers[0], "Labels", *headers[1:]),
        tuple(
            (row[0], chips_for(card_labels, colours), *row[1:])
            for row, card_labels in zip(rows, labels, strict=True)
        ),
        (name * 0.7, name * 0.5, *widths[1:]),
        tuple(i + 1 for i in numeric),
    )


@dataclass(frozen=True, slots=True)
class PersonChanges:
    """How many of the period's changes one person (or JIRA, or git) made."""

    who: str
    total: int
    moves: int
    blocks: int
    other: int
    last: datetime


_MOVES = frozenset({"moved", "assigned"})
_BLOCKS = frozenset({"blocked", "unblocked"})


def changes_by_person(events: Sequence[EventRecord]) -> list[PersonChanges]:
    """Who made the period's changes, most changes first; JIRA's and git's apart.

    Each client records its person (``me`` in the config file, else the OS
    user) on its events; a change pulled from JIRA carries the JIRA user who
    made it, and an automatic one the tool.
    """
    tally: dict[str, list[EventRecord]] = {}
    for ev in events:
        if ev.source == "jira":
            who = f"{ev.actor} (in JIRA)"
        elif ev.source == "local":
            who = ev.actor
        else:
            who = f"automation ({ev.source})"
        tally.setdefault(who, []).append(ev)
    rows = []
    for who, evs in tally.items():
        moves = sum(1 for ev in evs if ev.kind in _MOVES)
        blocks = sum(1 for ev in evs if ev.kind in _BLOCKS)
        rows.append(
            PersonChanges(
                who, len(evs), moves, blocks, len(evs) - moves - blocks, max(e.at for e in evs)
            )
        )
    return sorted(rows, key=lambda r: (-r.total, r.who.lower()))


def _stats_row(name: str, cycle: Stats, lead: Stats) -> tuple[str, ...]:
    return (
        name,
        str(cycle.count),
        days(cycle.median),
        days(cycle.p85),
        str(lead.count),
        days(lead.median),
        days(lead.p85),
    )


def build_blocks(data: ReportData) -> list[Block]:
    """The whole report in reading order."""
    from kanban.reports.layout_forecast import forecast_blocks, headline

    tz = data.period.start.tzinfo
    flow = data.flow
    colours = data.label_colours
    out: list[Block] = [Heading(1, f"{data.board} – status report")]
    subtitle = f"{data.period.label}. Made {data.generated_at.astimezone(tz):%d %b %Y %H:%M}."
    if data.filters:
        subtitle += " Showing " + "; ".join(data.filters) + "."
    out.append(Para(subtitle, "note"))
    out.extend(Para(n, "note") for n in data.notes)

    # --- at a glance ------------------------------------------------------
    in_progress = sum(p.wip for p in data.people)
    blocked = sum(len(p.blocked) for p in data.people)
    finished = sum(len(p.finished) for p in data.people)
    over = [p.name for p in data.people if p.over_limit]
    total_time = flow.blocked_days_in_period + flow.worked_days_in_period
    share = f"{flow.blocked_days_in_period / total_time:.0%}" if total_time > 0 else "–"
    # A past period is described as it stood at its end, not as it is today.
    moment = "now" if data.period.end > data.generated_at else "at the period's end"
    out.append(Heading(2, "At a glance"))
    out.append(
        Table(
            ("Figure", "Value"),
            (
                ("Cards finished in the period", str(finished)),
                (f"{WIP_NAME} {moment}", f"{in_progress} ({blocked} blocked)"),
                ("Task pool", f"{data.pool.size} ({len(data.pool.not_ready)} not ready)"),
                (
                    "Cycle time, median / 85th percentile",
                    f"{days(flow.period_cycle.median)} / {days(flow.period_cycle.p85)}",
                ),
                (
                    "Lead time, median / 85th percentile",
                    f"{days(flow.period_lead.median)} / {days(flow.period_lead.p85)}",
                ),
                ("Share of cycle time spent blocked", share),
                (f"People over their WIP limit {moment}", ", ".join(over) or "nobody"),
                (
                    "WIP limit breaches / rule overrides",
                    f"{len(flow.breaches)} / {len(flow.overrides)}",
                ),
                *(
                    (("Open work done by (forecast)", headline(data.forecast)),)
                    if data.forecast is not None
                    else ()
                ),
            ),  # fmt: skip
            widths=(3, 2),
        )
    )
    out.extend(forecast_blocks(data))

    # --- people -------------------------------------------------------------
    out.append(Heading(2, "People"))
    if not data.people:
        out.append(Para("No people are on this board (or match the filter)."))
    for person in data.people:
        limit = f" (limit {person.wip_limit})" if person.wip_limit is not None else " (no limit)"
        head = f"{person.name} – {plural(person.wip, 'card')} in progress{limit}"
        blocks: list[Block] = [Heading(3, head)]
        if person.over_limit and person.wip_limit is not None:  # over_limit needs a limit
            blocks.append(Para(f"Over the WIP limit by {person.wip - person.wip_limit}.", "alert"))
        if person.doing:
            blocks.append(card_table(
                ("Doing now", "Column", "In progress"),
                [(card_name(c), c.column, days(c.days)) for c in person.doing],
                [c.labels for c in person.doing], colours,
                widths=(6, 2, 1.4), numeric=(2,),
            ))  # fmt: skip
        elif person.wip == 0:
            blocks.append(Para("Nothing in progress."))
        else:
            blocks.append(Para("Everything in progress is blocked."))
        if person.blocked:
            blocks.append(card_table(
                ("Blocked", "Reason", "Since", "Waiting"),
                [(card_name(c), c.reason or "–", when(c.since, tz), days(c.days))
                 for c in person.blocked],
                [c.labels for c in person.blocked], colours,
                widths=(4, 4, 2, 1.4), numeric=(3,),
            ))  # fmt: skip
        if person.finished:
            blocks.append(card_table(
                ("Finished in the period", "Finished", "Cycle", "Lead"),
                [(card_name(c), when(c.finished_at, tz), days(c.cycle_days), days(c.days))
                 for c in person.finished],
                [c.labels for c in person.finished], colours,
                widths=(5, 2.2, 1.2, 1.2), numeric=(2, 3),
            ))  # fmt: skip
        else:
            blocks.append(Para("Finished nothing in the period."))
        out.append(Group(tuple(blocks)))

    # --- pool -----------------------------------------------------------------
    pool: list[Block] = [Heading(2, "Task pool")]
    if data.pool.size == 0:
        pool.append(Para("The task pool is empty."))
    else:
        pool.append(Para(f"{plural(data.pool.size, 'card')} waiting in the pool."))
    if data.pool.oldest:
        pool.append(card_table(
            ("Oldest in the pool", "Created", "Waiting"),
            [(card_name(c), when(c.since, tz), days(c.days)) for c in data.pool.oldest],
            [c.labels for c in data.pool.oldest], colours,
            widths=(6, 2.2, 1.4), numeric=(2,),
        ))  # fmt: skip
    pool.append(Heading(3, "Not ready"))
    if data.pool.not_ready:
        pool.append(card_table(
            ("Card", "Waiting for", "Since", "Waited"),
            [(card_name(c), c.reason or "–", when(c.since, tz), days(c.days))
             for c in data.pool.not_ready],
            [c.labels for c in data.pool.not_ready], colours,
            widths=(4, 4, 2, 1.4), numeric=(3,),
        ))  # fmt: skip
    else:
        pool.append(Para("No card in the pool is marked not ready."))
    out.append(Group(tuple(pool)))

    # --- flow ----------------------------------------------------------------------
    out.append(Heading(2, "Flow"))
    out.append(Para(
        "Cycle time runs from a card's first active column to done; lead time from its "
        "creation to done. Percentiles use linear interpolation; the 85th percentile means "
        "85 of 100 cards finished at least that fast. "
        f"Reference figures cover {flow.window.label}."
    ))  # fmt: skip
    out.append(Table(
        ("Finished", "Cycle n", "Cycle median", "Cycle 85th", "Lead n", "Lead median",
         "Lead 85th"),
        (_stats_row("This period", flow.period_cycle, flow.period_lead),
         _stats_row(f"Last {len(flow.throughput)} weeks", flow.window_cycle, flow.window_lead)),
        widths=(2.4, 1, 1.4, 1.4, 1, 1.4, 1.4), numeric=(1, 2, 3, 4, 5, 6),
    ))  # fmt: skip
    if total_time > 0:
        out.append(Para(
            f"Cards finished in the period spent {days(flow.blocked_days_in_period)} blocked "
            f"and {days(flow.worked_days_in_period)} in work ({share} of their cycle time "
            "was spent waiting)."
        ))  # fmt: skip
    for key in ("throughput", "cycle", "cfd", "wip", "aging"):
        out.append(Chart(key))
    late = [a for a in flow.aging if a.band in ("late", "watch")]
    if late:
        out.append(Group((
            Heading(3, "Work in progress older than the median cycle time"),
            card_table(
                ("Card", "Person", "Column", "Age", "Blocked", "Status"),
                [(a.title, a.person or "–", a.column, days(a.age_days), days(a.blocked_days),
                  "over 85th" if a.band == "late" else "over median") for a in late[:15]],
                [a.labels for a in late[:15]], colours,
                widths=(4, 2, 2, 1.2, 1.2, 1.6), numeric=(3, 4),
            ),
        )))  # fmt: skip
    out.append(Heading(3, "WIP limit breaches in the period"))
    if flow.breaches:
        out.append(Table(
            ("Over the limit", "Limit", "Peak", "From", "Until"),
            tuple((f"{b.name} ({b.scope})", str(b.limit), str(b.peak), when(b.start, tz),
                   when(b.end, tz) if b.end else "still over") for b in flow.breaches),
            widths=(4, 1, 1, 2.2, 2.2), numeric=(1, 2),
        ))  # fmt: skip
    else:
        out.append(Para("No WIP limit was exceeded in the period."))
    out.append(Heading(3, "Rule overrides in the period"))
    if flow.overrides:
        out.append(Table(
            ("When", "Who", "Card", "Rule", "Reason given"),
            tuple((when(o.at, tz), o.actor, o.title, ", ".join(r.replace("_", " ")
                   for r in o.rules), o.reason or "–") for o in flow.overrides),
            widths=(2.2, 1.5, 3.5, 2, 3.5),
        ))  # fmt: skip
    else:
        out.append(Para("Nobody overrode a team rule in the period."))
    out.append(Heading(3, "Who changed the board in the period"))
    who = changes_by_person(data.events)
    if who:
        out.append(Table(
            ("Who", "Changes", "Moves, assigns", "Blocked, ready", "Other", "Last change"),
            tuple((w.who, str(w.total), str(w.moves), str(w.blocks), str(w.other),
                   when(w.last, tz)) for w in who),
            widths=(3, 1.2, 1.5, 1.5, 1.2, 2.2), numeric=(1, 2, 3, 4),
        ))  # fmt: skip
    else:
        out.append(Para("Nobody changed a card in the period."))

    # --- pull requests ------------------------------------------------------
    out.append(Heading(2, "Pull requests"))
    if data.pull_requests is None:
        out.append(Para("Pull request links are not set up for this board, so no pull "
                        "requests are listed."))  # fmt: skip
    elif not data.pull_requests:
        out.append(Para("No linked pull request was merged, and no finished card has one, "
                        "in this period."))  # fmt: skip
    else:
        titles = {c.card_id: c.title for c in data.cards}
        out.append(Table(
            ("Pull request", "Repository", "Author", "State", "Merged", "Card"),
            tuple((f"#{pr.number} {pr.title}".strip() if pr.number else pr.title,
                   pr.repository or "–", pr.author or "–", pr.state, when(pr.merged_at, tz),
                   titles.get(pr.card_id, pr.card_id[:8])) for pr in data.pull_requests),
            widths=(4, 2, 1.5, 1.2, 2, 3),
        ))  # fmt: skip
    return out
