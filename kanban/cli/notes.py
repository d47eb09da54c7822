"""Comment and checklist commands: ``kanban comment``, ``kanban comments``, ``kanban check``.

Thin shells over :class:`kanban.services.notes.NotesService`. Comments are
written as the current person ("Who am I" / the config's ``me``); only one's
own comments can be edited or deleted. Checklist items are named by their
number in ``kanban check KEY`` (1 first) or by the start of their text.
"""

from __future__ import annotations

import argparse
from typing import Any

from kanban.cli.context import Context
from kanban.cli.output import add_json_flag, iso, nested_common, table
from kanban.domain.model import Card
from kanban.domain.notes import ChecklistItem, Comment, progress
from kanban.errors import InvalidInput
from kanban.services.notes import NotesService


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser(
        "comment",
        parents=[common],
        help="comment on a card (or --edit/--delete your own comment)",
        description="Add a comment to a card as you. On a card linked to JIRA it becomes a "
        "JIRA comment at the next sync. --edit N and --delete N change your own comment N "
        "(the numbers 'kanban comments KEY' shows).",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    p.add_argument("text", nargs="*", help="the comment ('-' reads it from stdin)")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--edit",
        nargs="+",
        metavar=("N", "TEXT"),
        help='replace the text of your comment N: --edit N "new text"',
    )
    group.add_argument("--delete", type=int, metavar="N", help="delete comment N")
    group.add_argument(
        "--keep",
        nargs=2,
        metavar=("N", "SIDE"),
        help="settle comment N that JIRA changed too: SIDE is 'mine' or 'jira'",
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_comment)

    p = sub.add_parser(
        "comments",
        parents=[common],
        help="list a card's comments",
        description="A card's comments, oldest first, with their numbers, authors and "
        "whether JIRA has them.",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    add_json_flag(p)
    p.set_defaults(handler=cmd_comments)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="a card's checklist: list, add, done, undo, remove, move",
        description="Without an action, list the card's checklist. ITEM is the item's "
        "number (1 first) or the start of its text.",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    add_json_flag(p)
    p.set_defaults(handler=cmd_check, action=None)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    nested = nested_common()
    a = actions.add_parser("add", parents=[nested], help="add an item (at the end)")
    a.add_argument("text", nargs="+", help="what is to be done")
    a.add_argument("--at", type=int, metavar="N", help="put it at place N (1 first)")
    add_json_flag(a, nested=True)
    for name, text in (
        ("done", "tick an item"),
        ("undo", "untick an item"),
        ("remove", "remove an item"),
    ):
        a = actions.add_parser(name, parents=[nested], help=text)
        a.add_argument("item", nargs="+", help="its number or the start of its text")
        add_json_flag(a, nested=True)
    a = actions.add_parser("move", parents=[nested], help="move an item to place N")
    a.add_argument("item", help="its number or the start of its text")
    a.add_argument("to", type=int, metavar="N", help="its new place (1 first)")
    add_json_flag(a, nested=True)


def _notes(ctx: Context) -> NotesService:
    return NotesService(ctx.service)


def _ref(card: Card) -> str:
    return card.jira_key or f"'{card.title}'"


def comment_json(comment: Comment) -> dict[str, Any]:
    return {
        "number": comment.id,
        "author": comment.author,
        "text": comment.body,
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "jira_id": comment.jira_id,
        "conflict": comment.conflict,
    }


def item_json(item: ChecklistItem) -> dict[str, Any]:
    return {
        "number": item.position + 1,
        "text": item.text,
        "done": item.done,
        "done_at": iso(item.done_at),
    }


def _text(ctx: Context) -> str:
    words = list(ctx.args.text or [])
    if words == ["-"]:
        import sys

        return sys.stdin.read()
    return " ".join(words)


def cmd_comment(ctx: Context) -> int:
    a = ctx.args
    notes = _notes(ctx)
    if a.keep:
        which, side = a.keep
        if not str(which).isdigit():
            raise InvalidInput(f"'{which}' is not a comment number; see 'kanban comments KEY'.")
        print(notes.resolve_comment(a.card, int(which), side.lower()))
        return 0
    if a.delete is not None:
        if a.text:
            raise InvalidInput("--delete takes no text; nothing was deleted.")
        gone = notes.delete_comment(a.card, a.delete)
        if a.json:
            ctx.emit_json(comment_json(gone))
        else:
            print(f"Deleted comment #{gone.id}.")
        return 0
    number: int | None = None
    if a.edit is not None:
        first, *rest = a.edit
        if not first.isdigit():
            raise InvalidInput(f"'{first}' is not a comment number; see 'kanban comments KEY'.")
        number = int(first)
        a.text = [*rest, *(a.text or [])]
    text = _text(ctx)
    if not text.strip():
        raise InvalidInput(
            "Give the comment's text: kanban comment KEY \"text\" (or '-' to read stdin)."
        )
    if number is not None:
        comment = notes.edit_comment(a.card, number, text)
        said = f"Edited comment #{comment.id}."
    else:
        comment = notes.add_comment(a.card, text)
        said = f"Added comment #{comment.id}."
    if a.json:
        ctx.emit_json(comment_json(comment))
    else:
        print(said)
    return 0


def cmd_comments(ctx: Context) -> int:
    card, comments = _notes(ctx).comments(ctx.args.card)
    if ctx.args.json:
        ctx.emit_json([comment_json(c) for c in comments])
        return 0
    if not comments:
        print(
            f"No comments on {_ref(card)} yet. Add one: "
            f'kanban comment {card.jira_key or card.id[:8]} "text"'
        )
        return 0
    for c in comments:
        when = c.created_at.astimezone()
        flags = []
        if c.edited:
            flags.append("edited")
        if c.jira_id:
            flags.append("in JIRA")
        elif card.jira_key:
            flags.append("not yet in JIRA")
        extra = f" ({', '.join(flags)})" if flags else ""
        print(f"#{c.id} · {when:%Y-%m-%d %H:%M} · {c.author}{extra}")
        for line in c.body.splitlines() or [""]:
            print(f"    {line}")
        if c.in_conflict:
            print(f"    ! JIRA has a different version: {c.conflict_text()}")
            print(
                f"    Settle it: kanban comment {card.jira_key or card.id[:8]} "
                f"--keep {c.id} mine|jira"
            )
    return 0


def cmd_check(ctx: Context) -> int:
    a = ctx.args
    notes = _notes(ctx)
    action = a.action
    if action == "add":
        at = None if a.at is None else max(0, a.at - 1)
        item = notes.add_item(a.card, " ".join(a.text), position=at)
        said = f"Added item {item.position + 1}: {item.text}"
    elif action in ("done", "undo"):
        item = notes.set_done(a.card, " ".join(a.item), done=action == "done")
        said = f"{'Ticked' if item.done else 'Unticked'} item {item.position + 1}: {item.text}"
    elif action == "remove":
        item = notes.remove_item(a.card, " ".join(a.item))
        said = f"Removed item {item.position + 1}: {item.text}"
    elif action == "move":
        item = notes.move_item(a.card, a.item, max(0, a.to - 1))
        said = f"Moved '{item.text}' to place {item.position + 1}"
    else:
        said = ""
    card, items = notes.checklist(a.card)
    if a.json:
        ctx.emit_json([item_json(i) for i in items])
        return 0
    if said:
        print(said)
        return 0
    if not items:
        print(
            f"{_ref(card)} has no checklist yet. Add a step: "
            f'kanban check {card.jira_key or card.id[:8]} add "text"'
        )
        return 0
    rows = [(i.position + 1, "[x]" if i.done else "[ ]", i.text) for i in items]
    print(table(["#", "DONE", "ITEM"], rows, max_widths={2: 70}))
    print(f"{progress(items).badge()} done")
    return 0
