"""Storing one git scan while git is still printing it (used by the links service).

:class:`GitWriter` buffers the commits :func:`kanban.links.gitscan.walk` hands
over and writes them in flushes, each its own short write transaction opened
by the caller's ``flush_transaction``; :meth:`GitWriter.finish` reconciles in
the caller's final transaction. The SQL is in :mod:`kanban.store.links_repo`.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import Connection

from kanban.errors import UserError
from kanban.links.gitscan import GitCommit, GitScanResult
from kanban.links.report import SourceReport
from kanban.links.settings import GitRepoSetting
from kanban.store import links_repo

# Commits gathered before a short write transaction while git streams: gitscan
# hands commits over whenever git is behind, so flushes fill git's time; the
# floor keeps the per-transaction cost small against the rows it writes.
FLUSH_COMMITS = 1000

_SHA = operator.attrgetter("sha")
_KEYS = operator.attrgetter("keys")


class SourceForgotten(UserError):
    """The source was removed while it was scanned: report it, record nothing for it."""


class GitWriter:
    """Stores one git scan while git is still printing it.

    Commits go to the database in flushes of :data:`FLUSH_COMMITS`, each its own
    short write transaction: a board move waits for one flush at most, never for
    git, and the inserts run while git prints the rest. Until :meth:`finish`
    rows are only added, never removed, so meanwhile a reader sees the old links
    plus some new ones, never fewer. :meth:`finish` (in the caller's final
    transaction, with the tips) removes what the scan shows is gone: after a
    full scan, the commits no longer reachable or no longer naming a key; after
    an incremental one, the orphaned commits of rewritten or deleted branches.
    A scan that fails before that keeps everything; the tips are stored only by
    :meth:`finish`, so the next scan walks the same commits again.

    Args:
        source_id: the source's row.
        setting: the repository's settings (display name, commit URL template).
        plan: what :func:`kanban.links.gitscan.plan_scan` found.
        keep: keep the new commits in :attr:`kept` (for the automation rules).
        stored: the commits stored for the source before (read for a full scan).
        flush_transaction: opens one short write transaction for a flush.
    """

    def __init__(
        self,
        *,
        source_id: int,
        setting: GitRepoSetting,
        plan: GitScanResult,
        keep: bool,
        stored: set[str],
        flush_transaction: Callable[[], AbstractContextManager[Connection]],
    ) -> None:
        self.sid, self.setting, self.plan = source_id, setting, plan
        self.repo_name = setting.display[:300]
        self.touched: set[str] = set()
        self.kept: list[GitCommit] = []
        self._keep = keep
        self._flush_transaction = flush_transaction
        self._new: set[str] = set()
        self._stored = stored
        self._pending: list[GitCommit] = []
        self._marked = False
        # A full rescan over stored commits may find fewer keys in some of them (the
        # project keys changed): their key pairs are compared at the end.
        self._pairs: set[tuple[str, str]] | None = set() if self._stored else None

    def add(self, batch: list[GitCommit]) -> None:
        """Take commits as git prints them; a full buffer is flushed in its own transaction."""
        # map and chain keep these per-commit loops in C: a first scan passes tens
        # of thousands of commits through here.
        self._new.update(map(_SHA, batch))
        self.touched.update(itertools.chain.from_iterable(map(_KEYS, batch)))
        if self._pairs is not None:
            self._pairs.update((k, c.sha) for c in batch for k in c.keys)
        if self._keep:
            self.kept.extend(batch)
        self._pending.extend(batch)
        if len(self._pending) >= FLUSH_COMMITS:
            with self._flush_transaction() as conn:
                self._flush(conn, early=True)

    def _flush(self, conn: Connection, *, early: bool = False) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        # The source may have been forgotten (kanban links forget) while git ran:
        # nothing may be stored under its id any more, with no row to own it.
        if not links_repo.source_exists(conn, source_id=self.sid):
            raise SourceForgotten(
                f"{self.setting.display} was removed from the scanned sources while it was "
                "being scanned; nothing of this scan was kept."
            )
        if early and not self._marked:
            # Until finish() reconciles, the stored commits are not what the stored
            # tips say: an empty key signature makes the next scan a full one if
            # this one never finishes (commits of a branch deleted meanwhile would
            # otherwise stay linked for ever).
            links_repo.mark_unreconciled(conn, source_id=self.sid)
            self._marked = True
        links_repo.insert_git_commits(
            conn,
            source_id=self.sid,
            repo_name=self.repo_name,
            url_template=self.setting.commit_url,
            commits=batch,
        )

    def finish(self, conn: Connection, sr: SourceReport) -> set[str]:
        """Store the rest and reconcile, inside the caller's write transaction."""
        self._flush(conn)
        sid, plan = self.sid, self.plan
        if plan.full:
            gone = self._stored - plan.all_shas
            dropped = (self._stored - self._new) | gone
            self.touched |= links_repo.keys_of_commits(conn, source_id=sid, shas=dropped)
            links_repo.delete_commits(conn, source_id=sid, shas=dropped)
            if self._pairs is not None:
                self.touched |= links_repo.drop_stale_commit_keys(
                    conn, source_id=sid, keep=self._pairs
                )
            sr.removed_commits = len(gone)
            sr.new_commits = len(self._new - self._stored)
        else:
            removed = 0
            if plan.orphaned:
                self.touched |= links_repo.keys_of_commits(conn, source_id=sid, shas=plan.orphaned)
                removed = links_repo.delete_commits(conn, source_id=sid, shas=plan.orphaned)
            sr.removed_commits = removed
            sr.new_commits = len(self._new)
        # Branches and tips are few: replace them.
        self.touched |= links_repo.replace_branches(
            conn, source_id=sid, repo_name=self.repo_name, branch_keys=plan.branch_keys
        )
        links_repo.replace_tips(conn, source_id=sid, tips=plan.tips)
        return self.touched
