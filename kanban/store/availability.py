"""Whether the board's database can be reached, and what to say when it cannot.

A shared board lives on a PostgreSQL server; a personal one in a SQLite file,
which on a wall PC may sit on a drive that goes away. Either can be gone for
hours. This module:

- tells a lost database apart from every other failure
  (:func:`is_unavailable`: a refused or dropped connection, a server shutting
  down, a file that is no longer there), so a window can say "offline" and
  wait instead of reporting an error on every poll;
- says so in one line (:func:`server_unreachable`), for the command line and
  the window alike;
- checks whether it is back (:func:`probe`), with a short connect timeout and
  fresh connections;
- keeps a SQLite board from carrying on with a file that is no longer at its
  path (:func:`guard_file`). Without it SQLite would keep reading and writing
  the old file through the handles it has open (a change written there is
  lost when the real file comes back) or, on a new connection, make a new
  empty board at the path.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

# SQLSTATE classes that mean "the connection or the server went away":
# 08 connection exceptions, 57P01-57P03 administrator / crash shutdown and
# "cannot connect now" (a server starting or stopping).
_LOST_STATES = ("08", "57P01", "57P02", "57P03")
_SQLITE_GONE = ("unable to open database file", "disk i/o error", "is no longer at")
_FILE_KEY = "kanban_file_identity"


class FileGone(sqlite3.OperationalError):
    """The board's SQLite file is not (or no longer the same file) at its path."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo.extend((getattr(item, "orig", None), item.__cause__, item.__context__))


def _is_psycopg_lost(exc: BaseException) -> bool:
    if not type(exc).__module__.startswith("psycopg"):
        return False
    state = getattr(exc, "sqlstate", None)
    if state:
        return str(state).startswith(_LOST_STATES)
    # No SQLSTATE: the client side failed (refused, timed out, closed).
    return any(c.__name__ == "OperationalError" for c in type(exc).__mro__)


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) means the database cannot be reached now."""
    for item in _chain(exc):
        if isinstance(item, DBAPIError) and item.connection_invalidated:
            return True
        if isinstance(item, FileGone) or _is_psycopg_lost(item):
            return True
        if isinstance(item, sqlite3.OperationalError):
            message = str(item).lower()
            if any(part in message for part in _SQLITE_GONE):
                return True
    return False


def _driver_reason(exc: BaseException) -> str:
    """The driver's own words, on one line and without its connection preamble."""
    for item in _chain(exc):
        if isinstance(item, FileGone):
            return "the file is not at its path: is its drive or share mounted?"
        if _is_psycopg_lost(item) or isinstance(item, sqlite3.Error):
            lines = [s.strip() for s in str(item).splitlines() if s.strip()]
            first = lines[0] if lines else type(item).__name__
            # "connection failed: connection to server at "h", port 1 failed: Connection refused"
            return first.rsplit("failed: ", 1)[-1].removeprefix("FATAL:").strip()
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def server_unreachable(where: str, exc: BaseException) -> str:
    """One line for a database server that cannot be reached: what, why, what next."""
    return (
        f"Cannot reach the database server {where} ({_driver_reason(exc)}); "
        "nothing was changed. Check that the server is running and reachable, then try again."
    )


def offline_reason(exc: BaseException) -> str:
    """A short reason for the offline banner (the driver's words, one line)."""
    return _driver_reason(exc)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.access(path, os.R_OK | os.W_OK):
        return None
    return (st.st_dev, st.st_ino)


# The SQLite engines whose file is guarded, and their dialects (a new
# connection is refused through the dialect). Weak: a closed board's engine goes.
_GUARDED: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()
_GUARDED_DIALECTS: weakref.WeakKeyDictionary[Dialect, Path] = weakref.WeakKeyDictionary()


def _gone(path: Path) -> FileGone:
    return FileGone(f"unable to open database file: the board {path} is no longer at its path")


def _refuse_missing_file(dialect: Dialect, _record: Any, _cargs: Any, _cparams: Any) -> None:
    path = _GUARDED_DIALECTS.get(dialect)
    if path is not None and _identity(path) is None:
        raise _gone(path)


def _same_file_or_refuse(conn: Connection) -> None:
    path = _GUARDED.get(conn.engine)
    if path is None:
        return
    current = _identity(path)
    # The file a connection opened is the one at the path at its first transaction.
    if current is None or conn.connection.info.setdefault(_FILE_KEY, current) != current:
        raise _gone(path)


# Registered once, for every engine, at import: adding a listener to an engine
# that worker threads are already using could break their event dispatch.
event.listen(Engine, "do_connect", _refuse_missing_file)
event.listen(Engine, "begin", _same_file_or_refuse, insert=True)


def guard_file(engine: Engine, path: Path) -> None:
    """Refuse to use ``path`` once it is gone, unreadable, or replaced by another file.

    Every transaction first checks that the file at ``path`` is still the one
    its connection opened (one ``stat``), and raises :class:`FileGone`
    otherwise. A new connection is refused while nothing is at ``path``, so
    SQLite never makes an empty board there. After the file is back,
    :func:`probe` drops the old connections and new ones open it afresh.
    Safe to call while other threads use the engine.
    """
    _GUARDED[engine] = path
    _GUARDED_DIALECTS[engine.dialect] = path


def probe(engine: Engine, sqlite_file: Path | None, *, timeout: float = 5.0) -> None:
    """Check that the database answers, on fresh connections; raises when it does not.

    The engine's pooled connections are dropped first: after a server restart
    or a file put back they point at what is gone. On a server, one connection
    with a short timeout tries first, so a host that does not answer costs
    ``timeout`` seconds, not the system's TCP timeout.
    """
    if sqlite_file is not None and _identity(sqlite_file) is None:
        raise FileGone(f"unable to open database file: {sqlite_file} is no longer at its path")
    if engine.dialect.name == "postgresql":
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        params = {**cparams, "connect_timeout": max(1, round(timeout))}
        raw = engine.dialect.loaded_dbapi.connect(*cargs, **params)
        raw.close()
    engine.dispose()
    with engine.connect() as conn:
        # A table of the board, not just SELECT 1: a file put back empty is no board.
        conn.execute(text("SELECT 1 FROM board LIMIT 1"))
