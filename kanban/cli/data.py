"""Data commands: ``export``, ``import`` (JSON or ``--csv``) and ``demo``.

The work happens in :mod:`kanban.services.transfer` and
:mod:`kanban.services.demo`; this module parses options and prints results.
A CSV import lists each bad row as ``line N: reason`` on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kanban.cli.context import Context
from kanban.errors import UserError

# kanban.services.transfer and .demo are imported in the commands that use them:
# they load every table module, which the other commands must not pay for.

EXIT_SOME_ROWS_BAD = 1


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser(
        "export",
        parents=[common],
        help="write the whole board (with history) as JSON",
        description="Write the whole board as JSON: settings, columns, people, every card "
        "(archived ones too) and the full history. 'kanban import' reads it back.",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "import",
        parents=[common],
        help="read a board export (JSON), or cards from a spreadsheet (--csv)",
        description="Read a file written by 'kanban export' into an empty board (or, with "
        "--replace, instead of the current one). With --csv, add cards from a spreadsheet "
        "saved as CSV: the header names the fields (Title/Summary, Person/Assignee/Owner, "
        "Column/Status, Size/Days, Labels/Tags, Not ready/Blocked reason, JIRA/Key, Project, "
        "Description, Due). A row with a person but no column starts in the first active "
        "column. Bad rows are listed as 'line N: reason' and the good rows are imported; "
        "with --strict nothing is imported if any row is bad.",
    )
    p.add_argument("file", help="the JSON export, or the CSV file with --csv")
    p.add_argument("--csv", action="store_true", help="FILE is a CSV spreadsheet of cards")
    p.add_argument("--strict", action="store_true", help="CSV: import nothing if a row is bad")
    p.add_argument(
        "--reason",
        help="CSV: override reason for rules in warn mode (e.g. cards over the size limit)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="JSON: replace a board that already has cards or people (its data is lost)",
    )
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "demo",
        parents=[common],
        help="fill an empty board with a demo ops team and 8 weeks of history",
        description="Fill the board with six admins, about 80 ops cards and eight weeks of "
        "history (moves, blocks, rule overrides). Use a new file with --db to try it.",
    )
    p.add_argument(
        "--force", action="store_true", help="replace a board that already has cards or people"
    )
    p.add_argument("--seed", type=int, default=7, help="random seed (same seed, same board)")
    p.set_defaults(handler=cmd_demo)


def cmd_export(ctx: Context) -> int:
    from kanban.services import transfer

    text = transfer.export_json(ctx.service)
    if ctx.args.output:
        path = Path(ctx.args.output)
        transfer.write_text_atomically(path, text)
        print(f"Exported the board to {path}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(ctx: Context) -> int:
    from kanban.services import transfer
    from kanban.services.transfer import CsvRejected

    a = ctx.args
    path = Path(a.file)
    if not a.csv:
        data = transfer.read_export_file(path)  # check the file before opening the board
        summary = transfer.import_board(ctx.service, data, replace=a.replace)
        print(
            f"Imported {summary.cards} cards, {summary.people} people, {summary.columns} "
            f"columns and {summary.events} history events from {path}."
        )
        return 0
    try:
        report = transfer.import_csv(ctx.service, path, strict=a.strict, override_reason=a.reason)
    except CsvRejected as exc:
        for line in exc.report.error_lines():
            print(line, file=sys.stderr)
        raise
    for line in report.error_lines():
        print(line, file=sys.stderr)
    if report.ignored_headers:
        print(
            f"Ignored columns: {', '.join(report.ignored_headers)} (not a card field).",
            file=sys.stderr,
        )
    print(
        f"Imported {len(report.imported)} of {report.rows} rows from {path} "
        f"(read as {report.encoding})."
    )
    if report.errors:
        print(
            f"{len(report.errors)} rows were not imported; fix them and import those again.",
            file=sys.stderr,
        )
        return EXIT_SOME_ROWS_BAD
    return 0


def cmd_demo(ctx: Context) -> int:
    from kanban.services import transfer
    from kanban.services.demo import fill_demo_board

    service = ctx.service
    if not transfer.board_is_empty(service):
        if not ctx.args.force:
            raise UserError(
                "The board already has cards or people; the demo only fills an empty board. "
                "Use --force to replace it, or choose a new file with --db."
            )
        transfer.replace_board(service, lambda svc: fill_demo_board(svc, seed=ctx.args.seed))
    else:
        fill_demo_board(service, seed=ctx.args.seed)
    cards = service.list_cards()
    print(
        f"Filled the board with the demo team: {len(service.people())} people, {len(cards)} "
        "cards and eight weeks of history. Start the board with 'kanban' (same --db)."
    )
    return 0
