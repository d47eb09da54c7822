"""One JIRA sync per board at a time, across threads and processes.

Two runs at once could both create the JIRA issue of the same new card before
either saves its key. Three locks keep a second run out, each failing at once
with :class:`~kanban.sync.errors.SyncBusy` instead of waiting:

- in this process, a set of the boards being synced (the window's timer and a
  "Sync now" click share one process);
- for an SQLite board, a file lock beside the database (``filelock``: the OS
  drops it when the process dies, on Windows as on POSIX);
- for a board on a PostgreSQL server, shared by several machines, a session
  advisory lock there (the server drops it when the connection dies).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from filelock import FileLock, Timeout
from sqlalchemy import Engine

from kanban.store import db
from kanban.store.locks import advisory_unlock, try_advisory_lock
from kanban.sync.errors import SyncBusy

# The PostgreSQL advisory lock that stands for "this board is being synced".
PG_SYNC_LOCK = 0x4B414E42  # "KANB"

_RUNNING: set[str] = set()
_RUNNING_LOCK = threading.Lock()


@contextlib.contextmanager
def board_sync_lock(url: str, engine: Engine | None = None) -> Iterator[None]:
    """Hold the board's sync lock for the block; raise SyncBusy if another run has it."""
    with _RUNNING_LOCK:
        if url in _RUNNING:
            raise SyncBusy("A JIRA sync of this board is already running; wait for it.")
        _RUNNING.add(url)
    try:
        with cross_process_lock(url, engine):
            yield
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(url)


@contextlib.contextmanager
def cross_process_lock(url: str, engine: Engine | None) -> Iterator[None]:
    """The lock other processes and machines see: a file lock, or PostgreSQL's."""
    if engine is not None and engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if not try_advisory_lock(conn, PG_SYNC_LOCK):
                raise SyncBusy(
                    f"Another program is syncing this board ({db.describe(url)}) with JIRA "
                    "right now; this run did nothing. Try again when it has finished."
                )
            try:
                yield
            finally:
                advisory_unlock(conn, PG_SYNC_LOCK)
        return
    path = db.sqlite_path(url)
    if path is None:  # an in-memory board lives in this process only
        yield
        return
    lock_path = path.with_name(path.name + ".sync-lock")
    lock = FileLock(lock_path, timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise SyncBusy(
            f"Another program is syncing this board with JIRA right now ({lock_path}); "
            "this run did nothing. Try again when it has finished."
        ) from exc
    try:
        yield
    finally:
        lock.release()
