"""Queries of a card's comments and checklist: rows in, domain objects out.

Keyword-only functions over an open connection that never commit, like
:mod:`kanban.store.repo`. Comments are soft-deleted (``deleted_at``) so that a
deletion can still reach JIRA; every read here leaves tombstones out unless it
says otherwise. The board's card faces read one count query per table
(:func:`note_counts`), never the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, case, delete, func, insert, select, update

from kanban.domain.notes import ChecklistItem, Comment
from kanban.errors import NotFound, UserError
from kanban.store.repo import utc
from kanban.store.tables_notes import checklist_table as check_t
from kanban.store.tables_notes import comment_table as comment_t

# --- comments -----------------------------------------------------------------------


def _comment(row: Any) -> Comment:
    return Comment(
        id=row.id,
        card_id=row.card_id,
        author=row.author,
        body=row.body,
        created_at=utc(row.created_at),
        updated_at=utc(row.updated_at),
        revision=row.revision,
        jira_id=row.jira_id,
        conflict=row.conflict,
    )


def comments(conn: Connection, *, card_id: str) -> list[Comment]:
    """A card's comments, oldest first (tombstones left out)."""
    stmt = (
        select(comment_t)
        .where(and_(comment_t.c.card_id == card_id, comment_t.c.deleted_at.is_(None)))
        .order_by(comment_t.c.created_at, comment_t.c.id)
    )
    return [_comment(r) for r in conn.execute(stmt)]


def comment_row(conn: Connection, *, comment_id: int) -> Any:
    """The whole row of a comment (tombstone or not), None if there is none."""
    return conn.execute(select(comment_t).where(comment_t.c.id == comment_id)).first()


def get_comment(conn: Connection, *, comment_id: int, card_id: str | None = None) -> Comment:
    """A live comment by id; NotFound names the comment when it is gone."""
    row = comment_row(conn, comment_id=comment_id)
    if row is None or row.deleted_at is not None or (card_id and row.card_id != card_id):
        raise NotFound(
            f"There is no comment #{comment_id} on this card (it may have been deleted); "
            "list them with 'kanban comments KEY'."
        )
    return _comment(row)


def insert_comment(conn: Connection, *, values: dict[str, Any]) -> int:
    result = conn.execute(insert(comment_t).values(**values))
    pk = result.inserted_primary_key
    assert pk is not None
    return int(pk[0])


def update_comment(
    conn: Connection, *, comment_id: int, values: dict[str, Any], revision: int | None = None
) -> None:
    """Write a comment's values; with ``revision``, only if nobody wrote it since."""
    stmt = update(comment_t).where(comment_t.c.id == comment_id)
    if revision is not None:
        stmt = stmt.where(comment_t.c.revision == revision)
        values = {**values, "revision": revision + 1}
    result = conn.execute(stmt.values(**values))
    if revision is not None and result.rowcount != 1:
        raise UserError(
            f"Comment #{comment_id} was changed by someone else since you opened it; "
            "nothing was overwritten. Reload the card and edit it again."
        )


def comment_rows_for(conn: Connection, *, card_ids: Iterable[str]) -> dict[str, list[Any]]:
    """Every comment row (tombstones too) of these cards, for the sync."""
    wanted = list(set(card_ids))
    out: dict[str, list[Any]] = {cid: [] for cid in wanted}
    for i in range(0, len(wanted), 500):
        stmt = (
            select(comment_t)
            .where(comment_t.c.card_id.in_(wanted[i : i + 500]))
            .order_by(comment_t.c.id)
        )
        for row in conn.execute(stmt):
            out[row.card_id].append(row)
    return out


def cards_with_unsent_comments(conn: Connection) -> set[str]:
    """Cards holding a comment change JIRA has not had yet (new, edited, deleted).

    A comment in conflict waits for a person, so it is not counted.
    """
    live = comment_t.c.deleted_at.is_(None)
    owes = (
        and_(live, comment_t.c.jira_id.is_(None))
        | and_(live, comment_t.c.jira_id.is_not(None), comment_t.c.body != comment_t.c.base_body)
        | and_(~live, comment_t.c.jira_id.is_not(None))
    )
    stmt = select(comment_t.c.card_id).where(and_(owes, comment_t.c.conflict.is_(None))).distinct()
    return {r[0] for r in conn.execute(stmt)}


def comment_conflicts(conn: Connection) -> list[Comment]:
    stmt = select(comment_t).where(comment_t.c.conflict.is_not(None)).order_by(comment_t.c.id)
    return [_comment(r) for r in conn.execute(stmt) if r.conflict is not None]


# --- checklist ----------------------------------------------------------------------


def _item(row: Any) -> ChecklistItem:
    return ChecklistItem(
        id=row.id,
        card_id=row.card_id,
        position=row.position,
        text=row.text,
        done=bool(row.done),
        done_at=utc(row.done_at),
    )


def checklist(conn: Connection, *, card_id: str) -> list[ChecklistItem]:
    """A card's checklist in order."""
    stmt = (
        select(check_t)
        .where(check_t.c.card_id == card_id)
        .order_by(check_t.c.position, check_t.c.id)
    )
    return [_item(r) for r in conn.execute(stmt)]


def insert_item(conn: Connection, *, values: dict[str, Any]) -> int:
    result = conn.execute(insert(check_t).values(**values))
    pk = result.inserted_primary_key
    assert pk is not None
    return int(pk[0])


def update_item(conn: Connection, *, item_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(check_t).where(check_t.c.id == item_id).values(**values))


def delete_item(conn: Connection, *, item_id: int) -> None:
    conn.execute(delete(check_t).where(check_t.c.id == item_id))


def renumber(conn: Connection, *, order: list[int]) -> None:
    """Give the items of one card the positions 0, 1, … in ``order``."""
    for pos, item_id in enumerate(order):
        conn.execute(update(check_t).where(check_t.c.id == item_id).values(position=pos))


# --- the card faces, the export, clearing a board ---------------------------------------


def note_counts(conn: Connection) -> tuple[dict[str, int], dict[str, tuple[int, int]]]:
    """(card id → live comments, card id → (ticked, total) checklist items) in two queries."""
    comments_n = {
        r[0]: int(r[1])
        for r in conn.execute(
            select(comment_t.c.card_id, func.count())
            .where(comment_t.c.deleted_at.is_(None))
            .group_by(comment_t.c.card_id)
        )
    }
    checks = {
        r[0]: (int(r[1] or 0), int(r[2]))
        for r in conn.execute(
            select(
                check_t.c.card_id,
                func.sum(case((check_t.c.done.is_(True), 1), else_=0)),
                func.count(),
            ).group_by(check_t.c.card_id)
        )
    }
    return comments_n, checks


def all_comments(conn: Connection) -> list[Comment]:
    stmt = (
        select(comment_t)
        .where(comment_t.c.deleted_at.is_(None))
        .order_by(comment_t.c.card_id, comment_t.c.created_at, comment_t.c.id)
    )
    return [_comment(r) for r in conn.execute(stmt)]


def all_items(conn: Connection) -> list[ChecklistItem]:
    stmt = select(check_t).order_by(check_t.c.card_id, check_t.c.position, check_t.c.id)
    return [_item(r) for r in conn.execute(stmt)]


def delete_all(conn: Connection) -> None:
    """Remove every comment and checklist item (before the cards go, for a board replace)."""
    conn.execute(delete(comment_t))
    conn.execute(delete(check_t))
