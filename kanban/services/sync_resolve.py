"""Settling what a sync left open: choose a side of a conflict, or revert a refused push.

Neither talks to JIRA. Resolving writes the chosen value into the pair's base,
so the next sync sees a one-sided change and pushes (mine) or pulls (JIRA's)
it like any other. Reverting puts the card back at the agreed value through
the board's own use cases, so the change is in the history and can be undone.
"""

from __future__ import annotations

from kanban.domain.sync_states import ItemKind, Keep
from kanban.errors import UserError
from kanban.services.board import BoardService
from kanban.store import repo, sync_repo
from kanban.sync.replay import FLAG_REASON


def resolve_conflict(board: BoardService, card_ref: str, field_name: str, keep: str) -> str:
    """Settle a conflict: ``keep`` is "mine" (the card's value) or "jira". Returns a message."""
    try:
        side = Keep(keep)
    except ValueError:
        raise UserError(f"Keep '{keep}'? Choose 'mine' or 'jira'.") from None
    with board.writing() as uow:
        conn = uow.conn
        card = repo.find_card(conn, ref=card_ref)
        link = sync_repo.get_link(conn, card_id=card.id)
        items = {
            i.field: i
            for i in sync_repo.list_items(conn, card_id=card.id)
            if i.kind is ItemKind.CONFLICT
        }
        item = items.get(field_name)
        if link is None or item is None:
            fields = ", ".join(sorted(items)) or "none"
            raise UserError(
                f"Card '{card.title}' has no conflict on '{field_name}' (conflicts: {fields})."
            )
        base = dict(link.base)
        # Base = the side that loses: the winner then reads as the only change.
        base[field_name] = item.values.get("remote" if side is Keep.MINE else "local")
        sync_repo.update_link(conn, card_id=card.id, values={"base": base, "needs_push": True})
        sync_repo.clear_items(conn, card_id=card.id, fields=[field_name])
    words = "your value" if side is Keep.MINE else "JIRA's value"
    return (
        f"Card '{card.title}': {field_name} keeps {words}; the next sync "
        f"{'pushes it to' if side is Keep.MINE else 'takes it from'} {link.issue_key}."
    )


def revert_push(board: BoardService, card_ref: str, field_name: str | None = None) -> str:
    """Undo a queued push on the board: the field goes back to the agreed value."""
    with board.reading() as conn:
        card = repo.find_card(conn, ref=card_ref)
        link = sync_repo.get_link(conn, card_id=card.id)
        items = [
            i for i in sync_repo.list_items(conn, card_id=card.id) if i.kind is ItemKind.QUEUED
        ]
        people = {p.jira_user: p for p in repo.list_people(conn) if p.jira_user}
    if field_name is not None:
        items = [i for i in items if i.field == field_name]
    if link is None or not items:
        raise UserError(f"Card '{card.title}' has no queued change to revert.")
    for item in items:
        base = link.base.get(item.field)
        if item.field == "column" and base is not None:
            board.move_card(
                card.id, column=int(base), override_reason="Reverted: JIRA refused the move"
            )
        elif item.field == "assignee":
            person = people.get(base) if base else None
            board.assign(
                card.id,
                person.id if person else None,
                override_reason="Reverted: JIRA refused the assignee",
            )
        elif item.field == "flagged":
            fresh = board.card(card.id)
            if base and not fresh.not_ready:
                board.block(card.id, FLAG_REASON)
            elif not base and fresh.not_ready:
                board.unblock(card.id)
        elif item.field == "title":
            board.edit_card(card.id, title=str(base or ""))
        elif item.field == "description":
            board.edit_card(card.id, description=str(base or ""))
        elif item.field == "labels":
            board.edit_card(card.id, labels=list(base or []))
        with board.writing() as uow:
            sync_repo.clear_items(uow.conn, card_id=card.id, fields=[item.field])
    return f"Card '{card.title}': reverted {', '.join(i.field for i in items)}."
