"""The per-key badge rows of the links feature (``link_summary``): rebuild and read.

A scan rebuilds the rows of the keys it touched; the board reads the badges of
every card in one query (:func:`summary_rows`). As in :mod:`kanban.store.repo`,
functions take the connection explicitly and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, DateTime, Row, delete, func, literal, null, select

from kanban.domain.links import PrState
from kanban.store import repo
from kanban.store.links_repo import EPOCH, bulk_insert, chunks
from kanban.store.tables_links import link_branch_table as branch_t
from kanban.store.tables_links import link_commit_key_table as commit_key_t
from kanban.store.tables_links import link_pr_key_table as pr_key_t
from kanban.store.tables_links import link_pr_table as pr_t
from kanban.store.tables_links import link_summary_table as summary_t


def summary_rows(conn: Connection) -> list[Row[Any]]:
    """The summary row of each card that is not archived and has links.

    Each row has the card's ``id`` and the ``link_summary`` columns (``key``,
    ``commits``, ``branches``, ``branches_without_pr``, ``pr_count``,
    ``pr_state``, ``approvals``, ``reviewers``).
    """
    card_t = repo.card_t
    stmt = (
        select(card_t.c.id, summary_t)
        .join(summary_t, summary_t.c.key == card_t.c.jira_key)
        .where(card_t.c.archived.is_(False))
    )
    return list(conn.execute(stmt))


def rebuild_summaries(conn: Connection, *, keys: Iterable[str]) -> None:
    """Recompute the badge rows of ``keys`` from the link tables.

    Keys with only commits (nearly all of a first scan's thousands) are counted
    and written by the database in one statement per chunk; keys with branches
    or pull requests go through the badge rules here.
    """
    now = repo.now()
    commit_count = func.count(func.distinct(commit_key_t.c.sha))
    for chunk in chunks(set(keys)):
        branches: dict[str, set[str]] = {}
        for branch in conn.execute(
            select(branch_t.c.key, branch_t.c.name).where(branch_t.c.key.in_(chunk))
        ):
            branches.setdefault(branch.key, set()).add(branch.name)
        prs: dict[str, dict[str, Any]] = {}
        for row in conn.execute(
            select(
                pr_key_t.c.key,
                pr_t.c.id,
                pr_t.c.source_id,
                pr_t.c.number,
                pr_t.c.state,
                pr_t.c.approvals,
                pr_t.c.reviewer_count,
                pr_t.c.source_branch,
                pr_t.c.updated_at,
                pr_t.c.url,
            )
            .join(pr_t, pr_t.c.id == pr_key_t.c.pr_id)
            .where(pr_key_t.c.key.in_(chunk))
        ):
            # The same PR seen through Bitbucket and through JIRA counts once.
            ident = row.url or f"{row.source_id}:{row.number}"
            prs.setdefault(row.key, {})[ident] = row
        conn.execute(delete(summary_t).where(summary_t.c.key.in_(chunk)))
        plain = [k for k in chunk if k not in branches and k not in prs]
        if plain:
            conn.execute(
                summary_t.insert().from_select(
                    [c.name for c in summary_t.columns],
                    select(
                        commit_key_t.c.key,
                        commit_count,
                        *(literal(0),) * 3,
                        null(),
                        *(literal(0),) * 2,
                        literal(now, DateTime(timezone=True)),
                    )
                    .where(commit_key_t.c.key.in_(plain))
                    .group_by(commit_key_t.c.key),
                )
            )
        rich = sorted(set(branches) | set(prs))
        commits: dict[str, int] = {
            count_row[0]: int(count_row[1])
            for count_row in conn.execute(
                select(commit_key_t.c.key, commit_count)
                .where(commit_key_t.c.key.in_(rich))
                .group_by(commit_key_t.c.key)
            )
        }
        rows: list[tuple[Any, ...]] = []
        for key in rich:
            key_prs = list(prs.get(key, {}).values())
            names = branches.get(key, set())
            pr_branches = {p.source_branch for p in key_prs if p.source_branch}
            without = sum(
                1
                for n in _unique_branches(names)
                if not any(n == b or n.endswith("/" + b) for b in pr_branches)
            )
            state, approvals, reviewers = _pr_badge(key_prs)
            count = commits.get(key, 0)
            if not (count or names or key_prs):
                continue
            rows.append(
                (
                    key,
                    count,
                    len(_unique_branches(names)),
                    without,
                    len(key_prs),
                    state,
                    approvals,
                    reviewers,
                    now,
                )
            )
        # Tuples through the driver, not dicts: SQLAlchemy would process each value.
        bulk_insert(conn, summary_t, rows)


def _unique_branches(names: set[str]) -> set[str]:
    """Treat ``origin/x`` and ``x`` as one branch (a pushed local branch)."""
    result = set(names)
    for name in names:
        if "/" in name and name.split("/", 1)[1] in names:
            result.discard(name)
    return result


def _pr_badge(prs: Sequence[Any]) -> tuple[str | None, int, int]:
    """The state shown: any open PR wins, then merged, then declined (newest first)."""
    for state in (PrState.OPEN, PrState.MERGED, PrState.DECLINED):
        matching = [p for p in prs if p.state == state.value]
        if matching:
            newest = max(matching, key=lambda p: repo.utc(p.updated_at) or EPOCH)
            return state.value, int(newest.approvals), int(newest.reviewer_count)
    return None, 0, 0
