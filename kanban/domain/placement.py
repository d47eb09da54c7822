"""Where a card lands when it moves: the placement fields a move writes.

Pure: the board's moves and the JIRA sync both compute a move's values here,
so a card's start, done and column-since times follow one set of rules.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from kanban.domain.model import Card, Column, ColumnKind


def placement_values(
    card: Card,
    target: Column,
    person_id: int | None,
    position: int | None,
    at: datetime,
) -> dict[str, Any]:
    """The values that put ``card`` in ``target`` (and ``person_id``'s lane) at ``at``.

    A pool card belongs to no lane but keeps ``person_id`` as its owner;
    entering a new column restarts its column time, the first non-pool column
    starts it, a done column finishes it and leaving done reopens it.
    ``position`` None means the end of the cell.
    """
    values: dict[str, Any] = {
        "column_id": target.id,
        "person_id": None if target.kind is ColumnKind.POOL else person_id,
        "owner_id": person_id,
        "position": position,
    }
    if target.id != card.column_id:
        values["column_since"] = at
        if target.kind is not ColumnKind.POOL and card.started_at is None:
            values["started_at"] = at
        if target.kind is ColumnKind.DONE:
            values["done_at"] = at
        elif card.done_at is not None:
            values["done_at"] = None
    return values
