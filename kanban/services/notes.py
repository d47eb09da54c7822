"""A card's comments and checklist: the use cases the window, the CLI and the export call.

:class:`NotesService` works over a board's :class:`~kanban.services.board.BoardService`
and its transactions. Each change writes the comment or checklist rows and a
history event on the card (kinds in :data:`kanban.domain.notes.NOTE_KINDS`)
in one unit of work, so ``kanban history KEY`` and the editor's history show
who commented, edited, ticked or removed what. A person edits and deletes
only their own comments. On a card linked to JIRA a new, edited or deleted
comment waits for the next sync (``kanban.services.sync_comments``); a
comment both sides changed is settled here with :meth:`resolve_comment`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from kanban.domain.model import Card, EventKind, Source
from kanban.domain.notes import (
    ChecklistItem,
    Comment,
    Progress,
    clean_check_text,
    clean_comment,
)
from kanban.errors import InvalidInput, NotFound, UserError
from kanban.services.board import BoardService
from kanban.services.unit_of_work import UnitOfWork
from kanban.store import notes_repo, repo

__all__ = ["NoteCounts", "NotesService"]

NoteCounts = tuple[dict[str, int], dict[str, Progress]]


class NotesService:
    """Comments and checklists of the cards of one board.

    Args:
        board: the board's service; its actor writes the comments and ticks.
    """

    def __init__(self, board: BoardService) -> None:
        self.board = board

    @property
    def actor(self) -> str:
        return self.board.actor

    # --- reading ------------------------------------------------------------------

    def comments(self, ref: str) -> tuple[Card, list[Comment]]:
        with self.board.reading() as conn:
            card = repo.find_card(conn, ref=ref)
            return card, notes_repo.comments(conn, card_id=card.id)

    def checklist(self, ref: str) -> tuple[Card, list[ChecklistItem]]:
        with self.board.reading() as conn:
            card = repo.find_card(conn, ref=ref)
            return card, notes_repo.checklist(conn, card_id=card.id)

    def counts(self, conn: Connection | None = None) -> NoteCounts:
        """Card id → live comments, and card id → checklist progress, for the card faces."""
        if conn is not None:
            return _counts(conn)
        with self.board.reading() as own:
            return _counts(own)

    # --- comments -----------------------------------------------------------------

    def add_comment(self, ref: str, body: str, *, at: datetime | None = None) -> Comment:
        """Comment on a card as this service's actor."""
        text = clean_comment(body)
        when = at or repo.now()
        with self.board.writing() as uow:
            card = repo.find_card(uow.conn, ref=ref)
            comment_id = notes_repo.insert_comment(
                uow.conn,
                values={
                    "card_id": card.id,
                    "author": self.actor,
                    "body": text,
                    "created_at": when,
                    "updated_at": when,
                    "revision": 1,
                },
            )
            _event(uow, card, EventKind.COMMENTED, {}, _said(comment_id, text), at=when)
            return notes_repo.get_comment(uow.conn, comment_id=comment_id)

    def edit_comment(
        self, ref: str, comment_id: int, body: str, *, expected_revision: int | None = None
    ) -> Comment:
        """Change the text of one's own comment; an unchanged text writes nothing."""
        text = clean_comment(body)
        with self.board.writing() as uow:
            card, comment = self._own(uow.conn, ref, comment_id, "edit")
            if comment.body == text:
                return comment
            revision = expected_revision if expected_revision is not None else comment.revision
            notes_repo.update_comment(
                uow.conn,
                comment_id=comment.id,
                values={"body": text, "updated_at": repo.now()},
                revision=revision,
            )
            _event(
                uow,
                card,
                EventKind.COMMENT_EDITED,
                _said(comment.id, comment.body),
                _said(comment.id, text),
            )
            return notes_repo.get_comment(uow.conn, comment_id=comment.id)

    def delete_comment(
        self, ref: str, comment_id: int, *, expected_revision: int | None = None
    ) -> Comment:
        """Delete one's own comment (from JIRA too at the next sync, if it is there)."""
        with self.board.writing() as uow:
            card, comment = self._own(uow.conn, ref, comment_id, "delete")
            revision = expected_revision if expected_revision is not None else comment.revision
            now = repo.now()
            notes_repo.update_comment(
                uow.conn,
                comment_id=comment.id,
                # A comment that never reached JIRA needs no tombstone's sync state.
                values={"deleted_at": now, "updated_at": now},
                revision=revision,
            )
            _event(
                uow,
                card,
                EventKind.COMMENT_DELETED,
                _said(comment.id, comment.body),
                {"comment_id": comment.id, "deleted": True},
            )
            return comment

    def resolve_comment(self, ref: str, comment_id: int, keep: str) -> str:
        """Settle a comment both sides changed: ``keep`` "mine" (the board's) or "jira".

        "mine" sends the board's text (or its deletion) at the next sync; "jira"
        takes JIRA's text (or deletion) here. Either way the other text stays in
        the card's history.
        """
        if keep not in ("mine", "jira"):
            raise InvalidInput("Keep 'mine' (the board's comment) or 'jira' (JIRA's).")
        with self.board.writing() as uow:
            conn = uow.conn
            card = repo.find_card(conn, ref=ref)
            row = notes_repo.comment_row(conn, comment_id=comment_id)
            if row is None or row.card_id != card.id or row.conflict is None:
                raise NotFound(
                    f"Comment #{comment_id} on {card.jira_key or card.title} is not in conflict; "
                    "nothing to settle."
                )
            theirs: dict[str, Any] = dict(row.conflict)
            if keep == "mine":
                # JIRA's side becomes the agreed one, so the board's differs and is sent.
                notes_repo.update_comment(
                    conn,
                    comment_id=row.id,
                    values={
                        "conflict": None,
                        "base_body": None if theirs.get("deleted") else theirs.get("body"),
                        "jira_updated": theirs.get("updated"),
                        # JIRA deleted it: the board's text goes back as a new comment.
                        "jira_id": None if theirs.get("deleted") else row.jira_id,
                    },
                )
                return (
                    f"Kept the board's comment #{row.id} on {card.jira_key or card.title}; "
                    "the next sync sends it to JIRA."
                )
            now = repo.now()
            if theirs.get("deleted"):
                values: dict[str, Any] = {
                    "conflict": None,
                    "deleted_at": now,
                    "updated_at": now,
                    "jira_id": None,
                    "base_body": None,
                }
                after: dict[str, Any] = {"comment_id": row.id, "deleted": True}
                kind = EventKind.COMMENT_DELETED
            else:
                body = str(theirs.get("body") or "")
                values = {
                    "conflict": None,
                    "body": body,
                    "base_body": body,
                    "jira_updated": theirs.get("updated"),
                    "deleted_at": None,
                    "updated_at": now,
                }
                after = _said(row.id, body)
                kind = EventKind.COMMENT_EDITED
            notes_repo.update_comment(conn, comment_id=row.id, values=values)
            _event(uow, card, kind, _said(row.id, row.body), after, source=Source.JIRA)
            return f"Took JIRA's side of comment #{row.id} on {card.jira_key or card.title}."

    def _own(self, conn: Connection, ref: str, comment_id: int, verb: str) -> tuple[Card, Comment]:
        card = repo.find_card(conn, ref=ref)
        comment = notes_repo.get_comment(conn, comment_id=comment_id, card_id=card.id)
        if comment.author != self.actor:
            raise UserError(
                f"Comment #{comment.id} on {card.jira_key or repr(card.title)} is "
                f"{comment.author}'s; you ({self.actor}) can {verb} only your own comments."
            )
        if comment.in_conflict:
            raise UserError(
                f"Comment #{comment.id} was also changed in JIRA; settle that first: keep "
                "yours or JIRA's ('kanban comments KEY' shows both)."
            )
        return card, comment

    # --- checklist ----------------------------------------------------------------

    def add_item(self, ref: str, text: str, *, position: int | None = None) -> ChecklistItem:
        """Add a step to a card's checklist (at the end, or at a 0-based position)."""
        cleaned = clean_check_text(text)
        with self.board.writing() as uow:
            conn = uow.conn
            card = repo.find_card(conn, ref=ref)
            items = notes_repo.checklist(conn, card_id=card.id)
            pos = len(items) if position is None else max(0, min(position, len(items)))
            item_id = notes_repo.insert_item(
                conn,
                values={
                    "card_id": card.id,
                    "position": pos,
                    "text": cleaned,
                    "done": False,
                    "created_at": repo.now(),
                },
            )
            order = [i.id for i in items]
            order.insert(pos, item_id)
            notes_repo.renumber(conn, order=order)
            _event(
                uow,
                card,
                EventKind.CHECK_ADDED,
                {},
                {"item_id": item_id, "text": cleaned, "position": pos},
            )
            return _find_item(notes_repo.checklist(conn, card_id=card.id), item_id)

    def set_done(self, ref: str, item: str | int, done: bool = True) -> ChecklistItem:
        """Tick (or untick) a step; ticking a ticked one writes nothing."""
        with self.board.writing() as uow:
            card, items, found = self._item(uow.conn, ref, item)
            if found.done == done:
                return found
            now = repo.now()
            notes_repo.update_item(
                uow.conn, item_id=found.id, values={"done": done, "done_at": now if done else None}
            )
            _event(
                uow,
                card,
                EventKind.CHECK_DONE if done else EventKind.CHECK_UNDONE,
                {"item_id": found.id, "text": found.text, "done": found.done},
                {"item_id": found.id, "done": done},
            )
            return _find_item(notes_repo.checklist(uow.conn, card_id=card.id), found.id)

    def remove_item(self, ref: str, item: str | int) -> ChecklistItem:
        with self.board.writing() as uow:
            card, items, found = self._item(uow.conn, ref, item)
            notes_repo.delete_item(uow.conn, item_id=found.id)
            notes_repo.renumber(uow.conn, order=[i.id for i in items if i.id != found.id])
            _event(
                uow,
                card,
                EventKind.CHECK_REMOVED,
                {"item_id": found.id, "text": found.text, "done": found.done},
                {"item_id": found.id, "removed": True},
            )
            return found

    def move_item(self, ref: str, item: str | int, position: int) -> ChecklistItem:
        """Put a step at a 0-based position of the list (clamped to the list)."""
        with self.board.writing() as uow:
            card, items, found = self._item(uow.conn, ref, item)
            order = [i.id for i in items if i.id != found.id]
            pos = max(0, min(position, len(order)))
            if order[:pos] + [found.id] + order[pos:] == [i.id for i in items]:
                return found
            order.insert(pos, found.id)
            notes_repo.renumber(uow.conn, order=order)
            _event(
                uow,
                card,
                EventKind.CHECK_MOVED,
                {"item_id": found.id, "text": found.text, "position": found.position},
                {"item_id": found.id, "position": pos},
            )
            return _find_item(notes_repo.checklist(uow.conn, card_id=card.id), found.id)

    def _item(
        self, conn: Connection, ref: str, item: str | int
    ) -> tuple[Card, list[ChecklistItem], ChecklistItem]:
        card = repo.find_card(conn, ref=ref)
        items = notes_repo.checklist(conn, card_id=card.id)
        return card, items, pick_item(items, item, card)


def pick_item(items: list[ChecklistItem], item: str | int, card: Card) -> ChecklistItem:
    """An item by its number in the list (1 first), or by the start of its text."""
    where = card.jira_key or repr(card.title)
    if not items:
        raise NotFound(f"{where} has no checklist yet; add a step first.")
    text = str(item).strip()
    if text.isdigit():
        n = int(text)
        if 1 <= n <= len(items):
            return items[n - 1]
        raise NotFound(
            f"{where}'s checklist has {len(items)} item{'s' if len(items) != 1 else ''}; "
            f"there is no number {n}."
        )
    folded = text.casefold()
    exact = [i for i in items if i.text.casefold() == folded]
    matches = exact or [i for i in items if i.text.casefold().startswith(folded)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"No item of {where}'s checklist starts with '{text}'.")
    raise InvalidInput(
        f"'{text}' starts {len(matches)} items of {where}'s checklist; give its number instead."
    )


def _find_item(items: list[ChecklistItem], item_id: int) -> ChecklistItem:
    return next(i for i in items if i.id == item_id)


def _said(comment_id: int, body: str) -> dict[str, Any]:
    return {"comment_id": comment_id, "body": body}


def _event(
    uow: UnitOfWork,
    card: Card,
    kind: EventKind,
    before: dict[str, Any],
    after: dict[str, Any],
    *,
    source: Source = Source.LOCAL,
    at: datetime | None = None,
) -> None:
    uow.append_event(card, uow.new_change_id(), kind, before, after, source=source, at=at)


def _counts(conn: Connection) -> NoteCounts:
    comments, checks = notes_repo.note_counts(conn)
    return comments, {cid: Progress(done, total) for cid, (done, total) in checks.items()}
