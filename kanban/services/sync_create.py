"""The create pass of a sync run: new cards become JIRA issues when the board is set to.

Each issue is stamped with the card's id (a label), so a run that crashed
between creating the issue and saving its key finds it again instead of
creating a second one. Status, assignee and flag follow as a one-sided push.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from kanban.domain.model import Card, EventKind
from kanban.domain.sync_states import ItemKind
from kanban.errors import UserError
from kanban.services.sync_apply import CREATE_ITEM, apply_remote, issue_info
from kanban.services.sync_push import push_job
from kanban.services.sync_run import SyncRun
from kanban.store import repo, sync_repo
from kanban.sync import jql as jql_mod
from kanban.sync.engine import STAMP_PREFIX, BaseItem, Decision, Pair, Prefer, plan
from kanban.sync.errors import JiraError, SyncCancelled
from kanban.sync.mapping import IssueRecord
from kanban.sync.push import PushJob

log = logging.getLogger(__name__)


def create_pass(run: SyncRun) -> None:
    if not run.settings.create_issues or not run.settings.create_project:
        return
    since = _parse_iso(run.settings.create_since)
    with run.board.reading() as conn:
        links = sync_repo.load_links(conn)
        cards = repo.list_cards(conn)
    candidates = [
        card
        for card in cards
        if not card.jira_key
        and not (card.id in links and links[card.id].issue_key)
        and not (card.id not in links and since is not None and card.created_at < since)
    ]
    actions = plan(
        Pair(
            BaseItem(card.id, None, links[card.id].base) if card.id in links else None,
            run.local_item(card, None),
            None,
            may_create_issue=True,
        )
        for card in candidates
    )
    for card, action in zip(candidates, actions, strict=True):
        if action.decision is not Decision.CREATE_ISSUE:
            continue
        if run.plan is not None:
            run.plan.add_action(action, card.title)
            continue
        try:
            create_issue(run, card, links.get(card.id))
        except SyncCancelled:
            raise
        except (JiraError, UserError) as exc:
            with run.board.writing() as uow:
                sync_repo.put_item(
                    uow.conn,
                    card_id=card.id,
                    field=CREATE_ITEM,
                    kind=ItemKind.QUEUED,
                    values={"retryable": bool(getattr(exc, "retryable", False))},
                    message=getattr(exc, "jira_message", "") or str(exc),
                )
            run.report.errors.append(f"card '{card.title}': {exc}")


def create_issue(run: SyncRun, card: Card, link: sync_repo.Link | None) -> None:
    report = run.report
    stamp = f"{STAMP_PREFIX}{card.id}"
    existing: IssueRecord | None = None
    if link is not None:
        # A previous run got as far as creating: look for the stamped issue
        # before creating another one.
        for records in run.search(jql_mod.stamped(stamp)):
            existing = records[-1] if records else existing
    local = run.local_item(card, None)
    sent = {
        "title": local.values["title"],
        "description": local.values["description"],
        "labels": local.values["labels"],
    }
    if existing is None:
        with run.board.writing() as uow:
            sync_repo.save_link(
                uow.conn,
                card_id=card.id,
                ident=f"card:{card.id}",
                issue_key=None,
                issue_id=None,
                origin="card",
                issue_updated=None,
                card_revision=card.revision,
                base=sent,
                needs_push=True,
            )
        fields: dict[str, Any] = {
            "project": {"key": run.settings.create_project},
            "issuetype": {"name": run.settings.create_issue_type or "Task"},
            "summary": card.title[:255],
            "description": card.description,
            "labels": sorted({*card.labels, stamp}),
        }
        key, _issue_id = run.client.create_issue(fields)
        report.created_issues += 1
        report.jira_writes += 1
        log.info("Created %s from card '%s'", key, card.title)
        try:
            # For people and scripts reading the issue; the label above is
            # what the sync searches (properties are not searchable by JQL).
            run.client.set_property(key, "kanban.card", {"id": card.id})
            report.jira_writes += 1
        except JiraError as exc:
            log.info("Could not set the kanban.card property on %s: %s", key, exc)
        found = run.fetch([key])
        if not found:
            # Cloud search is eventually consistent: the stamp finds it next run.
            report.notes.append(f"Created {key}; it is linked on the next sync.")
            return
        existing = found[0]
    with run.board.writing() as uow:
        fresh = repo.get_card(uow.conn, card_id=card.id)
        if fresh is None:
            return
        apply_remote(uow, fresh, {"jira_key": existing.key}, EventKind.EDITED, repo.now())
        sync_repo.save_link(
            uow.conn,
            card_id=card.id,
            ident=f"card:{card.id}",
            issue_key=existing.key,
            issue_id=existing.id,
            origin="card",
            issue_updated=existing.updated,
            card_revision=fresh.revision,
            base=dict(sent),
            info=issue_info(existing),
            needs_push=True,
        )
        sync_repo.clear_items(uow.conn, card_id=card.id, fields=[CREATE_ITEM])
    # The rest (status, assignee, flag) is pushed as a one-sided change.
    with run.board.reading() as conn:
        link_now = sync_repo.get_link(conn, card_id=card.id)
        card_now = repo.get_card(conn, card_id=card.id)
    if link_now is None or card_now is None:
        return
    (action,) = plan(
        [
            Pair(
                BaseItem(card.id, existing.key, link_now.base, prefer=Prefer.LOCAL),
                run.local_item(card_now, link_now.base),
                run.remote_item(existing, link_now.base),
            )
        ]
    )
    if action.push:
        job = PushJob(card.id, existing, action.push, card_now.revision)
        push_job(run, run.navigator(), job)
    else:
        with run.board.writing() as uow:
            sync_repo.update_link(
                uow.conn,
                card_id=card.id,
                values={
                    "base": action.base,
                    "card_revision": card_now.revision,
                    "needs_push": False,
                },
            )


def _parse_iso(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
