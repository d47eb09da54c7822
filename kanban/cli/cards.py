"""Card commands: add, edit, list, show, move, assign, block, unblock, archive, history, undo.

Each command is a thin shell over one :class:`BoardService` use case: parse,
call, print. Cards are named by id, a unique id prefix (the 8 characters
``list`` shows) or JIRA key. Rule refusals and bad input come back from the
service as ``UserError`` and are printed by ``kanban.cli.main`` as one line.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from kanban.cli.context import Context
from kanban.cli.output import (
    add_json_flag,
    card_json,
    event_json,
    short_id,
    table,
)
from kanban.domain.model import BoardSnapshot, Card, ColumnKind
from kanban.domain.rules import is_oversized
from kanban.domain.wip import count_wip
from kanban.domain.words import plural
from kanban.errors import InvalidInput, NothingToUndo, UserError
from kanban.services.board import CardFilter, ChangeResult
from kanban.services.history_text import ago, change_summary, names_of, undo_question

TITLE_WIDTH = 48


def _date(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2026-03-31.") from None


def _labels(values: Sequence[str] | None) -> list[str]:
    labels: list[str] = []
    for value in values or ():
        labels.extend(part.strip() for part in value.split(",") if part.strip())
    return labels


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add this module's subcommands."""
    p = sub.add_parser(
        "add",
        parents=[common],
        help="add a card (to the task pool unless --column or --person is given)",
        description="Add a card. It goes to the task pool unless --column is given; with "
        "--person alone it starts in that person's lane in the first active column.",
    )
    p.add_argument("title", help="what the work is, in a few words")
    p.add_argument("--description", "-d", default="", help="longer text")
    p.add_argument("--column", "-c", help="column name or id (default: the task pool)")
    p.add_argument("--person", "-p", help="whose lane (name, JIRA user or e-mail)")
    p.add_argument("--size", type=float, default=1.0, help="size in days (default 1)")
    p.add_argument("--label", "-l", action="append", help="a label; repeat or separate with commas")
    p.add_argument("--project", help="project or epic")
    p.add_argument("--due", help="due date, YYYY-MM-DD")
    p.add_argument("--jira", help="the JIRA key, e.g. OPS-123")
    p.add_argument("--not-ready", metavar="REASON", help="mark it not ready, saying why")
    p.add_argument("--position", type=int, help="place in the cell (0 = top)")
    p.add_argument("--reason", help="override reason when a rule in warn mode objects")
    add_json_flag(p)
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser(
        "edit",
        parents=[common],
        help="change a card's title, size, labels and other content",
        description="Change a card's content. Only the options given are changed; give an "
        "empty value ('') to clear --due, --jira or --project. To move it, use 'kanban move'.",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    p.add_argument("--title")
    p.add_argument("--description", "-d")
    p.add_argument("--size", type=float, help="size in days")
    p.add_argument("--labels", help="all labels, comma separated ('' clears them)")
    p.add_argument("--project")
    p.add_argument("--due", help="due date, YYYY-MM-DD ('' clears it)")
    p.add_argument("--jira", help="JIRA key ('' unlinks it)")
    p.add_argument("--reason", help="override reason when a rule in warn mode objects")
    p.add_argument(
        "--expect-revision",
        type=int,
        metavar="N",
        help="fail instead of overwriting if someone changed the card since revision N",
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_edit)

    p = sub.add_parser(
        "list",
        parents=[common],
        help="list cards: task pool, not ready, and each person's lane",
        description="List the board's cards grouped as the board shows them: the task pool, "
        "the not-ready section and one lane per person. Filters combine with AND.",
    )
    p.add_argument("text", nargs="?", help="only cards whose title, key, labels... contain this")
    p.add_argument("--person", "-p", help="only this person's cards")
    p.add_argument("--column", "-c", help="only cards in this column")
    p.add_argument("--label", "-l", help="only cards with this label")
    p.add_argument("--project", help="only cards of this project")
    p.add_argument("--not-ready", action="store_true", help="only cards marked not ready")
    p.add_argument("--archived", action="store_true", help="include archived cards")
    add_json_flag(p)
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser(
        "show",
        parents=[common],
        help="show one card and its history",
        description="Show every field of a card and its history.",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    add_json_flag(p)
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser(
        "move",
        parents=[common],
        help="move a card to another column, lane or position",
        description="Move a card to COLUMN. It keeps its person unless --person or "
        "--unassign is given: a pool card starts in its owner's lane, and a card moved into "
        "the task pool stays that person's. If a team "
        "rule in warn mode objects, repeat with --reason; a rule in enforce mode refuses.",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    p.add_argument("column", help="target column name or id ('pool' for the task pool)")
    p.add_argument("--person", "-p", help="move into this person's lane")
    p.add_argument("--unassign", action="store_true", help="move out of any lane")
    p.add_argument("--position", type=int, help="place in the cell (0 = top)")
    p.add_argument("--reason", help="override reason when a rule in warn mode objects")
    p.add_argument("--expect-revision", type=int, metavar="N", help="see 'kanban edit --help'")
    add_json_flag(p)
    p.set_defaults(handler=cmd_move)

    p = sub.add_parser(
        "assign",
        parents=[common],
        help="give a card to a person (a pool card stays in the pool as theirs)",
        description="Put a card in a person's lane. A card in the task pool stays there with "
        "the person as its owner ('my pool'); it starts in their lane when it is moved out. "
        "--none takes the card from whoever had it.",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("person", nargs="?", help="name, JIRA user or e-mail")
    who.add_argument("--none", action="store_true", help="take the card out of any lane")
    p.add_argument("--reason", help="override reason when a rule in warn mode objects")
    add_json_flag(p)
    p.set_defaults(handler=cmd_assign)

    p = sub.add_parser(
        "block",
        parents=[common],
        help="mark a card not ready, with the reason",
        description="Mark a card not ready (blocked) and say what it waits for.",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    p.add_argument("reason", nargs="+", help="what the card is waiting for")
    add_json_flag(p)
    p.set_defaults(handler=cmd_block)

    p = sub.add_parser("unblock", parents=[common], help="mark a card ready again")
    p.add_argument("card", help="card id, id prefix or JIRA key")
    add_json_flag(p)
    p.set_defaults(handler=cmd_unblock)

    p = sub.add_parser(
        "archive",
        parents=[common],
        help="archive a card (it keeps its history; 'kanban restore' brings it back)",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    add_json_flag(p)
    p.set_defaults(handler=cmd_archive)

    p = sub.add_parser(
        "restore",
        parents=[common],
        help="bring an archived card back (to its column, or the pool if that is full)",
    )
    p.add_argument("card", help="card id, id prefix or JIRA key")
    p.add_argument(
        "--reason", help="why it may go over a WIP limit the board warns about (kept in history)"
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser(
        "history",
        parents=[common],
        help="the board's history, or one card's",
        description="Show history events, newest last: who changed what, when, and why.",
    )
    p.add_argument("card", nargs="?", help="only this card (id, id prefix or JIRA key)")
    p.add_argument(
        "--limit", "-n", type=int, default=50, help="show the last N events (default 50, 0 = all)"
    )
    add_json_flag(p)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser(
        "undo",
        parents=[common],
        help="undo your last change",
        description="Undo your own last change (never another person's or JIRA's); it is "
        "named before it is undone. A change over an hour old needs --yes. The history "
        "keeps both the change and the undo.",
    )
    p.add_argument(
        "--yes", "-y", action="store_true", help="undo it even if it is over an hour old"
    )
    p.set_defaults(handler=cmd_undo)
    p = sub.add_parser("redo", parents=[common], help="redo the change you last undid")
    p.set_defaults(handler=cmd_redo)


# --- handlers ----------------------------------------------------------------


def _report(ctx: Context, result: ChangeResult, verb: str) -> None:
    snap = ctx.service.snapshot()
    if ctx.args.json:
        data = card_json(result.card, snap)
        data["overridden"] = [v.message for v in result.overridden]
        ctx.emit_json(data)
        return
    card = result.card
    if not result.change_id:
        print(f"Card {short_id(card.id)} '{card.title}' is already like that; nothing changed.")
        return
    print(f"{verb} card {short_id(card.id)} '{card.title}' ({_place(card, snap)}).")
    for violation in result.overridden:
        print(f"  overridden: {violation.message}")


def _place(card: Card, snap: BoardSnapshot) -> str:
    column = snap.column(card.column_id).name
    if card.person_id is None:
        if card.owner_id is not None:
            return f"{column}, {snap.person(card.owner_id).name}'s"
        return column
    return f"{column}, {snap.person(card.person_id).name}"


def cmd_add(ctx: Context) -> int:
    a = ctx.args
    column = a.column
    if column is None and a.person:
        # The pool has no lanes: a person's name means the card starts, as with
        # 'assign' and the CSV import, instead of dropping the person silently.
        active = [c for c in ctx.service.columns() if c.kind is ColumnKind.ACTIVE]
        if active:
            column = active[0].id
    result = ctx.service.add_card(
        a.title,
        description=a.description,
        column=column,
        person=a.person,
        size_days=a.size,
        labels=_labels(a.label),
        project=a.project,
        due_date=_date(a.due) if a.due else None,
        jira_key=a.jira,
        not_ready_reason=a.not_ready,
        position=a.position,
        override_reason=a.reason,
    )
    _report(ctx, result, "Added")
    return 0


def cmd_edit(ctx: Context) -> int:
    a = ctx.args
    fields: dict[str, Any] = {}
    if a.title is not None:
        fields["title"] = a.title
    if a.description is not None:
        fields["description"] = a.description
    if a.size is not None:
        fields["size_days"] = a.size
    if a.labels is not None:
        fields["labels"] = _labels([a.labels])
    if a.project is not None:
        fields["project"] = a.project
    if a.due is not None:
        fields["due_date"] = _date(a.due)
    if a.jira is not None:
        fields["jira_key"] = a.jira
    if not fields:
        raise InvalidInput("Nothing to change: give at least one option, e.g. --title.")
    result = ctx.service.edit_card(
        a.card, expected_revision=a.expect_revision, override_reason=a.reason, **fields
    )
    _report(ctx, result, "Edited")
    return 0


def cmd_move(ctx: Context) -> int:
    a = ctx.args
    result = ctx.service.move_card(
        a.card,
        column=a.column,
        person=a.person,
        unassign=a.unassign,
        position=a.position,
        expected_revision=a.expect_revision,
        override_reason=a.reason,
    )
    _report(ctx, result, "Moved")
    return 0


def cmd_assign(ctx: Context) -> int:
    a = ctx.args
    result = ctx.service.assign(a.card, None if a.none else a.person, override_reason=a.reason)
    _report(ctx, result, "Assigned")
    return 0


def cmd_block(ctx: Context) -> int:
    result = ctx.service.block(ctx.args.card, " ".join(ctx.args.reason))
    _report(ctx, result, "Marked not ready:")
    return 0


def cmd_unblock(ctx: Context) -> int:
    _report(ctx, ctx.service.unblock(ctx.args.card), "Marked ready:")
    return 0


def cmd_archive(ctx: Context) -> int:
    _report(ctx, ctx.service.archive(ctx.args.card), "Archived")
    return 0


def cmd_restore(ctx: Context) -> int:
    from kanban.services.board_admin import restore_card

    restored = restore_card(ctx.service, ctx.args.card, override_reason=ctx.args.reason)
    if ctx.args.json:
        _report(ctx, restored.result, "Restored")
    else:
        print(restored.sentence())
    return 0


def cmd_undo(ctx: Context) -> int:
    step = ctx.service.next_undo()
    if step is None:
        raise NothingToUndo("Nothing to undo: you have made no change since the last undo.")
    now = datetime.now(UTC)
    if step.needs_confirmation(now) and not ctx.args.yes:
        raise UserError(
            f"{undo_question(step, now)} It is over an hour old: run 'kanban undo --yes' "
            "to undo it. Nothing was changed."
        )
    print(f"Undo: {step.what}, {ago(step.at, now)}.")
    for card in ctx.service.undo(expected=step.change_id):
        print(f"Undid the last change to card {short_id(card.id)} '{card.title}'.")
    return 0


def cmd_redo(ctx: Context) -> int:
    for card in ctx.service.redo():
        print(f"Redid the change to card {short_id(card.id)} '{card.title}'.")
    return 0


def cmd_list(ctx: Context) -> int:
    a = ctx.args
    flt = CardFilter(
        text=a.text,
        person=a.person,
        column=a.column,
        label=a.label,
        project=a.project,
        not_ready=True if a.not_ready else None,
        include_archived=a.archived,
    )
    snap = ctx.service.snapshot()
    if flt == CardFilter(include_archived=False):
        # The snapshot already holds exactly these cards: skip a second read of 2,000 rows.
        order = {c.id: c.order for c in snap.columns}
        cards = sorted(
            snap.cards, key=lambda c: (order.get(c.column_id, 0), c.person_id or 0, c.position)
        )
    else:
        cards = ctx.service.list_cards(flt)
    if a.json:
        ctx.emit_json([card_json(c, snap) for c in cards])
        return 0
    print(render_board(snap, cards))
    return 0


def _note(card: Card, snap: BoardSnapshot) -> str:
    notes = []
    if card.person_id is None and card.owner_id is not None:
        notes.append(f"owner {snap.person(card.owner_id).name}")
    if card.not_ready:
        notes.append(f"NOT READY: {card.not_ready_reason}")
    if is_oversized(card, snap.rules):
        notes.append("too big")
    if card.due_date:
        notes.append(f"due {card.due_date.isoformat()}")
    if card.archived:
        notes.append("archived")
    return "; ".join(notes)


def _size(card: Card) -> str:
    return f"{card.size_days:g}d"


def render_board(snap: BoardSnapshot, cards: Sequence[Card]) -> str:
    """The board as text: pool, not ready, then one block per lane."""
    if not cards:
        return "No cards match. Add one with 'kanban add TITLE'."
    kinds = {c.id: c.kind for c in snap.columns}
    names = {c.id: c.name for c in snap.columns}
    order = {c.id: c.order for c in snap.columns}
    pool = [c for c in cards if kinds.get(c.column_id) is ColumnKind.POOL and not c.archived]
    ready = [c for c in pool if not c.not_ready]
    waiting = [c for c in pool if c.not_ready]
    archived = [c for c in cards if c.archived]
    out: list[str] = [f"{snap.name}: {plural(len(cards), 'card')}"]
    widths = {2: TITLE_WIDTH}
    if ready:
        out += ["", f"TASK POOL ({len(ready)})"]
        rows: list[tuple[str, ...]] = [
            (
                short_id(c.id),
                c.jira_key or "",
                c.title,
                _size(c),
                ", ".join(c.labels),
                _note(c, snap),
            )
            for c in ready
        ]
        out.append(table(("ID", "KEY", "TITLE", "SIZE", "LABELS", "NOTE"), rows, widths, "  "))
    if waiting:
        out += ["", f"NOT READY ({len(waiting)})"]
        rows = [
            (
                short_id(c.id),
                c.jira_key or "",
                c.title,
                c.not_ready_reason or "",
                c.not_ready_since.date().isoformat() if c.not_ready_since else "",
            )
            for c in waiting
        ]
        out.append(
            table(("ID", "KEY", "TITLE", "WAITING FOR", "SINCE"), rows, {2: 40, 3: 50}, "  ")
        )
    wip = count_wip(snap.columns, snap.cards)
    in_lanes = [
        c for c in cards if kinds.get(c.column_id) is not ColumnKind.POOL and not c.archived
    ]
    lanes: list[tuple[str, int | None]] = [(p.name, p.id) for p in snap.people]
    lanes.append(("(nobody)", None))
    by_person: dict[int | None, list[Card]] = {}
    for c in in_lanes:
        by_person.setdefault(c.person_id, []).append(c)
    for name, person_id in lanes:
        mine = sorted(
            by_person.get(person_id, ()), key=lambda c: (order.get(c.column_id, 0), c.position)
        )
        if not mine:
            continue
        header = name
        if person_id is not None:
            person = snap.person(person_id)
            count = wip.by_person.get(person_id)
            total = count.total if count else 0
            limit = f"/{person.wip_limit}" if person.wip_limit is not None else ""
            over = (
                "  OVER LIMIT" if person.wip_limit is not None and total > person.wip_limit else ""
            )
            blocked = f", {count.blocked} blocked" if count and count.blocked else ""
            header = f"{name}  (WIP {total}{limit}{blocked}){over}"
        out += ["", header]
        rows = [
            (
                short_id(c.id),
                c.jira_key or "",
                names.get(c.column_id, "?"),
                c.title,
                _size(c),
                _note(c, snap),
            )
            for c in mine
        ]
        out.append(
            table(("ID", "KEY", "COLUMN", "TITLE", "SIZE", "NOTE"), rows, {3: TITLE_WIDTH}, "  ")
        )
    if archived:
        out += ["", f"ARCHIVED ({len(archived)})"]
        rows = [
            (short_id(c.id), c.jira_key or "", names.get(c.column_id, "?"), c.title)
            for c in archived
        ]
        out.append(table(("ID", "KEY", "COLUMN", "TITLE"), rows, {3: TITLE_WIDTH}, "  "))
    return "\n".join(out)


def cmd_show(ctx: Context) -> int:
    card = ctx.service.card(ctx.args.card)
    snap = ctx.service.snapshot()
    events = ctx.service.history(card.id)
    titles = {card.id: card.title}
    # Imported here: only `show` needs the links feature, and `list` stays fast.
    from kanban.services.links import links_for_card_json

    links = links_for_card_json(ctx.service, card.id)
    if ctx.args.json:
        data = card_json(card, snap)
        names = names_of(snap)
        data["history"] = [event_json(e, titles, change_summary(e, names)) for e in events]
        for name in ("commits", "branches", "pull_requests", "automation"):
            data[name] = links.get(name, [])
        ctx.emit_json(data)
        return 0
    data = card_json(card, snap)
    fields = [
        ("Title", card.title),
        ("Id", card.id),
        ("JIRA", card.jira_key or "-"),
        ("Column", data["column"]),
        ("Person", data["person"] or "-"),
        ("Position", card.position),
        (
            "Size",
            f"{card.size_days:g} day{'' if card.size_days == 1 else 's'}"
            + ("  (too big)" if data["oversized"] else ""),
        ),
        ("Not ready", card.not_ready_reason if card.not_ready else "no"),
        ("Labels", ", ".join(card.labels) or "-"),
        ("Project", card.project or "-"),
        ("Due", data["due_date"] or "-"),
        ("Created", data["created_at"]),
        ("Started", data["started_at"] or "-"),
        ("Done", data["done_at"] or "-"),
        ("Revision", card.revision),
        ("Archived", "yes" if card.archived else "no"),
    ]
    for label, value in fields:
        print(f"{label + ':':<11}{value}")
    if card.description:
        print("\n" + card.description)
    _print_links(links)
    if events:
        print()
        print(_history_table(events, snap, titles, with_card=False))
    return 0


def _print_links(links: dict[str, Any]) -> None:
    """Commits and pull requests that name the card, newest first."""
    prs = links.get("pull_requests") or []
    commits = links.get("commits") or []
    if prs:
        print("\nPull requests:")
        for pr in prs:
            closed = pr.get("closed")
            when = f"{closed:%Y-%m-%d}" if closed and pr.get("state") != "OPEN" else ""
            print(
                f"  {pr.get('state', '?'):<9} {when:<10} {pr.get('approvals', ''):<5} "
                f"{pr.get('title', '')}"
            )
            if pr.get("url"):
                print(f"            {pr['url']}")
    if commits:
        print(f"\nCommits ({len(commits)}):")
        for commit in commits[:20]:
            when = str(commit.get("date") or "")[:10]
            print(
                f"  {commit.get('short_sha', ''):<9} {when:<10} {commit.get('author', ''):<16} "
                f"{commit.get('subject', '')}"
            )
        if len(commits) > 20:
            print(f"  … and {len(commits) - 20} more ('kanban show --json' lists them all)")


def _history_table(
    events: Sequence[Any], snap: BoardSnapshot, titles: dict[str, str], *, with_card: bool
) -> str:
    headers: tuple[str, ...] = ("WHEN (UTC)", "WHO", "WHAT")
    if with_card:
        headers += ("CARD",)
    headers += ("CHANGE", "REASON")
    rows = []
    names = names_of(snap)
    for e in events:
        row: tuple[str, ...] = (e.at.strftime("%Y-%m-%d %H:%M"), e.actor, e.kind.value)
        if with_card:
            row += (titles.get(e.card_id, short_id(e.card_id)),)
        reason = e.reason or ""
        if e.rules:
            reason = f"[{', '.join(e.rules)}] {reason}"
        row += (change_summary(e, names), reason)
        rows.append(row)
    widths = {3: 36, 4: 50, 5: 50} if with_card else {3: 60, 4: 50}
    return table(headers, rows, widths)


def cmd_history(ctx: Context) -> int:
    a = ctx.args
    if a.limit < 0:
        raise InvalidInput("--limit must be 0 (all) or more.")
    events = ctx.service.history(a.card)
    if a.limit:
        events = events[-a.limit :]
    snap = ctx.service.snapshot()
    cards = ctx.service.list_cards(CardFilter(include_archived=True))
    titles = {c.id: c.title for c in cards}
    if a.json:
        names = names_of(snap)
        ctx.emit_json([event_json(e, titles, change_summary(e, names)) for e in events])
        return 0
    if not events:
        print("No history yet.")
        return 0
    print(_history_table(events, snap, titles, with_card=a.card is None))
    return 0
