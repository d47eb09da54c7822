"""My recent undoable changes, named, and undoing back to one of them.

:meth:`BoardService.next_undo` names the one change an undo takes back next;
the wall's undo history shows several, newest first, each named the same way
("moved OPS-12 to In progress, Bob Jones"). Undo stays a stack: undoing an
older change takes back every newer one first, in one transaction, so the
board never shows half of it.
"""

from __future__ import annotations

from collections.abc import Sequence

from kanban.domain.history import UndoStep
from kanban.domain.model import Card
from kanban.services.board import BoardService
from kanban.services.history_text import Names, change_phrase
from kanban.store import repo


def recent_undo_steps(service: BoardService, limit: int) -> list[UndoStep]:
    """Up to ``limit`` of the actor's changes an undo would take back, newest first."""
    with service.reading() as conn:
        # The same stacks undo itself replays, so the list is exactly what undo does.
        undo, _redo, groups = service._stacks(conn)
        targets = list(reversed(undo))[:limit]
        if not targets:
            return []
        names = Names(
            {c.id: c.name for c in repo.list_columns(conn)},
            {p.id: p.name for p in repo.list_people(conn)},
        )
        steps: list[UndoStep] = []
        cards: dict[str, Card] = {}
        for target in targets:
            events = groups.get(target) or repo.change_events(conn, change_id=target)
            for ev in events:
                if ev.card_id not in cards and (card := repo.get_card(conn, card_id=ev.card_id)):
                    cards[ev.card_id] = card
            what = change_phrase(events, cards, names)
            steps.append(UndoStep(target, max(ev.at for ev in events), what))
    return steps


def undo_back_to(service: BoardService, steps: Sequence[UndoStep]) -> int:
    """Undo ``steps`` (newest first, as :func:`recent_undo_steps` gave them), all or none.

    Each undo names the change it expects to take back, so if the history moved
    on since the list was shown (another change of mine, from a laptop), nothing
    is undone and the caller hears why. Returns how many changes were undone.
    """
    with service.batch() as bound:
        for step in steps:
            bound.undo(expected=step.change_id)
    return len(steps)
