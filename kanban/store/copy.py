"""Copying a whole board database into an empty one: the SQL side of ``kanban db copy``.

Every table of the schema (:mod:`kanban.store.schema`: the board, its history
and limit history, links, sync state, notes) is copied row by row with its
ids, parents before children (the foreign keys' order), in batches read from
one consistent view of the source. The target is migrated to the newest
schema inside the same transaction as the rows, so on either database a
failure rolls the whole copy back. PostgreSQL's sequences are then set past
the copied ids, or the next card event would collide with a copied one.

Nothing here commits or opens a connection: the caller (the use case in
:mod:`kanban.services.db_copy`) owns both transactions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, Table, func, insert, inspect, select, text

from kanban.store import db, repo
from kanban.store.schema import metadata

# Rows read and written per round trip: large enough that a 50,000-event
# history is a few dozen statements, small enough to keep memory flat.
BATCH_ROWS = 2000


def tables_in_order() -> list[Table]:
    """Every table of the schema, each after the tables its foreign keys point at."""
    return list(metadata.sorted_tables)


def existing_tables(conn: Connection) -> list[str]:
    """The tables the database holds already (an empty database has none)."""
    return sorted(inspect(conn).get_table_names())


def row_counts(conn: Connection, tables: Sequence[Table]) -> dict[str, int]:
    """How many rows each table holds."""
    return {
        t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in tables
    }


def migrate_in_transaction(conn: Connection) -> str | None:
    """Create the newest schema on ``conn`` inside its open transaction; the revision made."""
    from alembic import command

    command.upgrade(db.alembic_config(conn), "head")
    return db.current_revision(conn)


def _portable(value: Any) -> Any:
    # SQLite hands times back without their zone (all are UTC); PostgreSQL in its
    # session's zone. Both sides get aware UTC, so neither shifts an instant.
    return repo.utc(value) if isinstance(value, datetime) else value


def copy_table(
    source: Connection,
    target: Connection,
    table: Table,
    on_rows: Callable[[int], None] | None = None,
) -> int:
    """Copy every row of ``table``, ids kept, in primary-key order; returns the rows copied.

    ``on_rows`` gets the running total after each batch.
    """
    names = [c.name for c in table.columns]
    # yield_per: a server-side cursor on PostgreSQL, so a long history streams.
    stmt = (
        select(table).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH_ROWS)
    )
    result = source.execute(stmt)
    copied = 0
    for batch in result.partitions():
        rows = [{n: _portable(v) for n, v in zip(names, row, strict=True)} for row in batch]
        target.execute(insert(table), rows)
        copied += len(rows)
        if on_rows is not None:
            on_rows(copied)
    return copied


def _single_integer_key(table: Table) -> str | None:
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and isinstance(keys[0].type, Integer):
        return keys[0].name
    return None


def reset_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """Set each id sequence past the ids copied in (PostgreSQL; SQLite needs none).

    SQLite gives a new row the largest id plus one by itself; PostgreSQL's
    ``serial`` sequences know nothing of ids inserted by value.
    """
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        key = _single_integer_key(table)
        if key is None:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :key), "
                f"COALESCE((SELECT MAX({quote(key)}) FROM {quote(table.name)}), 0) + 1, false)"
            ),
            {"table": quote(table.name), "key": key},
        )
