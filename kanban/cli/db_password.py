"""``kanban db password``: keep the shared board's database password in the OS keyring.

The URL in the config file (or ``--db``, ``KANBAN_DATABASE_URL``) then names
only the user, ``postgresql+psycopg://kanban@dbhost/board``, and every client
on this machine finds the password in the keyring
(:mod:`kanban.store.connect`). The password is read without echo from the
terminal, or as one line from stdin with ``--stdin``; it is never printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.engine import URL, make_url

from kanban.cli.context import Context
from kanban.errors import InvalidInput, StorageError
from kanban.store import connect

# Seconds the check of a new password waits for the server.
CHECK_TIMEOUT_SECONDS = 10


def register(actions: argparse._SubParsersAction, nested: argparse.ArgumentParser) -> None:
    """Add ``kanban db password``."""
    p = actions.add_parser(
        "password",
        parents=[nested],
        help="keep the database password in the OS keyring (prompted without echo)",
        description="Store the password of the board's PostgreSQL user in the OS keyring, for "
        "the user, server and database of the URL (--db, KANBAN_DATABASE_URL or database_url "
        "in the config file). The URL can then leave the password out. The new password is "
        "tried on the server first; a password the server refuses is not stored.",
    )
    p.add_argument(
        "--stdin", action="store_true", help="read the password as one line from stdin"
    )
    p.add_argument(
        "--no-check", action="store_true", help="store it without trying it on the server"
    )
    p.add_argument(
        "--forget", action="store_true", help="remove the stored password from the keyring"
    )
    p.set_defaults(handler=cmd_password)


def _server_url(ctx: Context) -> URL:
    url = make_url(ctx.url)
    if not connect.is_server_url(url):
        raise InvalidInput(
            f"The board is the SQLite file {url.database}, which has no password. Give the "
            "shared board's URL with --db (e.g. postgresql+psycopg://kanban@dbhost/board) "
            "or set database_url in the config file."
        )
    return url


def _read_password(from_stdin: bool, account: str) -> str:
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        # Only the line end: a password may begin or end with spaces.
        password = line.rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password of {account}: ")
    if not password:
        raise InvalidInput("No password given; nothing was stored.")
    return password


def _check(url: URL, password: str, section: dict[str, object] | None) -> str | None:
    """Connect with ``password``; None when the server took it, else why not.

    Raises:
        StorageError: the server refused the password (nothing is stored then).
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    target = connect.resolve(url.set(password=password), section)
    engine = create_engine(target, connect_args={"connect_timeout": CHECK_TIMEOUT_SECONDS})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        first = reason[0] if reason else type(exc).__name__
        if "password authentication failed" in first or "authentication failed" in first:
            raise StorageError(
                f"The server refused the password of {connect.password_account(url)} "
                f"({first}); nothing was stored. Type it again."
            ) from None
        return first
    finally:
        engine.dispose()
    return None


def cmd_password(ctx: Context) -> int:
    url = _server_url(ctx)
    account = connect.password_account(url)
    if ctx.args.forget:
        if connect.forget_password(url):
            print(f"Removed the password of {account} from the OS keyring.")
        else:
            print(f"The OS keyring held no password for {account}; nothing changed.")
        return 0
    password = _read_password(ctx.args.stdin, account)
    section = connect.config_section(ctx.config)
    problem = None if ctx.args.no_check else _check(url, password, section)
    connect.store_password(url, password)
    print(f"Stored the password of {account} in the OS keyring.")
    if url.password is not None:
        print(
            f"The URL you use ({connect.shown(url)}) still holds a password, which wins over "
            "the keyring; remove it from the URL."
        )
    if problem is not None:
        print(
            f"It could not be tried on the server ({problem}); check the server and the URL "
            "when it is reachable (kanban list)."
        )
    return 0
