"""Moving a board to another database: ``kanban db copy --to URL``.

A person's SQLite board becomes the team's board on PostgreSQL (or a board on
the server is taken home as a file) with everything it holds: cards, the whole
history, the limit history, links to commits and pull requests, the JIRA sync
state, comments and checklists. :func:`copy_board`

1. opens the source as every command does (an older schema is upgraded first);
2. refuses a target that is the source, or that holds any table already, or
   whose server cannot be reached, each with what to do instead;
3. in one write transaction on the target: migrates it to the newest schema,
   copies each table in foreign-key order with its ids (read from one
   consistent view of the source, so a window writing meanwhile cannot tear
   the copy), sets PostgreSQL's sequences past the ids, and compares every
   table's row count with the source's before it commits.

Any failure rolls that transaction back, so the target is left as it was: an
empty PostgreSQL database stays empty, and a SQLite file the copy created is
removed. The SQL itself is :mod:`kanban.store.copy`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from kanban.domain.words import plural
from kanban.errors import StorageError, UserError
from kanban.store import copy as store_copy
from kanban.store import db, netfs, repo

log = logging.getLogger(__name__)

# Called as (table, rows copied so far, rows in the table) while a table is copied.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class CopySummary:
    """What a copy did: from where to where, how many rows of each table, how long."""

    source: str
    target: str
    board_name: str
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def line(self) -> str:
        """The one-line summary the command prints."""
        r = self.rows
        links = r.get("link_commit", 0) + r.get("link_pr", 0)
        return (
            f"Copied the board '{self.board_name}' from {self.source} to {self.target}: "
            f"{plural(r.get('card', 0), 'card')}, {plural(r.get('event', 0), 'history event')}, "
            f"{plural(r.get('limit_change', 0), 'limit change')}, "
            f"{links} {'commit or pull request' if links == 1 else 'commits and pull requests'} "
            "linked, "
            f"sync state of {plural(r.get('sync_link', 0), 'card')} "
            f"({plural(len(r), 'table')}, {plural(self.total_rows, 'row')}) "
            f"in {self.seconds:.1f} s."
        )


def _same_database(a: URL, b: URL) -> bool:
    path_a, path_b = db.sqlite_path(a), db.sqlite_path(b)
    if path_a is not None or path_b is not None:
        if path_a is None or path_b is None:
            return False
        return path_a.expanduser().resolve() == path_b.expanduser().resolve()
    return (a.get_backend_name(), a.host, a.port or 5432, a.database) == (
        b.get_backend_name(),
        b.host,
        b.port or 5432,
        b.database,
    )


def _parse(url: str, what: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise UserError(
            f"The {what} URL cannot be read ({exc}); give a file path or a URL such as "
            "postgresql+psycopg://kanban@dbhost/board."
        ) from None


def _target_engine(url: str) -> Engine:
    parsed = _parse(url, "target")
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise UserError(
            f"kanban db copy copies to a SQLite file or a PostgreSQL database, not to "
            f"{backend} ({db.describe(url)})."
        )
    path = db.sqlite_path(parsed)
    if backend == "sqlite" and path is None:
        raise UserError("Copy to a SQLite file, not to an in-memory database; give its path.")
    if path is not None:
        netfs.refuse_network_filesystem(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"Cannot create the folder for {path} ({exc.strerror}); choose another file."
            ) from exc
    try:
        return db.make_engine(url)
    except ImportError as exc:
        raise StorageError(
            f"Cannot open {db.describe(url)}: its database driver ({exc.name}) is not "
            "installed. Install it into the app's environment (pip install '.[postgres]')."
        ) from None


def _reason(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", exc)).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _refuse_non_empty(tables: list[str], counts: dict[str, int], where: str) -> None:
    if not tables:
        return
    if "card" in tables and "board" in tables:
        held = f"a Kanban board with {counts.get('card', 0):,} cards"
    else:
        shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
        held = f"{len(tables)} table(s) ({shown})"
    raise UserError(
        f"The target {where} is not empty: it holds {held}. kanban db copy only writes into "
        "an empty database, so nothing was copied. Create a new database (createdb ...) or "
        "give a new file, or drop what is there first if it is not needed."
    )


def _remove_sqlite_file(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def copy_board(source_url: str, target_url: str, progress: Progress | None = None) -> CopySummary:
    """Copy the board at ``source_url`` into the empty database at ``target_url``.

    Raises:
        UserError: the target is the source, holds tables, or is not a SQLite
            file or PostgreSQL database; or the source cannot be opened.
        StorageError: the target cannot be reached or the copy failed; the
            target is left as it was.
    """
    source, target = _parse(source_url, "board's"), _parse(target_url, "target")
    if _same_database(source, target):
        raise UserError(
            f"The target {db.describe(target_url)} is the board's own database; give another "
            "one with --to."
        )
    source_file = db.sqlite_path(source)
    if source_file is not None and not source_file.exists():
        # Opening it would make a new, empty board, and copy that.
        raise UserError(f"There is no board at {source_file}; give the board to copy with --db.")
    where = db.describe(target_url)
    started = time.perf_counter()
    source_engine = db.open_database(source_url)
    try:
        path = db.sqlite_path(target)
        created = path is not None and not path.exists()
        target_engine = _target_engine(target_url)
        try:
            rows, name = _copy(source_engine, target_engine, target_url, progress)
        except BaseException:
            target_engine.dispose()
            if created and path is not None:
                # The rollback left an empty file behind; the copy made it, so it goes.
                _remove_sqlite_file(path)
            raise
        target_engine.dispose()
    finally:
        source_engine.dispose()
    summary = CopySummary(db.describe(source_url), where, name, rows, time.perf_counter() - started)
    log.info("%s", summary.line())
    return summary


@contextmanager
def _rolled_back_on_failure(where: str) -> Iterator[None]:
    """A database failure during the copy, said as such: the target was left as it was."""
    try:
        yield
    except (SQLAlchemyError, sqlite3.Error) as exc:
        known = db.translate_error(exc, where)
        reason = str(known) if known is not None else _reason(exc)
        raise StorageError(
            f"The copy to {where} failed ({reason.rstrip('.')}); it was rolled back, so "
            f"{where} is left as it was. Fix the cause and run the copy again."
        ) from exc


def _copy(
    source_engine: Engine, target_engine: Engine, target_url: str, progress: Progress | None
) -> tuple[dict[str, int], str]:
    where = db.describe(target_url)
    tables = store_copy.tables_in_order()
    try:
        with target_engine.connect() as probe:
            probe.close()
    except SQLAlchemyError as exc:
        raise StorageError(
            f"Cannot reach the target {where} ({_reason(exc)}); nothing was copied. Check the "
            "URL and that the database exists (createdb), then try again."
        ) from None
    with (
        _rolled_back_on_failure(where),
        db.read_transaction(source_engine) as src,
        # The transaction of a schema upgrade: on PostgreSQL it holds the migration
        # lock, then the board's write lock, so a client opening the new database
        # meanwhile waits and then finds the whole board.
        db._migration_transaction(target_engine) as dst,
    ):
        present = store_copy.existing_tables(dst)
        if present:
            known = [t for t in tables if t.name in present]
            _refuse_non_empty(present, store_copy.row_counts(dst, known), where)
        source_revision = db.current_revision(src)
        target_revision = store_copy.migrate_in_transaction(dst)
        if source_revision != target_revision:
            raise StorageError(
                f"The board's schema is {source_revision} but this version of the app makes "
                f"{target_revision}; nothing was copied. Use the version that wrote the board."
            )
        expected = store_copy.row_counts(src, tables)
        for table in tables:
            total = expected[table.name]

            def report(done: int, name: str = table.name, total: int = total) -> None:
                if progress is not None:
                    progress(name, done, total)

            report(0)
            store_copy.copy_table(src, dst, table, report)
        store_copy.reset_sequences(dst, tables)
        copied = store_copy.row_counts(dst, tables)
        wrong = {n: (expected[n], copied[n]) for n in expected if copied[n] != expected[n]}
        if wrong:
            details = ", ".join(f"{n}: {a} → {b}" for n, (a, b) in sorted(wrong.items()))
            raise StorageError(
                f"The copy to {where} came out with other row counts than the board ({details}); "
                "it was rolled back and nothing was copied. Please report this with the log file."
            )
        board_name = repo.load_rules(src)[0]
    return copied, board_name
