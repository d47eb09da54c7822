"""Queries over the sync tables (``kanban.store.tables_sync``): links, open items, runs, meta.

Keyword-only, connection passed in, never committing, like
``kanban.store.repo``: the service decides the transaction, so a card change
and its ``sync_link`` row can be written together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from kanban.domain.model import Card
from kanban.domain.sync_states import ItemKind, RunStatus
from kanban.store.repo import card_from_row, card_t, now, utc
from kanban.store.tables_sync import (
    sync_item_table as item_t,
)
from kanban.store.tables_sync import (
    sync_link_table as link_t,
)
from kanban.store.tables_sync import (
    sync_meta_table as meta_t,
)
from kanban.store.tables_sync import (
    sync_run_table as run_t,
)


@dataclass(frozen=True, slots=True)
class Link:
    card_id: str
    ident: str
    issue_key: str | None
    issue_id: str | None
    origin: str
    issue_updated: str | None
    card_revision: int
    base: dict[str, Any]
    info: dict[str, Any]
    synced_at: datetime | None
    needs_push: bool = False  # a change the sync owes JIRA; see tables_sync


@dataclass(frozen=True, slots=True)
class Item:
    """A queued push or a conflict on one field of one card."""

    id: int
    card_id: str
    field: str
    kind: ItemKind
    values: dict[str, Any]
    message: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    started_at: datetime
    finished_at: datetime | None
    mode: str
    status: RunStatus
    counts: dict[str, Any]
    message: str | None


def _link(row: Any) -> Link:
    return Link(
        card_id=row.card_id,
        ident=row.ident,
        issue_key=row.issue_key,
        issue_id=row.issue_id,
        origin=row.origin,
        issue_updated=row.issue_updated,
        card_revision=row.card_revision,
        base=dict(row.base or {}),
        info=dict(row.info or {}),
        synced_at=utc(row.synced_at),
        needs_push=bool(row.needs_push),
    )


def _required_time(value: Any) -> datetime:
    """A NOT NULL timestamp column, as an aware UTC datetime."""
    at = utc(value)
    if at is None:
        raise RuntimeError("a required timestamp of the sync tables is empty")
    return at


def load_links(conn: Connection) -> dict[str, Link]:
    """Every link by card id."""
    return {r.card_id: _link(r) for r in conn.execute(select(link_t))}


def get_link(conn: Connection, *, card_id: str) -> Link | None:
    row = conn.execute(select(link_t).where(link_t.c.card_id == card_id)).first()
    return _link(row) if row else None


def save_link(
    conn: Connection,
    *,
    card_id: str,
    ident: str,
    issue_key: str | None,
    issue_id: str | None,
    origin: str,
    issue_updated: str | None,
    card_revision: int,
    base: dict[str, Any],
    info: dict[str, Any] | None = None,
    needs_push: bool = False,
) -> None:
    """Insert or replace the link of ``card_id``."""
    values = {
        "needs_push": needs_push,
        "ident": ident,
        "issue_key": issue_key,
        "issue_id": issue_id,
        "origin": origin,
        "issue_updated": issue_updated,
        "card_revision": card_revision,
        "base": base,
        "info": info or {},
        "synced_at": now(),
    }
    done = conn.execute(update(link_t).where(link_t.c.card_id == card_id).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(link_t).values(card_id=card_id, **values))


def update_link(conn: Connection, *, card_id: str, values: dict[str, Any]) -> None:
    conn.execute(update(link_t).where(link_t.c.card_id == card_id).values(**values))


def delete_link(conn: Connection, *, card_id: str) -> None:
    conn.execute(delete(link_t).where(link_t.c.card_id == card_id))


# --- items -------------------------------------------------------------------


def _item(row: Any) -> Item:
    return Item(
        id=row.id,
        card_id=row.card_id,
        field=row.field,
        kind=ItemKind(row.kind),
        values=dict(row.values or {}),
        message=row.message,
        attempts=row.attempts,
        created_at=_required_time(row.created_at),
        updated_at=_required_time(row.updated_at),
    )


def list_items(conn: Connection, *, card_id: str | None = None) -> list[Item]:
    stmt = select(item_t).order_by(item_t.c.card_id, item_t.c.field)
    if card_id is not None:
        stmt = stmt.where(item_t.c.card_id == card_id)
    return [_item(r) for r in conn.execute(stmt)]


def put_item(
    conn: Connection,
    *,
    card_id: str,
    field: str,
    kind: ItemKind,
    values: dict[str, Any],
    message: str | None,
) -> None:
    """Record (or refresh) the open problem of one field; attempts count pushes tried."""
    at = now()
    row = conn.execute(
        select(item_t.c.id, item_t.c.attempts).where(
            and_(item_t.c.card_id == card_id, item_t.c.field == field)
        )
    ).first()
    attempts = (row.attempts if row else 0) + (1 if kind is ItemKind.QUEUED else 0)
    if row:
        conn.execute(
            update(item_t)
            .where(item_t.c.id == row.id)
            .values(kind=kind, values=values, message=message, attempts=attempts, updated_at=at)
        )
    else:
        conn.execute(
            insert(item_t).values(
                card_id=card_id,
                field=field,
                kind=kind,
                values=values,
                message=message,
                attempts=attempts,
                created_at=at,
                updated_at=at,
            )
        )


def clear_items(
    conn: Connection,
    *,
    card_id: str,
    fields: Iterable[str] | None = None,
    kind: ItemKind | None = None,
) -> int:
    stmt = delete(item_t).where(item_t.c.card_id == card_id)
    if fields is not None:
        stmt = stmt.where(item_t.c.field.in_(list(fields)))
    if kind is not None:
        stmt = stmt.where(item_t.c.kind == kind)
    return int(conn.execute(stmt).rowcount or 0)


def item_cards(conn: Connection) -> set[str]:
    return {r[0] for r in conn.execute(select(item_t.c.card_id).distinct())}


# --- runs ----------------------------------------------------------------------


def _run(row: Any) -> Run:
    return Run(
        id=row.id,
        started_at=_required_time(row.started_at),
        finished_at=utc(row.finished_at),
        mode=row.mode,
        status=RunStatus(row.status),
        counts=dict(row.counts or {}),
        message=row.message,
    )


def start_run(conn: Connection, *, mode: str, started_at: datetime) -> int:
    result = conn.execute(
        insert(run_t).values(
            started_at=started_at, mode=mode, status=RunStatus.RUNNING.value, counts={}
        )
    )
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the database gave no id for the new sync run")
    return int(key[0])


def finish_run(
    conn: Connection,
    *,
    run_id: int,
    status: RunStatus,
    counts: dict[str, Any],
    message: str | None,
) -> None:
    conn.execute(
        update(run_t)
        .where(run_t.c.id == run_id)
        .values(status=status.value, counts=counts, message=message, finished_at=now())
    )


def last_run(
    conn: Connection, *, status: RunStatus | None = None, mode: str | None = None
) -> Run | None:
    stmt = select(run_t).order_by(run_t.c.id.desc()).limit(1)
    if status is not None:
        stmt = stmt.where(run_t.c.status == status)
    if mode is not None:
        stmt = stmt.where(run_t.c.mode == mode)
    row = conn.execute(stmt).first()
    return _run(row) if row else None


def run_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(run_t)).scalar_one())


# --- meta ------------------------------------------------------------------------


def get_meta(conn: Connection, *, key: str, default: Any = None) -> Any:
    row = conn.execute(select(meta_t.c.value).where(meta_t.c.key == key)).first()
    return default if row is None or row[0] is None else row[0]


def set_meta(conn: Connection, *, key: str, value: Any) -> None:
    done = conn.execute(update(meta_t).where(meta_t.c.key == key).values(value=value))
    if done.rowcount == 0:
        conn.execute(insert(meta_t).values(key=key, value=value))


def cards_by_keys(conn: Connection, keys: Iterable[str]) -> dict[str, Card]:
    """Cards (archived too) carrying one of these JIRA keys."""
    wanted = sorted(set(keys))
    out: dict[str, Card] = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        for row in conn.execute(select(card_t).where(card_t.c.jira_key.in_(chunk))):
            card = card_from_row(row)
            out[card.jira_key or ""] = card
    return out


def card_revisions(conn: Connection) -> dict[str, int]:
    """Live cards' revisions, without loading the cards."""
    stmt = select(card_t.c.id, card_t.c.revision).where(card_t.c.archived.is_(False))
    return {r[0]: r[1] for r in conn.execute(stmt)}


def links_for(conn: Connection, *, keys: Iterable[str], idents: Iterable[str]) -> list[Link]:
    """The links of these issue keys or idents (one page of a search at a time)."""
    # Two indexed look-ups: "key IN ... OR ident IN ..." made SQLite scan the table.
    found = {
        r.card_id: r for r in conn.execute(select(link_t).where(link_t.c.issue_key.in_(list(keys))))
    }
    idents = list(idents)
    if idents:
        for r in conn.execute(select(link_t).where(link_t.c.ident.in_(idents))):
            found[r.card_id] = r
    return [_link(r) for r in found.values()]


def insert_links(conn: Connection, *, rows: list[dict[str, Any]]) -> None:
    """Insert new links in one statement (a first pull creates thousands)."""
    if rows:
        at = now()
        conn.execute(insert(link_t), [{**r, "synced_at": at} for r in rows])


def insert_cards(conn: Connection, *, rows: list[dict[str, Any]]) -> None:
    """Insert card rows in one executemany; the caller made them exactly as the service does."""
    conn.execute(insert(card_t), rows)


@dataclass(frozen=True, slots=True)
class LinkMark:
    """What the local pass needs of a link: is the card changed since it was agreed?"""

    card_id: str
    issue_key: str | None
    card_revision: int
    needs_push: bool


def link_marks(conn: Connection) -> list[LinkMark]:
    """Every link's card, key, agreed revision and owed-push flag, cheaply."""
    stmt = select(link_t.c.card_id, link_t.c.issue_key, link_t.c.card_revision, link_t.c.needs_push)
    return [LinkMark(r[0], r[1], r[2], bool(r[3])) for r in conn.execute(stmt)]
