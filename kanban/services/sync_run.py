"""One sync run's state: what it knows of the board and the server, and how it reads issues.

:class:`SyncRun` is handed to every pass of a run (``kanban.services.sync``,
``sync_push``, ``sync_create``). :class:`SyncReport` is what a run did.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from kanban.domain.model import Card, Column, Person
from kanban.domain.sync_states import RunMode
from kanban.services.board import BoardService
from kanban.services.sync_apply import BoardFacts
from kanban.store import sync_repo
from kanban.sync import jql as jql_mod
from kanban.sync.client import JiraClient, SearchStats
from kanban.sync.engine import LocalItem, RemoteItem
from kanban.sync.graph import StatusGraph
from kanban.sync.mapping import (
    FieldIds,
    IssueRecord,
    assignee_changes,
    flag_changes,
    local_values,
    parse_issue,
    remote_values,
    status_changes,
)
from kanban.sync.preview import SyncPlan
from kanban.sync.push import PushJob
from kanban.sync.replay import BoardShape
from kanban.sync.settings import JiraSettings
from kanban.sync.statuses import StatusMapping
from kanban.sync.workflow import WorkflowNavigator, workflow_key

KEY_CHUNK = 50  # issue keys per "key in (...)" search

ProgressFn = Callable[[int, int | None, str], None]


@dataclass
class SyncReport:
    """What one run did; ``to_json`` is the ``kanban sync --json`` summary."""

    mode: str = RunMode.INCREMENTAL.value
    pulled: int = 0
    created_cards: int = 0
    pushed: int = 0
    created_issues: int = 0
    conflicted: int = 0
    queued: int = 0
    archived: int = 0
    restored: int = 0
    kept: int = 0
    unchanged: int = 0
    search_requests: int = 0
    requests: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)
    # Statuses no column lists, placed by their category (name → issues).
    by_category: dict[str, int] = field(default_factory=dict)
    # People added from JIRA's assignees this run (the window offers to edit them).
    adopted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    board_writes: int = 0
    jira_writes: int = 0
    # Comments of linked cards (kanban.services.sync_comments).
    comments_pulled: int = 0
    comments_pushed: int = 0
    comment_conflicts: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        """What the run did, in one line (for the log and the CLI's first line)."""
        parts = [
            f"{self.mode} sync: {self.pulled} pulled ({self.created_cards} new cards)",
            f"{self.pushed} pushed ({self.created_issues} new issues)",
            f"{self.conflicted} in conflict",
            f"{self.queued} queued",
        ]
        if self.comments_pulled or self.comments_pushed or self.comment_conflicts:
            parts.append(
                f"comments: {self.comments_pulled} pulled, {self.comments_pushed} pushed"
                + (f", {self.comment_conflicts} in conflict" if self.comment_conflicts else "")
            )
        if self.archived:
            parts.append(f"{self.archived} archived")
        if self.restored:
            parts.append(f"{self.restored} restored")
        if self.adopted:
            parts.append(f"new people from JIRA: {', '.join(self.adopted)}")
        if self.by_category:
            if len(self.by_category) <= 2:
                names = ", ".join(f"{k} ({v})" for k, v in sorted(self.by_category.items()))
                parts.append(f"placed by status category: {names}")
            else:
                parts.append(f"{len(self.by_category)} statuses placed by their category")
        if self.unmapped:
            names = ", ".join(f"{k} ({v})" for k, v in sorted(self.unmapped.items()))
            parts.append(f"statuses with no column and no category (kept in place): {names}")
        return "; ".join(parts) + "."

    def advice(self, *, window: bool = False) -> list[str]:
        """What to do about what the run met, in the window's words or with the CLI command."""
        out: list[str] = []
        if self.unmapped:
            names = ", ".join(sorted(self.unmapped))
            out.append(
                f"No column stands for {names}, and JIRA gives no category to place "
                "them by; their cards stay where they are. "
                + (
                    "Choose a column for them in JIRA → Connection… → Statuses."
                    if window
                    else "Give them a column: kanban jira map STATUS COLUMN."
                )
            )
        if self.by_category:
            names = ", ".join(sorted(self.by_category))
            out.append(
                f"{names}: no column lists these JIRA statuses, so they went to the column "
                "of their category (to do → pool, in progress → first active column, done → "
                "done). "
                + (
                    "To choose other columns: JIRA → Connection… → Statuses."
                    if window
                    else "To choose other columns: kanban jira statuses, then kanban jira map."
                )
            )
        if self.adopted and not window:  # the window asks about them itself
            out.append(
                f"Added from JIRA's assignees: {', '.join(self.adopted)}. Check their names, "
                "e-mail and WIP limits: kanban people."
            )
        return out


@dataclass
class SyncRun:
    """What one run knows about the board and the server, and what it has decided.

    ``plan`` is set on a dry run: decisions are collected there and nothing is
    applied or sent. The methods read from JIRA and turn issues and cards into
    the engine's items; the passes (``kanban.services.sync`` and its
    ``sync_push``/``sync_create`` modules) use them.
    """

    board: BoardService
    settings: JiraSettings
    client: JiraClient
    cloud: bool
    ids: FieldIds
    columns: list[Column]
    statuses: StatusMapping
    people_by_user: dict[str, Person]
    people_by_id: dict[int, Person]
    pool_id: int
    tz: str
    report: SyncReport
    plan: SyncPlan | None = None
    seen: set[str] = field(default_factory=set)  # issue keys read this run
    graphs: dict[str, StatusGraph] = field(default_factory=dict)
    status_samples: dict[str, dict[str, str]] = field(default_factory=dict)
    status_names: dict[str, str] = field(default_factory=dict)
    pushes: dict[str, PushJob] = field(default_factory=dict)  # card id → its queued push
    # Comments (kanban.services.sync_comments): changes queued for JIRA, cards
    # whose comments were decided, cards whose comments a search cut short.
    comment_jobs: list[Any] = field(default_factory=list)
    comments_done: set[str] = field(default_factory=set)
    comments_cut: set[str] = field(default_factory=set)

    @property
    def dry(self) -> bool:
        return self.plan is not None

    @property
    def with_flag(self) -> bool:
        return self.ids.flagged is not None

    def facts(self) -> BoardFacts:
        return BoardFacts(self.columns, self.people_by_user)

    def column(self, column_id: int) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def search(self, jql: str) -> Iterable[list[IssueRecord]]:
        """The issues of a query, page by page, parsed and noted as seen."""
        stats = SearchStats()
        try:
            for page in self.client.search(
                jql, self.ids.search_fields(), expand="changelog", stats=stats
            ):
                records = [parse_issue(raw, self.ids, self.cloud) for raw in page]
                self.absorb(records)
                yield records
        finally:
            self.report.search_requests += stats.requests

    def absorb(self, records: Iterable[IssueRecord]) -> None:
        """Note the keys seen, learn workflow edges from changelogs, note samples per status.

        Records themselves are not kept (only those with a push pending): holding
        thousands of them would make every full garbage collection, which stalls
        the GUI thread too, scan them all.
        """
        for rec in records:
            self.seen.add(rec.key)
            self.status_names[rec.status_id] = rec.status_name
            self.statuses.learn(rec.status_id, rec.status_name, rec.status_category)
            wf = self.graphs.setdefault(workflow_key(rec), StatusGraph())
            for change in rec.status_changes:
                wf.add(change.from_status, change.to_status)
            self.status_samples.setdefault(workflow_key(rec), {}).setdefault(rec.status_id, rec.key)

    def fetch(self, keys: Iterable[str]) -> list[IssueRecord]:
        keys = sorted(set(keys))
        found: list[IssueRecord] = []
        for i in range(0, len(keys), KEY_CHUNK):
            for page in self.search(jql_mod.keys_in(keys[i : i + KEY_CHUNK])):
                found.extend(page)
        return found

    def full_history(self, rec: IssueRecord) -> IssueRecord:
        """The issue with its whole changelog: cycle times are computed from it."""
        if rec.changelog_complete:
            return rec
        full = self.client.changelog(rec.key)
        return dataclasses.replace(
            rec,
            status_changes=status_changes(full),
            assignee_changes=assignee_changes(full),
            flag_changes=flag_changes(full, self.ids.flagged),
            changelog_complete=True,
        )

    def shape(self) -> BoardShape:
        return BoardShape(
            columns=self.columns,
            statuses=self.statuses,
            person_of_user={u: p.id for u, p in self.people_by_user.items()},
            pool_id=self.pool_id,
        )

    def local_item(self, card: Card, base: Mapping[str, Any] | None) -> LocalItem:
        return LocalItem(
            card.id,
            card.revision,
            local_values(card, self.people_by_id, self.pool_id, base, self.with_flag),
            archived=card.archived,
        )

    def remote_item(self, rec: IssueRecord, base: Mapping[str, Any] | None) -> RemoteItem:
        values = remote_values(rec, self.statuses, self.with_flag)
        if values["column"] is None:
            self.status_names[rec.status_id] = rec.status_name
            # An unmapped status says nothing about the column: keep the agreed one.
            values["column"] = (base or {}).get("column", self.pool_id)
        return RemoteItem(rec.key, values, rec.updated)

    def navigator(self) -> WorkflowNavigator:
        return WorkflowNavigator(
            self.client,
            self.columns,
            self.statuses,
            self.graphs,
            self.status_names,
            self.status_samples,
            self.samples_from_links,
        )

    def samples_from_links(self) -> dict[str, dict[str, str]]:
        """Issues known to sit in a status let the path search read the workflow
        around that status without moving anything."""
        with self.board.reading() as conn:
            links = sync_repo.load_links(conn)
        samples: dict[str, dict[str, str]] = {}
        for link in links.values():
            info = link.info
            if link.issue_key and info.get("status_id"):
                wf = f"{info.get('project')}/{info.get('issue_type') or '?'}"
                samples.setdefault(wf, {}).setdefault(str(info["status_id"]), link.issue_key)
        return samples
