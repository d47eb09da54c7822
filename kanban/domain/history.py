"""Undo and redo worked out from the history alone.

Every user action is a *change*: a group of events sharing a ``change_id``.
Undo appends an ``undo`` change pointing at its target; redo appends a ``redo``
change pointing at the undo it reverses. Replaying that log gives the two
stacks, so undo survives a restart and needs no state of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kanban.domain.model import EventKind
from kanban.domain.notes import NOTE_KINDS

# Undoing a change older than this needs a confirmation (``kanban undo --yes``).
UNDO_CONFIRM_AGE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ChangeRef:
    """The part of a change that the undo replay needs."""

    change_id: str
    kind: EventKind
    target_change: str | None


@dataclass(frozen=True, slots=True)
class UndoStep:
    """The change an undo would take back next: its id, when it was made, what it did.

    ``what`` is a short phrase ("moved OPS-12 to In progress") that front ends
    show before they act.
    """

    change_id: str
    at: datetime
    what: str

    def needs_confirmation(self, now: datetime) -> bool:
        """True when the change is old enough that undoing it must be confirmed."""
        return now - self.at > UNDO_CONFIRM_AGE


def undo_redo_stacks(changes: Iterable[ChangeRef]) -> tuple[list[str], list[str]]:
    """Replay changes (oldest first) into undo and redo stacks of change ids.

    Returns:
        ``(undo_stack, redo_stack)``; the last element of each is the one that
        undo or redo acts on next. A redo stack entry is the id of the *undo*
        change that a redo would reverse.
    """
    undo: list[str] = []
    redo: list[str] = []
    for change in changes:
        if change.kind in NOTE_KINDS:
            continue  # comments and checklist ticks are edited directly, not undone
        if change.kind is EventKind.UNDO:
            if change.target_change in undo:
                undo.remove(change.target_change)
                redo.append(change.change_id)
        elif change.kind is EventKind.REDO:
            if change.target_change in redo:
                redo.remove(change.target_change)
                undo.append(change.change_id)
        else:
            undo.append(change.change_id)
            redo.clear()
    return undo, redo
