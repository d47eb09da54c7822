"""The board's quick filters: blocked, mine, due soon and aging, as pure rules.

The filter bar's toggle buttons narrow the board to the cards a person asks
about most: what is blocked, what is mine, what is due, and what has been in
progress too long. Each is a plain predicate over a card, so the window, the
tests and any later front end decide the same way. Several quick filters at
once must all hold (blocked and mine: my blocked cards), and they combine
with the search and the person, label and project boxes the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kanban.domain.model import Card

# "Due soon": due within this many days from today, or already overdue.
DUE_SOON_DAYS = 3


@dataclass(frozen=True, slots=True)
class QuickFilters:
    """Which quick filters are on; none on shows every card."""

    blocked: bool = False
    mine: bool = False
    due_soon: bool = False
    aging: bool = False

    @property
    def active(self) -> bool:
        return self.blocked or self.mine or self.due_soon or self.aging


def is_mine(card: Card, me_id: int | None) -> bool:
    """In my lane, or in the pool as my card (its owner)."""
    return me_id is not None and me_id in (card.person_id, card.owner_id)


def is_due_soon(card: Card, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Not finished, and due within ``days`` of ``today`` or overdue."""
    if card.due_date is None or card.done_at is not None:
        return False
    return (card.due_date - today).days <= days


def is_aging(card: Card, sle_days: float | None, now: datetime) -> bool:
    """Started, not finished, and older than the board's SLE (85th percentile cycle time).

    The same test the card face's "past SLE" chip makes; with no SLE yet (no
    card finished lately) no card is aging.
    """
    if sle_days is None or card.started_at is None or card.done_at is not None:
        return False
    return (now - card.started_at).total_seconds() / 86400 > sle_days


def passes(
    card: Card,
    quick: QuickFilters,
    *,
    me_id: int | None,
    sle_days: float | None,
    now: datetime,
) -> bool:
    """True when ``card`` passes every quick filter that is on."""
    if quick.blocked and not card.not_ready:
        return False
    if quick.mine and not is_mine(card, me_id):
        return False
    if quick.due_soon and not is_due_soon(card, now.date()):
        return False
    return not (quick.aging and not is_aging(card, sle_days, now))
