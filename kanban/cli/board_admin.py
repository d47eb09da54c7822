"""Board commands: label colours, the archived cards, the board's name.

``kanban labels`` lists the labels on the board with their colours and card
counts, ``kanban labels set NAME --colour '#RRGGBB'`` colours one (``--default``
takes the colour away); ``kanban archived`` lists the archived cards, when and
by whom (``kanban restore KEY`` brings one back); ``kanban board rename NAME``
renames the board. Each is a thin shell over :mod:`kanban.services.labels` and
:mod:`kanban.services.board_admin`.
"""

from __future__ import annotations

import argparse

from kanban.cli.context import Context
from kanban.cli.output import add_json_flag, iso, nested_common, short_id, table
from kanban.domain.words import plural
from kanban.errors import InvalidInput

TITLE_WIDTH = 48


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands."""
    nested = nested_common()

    p = sub.add_parser(
        "labels",
        parents=[common],
        help="the board's labels with their colours; set a label's colour",
        description="Without an action, lists every label on the board's open cards with "
        "its colour and how many cards carry it.",
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_labels_list)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    q = actions.add_parser("list", parents=[nested], help="list the labels (the default)")
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_labels_list)
    q = actions.add_parser("set", parents=[nested], help="give a label its colour")
    q.add_argument("name", help="the label, as written on the cards")
    colour = q.add_mutually_exclusive_group(required=True)
    colour.add_argument("--colour", "--color", help="the chip colour, #rrggbb (e.g. '#d32f2f')")
    colour.add_argument(
        "--default", action="store_true", help="take the colour away (the default chip colour)"
    )
    add_json_flag(q, nested=True)
    q.set_defaults(handler=cmd_labels_set)

    p = sub.add_parser(
        "archived",
        parents=[common],
        help="the archived cards: when and by whom ('kanban restore' brings one back)",
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_archived)

    p = sub.add_parser("board", parents=[common], help="the board itself: rename it")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    q = actions.add_parser("rename", parents=[nested], help="give the board a new name")
    q.add_argument("name", help="the new name")
    q.set_defaults(handler=cmd_board_rename)
    p.set_defaults(handler=cmd_board_help, board_parser=p)


def _json(ctx: Context) -> bool:
    return bool(getattr(ctx.args, "json", False))


def cmd_labels_list(ctx: Context) -> int:
    from kanban.services.labels import DEFAULT_LABEL_COLOUR, labels

    found = labels(ctx.service)
    if _json(ctx):
        ctx.emit_json(
            [{"name": lb.name, "colour": lb.colour, "cards": lb.cards} for lb in found]
        )
        return 0
    if not found:
        print("No labels yet. Give a card labels with 'kanban edit CARD --label NAME'.")
        return 0
    rows = [
        (lb.name, lb.colour or f"(default {DEFAULT_LABEL_COLOUR})", lb.cards) for lb in found
    ]
    print(table(("LABEL", "COLOUR", "CARDS"), rows))
    return 0


def cmd_labels_set(ctx: Context) -> int:
    from kanban.services.labels import set_label_colour

    a = ctx.args
    if a.colour is not None and not a.colour.strip():
        raise InvalidInput("Give the colour as #rrggbb, e.g. --colour '#d32f2f'.")
    info = set_label_colour(ctx.service, a.name, None if a.default else a.colour)
    if _json(ctx):
        ctx.emit_json({"name": info.name, "colour": info.colour, "cards": info.cards})
        return 0
    on = f"on {plural(info.cards, 'card')}" if info.cards else "on no card yet"
    if info.colour is None:
        print(f"Label '{info.name}' ({on}) has the default colour again.")
    else:
        print(f"Label '{info.name}' ({on}) is now {info.colour}.")
    return 0


def cmd_archived(ctx: Context) -> int:
    from kanban.services.board_admin import archived_cards

    found = archived_cards(ctx.service)
    if _json(ctx):
        ctx.emit_json(
            [
                {
                    "id": a.card.id,
                    "jira_key": a.card.jira_key,
                    "title": a.card.title,
                    "column": a.column,
                    "archived_at": iso(a.archived_at),
                    "archived_by": a.archived_by,
                }
                for a in found
            ]
        )
        return 0
    if not found:
        print("No archived cards.")
        return 0
    rows = [
        (
            a.card.jira_key or short_id(a.card.id),
            a.card.title,
            a.column,
            f"{a.archived_at.astimezone():%Y-%m-%d %H:%M}" if a.archived_at else "?",
            a.archived_by or "?",
        )
        for a in found
    ]
    print(table(("CARD", "TITLE", "WAS IN", "ARCHIVED", "BY"), rows, {1: TITLE_WIDTH}))
    print(f"\n{plural(len(found), 'archived card')}; 'kanban restore CARD' brings one back.")
    return 0


def cmd_board_rename(ctx: Context) -> int:
    from kanban.services.board_admin import rename_board

    name = rename_board(ctx.service, ctx.args.name)
    print(f"The board is now called '{name}'.")
    return 0


def cmd_board_help(ctx: Context) -> int:
    ctx.args.board_parser.print_help()
    return 2
