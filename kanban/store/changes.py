"""Commit notification: every committed write tells the board's other clients.

Every change of the board is written in :func:`kanban.store.db.write_transaction`
(the services' ``writing()`` and ``batch()``, the sync, the links scan, the
command line), which marks its connection with the ``kanban_write`` execution
option. On PostgreSQL, a listener on every engine's ``commit`` event sends
``NOTIFY`` on the board's channel (:data:`CHANNEL`) inside such a transaction
just before it commits: the server delivers it when, and only when, the commit
succeeds, so a rolled-back change wakes nobody and a committed one is never
missed by a client that was listening. Reads send nothing (a window reloading
after a notification must not wake the others again).

A window ``LISTEN``s on its own connection (:class:`Listener`, driven by a
thread in :mod:`kanban.ui.live`). On SQLite the same signal comes from the
database file itself: each commit appends to its write-ahead log, which the
window watches. Either way the window then runs the cheap check
:func:`change_marker` and reloads only when it moved; when only cards moved,
:func:`cards_changed_since` reads just those cards and the cells they left or
joined (a few rows instead of the whole board), and :func:`apply_changes`
puts them into the snapshot on screen.

The listener is registered on import of :mod:`kanban.store` (its package
``__init__``), so no engine can be made without it.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, and_, event, or_, select

from kanban.domain.model import BoardSnapshot, Card
from kanban.store import repo
from kanban.store.tables import card_table, event_table

log = logging.getLogger(__name__)

# One board per database, and PostgreSQL's notifications are per database, so
# one fixed channel name is the board's own.
CHANNEL = "kanban_board"
_NOTIFY = f"NOTIFY {CHANNEL}"
_WRITE_OPTION = "kanban_write"  # kanban.store.db.WRITE_OPTION (db imports this package)


def _notify_before_commit(conn: Connection) -> None:
    if conn.dialect.name != "postgresql" or not conn.get_execution_options().get(_WRITE_OPTION):
        return
    # Still inside the transaction: queued by the server, sent at COMMIT.
    conn.exec_driver_sql(_NOTIFY)


event.listen(Engine, "commit", _notify_before_commit)


Marker = tuple[Any, ...]


def change_marker(conn: Connection) -> Marker:
    """What a snapshot shows that any change moves, read in one transaction.

    A card change appends an event (its id is the marker); columns, people,
    rules and the board's name append none, so their few rows are compared
    whole. Compare with :func:`snapshot_marker` of the snapshot on screen.
    """
    name, grouping, rules = repo.load_rules(conn)
    return (
        repo.last_event_id(conn),
        tuple(repo.list_columns(conn)),
        tuple(repo.list_people(conn)),
        name,
        grouping,
        rules,
    )


def snapshot_marker(snapshot: BoardSnapshot) -> Marker:
    """The :func:`change_marker` of the board when ``snapshot`` was read."""
    return (
        snapshot.last_event_id,
        snapshot.columns,
        snapshot.people,
        snapshot.name,
        snapshot.grouping,
        snapshot.rules,
    )


# More changed cards than this since the snapshot: reading the whole board is
# as quick as picking them out (a sync or an import).
MAX_CHANGED_CARDS = 200


@dataclass(frozen=True, slots=True)
class CardChanges:
    """The cards that changed since a snapshot, to put into it (:func:`apply_changes`).

    ``cards`` holds each changed card that is still on the board and every card
    of the cells they left or joined (their neighbours' positions moved too);
    ``gone`` the changed cards that were archived or deleted.
    """

    last_event_id: int
    cards: tuple[Card, ...] = ()
    gone: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.cards or self.gone)


def _cell_clause(column_id: int, person_id: int | None) -> Any:
    person = card_table.c.person_id
    return and_(
        card_table.c.column_id == column_id,
        person.is_(None) if person_id is None else person == person_id,
    )


def cards_changed_since(conn: Connection, snapshot: BoardSnapshot) -> CardChanges | None:
    """What changed since ``snapshot`` was read, when only cards did; None: read it all.

    None when anything but cards changed (columns, people, rules, the board's
    name), or too many cards for picking them out to pay. Falsy (no cards)
    when nothing changed at all.
    """
    marker = change_marker(conn)
    if marker[1:] != snapshot_marker(snapshot)[1:]:
        return None
    last = int(marker[0])
    if last == snapshot.last_event_id:
        return CardChanges(last)
    event_t = event_table
    ids = set(
        conn.execute(
            select(event_t.c.card_id)
            .where(event_t.c.id > snapshot.last_event_id, event_t.c.id <= last)
            .distinct()
        ).scalars()
    )
    if len(ids) > MAX_CHANGED_CARDS:
        return None
    card_t = card_table
    changed = [
        repo.card_from_row(r) for r in conn.execute(select(card_t).where(card_t.c.id.in_(ids)))
    ]
    on_screen = {c.id: c for c in snapshot.cards if c.id in ids}
    cells = {c.cell for c in on_screen.values()} | {c.cell for c in changed if not c.archived}
    cards: dict[str, Card] = {}
    if cells:
        stmt = select(card_t).where(
            card_t.c.archived.is_(False), or_(*(_cell_clause(col, person) for col, person in cells))
        )
        cards = {c.id: c for c in map(repo.card_from_row, conn.execute(stmt))}
    gone = frozenset(ids - cards.keys())
    return CardChanges(last, tuple(cards.values()), gone)


def apply_changes(snapshot: BoardSnapshot, changes: CardChanges) -> BoardSnapshot:
    """``snapshot`` with ``changes`` put in: as if it had been read after them."""
    cards = {c.id: c for c in snapshot.cards}
    for card_id in changes.gone:
        cards.pop(card_id, None)
    cards.update((c.id, c) for c in changes.cards)
    return dataclasses.replace(
        snapshot, cards=tuple(cards.values()), last_event_id=changes.last_event_id
    )


class Listener:
    """A connection of its own that ``LISTEN``s on the board's channel (PostgreSQL only).

    Not thread-safe: one thread connects, waits and closes it. The connection
    is made with the engine's own parameters (host, password from the keyring,
    TLS settings), in autocommit mode so that notifications arrive at once.

    Args:
        engine: the board's engine (its URL and driver settings are used;
            none of its pooled connections).
        connect_timeout: seconds to wait for the server before giving up.
    """

    def __init__(self, engine: Engine, *, connect_timeout: float = 5.0) -> None:
        self.engine = engine
        self.connect_timeout = connect_timeout
        self._conn: Any = None

    @staticmethod
    def supported(engine: Engine) -> bool:
        """Whether this engine's server can notify (PostgreSQL through psycopg 3)."""
        return engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"

    def connect(self) -> None:
        """Connect and start listening; raises the driver's error when the server is gone."""
        import psycopg

        self.close()
        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        params = dict(cparams)
        params.setdefault("connect_timeout", max(1, round(self.connect_timeout)))
        params.setdefault("application_name", "kanban-listener")
        conn = psycopg.connect(*cargs, autocommit=True, **params)
        try:
            conn.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def wait(self, timeout: float) -> int:
        """Wait up to ``timeout`` seconds; the number of notifications that came (0: none).

        Notifications that arrive together (a sync or an import commits many
        changes) are drained and counted as one wake-up's worth. Raises the
        driver's error when the connection is lost.
        """
        if self._conn is None:
            raise RuntimeError("Listener.wait() before connect()")
        count = 0
        for _note in self._conn.notifies(timeout=timeout, stop_after=1):
            count += 1
        if count:
            # Whatever else is already queued, without waiting again.
            for _note in self._conn.notifies(timeout=0):
                count += 1
        return count

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception as exc:  # a dead connection may fail to close: it is gone anyway
                log.debug("Closing the board listener's connection failed: %r", exc)
