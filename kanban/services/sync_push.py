"""The push pass of a sync run: send the queued jobs, record what JIRA took and refused.

What JIRA took becomes the pair's base; what it refused stays queued on the
card with JIRA's own message, and the local change is kept.
"""

from __future__ import annotations

import logging
from typing import Any

from kanban.domain.sync_states import ItemKind
from kanban.services.sync_apply import MOVING
from kanban.services.sync_run import ProgressFn, SyncRun
from kanban.store import repo, sync_repo
from kanban.sync.engine import normalize_all
from kanban.sync.mapping import remote_values
from kanban.sync.push import PushJob, PushOutcome, push
from kanban.sync.workflow import WorkflowNavigator

log = logging.getLogger(__name__)


def push_pass(run: SyncRun, say: ProgressFn) -> None:
    if run.dry:
        return  # the plan lists the pushes already
    queue, run.pushes = run.pushes, {}
    navigator = run.navigator()
    for n, (_card_id, job) in enumerate(sorted(queue.items())):
        say(n, len(queue), f"Pushing {job.issue.key}")
        push_job(run, navigator, job)


def push_job(run: SyncRun, navigator: WorkflowNavigator, job: PushJob) -> None:
    if "column" in job.fields:
        _note_move(run, job)
    outcome = push(run.client, job, navigator, run.column, run.ids.flagged)
    run.report.jira_writes += outcome.writes
    record_push(run, job, outcome)


def _note_move(run: SyncRun, job: PushJob) -> None:
    """Keep, before the first transition, where a move goes and where it started.

    A run killed between the steps of a path, or a step that timed out but
    that JIRA applied, leaves the issue at a status on the way; the next run
    reads that as progress and continues the path (see :func:`move_in_progress`).
    """
    with run.board.writing() as uow:
        link = sync_repo.get_link(uow.conn, card_id=job.card_id)
        if link is None:
            return
        start = link.base.get("column")
        info = {**link.info, MOVING: {"to": int(job.fields["column"]), "from": start}}
        sync_repo.update_link(uow.conn, card_id=job.card_id, values={"info": info})


def record_push(run: SyncRun, job: PushJob, outcome: PushOutcome) -> None:
    """Save what JIRA took into the base; queue what it refused, with its message."""
    report, rec = run.report, job.issue
    with run.board.writing() as uow:
        conn = uow.conn
        link = sync_repo.get_link(conn, card_id=job.card_id)
        card = repo.get_card(conn, card_id=job.card_id)
        if link is None or card is None:
            return
        base = dict(link.base)
        base.update(outcome.done)
        if outcome.reached_column is not None:
            base["column"] = outcome.reached_column
        values: dict[str, Any] = {"base": base}
        if "column" in outcome.done and MOVING in link.info:
            values["info"] = {k: v for k, v in link.info.items() if k != MOVING}
        if not outcome.failed and card.revision == job.revision:
            # The card as pushed is what both sides now agree on; a card the
            # user edited during the push still owes a push and is looked at again.
            values["card_revision"] = card.revision
            values["needs_push"] = False
        sync_repo.update_link(conn, card_id=job.card_id, values=values)
        sync_repo.clear_items(
            conn, card_id=job.card_id, fields=list(outcome.done), kind=ItemKind.QUEUED
        )
        remote_now = normalize_all(remote_values(rec, run.statuses, run.with_flag))
        for name, exc in outcome.failed.items():
            message = getattr(exc, "jira_message", "") or str(exc)
            sync_repo.put_item(
                conn,
                card_id=job.card_id,
                field=name,
                kind=ItemKind.QUEUED,
                values={
                    "local": job.fields.get(name),
                    "remote": remote_now.get(name),
                    "base": link.base.get(name),
                    "retryable": bool(getattr(exc, "retryable", False)),
                    "detail": str(exc),
                },
                message=message,
            )
            report.errors.append(f"{rec.key} {name}: {exc}")
            log.warning("Push of %s to %s failed: %s", name, rec.key, exc)
    if outcome.done:
        report.pushed += 1
