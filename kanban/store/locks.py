"""PostgreSQL advisory locks: a lock the server holds for one session and drops with it.

A board shared on a PostgreSQL server uses them where several machines must
not do one thing at once: one JIRA sync per board (a session lock: the caller
keeps the connection open for as long as it holds it), one schema upgrade at a
time (a transaction lock, dropped at commit or rollback).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError


def try_advisory_lock(conn: Connection, key: int) -> bool:
    """Take the session lock ``key`` if nobody holds it; True when taken."""
    taken = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
    conn.commit()
    return bool(taken)


def advisory_unlock(conn: Connection, key: int) -> None:
    """Give the session lock ``key`` back."""
    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    conn.commit()


# Held while a client upgrades the schema or seeds a new board, so that two
# clients starting together on an old schema migrate it once: the second
# waits, then finds it done.
MIGRATION_LOCK = 0x4B414E4D  # "KANM"


class AdvisoryLockTimeout(Exception):
    """Another session held the lock for the whole wait."""


def advisory_xact_lock(
    conn: Connection,
    key: int,
    *,
    wait_seconds: float,
    on_wait: Callable[[], None] | None = None,
) -> None:
    """Take the transaction lock ``key``, waiting up to ``wait_seconds`` for its holder.

    Taken inside the caller's open transaction and dropped by the server at its
    commit or rollback, so no path can leave it held. ``on_wait`` is called once
    when the lock is busy, before waiting.

    Raises:
        AdvisoryLockTimeout: still held by another session after ``wait_seconds``;
            the caller's transaction is then aborted and must be rolled back.
    """
    params = {"key": key}
    if conn.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), params).scalar():
        return
    if on_wait is not None:
        on_wait()
    previous = conn.execute(text("SELECT current_setting('lock_timeout')")).scalar()
    # lock_timeout bounds the wait; put back afterwards so that it does not cut
    # short the statements of the transaction that the lock protects.
    conn.execute(
        text("SELECT set_config('lock_timeout', :ms, true)"),
        {"ms": f"{max(int(wait_seconds * 1000), 1)}ms"},
    )
    try:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), params)
    except OperationalError as exc:
        if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
            raise AdvisoryLockTimeout(str(exc.orig)) from exc
        raise
    conn.execute(text("SELECT set_config('lock_timeout', :ms, true)"), {"ms": str(previous)})
