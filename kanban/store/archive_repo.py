"""Queries about archived cards: when each was archived, and by whom.

A card is archived by the archive use case, by the sync (its issue left the
query) or by undoing a restore; each leaves an event whose ``after`` has
``archived: true``. The last such event of each archived card answers the
question. Nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, select

from kanban.domain.model import EventKind
from kanban.store.repo import utc
from kanban.store.tables import card_table as card_t
from kanban.store.tables import event_table as event_t

_MAY_ARCHIVE = (EventKind.ARCHIVED.value, EventKind.UNDO.value, EventKind.REDO.value)


def last_archived(conn: Connection) -> dict[str, tuple[datetime, str]]:
    """Card id → (when, who) of the change that last archived each archived card."""
    archived_ids = select(card_t.c.id).where(card_t.c.archived.is_(True))
    stmt = (
        select(event_t.c.card_id, event_t.c.at, event_t.c.actor, event_t.c.after)
        .where(event_t.c.card_id.in_(archived_ids), event_t.c.kind.in_(_MAY_ARCHIVE))
        .order_by(event_t.c.id)
    )
    found: dict[str, tuple[datetime, str]] = {}
    for row in conn.execute(stmt):
        after = json.loads(row.after) if isinstance(row.after, str | bytes) else row.after
        if isinstance(after, dict) and after.get("archived") is True:
            found[row.card_id] = (utc(row.at), row.actor)
    return found
