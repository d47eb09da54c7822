"""Writing one card's changed fields to its JIRA issue.

A :class:`PushJob` is what a plan queued for one card: the issue as last read
and the fields to send. :func:`push` sends them: a move becomes transitions
(``kanban.sync.workflow``), the assignee its own request, and title,
description, labels and the flag one edit. Each part fails on its own, so a
refused transition does not stop the new title; the caller records what went
through and queues the rest with JIRA's own message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kanban.domain.model import Column
from kanban.errors import UserError
from kanban.sync.client import JiraClient
from kanban.sync.engine import STAMP_PREFIX
from kanban.sync.errors import JiraError, SyncCancelled
from kanban.sync.mapping import NO_JIRA_USER, IssueRecord
from kanban.sync.workflow import PartialMove, WorkflowNavigator

FLAG_OPTION = "Impediment"
# Fields sent in one edit request, in the order they are reported.
EDIT_FIELDS = ("title", "description", "labels", "flagged")


@dataclass(frozen=True, slots=True)
class PushJob:
    """One card's fields to write to its issue.

    Attributes:
        card_id: the card.
        issue: the issue as this run last read it.
        fields: synced field → the card's value to send.
        revision: the card's revision once the run's pulls were applied; a card
            edited during the push is looked at again next run.
    """

    card_id: str
    issue: IssueRecord
    fields: Mapping[str, Any]
    revision: int


@dataclass(slots=True)
class PushOutcome:
    """What went through and what JIRA refused.

    Attributes:
        done: field → the value JIRA now has.
        failed: field → why it was not written.
        reached_column: where a stopped transition path left the issue (a column
            id), when that is not where it started; both sides now know it.
        writes: requests that wrote to JIRA.
    """

    done: dict[str, Any] = field(default_factory=dict)
    failed: dict[str, JiraError | UserError] = field(default_factory=dict)
    reached_column: int | None = None
    writes: int = 0


def push(
    client: JiraClient,
    job: PushJob,
    navigator: WorkflowNavigator,
    column_of: Callable[[int], Column],
    flag_field: str | None,
) -> PushOutcome:
    """Send ``job.fields`` to the issue; see the module docstring."""
    out = PushOutcome()
    rec, fields = job.issue, job.fields
    if "column" in fields:
        try:
            navigator.move(rec, column_of(int(fields["column"])))
            out.done["column"] = fields["column"]
            out.writes += 1
        except SyncCancelled:
            raise
        except (JiraError, UserError) as exc:
            out.failed["column"] = exc
            if isinstance(exc, PartialMove) and exc.reached != rec.status_id:
                # Stopped partway along a path: that status is now what both
                # sides know, so the next run continues from there.
                out.reached_column = navigator.statuses.get(exc.reached)
    if "assignee" in fields:
        value = fields["assignee"]
        try:
            if value and str(value).startswith(NO_JIRA_USER):
                raise UserError(
                    f"{str(value)[1:]} has no JIRA user name on the board; set it in "
                    "People (JIRA user) so the assignee can be pushed."
                )
            client.assign(rec.key, value)
            out.done["assignee"] = value
            out.writes += 1
        except SyncCancelled:
            raise
        except (JiraError, UserError) as exc:
            out.failed["assignee"] = exc
    edit = edit_request(rec, fields, flag_field)
    if edit:
        names = [n for n in EDIT_FIELDS if n in fields]
        try:
            client.update_fields(rec.key, edit)
            for name in names:
                out.done[name] = fields[name]
            out.writes += 1
        except SyncCancelled:
            raise
        except (JiraError, UserError) as exc:
            for name in names:
                out.failed[name] = exc
    return out


def edit_request(
    rec: IssueRecord, fields: Mapping[str, Any], flag_field: str | None
) -> dict[str, Any]:
    """The JIRA fields of one edit for the card's title, description, labels and flag."""
    edit: dict[str, Any] = {}
    for name in EDIT_FIELDS:
        if name not in fields:
            continue
        value = fields[name]
        if name == "title":
            edit["summary"] = value
        elif name == "description":
            edit["description"] = value
        elif name == "labels":
            # The card's stamp stays on the issue: it is how the sync finds it again.
            stamps = [x for x in rec.labels if x.startswith(STAMP_PREFIX)]
            edit["labels"] = sorted({*value, *stamps})
        elif name == "flagged" and flag_field:
            edit[flag_field] = [{"value": FLAG_OPTION}] if value else None
    return edit
