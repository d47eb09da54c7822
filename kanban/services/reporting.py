"""The report use case: read the board and its history, hand them to kanban.reports.

Cards and events are read in one read transaction, so they agree even while
someone moves cards. The figures themselves are worked out by the pure
:func:`kanban.reports.build.build_report`. Linked pull requests come from the
links feature (:class:`kanban.services.links.LinksService`): None when no link
source is set up, which the report says in a sentence. Links keep no merge
time, so a merged PR's last update stands for it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kanban.domain.model import Card, Column, Event, LimitChange, Person
from kanban.errors import InvalidInput, KanbanError, NotFound
from kanban.reports.build import build_report
from kanban.reports.export import write_report
from kanban.reports.model import Period, PullRequest, ReportData
from kanban.reports.outlook import DEFAULT_SKILLS, ForecastOptions, Skill
from kanban.reports.period import parse_period
from kanban.services.board import BoardService
from kanban.services.gcpause import gc_paused
from kanban.settings import Config
from kanban.store import db, labels_repo, repo

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BoardHistory:
    """Everything a report reads, taken in one transaction."""

    board: str
    columns: tuple[Column, ...]
    people: tuple[Person, ...]
    cards: tuple[Card, ...]  # archived ones included
    events: tuple[Event, ...]
    pull_requests: tuple[PullRequest, ...] | None = None
    limit_changes: tuple[LimitChange, ...] = ()
    label_colours: dict[str, str] = field(default_factory=dict)  # label → #rrggbb

    @property
    def projects(self) -> list[str]:
        return sorted({c.project for c in self.cards if c.project}, key=str.lower)


def read_history(service: BoardService, *, with_links: bool = True) -> BoardHistory:
    """Read what a report needs; ``with_links`` also asks the links feature for PRs."""
    with (
        gc_paused(),
        db.known_errors(service.url),
        db.read_transaction(service.engine) as conn,
    ):
        name, _grouping, _rules = repo.load_rules(conn)
        history = BoardHistory(
            board=name,
            columns=tuple(repo.list_columns(conn)),
            people=tuple(repo.list_people(conn)),
            cards=tuple(repo.list_cards(conn, include_archived=True)),
            events=tuple(repo.events(conn)),
            limit_changes=tuple(repo.limit_changes(conn)),
            label_colours=dict(labels_repo.label_colours(conn)),
        )
    if not with_links:
        return history
    prs = linked_pull_requests(service)
    return dataclasses.replace(history, pull_requests=None if prs is None else tuple(prs))


def linked_pull_requests(service: BoardService) -> list[PullRequest] | None:
    """Every pull request linked to a card, or None when links are not set up.

    A failure of the links feature must not cost the manager the whole report:
    it is logged and the report says links are not available.
    """
    from kanban.services.links import LinksService

    links = LinksService(service)
    try:
        if not links.sources():
            return None
        out: list[PullRequest] = []
        for card_id, summary in links.summaries().items():
            if not summary.pr_count:
                continue
            for pr in links.card_links(card_id)["pull_requests"]:
                state = str(pr.get("state") or "").lower()
                out.append(
                    PullRequest(
                        card_id=card_id,
                        title=str(pr.get("title") or ""),
                        url=str(pr.get("url") or ""),
                        repository=str(pr.get("repository") or ""),
                        number=str(pr.get("id") or ""),
                        author=str(pr.get("author") or ""),
                        state=state or "open",
                        # The host's merge time; JIRA's panel gives only the last update.
                        merged_at=(pr.get("closed") or pr.get("updated"))
                        if state == "merged"
                        else None,
                    )
                )
        return out
    except KanbanError:
        log.warning("Pull requests left out of the report", exc_info=True)
        return None


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
    skills: Sequence[Skill] | None = None,
) -> ReportData:
    """Build the report from history already read (the GUI re-filters without re-reading).

    ``skills``: the label groups of the headcount section (default: Windows,
    Linux, storage; see :func:`skills_from`).

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
        pull_requests=pull_requests if pull_requests is not None else history.pull_requests,
        limit_changes=history.limit_changes,
        forecast=ForecastOptions(skills=tuple(skills)) if skills else None,
        label_colours=history.label_colours,
    )


def skills_from(texts: Sequence[str] = (), config: Config | None = None) -> tuple[Skill, ...]:
    """The skills of the headcount figures: ``--skill NAME=label+label`` options first,
    else the config file's ``[report] skills = {NAME = "label+label", ...}``, else the
    defaults (Windows, Linux, storage).

    Raises:
        InvalidInput: a skill without a name, or a config value that is not a table.
    """
    if not texts and config is not None:
        section = config.extra.get("report", {})
        table = section.get("skills") if isinstance(section, dict) else None
        if table is not None:
            if not isinstance(table, dict):
                raise InvalidInput(
                    "[report] skills in the config file must be a table, e.g. skills = "
                    '{ Storage = "storage+san", Linux = "linux" }.'
                )
            texts = [
                f"{name}={'+'.join(v) if isinstance(v, list) else v}" for name, v in table.items()
            ]
    skills = tuple(Skill.parse(t) for t in texts)
    if any(not s.name for s in skills):
        raise InvalidInput(
            "A skill needs a name: --skill NAME=label[+label...], e.g. Storage=san+nas."
        )
    return skills or DEFAULT_SKILLS


def report(
    service: BoardService,
    *,
    period: str | None = None,
    now: datetime | None = None,
    people: Collection[str] = (),
    project: str | None = None,
    skills: Sequence[Skill] | None = None,
) -> ReportData:
    """Read the board and build the report for a period given in words ("week", FROM..TO)."""
    moment = now or local_now()
    span = parse_period(period, moment)
    history = read_history(service)
    with gc_paused():
        data = make_report(
            history, period=span, now=moment, people=people, project=project, skills=skills
        )
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
