"""The comments and checklist of each card, as badges on its face ("☑ 2/5", "3 comments").

A card's notes live beside it (``NotesService``), not in the board snapshot,
so the board cannot draw them from what it loads. :class:`NoteBadges` reads the
counts on a worker of its own whenever the board may have changed (a load, a
poll, a drop), when the card editor changed a card's notes, and after a sync
(which brings JIRA's comments), and hands them to the window's
:class:`~kanban.ui.integrations.BadgeBoard` as the source "notes".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from kanban.domain.words import plural
from kanban.services.board import BoardService
from kanban.ui.integrations import BadgeBoard, CardBadges
from kanban.ui.workers import SerialExecutor

if TYPE_CHECKING:
    from kanban.services.notes import NoteCounts, NotesService

log = logging.getLogger(__name__)

CHECKLIST_MARK = "☑"


def note_badges(counts: NoteCounts) -> CardBadges:
    """The badge texts and tooltip sentences of ``counts``, per card id."""
    comments, checklists = counts
    texts: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}
    for card_id, progress in checklists.items():
        if progress.total:
            texts.setdefault(card_id, []).append(
                f"{CHECKLIST_MARK} {progress.done}/{progress.total}"
            )
            notes.setdefault(card_id, []).append(
                f"Checklist: {progress.done} of {plural(progress.total, 'item')} done"
            )
    for card_id, count in comments.items():
        if count:
            texts.setdefault(card_id, []).append(plural(count, "comment"))
            notes.setdefault(card_id, []).append(plural(count, "comment"))
    return CardBadges(texts, notes)


class NoteBadges(QObject):
    """Keeps the "notes" badges of ``badges`` in step with the database."""

    def __init__(self, service: BoardService, badges: BadgeBoard, parent: QObject) -> None:
        super().__init__(parent)
        self.service = service
        self.notes: NotesService | None = None  # made at the first read, after the first paint
        self.badges = badges
        self.executor = SerialExecutor("notes", self)
        self._busy = False
        self._again = False
        self._seen: object = None

    def board_changed(self, snapshot: object) -> None:
        """The board on screen changed: read the counts again if its cards did."""
        if snapshot is not self._seen:
            self._seen = snapshot
            self.refresh()

    def refresh(self) -> None:
        """Read the counts now (or once the read under way is done)."""
        if self._busy:
            self._again = True
            return
        self._busy = True
        if self.notes is None:
            from kanban.services.notes import NotesService

            self.notes = NotesService(self.service)
        self.executor.submit(self.notes.counts, self._read)

    def _read(self, result: Any, error: BaseException | None) -> None:
        self._busy = False
        if error is not None:
            # The board's own reads say what is wrong with the database; the
            # badges wait for the next change.
            log.warning("Reading the cards' comments and checklists failed: %s", error)
        else:
            self.badges.update("notes", note_badges(result))
        if self._again:
            self._again = False
            self.refresh()

    def shutdown(self) -> None:
        self.executor.wait(5000)
