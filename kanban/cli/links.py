"""``kanban links``: commits, branches and pull requests on cards, headless.

``links scan`` reads the configured sources (or the ``--repo`` paths given)
and prints one line per source; a failing source is reported and the exit code
is 1, but the other sources are still scanned and nothing linked is lost.
``links show`` lists one card's links, ``links auto`` switches the automation
rules, ``links token`` stores a host's token in the OS keyring.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

from kanban.cli.context import Context
from kanban.cli.output import add_json_flag, iso, nested_common, table
from kanban.errors import InvalidInput
from kanban.links.keys import clean_project_keys
from kanban.links.model import AUTOMATION_RULES

# kanban.services.links is imported inside the commands: it loads the HTTP and
# sync modules, which `kanban list` must not pay for.
if TYPE_CHECKING:
    from kanban.links.settings import LinksSettings

# The JIRA token belongs to the JIRA connection (kanban jira setup), not to links.
HOST_KINDS = ("bitbucket", "github")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``kanban links`` and its actions."""
    nested = nested_common()
    p = sub.add_parser(
        "links",
        parents=[common],
        help="commits, branches and pull requests on cards",
        description="Find commits, branches and pull requests that name the cards' JIRA keys.",
    )
    p.set_defaults(handler=lambda ctx: _help(p))
    actions = p.add_subparsers(dest="action", metavar="ACTION")

    q = actions.add_parser(
        "scan",
        parents=[nested],
        help="scan git repositories, pull requests and JIRA's development info",
        description="Scan every configured source (the [links] section of the config file), "
        "or only the --repo paths given. Rescans only read what changed.",
    )
    q.add_argument(
        "--repo",
        action="append",
        metavar="PATH",
        help="a git repository to scan (repeat for several); replaces the configured ones",
    )
    q.add_argument("--keys", help="JIRA project keys to look for, e.g. OPS,PROJ")
    q.add_argument("--save", action="store_true", help="keep --repo and --keys in the config file")
    q.add_argument("--no-jira", action="store_true", help="do not ask JIRA's development panel")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_scan)

    q = actions.add_parser("show", parents=[nested], help="a card's commits, branches and PRs")
    q.add_argument("card", help="card id, id prefix or JIRA key")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_show)

    q = actions.add_parser(
        "auto",
        parents=[nested],
        help="list or switch the automation rules (all off by default)",
        description="Rules: "
        + "; ".join(f"{name}: {text}" for name, text in AUTOMATION_RULES.items()),
    )
    q.add_argument("rule", nargs="?", choices=sorted(AUTOMATION_RULES), help="rule to switch")
    q.add_argument("state", nargs="?", choices=("on", "off"), help="on or off")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_auto)

    q = actions.add_parser(
        "forget",
        parents=[nested],
        help="drop everything a source linked (a repository or host you no longer scan)",
    )
    q.add_argument("location", help="the repository path or host URL, as 'links scan' shows it")
    q.set_defaults(handler=cmd_forget)

    q = actions.add_parser(
        "token",
        parents=[nested],
        help="store a host's access token in the OS keyring",
        description="Reads the token from standard input (or asks for it) and keeps it in "
        "the OS keyring, never in the config file.",
    )
    q.add_argument("kind", choices=HOST_KINDS, help="which kind of host")
    q.add_argument("url", help="the host's base URL, as in the config file")
    q.set_defaults(handler=cmd_token)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _settings(ctx: Context) -> LinksSettings:
    from kanban.links.settings import GitRepoSetting, LinksSettings

    settings = LinksSettings.from_config(ctx.config)
    args = ctx.args
    repos = settings.repos
    if args.repo:
        repos = tuple(GitRepoSetting(path) for path in args.repo)
    keys = clean_project_keys([args.keys]) if args.keys else settings.keys
    return LinksSettings(
        repos=repos,
        keys=keys,
        bitbucket=settings.bitbucket,
        github=settings.github,
        devstatus=settings.devstatus and not args.no_jira,
        columns=settings.columns,
    )


def cmd_scan(ctx: Context) -> int:
    from kanban.services.links import LinksService, devstatus_client_from_config

    settings = _settings(ctx)
    if not (settings.repos or settings.bitbucket or settings.github or settings.devstatus):
        raise InvalidInput(
            "Nothing to scan: give --repo PATH, or list repositories under [links] in the "
            "config file."
        )
    if ctx.args.save:
        settings.save_to(ctx.config)
        ctx.config.save()
    devstatus = devstatus_client_from_config(ctx.config) if settings.devstatus else None
    links = LinksService(ctx.service)
    report = links.scan(settings, devstatus=devstatus)
    if getattr(ctx.args, "json", False):
        ctx.emit_json(report.as_dict())
    else:
        for source in report.sources:
            print(_source_line(source.as_dict()))
        for move in report.automation:
            print(f"  {move.key}: {move.outcome} — {move.message}")
        if not report.sources:
            print("No sources scanned.")
    for source in report.sources:
        if source.error:
            print(f"kanban: error: {source.error}", file=sys.stderr)
    return 0 if report.ok else 1


def _source_line(s: dict[str, Any]) -> str:
    where = f"{s['kind']} {s['location']}"
    if not s["ok"]:
        return f"FAILED  {where}"
    if s["unchanged"]:
        return f"ok      {where}: no change"
    parts = [f"{s['new_commits']} new commits"]
    if s["removed_commits"]:
        parts.append(f"{s['removed_commits']} dropped (rewritten history)")
    if s["kind"] != "git" or s["pull_requests"]:
        parts.append(f"{s['pull_requests']} pull requests")
    parts.append(f"{s['branches']} branches naming keys")
    if s["rewritten_branches"]:
        parts.append("rewritten: " + ", ".join(s["rewritten_branches"]))
    return f"ok      {where}: " + ", ".join(parts)


def cmd_show(ctx: Context) -> int:
    from kanban.services.links import LinksService

    links = LinksService(ctx.service)
    data = links.card_links(ctx.args.card)
    if getattr(ctx.args, "json", False):
        ctx.emit_json(_jsonable(data))
        return 0
    if not data["key"]:
        print("This card has no JIRA key, so nothing links to it. Set one with 'kanban edit'.")
        return 0
    print(f"{data['key']}:")
    if data["pull_requests"]:
        print("\nPull requests")
        rows = [
            (
                p["state"],
                p["approvals"],
                p["title"],
                ", ".join(r["name"] + (" ✓" if r.get("approved") else "") for r in p["reviewers"]),
                p["url"],
            )
            for p in data["pull_requests"]
        ]
        print(table(("State", "Approved", "Title", "Reviewers", "Link"), rows, {2: 50}))
    if data["commits"]:
        print("\nCommits")
        rows = [
            (
                c["short_sha"],
                iso(c["date"])[:10] if c["date"] else "",
                c["author"],
                c["repository"],
                c["subject"],
            )
            for c in data["commits"]
        ]
        print(table(("Commit", "Date", "Author", "Repository", "Subject"), rows, {4: 60}))
    if data["branches"]:
        print("\nBranches")
        print(
            table(
                ("Branch", "Repository"), [(b["name"], b["repository"]) for b in data["branches"]]
            )
        )
    if not (data["pull_requests"] or data["commits"] or data["branches"]):
        print("No commits, branches or pull requests found yet ('kanban links scan').")
    return 0


def cmd_auto(ctx: Context) -> int:
    from kanban.services.links import LinksService

    links = LinksService(ctx.service)
    rule, state = ctx.args.rule, ctx.args.state
    if rule and not state:
        raise InvalidInput(f"Say 'on' or 'off' after {rule}.")
    rules = links.set_automation(rule, state == "on") if rule else links.automation()
    if getattr(ctx.args, "json", False):
        ctx.emit_json(rules)
    else:
        print(
            table(
                ("Rule", "State", "What it does"),
                [(n, "on" if on else "off", AUTOMATION_RULES[n]) for n, on in rules.items()],
            )
        )
    return 0


def cmd_forget(ctx: Context) -> int:
    from kanban.services.links import LinksService

    count = LinksService(ctx.service).forget_source(ctx.args.location)
    print(f"Dropped the links of {ctx.args.location} ({count} source).")
    print("Remove it from [links] in the config file too, or the next scan reads it again.")
    return 0


def cmd_token(ctx: Context) -> int:
    from kanban.services.links import set_host_token

    if sys.stdin.isatty():
        token = getpass.getpass(f"Token for {ctx.args.url}: ")
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise InvalidInput("No token given; nothing was stored.")
    set_host_token(ctx.args.kind, ctx.args.url, token)
    print(f"Stored the {ctx.args.kind} token for {ctx.args.url} in the OS keyring.")
    return 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return iso(value)
