"""Many new cards at once: what their checks read once, and one insert for all.

The CSV import (:mod:`kanban.services.csv_import`) adds a whole spreadsheet in
one transaction. Instead of the queries :func:`kanban.store.repo.cell_end` and
:func:`kanban.store.repo.card_with_key` per card, it reads each cell's end and
the JIRA keys in use once from here, keeps them current in memory, and inserts
the cards and their events with one executemany each. Like the repository,
nothing here commits.
"""

from __future__ import annotations

import contextlib
import operator
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

from kanban.store import repo
from kanban.store.tables import card_table as card_t
from kanban.store.tables import event_table as event_t


def cell_ends(conn: Connection) -> dict[tuple[int, int | None], int]:
    """Each cell's next free position (its last live position plus one), in one query.

    The same number :func:`kanban.store.repo.cell_end` gives for one cell; a
    cell that is missing here is empty (its end is 0).
    """
    stmt = (
        select(card_t.c.column_id, card_t.c.person_id, func.max(card_t.c.position))
        .where(card_t.c.archived.is_(False))
        .group_by(card_t.c.column_id, card_t.c.person_id)
    )
    return {(column, person): int(last) + 1 for column, person, last in conn.execute(stmt)}


def jira_key_titles(conn: Connection) -> dict[str, str]:
    """The JIRA keys on the board's cards (as stored, upper case), each with its card's title."""
    stmt = select(card_t.c.jira_key, card_t.c.title).where(card_t.c.jira_key.is_not(None))
    return {row.jira_key: row.title for row in conn.execute(stmt)}


@contextlib.contextmanager
def roomy_cache(conn: Connection, mebibytes: int = 256) -> Iterator[None]:
    """A larger SQLite page cache for the block, then the one the connection had.

    Inserting 100,000 cards and events updates indexes on random UUIDs (card
    ids, change ids); with SQLite's default 2 MB cache most of those inserts
    read their page back from the file again. The cache is memory only as far
    as it is used, and nothing of it outlives the block.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    (before,) = conn.exec_driver_sql("PRAGMA cache_size").one()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-1024 * mebibytes}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


def insert_cards(conn: Connection, cards: Sequence[dict[str, Any]]) -> None:
    """Insert complete card rows (every column given) in one executemany."""
    # Times as UTC, as repo.insert_card stores them (SQLite keeps no zone).
    rows = [
        {k: repo.utc(v) if isinstance(v, datetime) else v for k, v in card.items()}
        for card in cards
    ]
    insert_many(conn, card_t, rows)


def insert_events(conn: Connection, events: Sequence[dict[str, Any]]) -> None:
    """Insert new history events (rows of ``UnitOfWork.event_row``, times in UTC)."""
    insert_many(conn, event_t, events)


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """``INSERT`` rows that all have the same keys, in one executemany.

    The statement SQLAlchemy compiles for this database and each column
    type's own bind processor, as ``conn.execute(insert(table), rows)`` uses;
    but the values are converted here in one pass (None stays NULL), which
    saves a third of the time SQLAlchemy's per-row parameter handling takes
    for 100,000 rows.
    """
    if not rows:
        return
    names = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=names)
    binds = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    keys = [compiled.binds[name].key for name in binds]
    if sorted(keys) != sorted(names):  # a default of the table's own: let SQLAlchemy fill it
        conn.execute(insert(table), list(rows))
        return
    dialect = conn.dialect
    converters = [
        (i, proc)
        for i, key in enumerate(keys)
        if (proc := table.c[key].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    values_of = operator.itemgetter(*keys)
    params: list[Any] = []
    for row in rows:
        values = list(values_of(row)) if len(keys) > 1 else [values_of(row)]
        for i, proc in converters:
            if values[i] is not None:
                values[i] = proc(values[i])
        params.append(
            tuple(values) if compiled.positional else dict(zip(binds, values, strict=True))
        )
    conn.exec_driver_sql(compiled.string, params)
