"""The start and done times of the finished cards, for the board's service level.

The board reads its SLE (85th percentile cycle time) with every load of the
window; two columns of the finished cards are all it needs, so this reads those
alone instead of every card with all its fields (at 5,000 cards a tenth of the
cost). Like the rest of the store, nothing here commits.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, String, select, type_coerce

from kanban.store.repo import utc
from kanban.store.tables import card_table as card_t


def finished_spans(conn: Connection) -> list[tuple[datetime, datetime]]:
    """(started_at, done_at) in UTC of every card with both, archived ones too."""
    # As text, parsed by the C parser (as the snapshot's cards are): SQLAlchemy's
    # own SQLite datetime parsing is a regular expression per value.
    started = type_coerce(card_t.c.started_at, String)
    done = type_coerce(card_t.c.done_at, String)
    rows = conn.execute(
        select(started, done).where(card_t.c.started_at.is_not(None), card_t.c.done_at.is_not(None))
    )
    return [(utc(start), utc(end)) for start, end in rows]
