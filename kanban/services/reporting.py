"""The report use case: read the board and its history, hand them to kanban.reports.

Everything is read in one read transaction, so the cards and the events agree
even while someone moves cards. The figures themselves are worked out by the
pure :func:`kanban.reports.build.build_report`. Pull requests come from the
caller for now: the links feature will fill ``pull_requests`` here once it has
a service to ask (None means "links not available", which the report says).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kanban.domain.model import Card, Column, Event, Person
from kanban.errors import NotFound
from kanban.reports.build import build_report
from kanban.reports.export import write_report
from kanban.reports.model import Period, PullRequest, ReportData
from kanban.reports.period import parse_period
from kanban.services.board import BoardService
from kanban.store import db, repo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BoardHistory:
    """Everything a report reads, taken in one transaction."""

    board: str
    columns: tuple[Column, ...]
    people: tuple[Person, ...]
    cards: tuple[Card, ...]  # archived ones included
    events: tuple[Event, ...]

    @property
    def projects(self) -> list[str]:
        return sorted({c.project for c in self.cards if c.project}, key=str.lower)


def read_history(service: BoardService) -> BoardHistory:
    with db.known_errors(service.url), db.read_transaction(service.engine) as conn:
        name, _grouping, _rules = repo.load_rules(conn)
        return BoardHistory(
            board=name,
            columns=tuple(repo.list_columns(conn)),
            people=tuple(repo.list_people(conn)),
            cards=tuple(repo.list_cards(conn, include_archived=True)),
            events=tuple(repo.events(conn)),
        )


def local_now() -> datetime:
    """Now in the computer's time zone: weeks and days follow the reader's clock."""
    return datetime.now().astimezone()


def make_report(
    history: BoardHistory,
    *,
    period: Period,
    now: datetime | None = None,
    people: Collection[str] = (),
    project: str | None = None,
    pull_requests: Sequence[PullRequest] | None = None,
) -> ReportData:
    """Build the report from history already read (the GUI re-filters without re-reading).

    Raises:
        NotFound: a person named in ``people`` is not on the board.
    """
    known = {p.name.lower() for p in history.people}
    missing = [n for n in people if n.strip() and n.strip().lower() not in known]
    if missing:
        names = ", ".join(p.name for p in history.people) or "none yet"
        raise NotFound(f"No person '{missing[0]}' on this board. People on this board: {names}.")
    return build_report(
        board=history.board,
        columns=history.columns,
        people=history.people,
        cards=history.cards,
        events=history.events,
        period=period,
        now=now or local_now(),
        person_filter=people,
        project=project,
        pull_requests=pull_requests,
    )


def report(
    service: BoardService,
    *,
    period: str | None = None,
    now: datetime | None = None,
    people: Collection[str] = (),
    project: str | None = None,
) -> ReportData:
    """Read the board and build the report for a period given in words ("week", FROM..TO)."""
    moment = now or local_now()
    span = parse_period(period, moment)
    history = read_history(service)
    data = make_report(history, period=span, now=moment, people=people, project=project)
    log.info(
        "Report for %s: %d cards, %d events", span.label, len(history.cards), len(history.events)
    )
    return data


def export_report(
    service: BoardService,
    path: Path,
    *,
    fmt: str | None = None,
    paper: str = "a4",
    period: str | None = None,
    people: Collection[str] = (),
    project: str | None = None,
) -> Path:
    """Build and write the report; the format comes from ``fmt`` or the file's extension."""
    data = report(service, period=period, people=people, project=project)
    return write_report(data, path, fmt, paper)
