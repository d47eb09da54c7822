"""The comments of linked cards in a sync run: pull JIRA's, send the board's.

Per page of issues (:func:`comments_page`), the comments that came with each
linked issue are decided against the card's comments by the pure
:func:`kanban.sync.comments.plan_comments`; what goes onto the board is
written at once (each comment guarded by its revision, so one the user edited
since the page was read is left for the next run) and what goes to JIRA is
queued on the run. After every page, :func:`comments_pass` reads the
comments of linked cards that hold an unsent comment change but whose issue
the run did not read, decides them the same way, then sends the queue:
``POST``/``PUT``/``DELETE /rest/api/2/issue/{key}/comment``. What JIRA took
becomes the comment's base; what it refused stays on the board, unsent, and
is tried again next run. A dry run only counts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kanban.domain.model import EventKind, Source
from kanban.domain.notes import COMMENT_MAX
from kanban.errors import UserError
from kanban.services.sync_run import SyncRun
from kanban.services.unit_of_work import UnitOfWork
from kanban.store import notes_repo, repo, sync_repo
from kanban.sync.comments import SENDS, CommentAction, LocalComment, Op, normal, plan_comments
from kanban.sync.errors import JiraNotFound, JiraOffline, SyncCancelled
from kanban.sync.mapping import IssueRecord, RemoteComment, parse_comment

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CommentJob:
    """One comment to send to JIRA, as decided."""

    card_id: str
    issue_key: str
    action: CommentAction


def comments_page(run: SyncRun, records: Iterable[IssueRecord]) -> None:
    """Decide the comments of a page's linked issues whose comments came with them."""
    with_comments = {r.key: r for r in records if r.comments is not None}
    if not with_comments:
        return
    with run.board.reading() as conn:
        links = sync_repo.links_for(conn, keys=list(with_comments), idents=[])
    cards = {link.card_id: link.issue_key for link in links if link.issue_key}
    remote: dict[str, tuple[list[RemoteComment], bool]] = {}
    for card_id, key in cards.items():
        rec = with_comments[key]
        if not rec.comments_complete:
            run.comments_cut.add(card_id)  # cut short by the search: read whole later
            continue
        remote[card_id] = (list(rec.comments or ()), True)
    _reconcile(run, {cid: cards[cid] for cid in remote}, remote)


def comments_pass(run: SyncRun) -> None:
    """Linked cards with comment changes the pages did not settle; then send the queue."""
    with run.board.reading() as conn:
        owing = notes_repo.cards_with_unsent_comments(conn)
        links = {link.card_id: link for link in sync_repo.load_links(conn).values()}
        cut = {cid for cid in run.comments_cut if cid in links and links[cid].issue_key is not None}
    todo = {
        cid: str(links[cid].issue_key)
        for cid in (owing - run.comments_done) | cut
        if cid in links and links[cid].issue_key
    }
    remote: dict[str, tuple[list[RemoteComment], bool]] = {}
    for card_id, key in sorted(todo.items(), key=lambda kv: kv[1]):
        try:
            raw = run.client.comments(key)
        except JiraNotFound:
            continue  # the issue is gone; the scope pass deals with its card
        remote[card_id] = ([parse_comment(c, run.cloud) for c in raw], True)
    _reconcile(run, todo, remote)
    if not run.dry:
        _send(run)


def _locals(rows: list[Any]) -> list[LocalComment]:
    return [
        LocalComment(
            id=r.id,
            body=r.body,
            deleted=r.deleted_at is not None,
            jira_id=r.jira_id,
            base_body=r.base_body,
            revision=r.revision,
            conflict=r.conflict,
        )
        for r in rows
    ]


def _reconcile(
    run: SyncRun, keys: dict[str, str], remote: dict[str, tuple[list[RemoteComment], bool]]
) -> None:
    if not remote:
        return
    with run.board.reading() as conn:
        rows = notes_repo.comment_rows_for(conn, card_ids=list(remote))
    decided: dict[str, list[CommentAction]] = {}
    for card_id, (comments, complete) in remote.items():
        run.comments_done.add(card_id)
        actions = plan_comments(_locals(rows.get(card_id, [])), comments, complete=complete)
        if actions:
            decided[card_id] = actions
    if not decided:
        return
    if run.dry:
        assert run.plan is not None
        for card_id, actions in decided.items():
            run.plan.notes.append(f"{keys[card_id]}: comments would {_counted(actions)}.")
        return
    report = run.report
    with run.board.writing() as uow:
        for card_id, actions in decided.items():
            card = repo.get_card(uow.conn, card_id=card_id)
            if card is None:
                continue
            for action in actions:
                if action.op in SENDS:
                    run.comment_jobs.append(CommentJob(card_id, keys[card_id], action))
                    continue
                try:
                    with uow.conn.begin_nested():
                        _apply(run, uow, card_id, action)
                except UserError as exc:
                    # Changed on the board since it was read: looked at again next run.
                    log.info("Comment on %s left for the next run: %s", keys[card_id], exc)
                    continue
                report.board_writes += 1
                if action.op in (Op.PULL_NEW, Op.PULL_EDIT, Op.PULL_DELETE):
                    report.comments_pulled += 1
                elif action.op is Op.CONFLICT:
                    report.comment_conflicts += 1
                    report.notes.append(
                        f"{keys[card_id]}: a comment was changed on the board and in JIRA; "
                        "both texts are kept on the card until someone chooses "
                        f"(kanban comments {keys[card_id]})."
                    )


def _counted(actions: list[CommentAction]) -> str:
    pulls = sum(a.op in (Op.PULL_NEW, Op.PULL_EDIT, Op.PULL_DELETE) for a in actions)
    sends = sum(a.op in SENDS for a in actions)
    conflicts = sum(a.op is Op.CONFLICT for a in actions)
    parts = []
    if pulls:
        parts.append(f"take {pulls} from JIRA")
    if sends:
        parts.append(f"send {sends} to JIRA")
    if conflicts:
        parts.append(f"keep {conflicts} in conflict")
    return ", ".join(parts) or "be recorded as agreed"


def _author(run: SyncRun, r: RemoteComment) -> str:
    person = run.people_by_user.get(r.author_id or "")
    return person.name if person is not None else (r.author_name or "JIRA")[:200]


def _apply(run: SyncRun, uow: UnitOfWork, card_id: str, action: CommentAction) -> None:
    """The board side of one decided comment, with its history event."""
    conn = uow.conn
    card = uow.written(card_id)
    lc, r = action.local, action.remote
    op = action.op
    if op is Op.PULL_NEW:
        assert r is not None
        body = normal(r.body)[:COMMENT_MAX]
        comment_id = notes_repo.insert_comment(
            conn,
            values={
                "card_id": card_id,
                "author": _author(run, r),
                "body": body,
                "created_at": r.created,
                "updated_at": r.created,
                "revision": 1,
                "jira_id": r.id,
                "base_body": r.body,
                "jira_updated": r.updated,
            },
        )
        uow.append_event(
            card,
            uow.new_change_id(),
            EventKind.COMMENTED,
            {},
            {"comment_id": comment_id, "body": body, "author": _author(run, r)},
            source=Source.JIRA,
            at=r.created,
        )
        return
    assert lc is not None
    if op is Op.PULL_EDIT:
        assert r is not None
        body = normal(r.body)[:COMMENT_MAX]
        notes_repo.update_comment(
            conn,
            comment_id=lc.id,
            values={
                "body": body,
                "base_body": r.body,
                "jira_updated": r.updated,
                "updated_at": repo.now(),
            },
            revision=lc.revision,
        )
        _event(uow, card, EventKind.COMMENT_EDITED, lc, {"comment_id": lc.id, "body": body})
    elif op is Op.PULL_DELETE:
        now = repo.now()
        notes_repo.update_comment(
            conn,
            comment_id=lc.id,
            values={"deleted_at": now, "updated_at": now, "jira_id": None, "base_body": None},
            revision=lc.revision,
        )
        _event(uow, card, EventKind.COMMENT_DELETED, lc, {"comment_id": lc.id, "deleted": True})
    elif op in (Op.AGREE, Op.LINK):
        assert r is not None
        notes_repo.update_comment(
            conn,
            comment_id=lc.id,
            values={"jira_id": r.id, "base_body": r.body, "jira_updated": r.updated},
            revision=lc.revision,
        )
    elif op is Op.FORGET:
        notes_repo.update_comment(
            conn, comment_id=lc.id, values={"jira_id": None, "base_body": None}
        )
    elif op is Op.CONFLICT:
        theirs: dict[str, Any] = (
            {"deleted": True}
            if r is None
            else {"body": r.body, "updated": r.updated, "author": r.author_name}
        )
        notes_repo.update_comment(
            conn, comment_id=lc.id, values={"conflict": theirs}, revision=lc.revision
        )


def _event(
    uow: UnitOfWork, card: Any, kind: EventKind, lc: LocalComment, after: dict[str, Any]
) -> None:
    before = {"comment_id": lc.id, "body": lc.body}
    uow.append_event(card, uow.new_change_id(), kind, before, after, source=Source.JIRA)


def _send(run: SyncRun) -> None:
    """Send the queued comment changes; JIRA's answer becomes each comment's base."""
    queue, run.comment_jobs = run.comment_jobs, []
    report = run.report
    for job in queue:
        lc = job.action.local
        assert lc is not None
        try:
            if job.action.op is Op.SEND_NEW:
                answer = run.client.add_comment(job.issue_key, lc.body)
                values: dict[str, Any] = {
                    "jira_id": str(answer.get("id") or ""),
                    "base_body": lc.body,
                    "jira_updated": str(answer.get("updated") or ""),
                }
            elif job.action.op is Op.SEND_EDIT:
                assert lc.jira_id is not None
                answer = run.client.edit_comment(job.issue_key, lc.jira_id, lc.body)
                values = {"base_body": lc.body, "jira_updated": str(answer.get("updated") or "")}
            else:
                assert lc.jira_id is not None
                try:
                    run.client.delete_comment(job.issue_key, lc.jira_id)
                except JiraNotFound:
                    pass  # gone already: both sides agree
                values = {"jira_id": None, "base_body": None}
        except (JiraOffline, SyncCancelled):
            raise
        except UserError as exc:
            report.errors.append(f"{job.issue_key} comment #{lc.id}: {exc}")
            log.warning("JIRA refused comment #%s on %s: %s", lc.id, job.issue_key, exc)
            continue
        report.jira_writes += 1
        report.comments_pushed += 1
        # The text sent is the base even if the user edited it meanwhile: that
        # newer edit then differs from the base and goes out next run.
        with run.board.writing() as uow:
            if notes_repo.comment_row(uow.conn, comment_id=lc.id) is not None:
                notes_repo.update_comment(uow.conn, comment_id=lc.id, values=values)
