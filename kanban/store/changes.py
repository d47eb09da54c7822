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
:func:`change_marker` and reloads only when it moved.

The listener is registered on import of :mod:`kanban.store` (its package
``__init__``), so no engine can be made without it.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine, event

from kanban.domain.model import BoardSnapshot
from kanban.store import repo

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
