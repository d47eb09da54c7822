"""JIRA commands: ``kanban jira setup|test|status|pending|resolve|revert``, the status
mapping and agile boards (``kanban jira statuses|map|boards``), and ``kanban sync``.

Thin shells over :class:`kanban.services.sync.SyncService`. The token is read
from stdin (or ``KANBAN_JIRA_TOKEN``) and goes to the OS keyring only; it is
never printed, logged or written to the config file.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kanban.cli.context import Context
from kanban.cli.output import add_json_flag, nested_common, table
from kanban.errors import InvalidInput

if TYPE_CHECKING:
    from kanban.services.sync import SyncService
from kanban.sync.settings import (
    AUTH_CLOUD,
    AUTH_PAT,
    TOKEN_ENV,
    JiraSettings,
    NoKeyring,
    store_token,
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``kanban jira ...`` and ``kanban sync``."""
    nested = nested_common()
    p = sub.add_parser(
        "jira",
        parents=[common],
        help="set up and inspect the JIRA connection",
        description="Connect the board to JIRA and look at what the sync left to do.",
    )
    p.set_defaults(handler=lambda ctx: _help(p))
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    q = actions.add_parser(
        "setup",
        parents=[nested],
        help="save the server, the JQL and the token (read from stdin or KANBAN_JIRA_TOKEN)",
        description="Save the JIRA settings in the config file and the token in the OS "
        f"keyring. The token is read from stdin, or from {TOKEN_ENV}. A Server/Data Center "
        "personal access token needs no --user; JIRA Cloud needs --user EMAIL and an API token.",
    )
    q.add_argument("--url", required=True, help="JIRA base URL, e.g. https://jira.example.com")
    q.add_argument("--jql", default="", help="the query of the board's issues")
    q.add_argument("--project-keys", default="", help="e.g. OPS,NET (default JQL uses them)")
    q.add_argument(
        "--board-id",
        type=int,
        help="adopt this JIRA agile board: its columns, statuses, WIP limits and (without "
        "--jql) its filter ('kanban jira boards' lists them)",
    )
    q.add_argument("--user", default="", help="Cloud: your e-mail (Basic auth with API token)")
    q.add_argument("--auth", choices=(AUTH_PAT, AUTH_CLOUD), help="default: cloud with --user")
    q.add_argument("--create-issues", action="store_true", help="push new cards as new issues")
    q.add_argument("--create-project", default="", help="project key for created issues")
    q.add_argument("--create-issue-type", default="Task", help="issue type for created issues")
    q.add_argument("--interval", type=int, default=10, help="auto-sync minutes in the app (0=off)")
    q.add_argument("--no-test", action="store_true", help="do not test the connection now")
    q.set_defaults(handler=cmd_setup)

    q = actions.add_parser("test", parents=[nested], help="connect and show server and user")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_test)

    q = actions.add_parser("status", parents=[nested], help="the last sync and what waits")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_status)

    q = actions.add_parser("pending", parents=[nested], help="queued pushes and conflicts")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_pending)

    q = actions.add_parser("resolve", parents=[nested], help="settle a conflict on one field")
    q.add_argument("card", help="card id, id prefix or JIRA key")
    q.add_argument("field", help="the field in conflict (see 'kanban jira pending')")
    q.add_argument("--keep", required=True, choices=("mine", "jira"), help="which value wins")
    q.set_defaults(handler=cmd_resolve)

    q = actions.add_parser(
        "boards",
        parents=[nested],
        help="list the JIRA agile boards you can see (to adopt one: setup --board-id N)",
    )
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_boards)

    q = actions.add_parser(
        "statuses",
        parents=[nested],
        help="every JIRA status seen: its category, its column, and why it lands there",
        description="A status that a column lists lands there (explicit); every other status "
        "falls to the column of its category: to do → the task pool, in progress → the first "
        "active column, done → the done column. 'kanban jira map' changes it.",
    )
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_statuses)

    q = actions.add_parser(
        "map",
        parents=[nested],
        help="put a JIRA status in a column (or back to its category's column)",
        description="Make COLUMN the column that stands for STATUS; the next sync moves the "
        "cards in that status there. --by-category undoes it.",
    )
    q.add_argument("status", help="the status's name or id (see 'kanban jira statuses')")
    where = q.add_mutually_exclusive_group(required=True)
    where.add_argument("column", nargs="?", help="column name or id")
    where.add_argument(
        "--by-category", action="store_true", help="let the status's category choose the column"
    )
    q.set_defaults(handler=cmd_map)

    q = actions.add_parser(
        "revert", parents=[nested], help="undo a queued push on the board (back to JIRA's value)"
    )
    q.add_argument("card", help="card id, id prefix or JIRA key")
    q.add_argument("--field", help="only this field (default: every queued field)")
    q.set_defaults(handler=cmd_revert)

    s = sub.add_parser(
        "sync",
        parents=[common],
        help="two-way sync with JIRA now",
        description="Pull what changed in JIRA, push what changed on the board. Exits 1 with "
        "the reason when the sync cannot run; queued pushes and conflicts are listed by "
        "'kanban jira pending'.",
    )
    s.add_argument("--force", action="store_true", help="archive even when JIRA returns nothing")
    s.add_argument("--full", action="store_true", help="a full pass instead of incremental")
    s.add_argument(
        "--dry-run",
        action="store_true",
        help="print what the sync would pull, push, create, archive and the conflicts; "
        "write nothing (not the board, not JIRA, not the sync state)",
    )
    add_json_flag(s)
    s.set_defaults(handler=cmd_sync)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _sync_service(ctx: Context) -> SyncService:
    # Imported on use: it loads the jira library, which `kanban list` must not pay for.
    from kanban.services.sync import SyncService

    return SyncService(ctx.service, config=ctx.config)


def _read_token() -> str:
    env = os.environ.get(TOKEN_ENV, "").strip()
    if env:
        return env
    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidInput(
            f"Give the JIRA token on stdin (e.g. 'kanban jira setup ... < token.txt') or in "
            f"{TOKEN_ENV}; it is stored in the OS keyring."
        )
    token = sys.stdin.readline().strip()
    if not token:
        raise InvalidInput("The token read from stdin is empty; nothing was saved.")
    return token


def cmd_setup(ctx: Context) -> int:
    a = ctx.args
    keys = [k.strip().upper() for k in a.project_keys.split(",") if k.strip()]
    auth = a.auth or (AUTH_CLOUD if a.user else AUTH_PAT)
    old = JiraSettings.load(ctx.config)
    settings = JiraSettings(
        url=a.url.rstrip("/"),
        auth=auth,
        user=a.user,
        jql=a.jql,
        board_id=a.board_id,
        project_keys=keys,
        create_issues=a.create_issues,
        create_project=(a.create_project or (keys[0] if keys else "")).upper(),
        create_issue_type=a.create_issue_type,
        create_since=old.create_since
        if old.create_issues and a.create_issues
        else (datetime.now(UTC).isoformat() if a.create_issues else ""),
        interval_minutes=a.interval,
        full_every_hours=old.full_every_hours,
        timeout=old.timeout,
    )
    settings.validate()
    token = _read_token()
    try:
        store_token(settings, token)
        kept = True
    except NoKeyring as exc:
        print(f"kanban: warning: {exc}", file=sys.stderr)
        kept = False
    settings.save(ctx.config)
    if kept:
        print(f"Saved the JIRA settings for {settings.url}; the token is in the OS keyring.")
    else:
        print(
            f"Saved the JIRA settings for {settings.url}; the token was not saved "
            f"(no keyring): set {TOKEN_ENV} for each run."
        )
    if not a.no_test:
        if not kept:
            os.environ.setdefault(TOKEN_ENV, token)
        from kanban.services.sync import SyncService

        svc = SyncService(ctx.service, settings)
        info = svc.test_connection()
        print(
            f"Connected: {info.title or 'JIRA'} {info.version} ({info.deployment}) as "
            f"{info.user_display} [{info.user_id}]."
        )
        if settings.board_id:
            plan, filter_jql = svc.adopt_board(int(settings.board_id))
            if not settings.jql and filter_jql:
                settings.jql = filter_jql
                settings.save(ctx.config)
            print(f"Adopted JIRA board {settings.board_id} ({plan.board_name or 'no name'}):")
            for line in plan.lines():
                print(f"  {line}")
            print(f"Board query (JQL): {settings.effective_jql}")
    elif settings.board_id and not settings.effective_jql:
        raise InvalidInput(
            "--board-id without --jql takes the JIRA board's filter, which needs the connection: "
            "drop --no-test, or give --jql."
        )
    return 0


def cmd_boards(ctx: Context) -> int:
    boards = _sync_service(ctx).boards()
    if getattr(ctx.args, "json", False):
        ctx.emit_json(boards)
        return 0
    if not boards:
        print("JIRA shows you no agile board.")
        return 0
    rows = [(str(b["id"]), b["name"], b["type"], b["project"]) for b in boards]
    print(table(("ID", "NAME", "TYPE", "PROJECT"), rows, max_widths={1: 40}))
    print("Adopt one: kanban jira setup --url URL --board-id ID")
    return 0


_MAPPED_WORDS = {"explicit": "listed by the column", "category": "by its category"}


def cmd_statuses(ctx: Context) -> int:
    rows = _sync_service(ctx).statuses()
    if getattr(ctx.args, "json", False):
        ctx.emit_json([r.to_json() for r in rows])
        return 0
    if not rows:
        print("No JIRA status seen yet: run 'kanban sync' first.")
        return 0
    lines = [
        (
            r.name,
            r.id,
            r.category or "-",
            r.column or "(none: kept where it is)",
            _MAPPED_WORDS.get(r.how.value, "-") if r.how else "-",
            str(r.issues),
        )
        for r in rows
    ]
    print(table(("STATUS", "ID", "CATEGORY", "COLUMN", "HOW", "CARDS"), lines))
    if any(r.how is None for r in rows):
        print(
            "A status with no column and no category keeps its cards where they are; give it "
            "one: kanban jira map STATUS COLUMN"
        )
    return 0


def cmd_map(ctx: Context) -> int:
    a = ctx.args
    row = _sync_service(ctx).map_status(a.status, None if a.by_category else a.column)
    how = "by its category" if a.by_category else "listed by the column"
    print(
        f"JIRA status '{row.name}' now lands in {row.column or 'no column'} ({how}); the next "
        "sync moves its cards there."
    )
    return 0


def cmd_test(ctx: Context) -> int:
    info = _sync_service(ctx).test_connection()
    if getattr(ctx.args, "json", False):
        ctx.emit_json(
            {
                "url": info.url,
                "version": info.version,
                "deployment": info.deployment,
                "title": info.title,
                "user": info.user_display,
                "user_id": info.user_id,
                "time_zone": info.time_zone,
            }
        )
        return 0
    print(f"Server:     {info.url} ({info.title or 'JIRA'})")
    print(f"Version:    {info.version}")
    print(f"Deployment: {info.deployment}")
    print(f"User:       {info.user_display} [{info.user_id}], time zone {info.time_zone}")
    return 0


def cmd_status(ctx: Context) -> int:
    st = _sync_service(ctx).status()
    last = st.last_run
    data: dict[str, Any] = {
        "configured": st.configured,
        "offline": st.offline,
        "pending": st.pending,
        "queued": st.queued,
        "conflicts": st.conflicts,
        "last_run": None
        if last is None
        else {
            "started_at": last.started_at.isoformat(),
            "mode": last.mode,
            "status": last.status,
            "message": last.message,
        },
    }
    if getattr(ctx.args, "json", False):
        ctx.emit_json(data)
        return 0
    if not st.configured:
        print("JIRA sync is not set up; run 'kanban jira setup --url URL --jql JQL'.")
        return 0
    if last is None:
        print("No sync has run yet; run 'kanban sync'.")
    else:
        print(f"Last sync: {last.started_at:%Y-%m-%d %H:%M} UTC, {last.mode}, {last.status}.")
        if last.message:
            print(f"  {last.message}")
    print(
        f"Waiting: {st.pending} card(s) with changes to push, {st.queued} with refused pushes, "
        f"{st.conflicts} in conflict."
    )
    return 0


def cmd_pending(ctx: Context) -> int:
    items = _sync_service(ctx).pending()
    if getattr(ctx.args, "json", False):
        ctx.emit_json(
            [
                {
                    "card_id": i.card_id,
                    "card": i.card_title,
                    "issue": i.issue_key,
                    "field": i.field,
                    "kind": i.kind,
                    "local": i.local,
                    "remote": i.remote,
                    "message": i.message,
                    "attempts": i.attempts,
                }
                for i in items
            ]
        )
        return 0
    if not items:
        print("Nothing waits: no queued pushes, no conflicts.")
        return 0
    rows = [
        (
            i.issue_key or "-",
            i.card_title,
            i.field,
            i.kind,
            i.local_text,
            i.remote_text,
            i.message or "",
        )
        for i in items
    ]
    print(
        table(
            ("ISSUE", "CARD", "FIELD", "KIND", "BOARD", "JIRA", "WHY"),
            rows,
            max_widths={1: 30, 4: 24, 5: 30, 6: 60},
        )
    )
    print("Settle a conflict: kanban jira resolve CARD FIELD --keep mine|jira")
    if any(i.kind == "queued" for i in items):
        print(
            "A refused push is retried by the next 'kanban sync'; to put the card back as "
            "JIRA has it instead: kanban jira revert CARD"
        )
    return 0


def cmd_resolve(ctx: Context) -> int:
    print(_sync_service(ctx).resolve(ctx.args.card, ctx.args.field, ctx.args.keep))
    return 0


def cmd_revert(ctx: Context) -> int:
    print(_sync_service(ctx).revert(ctx.args.card, ctx.args.field))
    return 0


def _say_waits(_done: int, _total: int | None, message: str) -> None:
    """A run that waits on JIRA (a rate limit) says so, so a long pause is not silence."""
    if message.startswith("JIRA at ") and " asked to wait " in message:
        print(f"kanban: {message}", file=sys.stderr, flush=True)


def cmd_sync(ctx: Context) -> int:
    svc = _sync_service(ctx)
    full = True if ctx.args.full else None
    if ctx.args.dry_run:
        plan = svc.preview(force=ctx.args.force, full=full)
        if getattr(ctx.args, "json", False):
            ctx.emit_json(plan.to_json())
        else:
            for line in plan.lines():
                print(line)
            print("Dry run: nothing was written. Run 'kanban sync' to apply it.")
        return 0
    report = svc.sync(force=ctx.args.force, full=full, progress=_say_waits)
    if getattr(ctx.args, "json", False):
        ctx.emit_json(report.to_json())
    else:
        print(report.summary())
        for line in report.advice():
            print(f"note: {line}")
        for note in report.notes:
            print(f"note: {note}")
        for error in report.errors:
            print(f"queued: {error}")
    return 0
