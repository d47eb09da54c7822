"""``kanban db copy --to URL``: the whole board into an empty database, e.g. SQLite to PostgreSQL.

The board is the one ``--db`` (or ``KANBAN_DATABASE_URL``, or the config file)
names; the target is a file path or a URL, shown with its password masked.
Progress goes to stderr, one line per table (updated in place on a terminal);
the one-line summary to stdout. The use case is
:func:`kanban.services.db_copy.copy_board`.
"""

from __future__ import annotations

import argparse
import sys

from kanban.cli.context import Context
from kanban.errors import InvalidInput
from kanban.settings import database_url


def register(actions: argparse._SubParsersAction, nested: argparse.ArgumentParser) -> None:
    """Add ``kanban db copy``."""
    p = actions.add_parser(
        "copy",
        parents=[nested],
        help="copy the whole board into an empty database (SQLite <-> PostgreSQL)",
        description="Copy the board (--db, KANBAN_DATABASE_URL or database_url in the config "
        "file) with its whole history, limit history, links to commits and pull requests, "
        "JIRA sync state, comments and checklists into an EMPTY database: a PostgreSQL "
        "database made with createdb, or a new SQLite file. The target gets the newest "
        "schema and the same ids; a target that holds any table is refused, and a failed copy "
        "leaves the target as it was. The board itself is only read.",
    )
    p.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the empty target: postgresql+psycopg://user@host/db, or a new .db file path",
    )
    p.set_defaults(handler=cmd_copy)


class _Progress:
    """Prints each table's progress: in place on a terminal, one line per table otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.open_line = False

    def __call__(self, table: str, done: int, total: int) -> None:
        finished = done >= total
        if total == 0 or (not self.tty and not finished):
            return  # an empty table is not worth a line
        text = f"  {table:<22} {done:>10,} / {total:,} rows"
        if self.tty:
            sys.stderr.write("\r" + text + ("\n" if finished else ""))
            self.open_line = not finished
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.open_line:
            sys.stderr.write("\n")
            self.open_line = False


def cmd_copy(ctx: Context) -> int:
    from kanban.services.db_copy import copy_board
    from kanban.store import db

    if not ctx.args.to.strip():
        raise InvalidInput("--to was given empty; give the target database's URL or file path.")
    target = database_url(ctx.args.to, ctx.config)
    source = ctx.url
    print(f"Copying {db.describe(source)} to {db.describe(target)}...", file=sys.stderr)
    progress = _Progress()
    try:
        summary = copy_board(source, target, progress)
    finally:
        progress.close()
    print(summary.line())
    print(f"Open it with --db '{db.describe(target)}' or set database_url in the config file.")
    return 0
