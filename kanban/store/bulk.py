"""Whole-board rows in and out: the storage side of export, import and reset.

Rows travel as JSON-ready dicts keyed by column name, converted by each
column's SQL type, so a new column in a later schema is carried without
touching this module. ``rows_from_json`` checks every value against its
column (type, NULL, length) and names the offending place, so a hand-edited
or truncated export file is refused with a message instead of half loaded.
Like the repository, nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    TypeDecorator,
    delete,
    func,
    insert,
    select,
)

from kanban.errors import ImportFailed
from kanban.store.schema import metadata
from kanban.store.tables import (
    board_table,
    card_table,
    column_table,
    event_table,
    label_colour_table,
    limit_change_table,
    person_table,
)
from kanban.store.tables_notes import checklist_table, comment_table

# Parents before children: the insert order; deletes run in reverse.
TABLES: tuple[tuple[str, Table], ...] = (
    ("board", board_table),
    ("columns", column_table),
    ("people", person_table),
    ("cards", card_table),
    ("events", event_table),
    ("limit_changes", limit_change_table),
    ("label_colours", label_colour_table),
    ("comments", comment_table),
    ("checklist_items", checklist_table),
)
TABLE_BY_NAME: dict[str, Table] = dict(TABLES)


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def dump_rows(conn: Connection, name: str) -> list[dict[str, Any]]:
    """Every row of one table, ordered by primary key, as JSON-ready dicts."""
    table = TABLE_BY_NAME[name]
    stmt = select(table).order_by(*table.primary_key.columns)
    return [
        {col.name: _to_json(row._mapping[col.name]) for col in table.columns}
        for row in conn.execute(stmt)
    ]


def counts(conn: Connection) -> dict[str, int]:
    """How many rows each table holds."""
    return {
        name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for name, table in TABLES
    }


def _dependents() -> list[Table]:
    """Other features' tables whose rows point at the board's rows (sync state, links).

    They describe cards that a reset removes, so they go too; tables that do
    not refer to the board (connection settings, say) are kept.
    """
    doomed = {table.name for _name, table in TABLES}
    found: list[Table] = []
    for table in metadata.sorted_tables:  # parents first, so dependents are seen in order
        if table.name in doomed:
            continue
        if any(fk.column.table.name in doomed for fk in table.foreign_keys):
            doomed.add(table.name)
            found.append(table)
    return found


def clear(conn: Connection) -> None:
    """Delete the whole board (history, cards, people, columns, settings)."""
    for table in reversed(_dependents()):
        conn.execute(delete(table))
    for _name, table in reversed(TABLES):
        conn.execute(delete(table))


def insert_rows(conn: Connection, name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows produced by :func:`rows_from_json`, keeping their ids."""
    if rows:
        conn.execute(insert(TABLE_BY_NAME[name]), list(rows))


def _bad(where: str, what: str) -> ImportFailed:
    return ImportFailed(f"{where}: {what}; nothing was imported. Fix the file or export it again.")


def _value_from_json(column: Any, value: Any, where: str) -> Any:
    kind = column.type
    if isinstance(kind, TypeDecorator):  # SQLModel's AutoString wraps String
        kind = kind.impl_instance
    if value is None:
        if not column.nullable and not column.primary_key:
            raise _bad(where, "must not be null")
        return None
    if isinstance(kind, DateTime):
        if not isinstance(value, str):
            raise _bad(where, f"expected a date and time, got {value!r}")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise _bad(where, f"'{value}' is not an ISO date and time") from None
        # Stored as UTC: SQLite keeps no time zone, so convert before writing.
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(kind, Date):
        if not isinstance(value, str):
            raise _bad(where, f"expected a date, got {value!r}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise _bad(where, f"'{value}' is not an ISO date (YYYY-MM-DD)") from None
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise _bad(where, f"expected true or false, got {value!r}")
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(where, f"expected a whole number, got {value!r}")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(where, f"expected a number, got {value!r}")
        return float(value)
    if isinstance(kind, JSON):
        if not isinstance(value, list | dict):
            raise _bad(where, f"expected a list or an object, got {value!r}")
        return value
    if isinstance(kind, String):
        if not isinstance(value, str):
            raise _bad(where, f"expected text, got {value!r}")
        if kind.length is not None and len(value) > kind.length:
            raise _bad(where, f"is {len(value):,} characters, over the limit of {kind.length}")
        return value
    return value


def rows_from_json(name: str, rows: Any) -> list[dict[str, Any]]:
    """Check and convert the JSON rows of one table into insertable values.

    Raises:
        ImportFailed: naming the table, row and field that is wrong.
    """
    table = TABLE_BY_NAME[name]
    if not isinstance(rows, list):
        raise _bad(name, "expected a list")
    known = {c.name for c in table.columns}
    result: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        where = f"{name}[{i}]"
        if not isinstance(row, dict):
            raise _bad(where, "expected an object")
        unknown = sorted(set(row) - known)
        if unknown:
            raise _bad(where, f"unknown field(s) {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for column in table.columns:
            if column.name not in row:
                if column.nullable and not column.primary_key:
                    values[column.name] = None
                    continue
                raise _bad(f"{where}.{column.name}", "is missing")
            values[column.name] = _value_from_json(
                column, row[column.name], f"{where}.{column.name}"
            )
        result.append(values)
    return result
