"""``kanban db ...``: commands about the board's database itself, not its cards.

The group only dispatches: each subcommand lives in its own module, listed in
``DB_COMMAND_MODULES`` and defining ``register(actions, nested)`` (``actions``
is the group's subparsers, ``nested`` gives them ``--db``). Adding a
subcommand is one more name in that tuple.
"""

from __future__ import annotations

import argparse
import importlib

from kanban.cli.output import nested_common

# Modules that add a ``kanban db`` subcommand; order is --help order.
DB_COMMAND_MODULES: tuple[str, ...] = ("kanban.cli.db_password", "kanban.cli.db_copy")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``kanban db`` and its subcommands."""
    p = sub.add_parser(
        "db",
        parents=[common],
        help="the board's database: its password in the OS keyring, copying it to another",
        description="Commands about the database that holds the board (a SQLite file or a "
        "PostgreSQL server), not about its cards.",
    )
    p.set_defaults(handler=lambda ctx: _help(p))
    actions = p.add_subparsers(dest="db_action", metavar="ACTION")
    nested = nested_common()
    for name in DB_COMMAND_MODULES:
        importlib.import_module(name).register(actions, nested)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2
