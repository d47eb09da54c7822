"""Queries of the links feature: sources, commits, branches, pull requests, automation log.

Like :mod:`kanban.store.repo`, every function takes the connection explicitly
(keyword-only arguments after it) and never commits: the links service owns
the transactions. Statements are SQLAlchemy Core over the typed tables of
:mod:`kanban.store.tables_links`; insert-or-ignore uses the SQLite and
PostgreSQL ``ON CONFLICT DO NOTHING`` (the two databases the app supports).
The per-key badge rows are rebuilt by :mod:`kanban.store.links_summary_repo`.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    Connection,
    CursorResult,
    DateTime,
    Row,
    Table,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from kanban.domain.links import PullRequest, RemoteBranch, RemoteCommit, Reviewer
from kanban.domain.model import Card
from kanban.errors import StorageError
from kanban.store import repo
from kanban.store.tables_links import link_automation_log_table as automation_log_t
from kanban.store.tables_links import link_automation_table as automation_t
from kanban.store.tables_links import link_branch_table as branch_t
from kanban.store.tables_links import link_commit_key_table as commit_key_t
from kanban.store.tables_links import link_commit_table as commit_t
from kanban.store.tables_links import link_pr_key_table as pr_key_t
from kanban.store.tables_links import link_pr_table as pr_t
from kanban.store.tables_links import link_ref_table as ref_t
from kanban.store.tables_links import link_source_table as source_t

CHUNK = 400  # keys per IN (...) list, well under SQLite's variable limit
_BATCH = 5000  # rows per executemany
EPOCH = datetime.fromtimestamp(0, UTC)

# Per PR number as stored: state, update time, keys and reviewers.
PreviousPrs = dict[str, tuple[str, datetime | None, tuple[str, ...], tuple[Reviewer, ...]]]


class ScannedCommit(Protocol):
    """A commit as git printed it (:class:`kanban.links.gitscan.GitCommit`)."""

    @property
    def sha(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def date(self) -> str: ...
    @property
    def at(self) -> datetime | None: ...
    @property
    def keys(self) -> tuple[str, ...]: ...


# --- insert helpers ---------------------------------------------------------------


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose key is stored already."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        stmt: Any = sqlite.insert(table).on_conflict_do_nothing()
    elif dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    else:
        raise StorageError(
            f"The links need SQLite or PostgreSQL; this database is {dialect}."
        )
    for i in range(0, len(rows), _BATCH):
        conn.execute(stmt, list(rows[i : i + _BATCH]))


def bulk_insert(conn: Connection, table: Table, rows: list[tuple[Any, ...]]) -> None:
    """Insert-or-ignore many rows given in column order.

    On SQLite the rows go straight to the driver's executemany: for a first scan
    of a large repository, SQLAlchemy's per-row parameter processing would cost
    more than git itself. Datetimes are written in SQLAlchemy's own SQLite format.
    """
    if not rows:
        return
    names = [c.name for c in table.columns]
    if conn.dialect.name != "sqlite":
        insert_ignore(conn, table, [dict(zip(names, row, strict=True)) for row in rows])
        return
    for i, column in enumerate(table.columns):
        # A caller passes a column's times all as datetimes or all as text already
        # in SQLite's form (a git commit's date): the first value tells which.
        sample = next((r[i] for r in rows if r[i] is not None), None)
        if isinstance(column.type, DateTime) and isinstance(sample, datetime):
            # isoformat(" ") of naive UTC is the text SQLAlchemy itself writes for
            # SQLite (and parses back), several times faster than strftime. Text
            # already in that form (a git commit's date) is passed as it is.
            rows = [
                r
                if r[i] is None
                else (
                    *r[:i],
                    r[i].astimezone(UTC).replace(tzinfo=None).isoformat(" "),
                    *r[i + 1 :],
                )
                for r in rows
            ]
    quoted = ", ".join(f'"{n}"' for n in names)
    one = "(" + ", ".join("?" for _ in names) + ")"
    driver = conn.connection.driver_connection
    if driver is None:
        raise StorageError("The database connection was closed while links were stored.")
    # Many rows per statement: a quarter fewer statement steps than one per row
    # (measured), and the parameters are flattened in C by chain.
    per = max(1, 900 // len(names))
    full, rest = divmod(len(rows), per)
    flat = itertools.chain.from_iterable
    if full:
        sql = f"INSERT OR IGNORE INTO {table.name} ({quoted}) VALUES " + ", ".join([one] * per)
        driver.executemany(sql, (list(flat(rows[i * per : (i + 1) * per])) for i in range(full)))
    if rest:
        sql = f"INSERT OR IGNORE INTO {table.name} ({quoted}) VALUES " + ", ".join([one] * rest)
        driver.execute(sql, list(flat(rows[full * per :])))


def _new_id(result: CursorResult[Any]) -> int:
    """The id the database gave the row just inserted."""
    key = result.inserted_primary_key
    if key is None:
        raise StorageError("The database did not say which id it gave a new links row.")
    return int(key[0])


def chunks(values: Iterable[str]) -> Iterable[list[str]]:
    """``values`` sorted, in lists short enough for one ``IN (...)``."""
    items = sorted(values)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


# --- sources ----------------------------------------------------------------------


def find_source(conn: Connection, *, kind: str, location: str) -> Row[Any] | None:
    """The source row (id, keys, last scan times, last error), or None."""
    return conn.execute(
        select(source_t).where(source_t.c.kind == kind, source_t.c.location == location)
    ).first()


def ensure_source(conn: Connection, *, kind: str, location: str) -> int:
    """The id of the source, added when it is new."""
    row = find_source(conn, kind=kind, location=location)
    if row is not None:
        return int(row.id)
    return _new_id(conn.execute(source_t.insert().values(kind=kind, location=location, keys="")))


def source_exists(conn: Connection, *, source_id: int) -> bool:
    return (
        conn.execute(select(source_t.c.id).where(source_t.c.id == source_id)).first() is not None
    )


def mark_ok(conn: Connection, *, source_id: int, signature: str) -> None:
    """A scan of the source succeeded with the keys of ``signature``."""
    now = repo.now()
    conn.execute(
        update(source_t)
        .where(source_t.c.id == source_id)
        .values(last_scan_at=now, last_ok_at=now, last_error=None, keys=signature)
    )


def mark_unreconciled(conn: Connection, *, source_id: int) -> None:
    """Empty the key signature: the stored commits are not what the stored tips say."""
    conn.execute(update(source_t).where(source_t.c.id == source_id).values(keys=""))


def record_failure(conn: Connection, *, source_id: int, error: str | None) -> None:
    conn.execute(
        update(source_t)
        .where(source_t.c.id == source_id)
        .values(last_scan_at=repo.now(), last_error=error)
    )


def list_sources(conn: Connection) -> list[dict[str, Any]]:
    """Every source with its last scan time and error, oldest first."""
    return [
        {
            "kind": r.kind,
            "location": r.location,
            "last_scan_at": repo.utc(r.last_scan_at),
            "last_ok_at": repo.utc(r.last_ok_at),
            "last_error": r.last_error,
        }
        for r in conn.execute(select(source_t).order_by(source_t.c.id))
    ]


def source_locations(conn: Connection) -> list[tuple[int, str]]:
    """(id, location) of every source."""
    rows = conn.execute(select(source_t.c.id, source_t.c.location))
    return [(int(r.id), r.location) for r in rows]


def delete_source(conn: Connection, *, source_id: int) -> set[str]:
    """Drop a source and everything it linked; returns the keys it had links for."""
    sid = source_id
    touched = keys_of_commits(conn, source_id=sid, shas=None)
    touched |= set(
        conn.execute(select(branch_t.c.key).where(branch_t.c.source_id == sid)).scalars()
    )
    touched |= set(
        conn.execute(
            select(pr_key_t.c.key)
            .join(pr_t, pr_t.c.id == pr_key_t.c.pr_id)
            .where(pr_t.c.source_id == sid)
        ).scalars()
    )
    # Children first: not every database enforces ON DELETE CASCADE.
    delete_commits(conn, source_id=sid, shas=None)
    conn.execute(
        delete(pr_key_t).where(
            pr_key_t.c.pr_id.in_(select(pr_t.c.id).where(pr_t.c.source_id == sid))
        )
    )
    for table in (pr_t, branch_t, ref_t):
        conn.execute(delete(table).where(table.c.source_id == sid))
    conn.execute(delete(source_t).where(source_t.c.id == sid))
    return touched


# --- git: commits, branches, tips ----------------------------------------------------


def branch_tips(conn: Connection, *, source_id: int) -> dict[str, str]:
    """Branch name → tip, as stored by the source's last finished scan."""
    return {
        r.name: r.tip
        for r in conn.execute(
            select(ref_t.c.name, ref_t.c.tip).where(ref_t.c.source_id == source_id)
        )
    }


def commit_shas(conn: Connection, *, source_id: int) -> set[str]:
    """Every stored commit of the source."""
    return set(
        conn.execute(select(commit_t.c.sha).where(commit_t.c.source_id == source_id)).scalars()
    )


def insert_git_commits(
    conn: Connection,
    *,
    source_id: int,
    repo_name: str,
    url_template: str | None,
    commits: Sequence[ScannedCommit],
) -> None:
    """Store commits as git printed them, with their keys (already stored ones are kept)."""
    sid, url = source_id, url_template
    # SQLite keeps the date as the text git printed; other databases get datetimes.
    as_text = conn.dialect.name == "sqlite"
    rows = [
        (
            sid,
            c.sha,
            c.subject[:2000],
            c.author[:300],
            c.email[:320],
            c.date if as_text else c.at,
            repo_name,
            url.format(sha=c.sha) if url else None,
        )
        for c in commits
    ]
    bulk_insert(conn, commit_t, rows)
    bulk_insert(conn, commit_key_t, [(k, sid, c.sha) for c in commits for k in c.keys])


def keys_of_commits(conn: Connection, *, source_id: int, shas: Iterable[str] | None) -> set[str]:
    """The keys the given commits (None: all of the source's) name."""
    stmt = select(commit_key_t.c.key).where(commit_key_t.c.source_id == source_id).distinct()
    if shas is None:
        return set(conn.execute(stmt).scalars())
    keys: set[str] = set()
    for chunk in chunks(shas):
        keys |= set(conn.execute(stmt.where(commit_key_t.c.sha.in_(chunk))).scalars())
    return keys


def delete_commits(conn: Connection, *, source_id: int, shas: Iterable[str] | None) -> int:
    """Delete commits of a source with their key links; returns how many commits went."""
    sid = source_id
    if shas is None:
        conn.execute(delete(commit_key_t).where(commit_key_t.c.source_id == sid))
        return int(conn.execute(delete(commit_t).where(commit_t.c.source_id == sid)).rowcount)
    removed = 0
    for chunk in chunks(shas):
        conn.execute(
            delete(commit_key_t).where(
                commit_key_t.c.source_id == sid, commit_key_t.c.sha.in_(chunk)
            )
        )
        removed += conn.execute(
            delete(commit_t).where(commit_t.c.source_id == sid, commit_t.c.sha.in_(chunk))
        ).rowcount
    return removed


def drop_stale_commit_keys(
    conn: Connection, *, source_id: int, keep: set[tuple[str, str]]
) -> set[str]:
    """Drop the source's (key, sha) links not in ``keep``; returns the keys that lost one."""
    stale = [
        (row.key, row.sha)
        for row in conn.execute(
            select(commit_key_t.c.key, commit_key_t.c.sha).where(
                commit_key_t.c.source_id == source_id
            )
        )
        if (row.key, row.sha) not in keep
    ]
    if not stale:
        return set()
    conn.execute(
        delete(commit_key_t).where(
            commit_key_t.c.source_id == source_id,
            commit_key_t.c.key == bindparam("stale_key"),
            commit_key_t.c.sha == bindparam("stale_sha"),
        ),
        [{"stale_key": k, "stale_sha": sha} for k, sha in stale],
    )
    return {key for key, _sha in stale}


def replace_branches(
    conn: Connection,
    *,
    source_id: int,
    repo_name: str,
    branch_keys: Mapping[str, Iterable[str]],
) -> set[str]:
    """Replace the source's branches; returns the keys of the old and the new ones."""
    sid = source_id
    touched = set(
        conn.execute(select(branch_t.c.key).where(branch_t.c.source_id == sid)).scalars()
    )
    conn.execute(delete(branch_t).where(branch_t.c.source_id == sid))
    rows = [
        {"source_id": sid, "name": n[:500], "key": k, "repo": repo_name, "url": None}
        for n, keys in branch_keys.items()
        for k in keys
    ]
    insert_ignore(conn, branch_t, rows)
    return touched | {k for keys in branch_keys.values() for k in keys}


def replace_tips(conn: Connection, *, source_id: int, tips: Mapping[str, str]) -> None:
    """Store the branch tips the next scan starts from."""
    conn.execute(delete(ref_t).where(ref_t.c.source_id == source_id))
    insert_ignore(
        conn,
        ref_t,
        [{"source_id": source_id, "name": n[:500], "tip": t} for n, t in tips.items()],
    )


# --- pull requests and JIRA's development panel ----------------------------------------


def previous_prs(conn: Connection, *, source_id: int) -> PreviousPrs:
    """Per PR number: state, update time, keys and reviewers as stored."""
    keys: dict[int, list[str]] = {}
    for row in conn.execute(
        select(pr_key_t.c.pr_id, pr_key_t.c.key)
        .join(pr_t, pr_t.c.id == pr_key_t.c.pr_id)
        .where(pr_t.c.source_id == source_id)
    ):
        keys.setdefault(row.pr_id, []).append(row.key)
    return {
        row.number: (
            row.state,
            repo.utc(row.updated_at),
            tuple(sorted(keys.get(row.id, []))),
            tuple(
                Reviewer(str(r.get("name", "")), bool(r.get("approved")), str(r.get("status", "")))
                for r in row.reviewers or []
                if isinstance(r, dict)
            ),
        )
        for row in conn.execute(
            select(
                pr_t.c.id, pr_t.c.number, pr_t.c.state, pr_t.c.updated_at, pr_t.c.reviewers
            ).where(pr_t.c.source_id == source_id)
        )
    }


def store_prs(conn: Connection, *, source_id: int, prs: Sequence[PullRequest]) -> set[str]:
    """Upsert PRs of a source; a PR no longer listed is kept (nothing linked is lost)."""
    sid = source_id
    touched: set[str] = set()
    existing = {
        row.number: row.id
        for row in conn.execute(select(pr_t.c.id, pr_t.c.number).where(pr_t.c.source_id == sid))
    }
    for pr in prs:
        values = {
            "title": pr.title[:2000],
            "state": pr.state.value,
            "source_branch": pr.source_branch[:500],
            "target_branch": pr.target_branch[:500],
            "author": pr.author[:300],
            "reviewers": [r.as_dict() for r in pr.reviewers],
            "approvals": pr.approvals,
            "reviewer_count": len(pr.reviewers),
            "created_at": pr.created_at,
            "updated_at": pr.updated_at,
            "closed_at": pr.closed_at,
            "repo": pr.repo[:300],
            "url": pr.url[:2000],
        }
        pr_id = existing.get(pr.number)
        if pr_id is None:
            pr_id = _new_id(
                conn.execute(pr_t.insert().values(source_id=sid, number=pr.number, **values))
            )
        else:
            conn.execute(update(pr_t).where(pr_t.c.id == pr_id).values(**values))
            touched |= set(
                conn.execute(select(pr_key_t.c.key).where(pr_key_t.c.pr_id == pr_id)).scalars()
            )
            conn.execute(delete(pr_key_t).where(pr_key_t.c.pr_id == pr_id))
        insert_ignore(conn, pr_key_t, [{"pr_id": pr_id, "key": k} for k in pr.keys])
        touched |= set(pr.keys)
    return touched


def store_devinfo(
    conn: Connection,
    *,
    source_id: int,
    key: str,
    commits: Sequence[RemoteCommit],
    branches: Sequence[RemoteBranch],
    pull_requests: Sequence[PullRequest],
) -> set[str]:
    """Replace what JIRA's development panel says about one key; returns the keys touched."""
    sid = source_id
    touched = {key}
    # Drop this key's previous dev-status links, then write the fresh answer.
    before = set(
        conn.execute(
            select(commit_key_t.c.sha).where(
                commit_key_t.c.key == key, commit_key_t.c.source_id == sid
            )
        ).scalars()
    )
    conn.execute(
        delete(commit_key_t).where(commit_key_t.c.key == key, commit_key_t.c.source_id == sid)
    )
    conn.execute(delete(branch_t).where(branch_t.c.source_id == sid, branch_t.c.key == key))
    pr_ids = select(pr_t.c.id).where(pr_t.c.source_id == sid)
    conn.execute(delete(pr_key_t).where(pr_key_t.c.key == key, pr_key_t.c.pr_id.in_(pr_ids)))
    insert_ignore(
        conn,
        commit_t,
        [
            {
                "source_id": sid,
                "sha": c.sha,
                "subject": c.subject[:2000],
                "author": c.author[:300],
                "email": "",
                "at": c.at,
                "repo": c.repo[:300],
                "url": (c.url or None),
            }
            for c in commits
        ],
    )
    insert_ignore(
        conn,
        commit_key_t,
        [{"source_id": sid, "sha": c.sha, "key": k} for c in commits for k in c.keys],
    )
    insert_ignore(
        conn,
        branch_t,
        [
            {"source_id": sid, "name": b.name[:500], "key": k, "repo": b.repo[:300], "url": b.url}
            for b in branches
            for k in b.keys
        ],
    )
    touched |= {k for c in commits for k in c.keys}
    touched |= {k for b in branches for k in b.keys}
    # PR rows are shared between keys: upsert, then add (not replace) this answer's keys.
    existing = {
        row.number: row.id
        for row in conn.execute(select(pr_t.c.id, pr_t.c.number).where(pr_t.c.source_id == sid))
    }
    for pr in pull_requests:
        keys_before = (
            set(
                conn.execute(
                    select(pr_key_t.c.key).where(pr_key_t.c.pr_id == existing[pr.number])
                ).scalars()
            )
            if pr.number in existing
            else set()
        )
        merged = tuple(sorted(keys_before | set(pr.keys)))
        touched |= store_prs(conn, source_id=sid, prs=[dataclasses.replace(pr, keys=merged)])
    # Commits this key pointed at and no key points at any more are dropped.
    maybe_gone = before - {c.sha for c in commits}
    if maybe_gone:
        still: set[str] = set()
        for chunk in chunks(maybe_gone):
            still |= set(
                conn.execute(
                    select(commit_key_t.c.sha).where(
                        commit_key_t.c.source_id == sid, commit_key_t.c.sha.in_(chunk)
                    )
                ).scalars()
            )
        delete_commits(conn, source_id=sid, shas=maybe_gone - still)
    return touched


# --- automation ----------------------------------------------------------------------


def automation_rules(conn: Connection) -> dict[str, bool]:
    """The stored rules (a rule without a row is off)."""
    return {r.rule: bool(r.enabled) for r in conn.execute(select(automation_t))}


def set_automation_rule(conn: Connection, *, rule: str, enabled: bool) -> None:
    conn.execute(delete(automation_t).where(automation_t.c.rule == rule))
    conn.execute(automation_t.insert().values(rule=rule, enabled=enabled))


def already_fired(conn: Connection, *, rule: str, key: str, trigger: str | None) -> bool:
    """Whether the log has a try of ``rule`` for ``key`` (and ``trigger``, unless None)."""
    stmt = select(automation_log_t.c.id).where(
        automation_log_t.c.rule == rule, automation_log_t.c.key == key
    )
    if trigger is not None:
        stmt = stmt.where(automation_log_t.c.trigger == trigger[:300])
    return conn.execute(stmt.limit(1)).first() is not None


def log_automation(
    conn: Connection,
    *,
    rule: str,
    trigger: str,
    key: str,
    outcome: str,
    reason: str,
    change_id: str | None,
) -> None:
    """Record one automatic move tried, so its trigger fires once."""
    conn.execute(
        automation_log_t.insert().values(
            rule=rule,
            trigger=trigger[:300],
            key=key,
            at=repo.now(),
            outcome=outcome,
            reason=reason,
            change_id=change_id,
        )
    )


# --- one card's links -------------------------------------------------------------------


def card_links(conn: Connection, *, card: Card) -> dict[str, Any]:
    """The commits, branches, PRs and automation log of one card's key."""
    key = card.jira_key
    result: dict[str, Any] = {
        "card_id": card.id,
        "key": key,
        "commits": [],
        "branches": [],
        "pull_requests": [],
        "automation": [],
    }
    if not key:
        return result
    seen: dict[str, dict[str, Any]] = {}
    for row in conn.execute(
        select(commit_t)
        .join(
            commit_key_t,
            (commit_key_t.c.source_id == commit_t.c.source_id)
            & (commit_key_t.c.sha == commit_t.c.sha),
        )
        .where(commit_key_t.c.key == key)
        .order_by(commit_t.c.at.desc())
    ):
        item = seen.get(row.sha)
        if item is None:
            seen[row.sha] = {
                "sha": row.sha,
                "short_sha": row.sha[:10],
                "subject": row.subject,
                "author": row.author,
                "date": repo.utc(row.at),
                "repository": row.repo,
                "url": row.url,
            }
        elif not item["url"] and row.url:
            item["url"] = row.url
    result["commits"] = sorted(seen.values(), key=lambda c: c["date"] or EPOCH, reverse=True)
    result["branches"] = sorted(
        {
            (r.repo, r.name): {"name": r.name, "repository": r.repo, "url": r.url}
            for r in conn.execute(select(branch_t).where(branch_t.c.key == key))
        }.values(),
        key=lambda b: (b["repository"], b["name"]),
    )
    prs: dict[str, dict[str, Any]] = {}
    for row in conn.execute(
        select(pr_t)
        .join(pr_key_t, pr_key_t.c.pr_id == pr_t.c.id)
        .where(pr_key_t.c.key == key)
        .order_by(pr_t.c.updated_at.desc())
    ):
        ident = row.url or f"{row.source_id}:{row.number}"
        prs.setdefault(
            ident,
            {
                "id": row.number.rsplit(":", 1)[-1],
                "title": row.title,
                "state": row.state,
                "source_branch": row.source_branch,
                "target_branch": row.target_branch,
                "author": row.author,
                "reviewers": list(row.reviewers or []),
                "approvals": f"{row.approvals}/{row.reviewer_count}",
                "repository": row.repo,
                "created": repo.utc(row.created_at),
                "updated": repo.utc(row.updated_at),
                "closed": repo.utc(row.closed_at),
                "url": row.url,
            },
        )
    result["pull_requests"] = list(prs.values())
    result["automation"] = [
        {"rule": r.rule, "at": repo.utc(r.at), "outcome": r.outcome, "reason": r.reason}
        for r in conn.execute(
            select(automation_log_t)
            .where(automation_log_t.c.key == key)
            .order_by(automation_log_t.c.id)
        )
    ]
    return result
