"""The ``kanban`` command line: argument parsing, dispatch and error reporting.

Each feature area registers its subcommands from its own module (see
``COMMAND_MODULES``), so sync, links and reports can add theirs without
touching the card commands. Expected errors print one line and exit 1;
unexpected ones write the traceback to the log file and exit 3.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from kanban import __version__
from kanban.cli.context import Context
from kanban.cli.output import TerminalSafeStream
from kanban.errors import UserError
from kanban.logs import setup_logging
from kanban.store import db, stored_values

log = logging.getLogger(__name__)

# Modules that define ``register(subparsers, common)``; order is --help order.
COMMAND_MODULES: tuple[str, ...] = (
    "kanban.cli.cards",
    "kanban.cli.notes",
    "kanban.cli.team",
    "kanban.cli.data",
    "kanban.cli.board_admin",
    "kanban.cli.report",
    "kanban.cli.forecast",
    "kanban.cli.links",
    "kanban.cli.jira",
    "kanban.cli.db_commands",
)

# Which module registers each command, so that a command builds only its own
# module's parser: `kanban list` then skips importing the report, links and
# JIRA commands (about 30 ms of its 0.5 s budget). A test checks this table
# against what the modules register.
COMMAND_OWNERS: dict[str, str] = {
    **dict.fromkeys(
        (
            "add",
            "archive",
            "assign",
            "block",
            "edit",
            "history",
            "list",
            "move",
            "redo",
            "restore",
            "show",
            "unblock",
            "undo",
        ),
        "kanban.cli.cards",
    ),  # fmt: skip
    **dict.fromkeys(("comment", "comments", "check"), "kanban.cli.notes"),
    **dict.fromkeys(("columns", "people", "rules"), "kanban.cli.team"),
    **dict.fromkeys(("demo", "export", "import"), "kanban.cli.data"),
    **dict.fromkeys(("labels", "archived", "board"), "kanban.cli.board_admin"),
    "report": "kanban.cli.report",
    "forecast": "kanban.cli.forecast",
    "links": "kanban.cli.links",
    "jira": "kanban.cli.jira",
    "sync": "kanban.cli.jira",
    "db": "kanban.cli.db_commands",
}

EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 3


def common_parser() -> argparse.ArgumentParser:
    """Options every subcommand accepts (so ``kanban list --db X`` works)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        # SUPPRESS: a subcommand's own --db default must not erase "kanban --db X list".
        default=argparse.SUPPRESS,
        help="database file or SQLAlchemy URL (default: KANBAN_DATABASE_URL, the config "
        "file, or board.db in the user data directory)",
    )
    return common


def command_in(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, past the global options; None for --help and the like."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--db":
            i += 2
        elif arg.startswith("--db="):
            i += 1
        elif arg.startswith("-"):
            return None
        else:
            return arg
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv`` naming a known command, only that command's module."""
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="kanban",
        description="Kanban Team Board. Without a command, starts the board window.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"kanban {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    owner = COMMAND_OWNERS.get(command_in(argv) or "") if argv is not None else None
    for name in (owner,) if owner else COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def undecodable_argument(argv: Sequence[str]) -> str | None:
    """A message for an argument holding bytes the shell could not decode, else None.

    Python hands such bytes over as lone surrogates, which no text file, terminal
    or database can store; saying so beats failing deep inside the command.
    """
    for i, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace")
            return (
                f"argument {i} ('{shown[:60]}') holds a byte that is not valid text at "
                f"character {exc.start + 1}; check that your terminal uses UTF-8 "
                "(locale) and type it again. Nothing was changed."
            )
    return None


def _say_waiting(where: str, seconds: float) -> None:
    print(
        f"kanban: waiting for another program to finish writing to {where} "
        f"(up to {seconds:g} s)...",
        file=sys.stderr,
        flush=True,
    )


def _skip_the_collector_at_exit() -> None:
    """Leave the objects of a finished command to the operating system at exit.

    The interpreter's clean-up at exit runs the cycle collector over every
    object the imports (SQLAlchemy, the store) and the command (2,000 cards)
    made: about 50 ms of the 0.26 s of ``kanban list``, with the user's prompt
    waiting. Frozen, they are not walked. Nothing is lost: the database is
    closed by the command (``Context.close``), the log by logging's own exit
    hook (it runs after this one), and standard output is flushed as usual.
    """
    global _collector_skipped
    if not _collector_skipped:
        _collector_skipped = True
        atexit.register(gc.freeze)


_collector_skipped = False


def run(argv: Sequence[str]) -> int:
    """Run one CLI command; returns the exit code."""
    _skip_the_collector_at_exit()
    log_path = setup_logging()
    bad = undecodable_argument(argv)
    if bad is not None:
        print(f"kanban: error: {bad}", file=sys.stderr)
        return EXIT_USER_ERROR
    parser = build_parser(argv)
    args = parser.parse_args(list(argv))
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    ctx = Context(args)
    db.on_wait_for_write = _say_waiting
    stored_values.take_notes()  # only this command's reads are reported
    # No command prints a raw control character, whatever the board holds.
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = TerminalSafeStream(real_out)
    sys.stderr = TerminalSafeStream(real_err)
    try:
        result = args.handler(ctx)
        return int(result or 0)
    except UserError as exc:
        log.info("%s: %s", args.command, exc)
        print(f"kanban: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("kanban: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `kanban list | head` closed our output early: not an error. Point
        # stdout at devnull so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except RecursionError:
        log.exception("Recursion too deep in 'kanban %s'", args.command)
        print(
            "kanban: error: the input is nested too deeply to read; nothing was changed.",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    except Exception as exc:  # the last line of defence
        log.exception("Unexpected error in 'kanban %s'", args.command)
        print(
            f"kanban: unexpected error ({type(exc).__name__}: {exc}); "
            f"details in {log_path}. Nothing was changed by the failed step.",
            file=sys.stderr,
        )
        return EXIT_BUG
    finally:
        _say_stored_fallbacks()
        sys.stdout, sys.stderr = real_out, real_err
        ctx.close()


def _say_stored_fallbacks() -> None:
    """One line if the board held values this version read as defaults (grouping "planet")."""
    line = stored_values.summary(stored_values.take_notes())
    if line:
        print(f"kanban: note: {line}", file=sys.stderr)
