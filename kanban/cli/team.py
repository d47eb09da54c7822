"""Board set-up commands: people, columns and team rules.

``kanban people`` and ``kanban columns`` alone list; their ``add``/``edit``
(and ``columns remove``) subcommands change the board through
:class:`BoardService`. ``kanban rules`` shows the rules, ``rules set RULE MODE``
and ``rules max-days N`` change them.
"""

from __future__ import annotations

import argparse
from typing import Any

from kanban.cli.context import Context
from kanban.cli.output import (
    add_json_flag,
    column_json,
    nested_common,
    person_json,
    rules_json,
    table,
)
from kanban.domain.model import RULE_TITLES, Rule
from kanban.domain.wip import count_wip
from kanban.errors import InvalidInput

# Short names people type for the rules; the canonical names work too.
RULE_ALIASES = {
    "right": Rule.MOVE_RIGHT_ONLY,
    "right-only": Rule.MOVE_RIGHT_ONLY,
    "move-right": Rule.MOVE_RIGHT_ONLY,
    "wip": Rule.WIP_LIMITS,
    "wip-limit": Rule.WIP_LIMITS,
    "size": Rule.CARD_SIZE,
    "card-size": Rule.CARD_SIZE,
}


def _limit(text: str) -> int | None:
    """A WIP limit argument: a whole number, or 'none' to remove the limit."""
    if text.strip().lower() in ("none", "off", "-", ""):
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number or 'none'") from None
    if value < 0:
        raise argparse.ArgumentTypeError("a limit cannot be negative")
    return value


def _rule(text: str) -> Rule:
    key = text.strip().lower()
    if key in RULE_ALIASES:
        return RULE_ALIASES[key]
    try:
        return Rule(key.replace("-", "_"))
    except ValueError:
        names = ", ".join(r.value for r in Rule)
        raise InvalidInput(
            f"Unknown rule '{text}'. Rules: {names} (or right-only, wip, size)."
        ) from None


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands."""
    nested = nested_common()

    # people
    p = sub.add_parser(
        "people",
        parents=[common],
        help="list, add or edit the team's people",
        description="Without an action, lists the people and their WIP.",
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_people_list)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    q = actions.add_parser("list", parents=[nested], help="list people (the default)")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_people_list)
    q = actions.add_parser("add", parents=[nested], help="add a person (gets a swimlane)")
    q.add_argument("name", help="display name")
    q.add_argument("--jira-user", help="JIRA user name or account id")
    q.add_argument("--email")
    q.add_argument("--colour", "--color", help="lane colour, #rrggbb")
    q.add_argument("--wip-limit", type=_limit, help="personal WIP limit")
    q.add_argument("--inactive", action="store_true", help="add without a swimlane")
    q.add_argument("--position", type=int, help="lane order (0 = first)")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_people_add)
    q = actions.add_parser("edit", parents=[nested], help="change a person")
    q.add_argument("person", help="name, JIRA user, e-mail or id")
    q.add_argument("--name")
    q.add_argument("--jira-user")
    q.add_argument("--email")
    q.add_argument("--colour", "--color", help="lane colour, #rrggbb")
    q.add_argument("--wip-limit", type=_limit, default=..., help="a number, or 'none'")
    state = q.add_mutually_exclusive_group()
    state.add_argument("--active", dest="active", action="store_true", default=None)
    state.add_argument("--inactive", dest="active", action="store_false")
    q.add_argument("--position", type=int, help="lane order (0 = first)")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_people_edit)

    # columns
    p = sub.add_parser(
        "columns",
        parents=[common],
        help="list, add, edit or remove columns",
        description="Without an action, lists the columns with their limits and card counts.",
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_columns_list)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    q = actions.add_parser("list", parents=[nested], help="list columns (the default)")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_columns_list)
    q = actions.add_parser("add", parents=[nested], help="add a column")
    q.add_argument("name")
    q.add_argument("--kind", choices=("active", "done", "pool"), default="active")
    q.add_argument(
        "--position",
        type=int,
        help="0 = leftmost (default: an active column goes just before the done column, "
        "a done column last)",
    )
    q.add_argument("--wip-min", type=_limit)
    q.add_argument("--wip-max", type=_limit)
    q.add_argument(
        "--jira-status", action="append", default=[], help="a JIRA status it stands for (repeat)"
    )
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_columns_add)
    q = actions.add_parser("edit", parents=[nested], help="rename, re-limit or reorder a column")
    q.add_argument("column", help="column name or id")
    q.add_argument("--name")
    q.add_argument("--kind", choices=("active", "done", "pool"))
    q.add_argument("--position", type=int)
    q.add_argument("--wip-min", type=_limit, default=..., help="a number, or 'none'")
    q.add_argument("--wip-max", type=_limit, default=..., help="a number, or 'none'")
    q.add_argument(
        "--jira-status",
        action="append",
        help="the JIRA statuses it stands for (repeat; replaces the list)",
    )
    q.add_argument(
        "--waiting",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="work here waits (e.g. for a reviewer): flow efficiency counts it as waiting",
    )
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_columns_edit)
    q = actions.add_parser("remove", parents=[nested], help="remove an empty column")
    q.add_argument("column", help="column name or id")
    q.set_defaults(handler=cmd_columns_remove)

    # rules
    p = sub.add_parser(
        "rules",
        parents=[common],
        help="show or change the team rules (off, warn, enforce)",
        description="Team rules: cards only move right (move_right_only), WIP limits "
        "(wip_limits), a card is about a day of work (card_size). warn asks for an override "
        "reason, enforce refuses.",
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_rules_show)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    q = actions.add_parser("show", parents=[nested], help="show the rules (the default)")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_rules_show)
    q = actions.add_parser("set", parents=[nested], help="set a rule's mode")
    q.add_argument(
        "rule", help="move_right_only, wip_limits or card_size (or right-only, wip, size)"
    )
    q.add_argument("mode", choices=("off", "warn", "enforce"))
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_rules_set)
    q = actions.add_parser(
        "max-days", parents=[nested], help="cards over this many days are flagged"
    )
    q.add_argument("days", type=float)
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_rules_max_days)


def _json(ctx: Context) -> bool:
    return bool(getattr(ctx.args, "json", False))


def cmd_people_list(ctx: Context) -> int:
    snap = ctx.service.snapshot()
    wip = count_wip(snap.columns, snap.cards)
    people = list(snap.people)
    counts = {p.id: (wip.by_person[p.id].total if p.id in wip.by_person else 0) for p in people}
    if _json(ctx):
        ctx.emit_json([person_json(p, counts[p.id]) for p in people])
        return 0
    if not people:
        print("No people yet. Add one with 'kanban people add NAME'.")
        return 0
    rows = [
        (
            p.id,
            p.name,
            p.jira_user or "",
            p.email or "",
            p.colour,
            f"{counts[p.id]}/{p.wip_limit}" if p.wip_limit is not None else str(counts[p.id]),
            "yes" if p.active else "no",
        )
        for p in people
    ]
    print(table(("ID", "NAME", "JIRA USER", "E-MAIL", "COLOUR", "WIP", "ACTIVE"), rows))
    return 0


def _show_person(ctx: Context, person: Any, verb: str) -> None:
    if _json(ctx):
        ctx.emit_json(person_json(person))
    else:
        limit = f", WIP limit {person.wip_limit}" if person.wip_limit is not None else ""
        print(f"{verb} {person.name} (id {person.id}{limit}).")


def cmd_people_add(ctx: Context) -> int:
    a = ctx.args
    person = ctx.service.add_person(
        a.name,
        jira_user=a.jira_user,
        email=a.email,
        colour=a.colour,
        wip_limit=a.wip_limit,
        active=not a.inactive,
        position=a.position,
    )
    _show_person(ctx, person, "Added")
    return 0


def cmd_people_edit(ctx: Context) -> int:
    a = ctx.args
    person = ctx.service.update_person(
        a.person,
        name=a.name,
        jira_user=a.jira_user,
        email=a.email,
        colour=a.colour,
        wip_limit=a.wip_limit,
        active=a.active,
        position=a.position,
    )
    _show_person(ctx, person, "Updated")
    return 0


def cmd_columns_list(ctx: Context) -> int:
    snap = ctx.service.snapshot()
    wip = count_wip(snap.columns, snap.cards)
    counts = {
        c.id: (wip.by_column[c.id].total if c.id in wip.by_column else 0) for c in snap.columns
    }
    if _json(ctx):
        ctx.emit_json([column_json(c, counts[c.id]) for c in snap.columns])
        return 0
    rows = [
        (
            c.id,
            c.name,
            c.kind.value,
            counts[c.id],
            "" if c.wip_min is None else c.wip_min,
            "" if c.wip_max is None else c.wip_max,
            "yes" if c.waiting else "",
            ", ".join(c.jira_statuses),
        )
        for c in snap.columns
    ]
    headers = ("ID", "NAME", "KIND", "CARDS", "WIP MIN", "WIP MAX", "WAITING", "JIRA STATUSES")
    print(table(headers, rows))
    return 0


def _show_column(ctx: Context, column: Any, verb: str) -> None:
    if _json(ctx):
        ctx.emit_json(column_json(column))
    else:
        waits = ", waiting" if column.waiting else ""
        print(f"{verb} column '{column.name}' ({column.kind.value}{waits}, id {column.id}).")


def cmd_columns_add(ctx: Context) -> int:
    a = ctx.args
    column = ctx.service.add_column(
        a.name,
        kind=a.kind,
        position=a.position,
        wip_min=a.wip_min,
        wip_max=a.wip_max,
        jira_statuses=a.jira_status,
    )
    _show_column(ctx, column, "Added")
    return 0


def cmd_columns_edit(ctx: Context) -> int:
    a = ctx.args
    column = ctx.service.update_column(
        a.column,
        name=a.name,
        kind=a.kind,
        wip_min=a.wip_min,
        wip_max=a.wip_max,
        jira_statuses=a.jira_status,
        position=a.position,
        waiting=a.waiting,
    )
    _show_column(ctx, column, "Updated")
    return 0


def cmd_columns_remove(ctx: Context) -> int:
    column = ctx.service.resolve_column(ctx.args.column)
    ctx.service.remove_column(column.id)
    print(f"Removed column '{column.name}'.")
    return 0


def _print_rules(ctx: Context, rules: Any) -> None:
    if _json(ctx):
        ctx.emit_json(rules_json(rules))
        return
    rows = [(rule.value, rules.mode(rule).value, RULE_TITLES[rule]) for rule in Rule]
    print(table(("RULE", "MODE", "MEANING"), rows))
    print(f"\nCards over {rules.max_card_days:g} days are flagged as too big.")


def cmd_rules_show(ctx: Context) -> int:
    _print_rules(ctx, ctx.service.rules())
    return 0


def cmd_rules_set(ctx: Context) -> int:
    rules = ctx.service.set_rule(_rule(ctx.args.rule), ctx.args.mode)
    _print_rules(ctx, rules)
    return 0


def cmd_rules_max_days(ctx: Context) -> int:
    _print_rules(ctx, ctx.service.set_max_card_days(ctx.args.days))
    return 0
