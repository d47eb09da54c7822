"""Queries for the board's label colours (the ``label_colour`` table).

A board gives each label at most one colour; a label without a row is drawn
in the default chip colour. Labels are matched as written on the cards, so
"Storage" and "storage" can differ, as they do on the cards. Like the rest of
the store, nothing here commits: the caller owns the transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from kanban.store.tables import board_table as board_t
from kanban.store.tables import label_colour_table as label_colour_t


def _board_id(conn: Connection) -> int | None:
    return conn.execute(select(board_t.c.id).order_by(board_t.c.id).limit(1)).scalar()


def label_colours(conn: Connection) -> dict[str, str]:
    """Label → colour (``#rrggbb``) for the labels the board gave a colour."""
    board_id = _board_id(conn)
    if board_id is None:
        return {}
    rows = conn.execute(
        select(label_colour_t.c.label, label_colour_t.c.colour)
        .where(label_colour_t.c.board_id == board_id)
        .order_by(label_colour_t.c.label)
    )
    return {row.label: row.colour for row in rows}


def set_label_colour(conn: Connection, *, label: str, colour: str | None) -> None:
    """Give ``label`` its colour; None takes the colour away (the default again)."""
    board_id = _board_id(conn)
    if board_id is None:
        raise RuntimeError("The board has no settings row; open_database seeds one.")
    where = (label_colour_t.c.board_id == board_id) & (label_colour_t.c.label == label)
    if colour is None:
        conn.execute(delete(label_colour_t).where(where))
        return
    changed = conn.execute(update(label_colour_t).where(where).values(colour=colour)).rowcount
    if not changed:
        conn.execute(
            insert(label_colour_t).values(board_id=board_id, label=label, colour=colour)
        )
