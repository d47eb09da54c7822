"""Many new cards at once: what their checks read once, and one insert for all.

The CSV import (:mod:`kanban.services.csv_import`) adds a whole spreadsheet in
one transaction. Instead of the queries :func:`kanban.store.repo.cell_end` and
:func:`kanban.store.repo.card_with_key` per card, it reads each cell's end and
the JIRA keys in use once from here, keeps them current in memory, and inserts
the cards with one executemany. Like the repository, nothing here commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from kanban.store import repo
from kanban.store.tables import card_table as card_t


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


def insert_cards(conn: Connection, cards: Sequence[dict[str, Any]]) -> None:
    """Insert complete card rows (every column given) in one executemany."""
    if cards:
        # Times as UTC, as repo.insert_card stores them (SQLite keeps no zone).
        rows = [
            {k: repo.utc(v) if isinstance(v, datetime) else v for k, v in card.items()}
            for card in cards
        ]
        conn.execute(insert(card_t), rows)
