"""One writer at a time on a board shared on PostgreSQL, as SQLite gives a file.

SQLite serialises writers by itself (``BEGIN IMMEDIATE``). PostgreSQL runs
writers side by side at READ COMMITTED, and a change of the board is more than
one row: a move closes the gap in the cell it leaves, opens one in the cell it
joins and checks the WIP counts of both. Two such moves at once, tried with 10
client processes (``tests/store/test_shared_stress.py``), left two cards on
one position, skipped positions, and deadlocked on each other's neighbours; two
arrivals could also both pass a WIP limit that only one fits under. So every
write transaction first takes a transaction advisory lock of the board
(:func:`hold_board_write_lock`): writes of one board run one after the other,
as on SQLite, and the server drops the lock at commit or rollback. Each write
is a few milliseconds, so the line stays short; reads never wait for it.

The lock also makes event ids follow commit order, so a client that reads the
events after the last id it saw never skips one committed late.
"""

from __future__ import annotations

from sqlalchemy import Connection

from kanban.errors import StorageError
from kanban.store import connect, locks

# The transaction advisory lock of "this board is being written" (one per
# database: advisory locks are per database on the server).
BOARD_WRITE_LOCK = 0x4B414E57  # "KANW"


class BoardWriteBusy(StorageError):
    """Another client held the board's write lock for the whole wait."""


def hold_board_write_lock(conn: Connection, wait_seconds: float) -> None:
    """On PostgreSQL, wait for the board's write lock, held until ``conn``'s transaction ends.

    A no-op on SQLite, whose write transaction already holds the file's lock.

    Raises:
        BoardWriteBusy: another client kept it for ``wait_seconds``; this
            transaction is aborted and writes nothing.
    """
    if conn.dialect.name != "postgresql":
        return
    try:
        locks.advisory_xact_lock(conn, BOARD_WRITE_LOCK, wait_seconds=wait_seconds)
    except locks.AdvisoryLockTimeout:
        raise BoardWriteBusy(
            f"The board at {connect.shown(conn.engine.url)} is being written by another client "
            f"(a sync or an import, say); waited {wait_seconds:g} s for it and nothing was "
            "changed. Try again when it is done."
        ) from None
