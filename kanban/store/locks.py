"""PostgreSQL advisory locks: a lock the server holds for one session and drops with it.

A board shared on a PostgreSQL server uses them where several machines must
not do one thing at once (one JIRA sync per board). The caller keeps the
connection open for as long as it holds the lock.
"""

from __future__ import annotations

from sqlalchemy import Connection, text


def try_advisory_lock(conn: Connection, key: int) -> bool:
    """Take the session lock ``key`` if nobody holds it; True when taken."""
    taken = conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
    conn.commit()
    return bool(taken)


def advisory_unlock(conn: Connection, key: int) -> None:
    """Give the session lock ``key`` back."""
    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
    conn.commit()
