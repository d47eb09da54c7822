"""Engine factory, SQLite pragmas, known database errors and start-up migration.

``open_database`` is the one way in: it makes the engine, refuses files that
are not databases, sit on a network filesystem (:mod:`kanban.store.netfs`) or
come from a newer app, and upgrades older schemas after copying the file to a
timestamped backup. A failed upgrade restores that copy, so the user's data is
never left half-migrated. It then seeds a new board (its settings and default
columns), so that the services reading and writing it never have to.

On a PostgreSQL server several clients may start at once: the upgrade and the
seeding each run under a transaction advisory lock
(:data:`kanban.store.locks.MIGRATION_LOCK`), so the schema is migrated once and
the others find it done. A server URL gets its password from the keyring and
its TLS settings from the config file (:mod:`kanban.store.connect`); a URL is
only ever shown through :func:`describe`, which masks the password.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, SQLAlchemyError

from kanban.errors import MigrationFailed, SchemaTooNew, StorageError
from kanban.store import availability, connect, locks, netfs, repo, write_lock

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

log = logging.getLogger(__name__)

# The newest schema this version of the app knows. Kept here so that opening an
# up-to-date database does not load Alembic; a test checks it against the
# migration scripts.
SCHEMA_HEAD = "0011"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def sqlite_path(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and :memory:."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets the wall display read while a laptop writes; foreign keys are
        # off by default in SQLite and would silently allow dangling rows.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


# How long a write waits for another program's write to finish, in seconds.
# Reads never wait: the file is in WAL mode and they take no lock.
WRITE_WAIT_SECONDS = 5.0
# A write first tries this long (ms) before it says that it is waiting.
_QUIET_WAIT_MS = 200


def _say_waiting(where: str, seconds: float) -> None:
    log.info("Waiting up to %g s for another program writing to %s", seconds, where)


# Called once when a write has to wait for another program's write lock, with
# the database and the seconds it will wait; the command line prints it.
on_wait_for_write: Callable[[str, float], None] = _say_waiting


def _begin_sqlite(conn: Connection) -> None:
    # pysqlite's own transaction handling is switched off (isolation_level=None)
    # so that we say when a transaction starts: writers take the write lock at
    # BEGIN IMMEDIATE and wait for the busy timeout, instead of failing later
    # with SQLITE_BUSY_SNAPSHOT when another process wrote in between. It also
    # makes migrations' DDL transactional.
    if not conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN")
        return
    driver = conn.connection.driver_connection
    if not isinstance(driver, sqlite3.Connection):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return
    wait_ms = max(int(WRITE_WAIT_SECONDS * 1000), _QUIET_WAIT_MS)
    try:
        driver.execute(f"PRAGMA busy_timeout={_QUIET_WAIT_MS}")
        try:
            driver.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
        on_wait_for_write(_where(conn), WRITE_WAIT_SECONDS)
        driver.execute(f"PRAGMA busy_timeout={wait_ms - _QUIET_WAIT_MS}")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise WriteLockTimeout(f"database is locked: {exc}") from exc
            raise
    finally:
        driver.execute(f"PRAGMA busy_timeout={wait_ms}")


class WriteLockTimeout(sqlite3.OperationalError):
    """Another program kept the write lock for the whole of ``WRITE_WAIT_SECONDS``."""


def _where(conn: Connection) -> str:
    url = conn.engine.url
    if connect.is_server_url(url) or not url.database:
        return connect.shown(url)
    return url.database


def _autocommit_driver(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None


WRITE_OPTION = "kanban_write"


def make_engine(url: str) -> Engine:
    """Build an engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": WRITE_WAIT_SECONDS})
        event.listen(engine, "connect", _autocommit_driver)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(connect.resolve(parsed, connect.config_section()), pool_pre_ping=True)


@contextlib.contextmanager
def write_transaction(engine: Engine, *, checkpoint: bool = True) -> Iterator[Connection]:
    """A transaction that takes the write lock at once (BEGIN IMMEDIATE on SQLite).

    Args:
        checkpoint: False for one of a series of bulk writes: its commit then does
            not copy the write-ahead log into the database file even if the log
            has grown past SQLite's threshold; the next ordinary write transaction
            does it once for the whole series instead of once per step (pages
            written by several steps are then copied once).
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        driver = conn.connection.driver_connection if not checkpoint else None
        if not isinstance(driver, sqlite3.Connection):
            with conn.begin():
                # PostgreSQL: writers of a board one at a time, as on SQLite.
                write_lock.hold_board_write_lock(conn, WRITE_WAIT_SECONDS)
                yield conn
            return
        # A connection setting, not part of the transaction: set on the driver
        # connection and put back before the connection returns to the pool.
        (previous,) = driver.execute("PRAGMA wal_autocheckpoint").fetchone()
        driver.execute("PRAGMA wal_autocheckpoint=0")
        try:
            with conn.begin():
                yield conn
        finally:
            driver.execute(f"PRAGMA wal_autocheckpoint={int(previous)}")


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction: one consistent view across several queries."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # READ COMMITTED gives each query its own view: a snapshot's cards could
            # predate its last event id, and the window would miss that change.
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def describe(url: str | URL) -> str:
    """A user-facing name for the database (its path, or the URL without password)."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return connect.shown(url)


def translate_error(exc: BaseException, url: str) -> StorageError | None:
    """Turn a database failure the user can fix into a :class:`StorageError`.

    Returns None for errors that point at a bug, which the caller re-raises.
    """
    where = describe(url)
    message = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, sqlite3.DatabaseError | DatabaseError):
        server = connect.is_server_url(make_url(url))
        # Only a failed connection: a value in another error's text may say "ssl" too.
        connecting = server and isinstance(exc, OperationalError)
        tls = connect.tls_failure(exc, where) if connecting else None
        if tls is not None:
            return StorageError(tls)
        if connect.is_server_url(make_url(url)) and availability.is_unavailable(exc):
            return StorageError(availability.server_unreachable(where, exc))
        if "file is not a database" in message or "file is encrypted" in message:
            return StorageError(
                f"{where} is not a Kanban database (not an SQLite file). "
                "Choose another file with --db, or move this one away."
            )
        if isinstance(getattr(exc, "orig", exc), WriteLockTimeout):
            return StorageError(
                f"The database {where} is being written by another program (an import or "
                f"a sync, say); waited {WRITE_WAIT_SECONDS:g} s for it to finish and "
                "nothing was changed. Try again when it is done."
            )
        if "database is locked" in message or "database is busy" in message:
            return StorageError(
                f"The database {where} is locked by another program; nothing was changed. "
                "Try again in a moment."
            )
        if "readonly" in message or "read-only" in message:
            return StorageError(
                f"The database {where} is read-only; nothing was changed. "
                "Check the file's permissions."
            )
        if "disk is full" in message or "database or disk is full" in message:
            return StorageError(
                f"The disk holding {where} is full; nothing was changed. Free some space."
            )
        if "unable to open database" in message:
            return StorageError(
                f"Cannot open the database {where}; check that its folder exists and is "
                "writable, or choose another file with --db."
            )
        if "malformed" in message or "corrupt" in message:
            return StorageError(
                f"The database {where} is damaged. Restore a backup (files named "
                "*.bak-* beside it) or choose another file with --db."
            )
        if isinstance(exc, OperationalError) and "no such table" not in message:
            return StorageError(f"The database {where} failed: {getattr(exc, 'orig', exc)}.")
    return None


@contextlib.contextmanager
def known_errors(url: str) -> Iterator[None]:
    """Re-raise database failures the user can act on as :class:`StorageError`."""
    try:
        yield
    except (SQLAlchemyError, sqlite3.Error) as exc:
        known = translate_error(exc, url)
        if known is None:
            raise
        raise known from exc


def current_revision(conn: Connection) -> str | None:
    """The schema revision stamped in the database, or None for an empty one."""
    if not inspect(conn).has_table("alembic_version"):
        if inspect(conn).get_table_names():
            return "unversioned"
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def alembic_config(conn: Connection | None = None) -> AlembicConfig:
    """An Alembic config pointing at the migrations shipped inside the package."""
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def script_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy a live SQLite database (WAL included) to ``<name>.bak-<time>-<rev>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.bak-{stamp}-{revision or 'empty'}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except BaseException:
        # A half-written copy must not pass for a backup later.
        target.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    return target


def _restore_sqlite(backup: Path, path: Path) -> None:
    src = sqlite3.connect(backup)
    try:
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


# How long a client waits for another one upgrading a shared schema, in seconds.
MIGRATION_WAIT_SECONDS = 120.0


class MigrationBusy(StorageError):
    """Another client kept the schema-upgrade lock for all of ``MIGRATION_WAIT_SECONDS``."""


@contextlib.contextmanager
def _migration_transaction(engine: Engine) -> Iterator[Connection]:
    """The transaction of a schema upgrade; on PostgreSQL, one client's at a time.

    On PostgreSQL it first waits (up to ``MIGRATION_WAIT_SECONDS``) for the
    migration lock, then as long for the board's write lock, so that running
    clients' writes finish first and later ones wait for the new schema.
    Migration lock first: an ordinary writer never holds the board's lock while
    waiting for the migration lock, so the two cannot deadlock.
    """
    if engine.dialect.name != "postgresql":
        # SQLite: BEGIN IMMEDIATE of the write transaction already serialises writers.
        with write_transaction(engine) as conn:
            yield conn
        return
    with engine.connect() as conn, conn.begin():
        where = _where(conn)
        try:
            locks.advisory_xact_lock(
                conn,
                locks.MIGRATION_LOCK,
                wait_seconds=MIGRATION_WAIT_SECONDS,
                on_wait=lambda: on_wait_for_write(where, MIGRATION_WAIT_SECONDS),
            )
        except locks.AdvisoryLockTimeout as exc:
            raise MigrationBusy(
                f"Another client has been upgrading the schema of {where} for "
                f"{MIGRATION_WAIT_SECONDS:g} s; this one changed nothing. Start again when it "
                "has finished."
            ) from exc
        write_lock.hold_board_write_lock(conn, MIGRATION_WAIT_SECONDS)
        yield conn


def upgrade(
    engine: Engine, target: str = "head", script_location: Path | None = None
) -> tuple[str | None, str | None]:
    """Run Alembic's upgrade on ``engine`` in code; returns the revisions before and after.

    On PostgreSQL it waits for another client's upgrade first, and then finds
    the schema already at ``target`` (before == after).
    """
    from alembic import command

    with _migration_transaction(engine) as conn:
        # Read under the lock: another client may have just upgraded it.
        before = current_revision(conn)
        cfg = alembic_config(conn)
        if script_location is not None:
            cfg.set_main_option("script_location", str(script_location))
        command.upgrade(cfg, target)
        after = current_revision(conn)
    if before != after:
        log.info("Upgraded the schema of %s from %s to %s", describe(engine.url), before, after)
    return before, after


def ensure_seeded(engine: Engine, url: str = "") -> None:
    """Create the board and its default columns if the database has no board yet.

    A read when the board exists (every open but the first); the write lock
    only for a new board. ``open_database`` calls it; call it yourself on an
    engine made another way (after the schema exists).
    """
    where = url or str(engine.url)
    with known_errors(where):
        with read_transaction(engine) as conn:
            if repo.board_exists(conn):
                return
        with write_transaction(engine) as conn:
            # Checked again under the write lock (on PostgreSQL the board's write lock,
            # kanban.store.write_lock): another process may have seeded it.
            if not repo.board_exists(conn):
                repo.seed_board(conn)


def open_database(url: str, *, script_location: Path | None = None) -> Engine:
    """Open (creating if needed), migrate and seed the board's database.

    Raises:
        StorageError: the file is not a database, is locked or unreadable.
        SchemaTooNew: the database comes from a newer version of the app.
        MigrationFailed: the upgrade failed; the original was restored.
    """
    try:
        path = sqlite_path(url)
    except (ArgumentError, ValueError) as exc:
        raise StorageError(
            f"The database URL given (--db, KANBAN_DATABASE_URL or the config file) cannot "
            f"be read ({exc}); give a file path, or a URL such as sqlite:////path/board.db."
        ) from None
    if path is not None:
        netfs.refuse_network_filesystem(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"Cannot create the folder for {path} ({exc.strerror}); "
                "choose another file with --db."
            ) from exc
    try:
        engine = make_engine(url)
    except ImportError as exc:
        # create_engine imports the DB-API module: PostgreSQL, MySQL... need their own.
        raise StorageError(
            f"Cannot open {describe(url)}: its database driver ({exc.name}) is not installed. "
            "Install it into the app's environment, or choose an SQLite file with --db."
        ) from None
    except ArgumentError as exc:
        raise StorageError(
            f"Cannot open {describe(url)}: {exc}. Give a file path with --db, or a URL "
            "such as sqlite:////path/board.db."
        ) from None
    with known_errors(url), engine.connect() as conn:
        revision = current_revision(conn)
    if revision == SCHEMA_HEAD and script_location is None:
        _seed_or_dispose(engine, url)
        return engine
    if revision == "unversioned":
        engine.dispose()
        raise StorageError(
            f"{describe(url)} is an SQLite database but not a Kanban board; "
            "choose another file with --db."
        )
    if script_location is None and revision is not None and revision == script_head():
        # SCHEMA_HEAD lagging behind the scripts only costs this slower check.
        _seed_or_dispose(engine, url)
        return engine
    if revision is not None and revision not in known_revisions():
        engine.dispose()
        raise SchemaTooNew(
            f"The database {describe(url)} was written by a newer version of Kanban "
            f"(schema {revision}); this version knows up to {SCHEMA_HEAD}. Upgrade the app, "
            "or open another file with --db. Nothing was changed."
        )
    backup = None
    if path is not None and revision is not None and path.exists():
        try:
            backup = backup_sqlite(path, revision)
        except (sqlite3.Error, OSError) as exc:
            engine.dispose()
            raise StorageError(
                f"Cannot back up {path} before upgrading it ({exc}); nothing was changed. "
                "Free some space or make its folder writable, then start again."
            ) from exc
        log.info("Backed up %s to %s before migrating from %s", path, backup, revision)
    try:
        with known_errors(url):
            upgrade(engine, script_location=script_location)
    except (MigrationBusy, write_lock.BoardWriteBusy):
        engine.dispose()  # nothing was changed: the message says to start again
        raise
    except Exception as exc:
        engine.dispose()
        if backup is not None and path is not None:
            _restore_sqlite(backup, path)
            log.exception("Migration of %s failed; restored %s", path, backup)
            raise MigrationFailed(
                f"Upgrading the database {path} failed ({exc}); the original was restored "
                f"unchanged (a copy is at {backup}). Please report this with the log file."
            ) from exc
        log.exception("Migration of %s failed", describe(url))
        if revision is None:
            raise MigrationFailed(
                f"Creating the schema in {describe(url)} failed ({exc}); nothing was changed."
            ) from exc
        raise MigrationFailed(
            f"Upgrading the database {describe(url)} from schema {revision} failed ({exc}); "
            "the upgrade was rolled back and nothing was changed. Please report this with "
            "the log file."
        ) from exc
    _seed_or_dispose(engine, url)
    return engine


def _seed_or_dispose(engine: Engine, url: str) -> None:
    try:
        ensure_seeded(engine, url)
    except BaseException:
        engine.dispose()
        raise
