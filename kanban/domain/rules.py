"""The team rules: which moves and edits the board allows.

Each check returns the violations it finds, each tagged with the rule's mode.
The caller decides: any ``enforce`` violation refuses the change; ``warn``
violations need an override reason, which goes into the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kanban.domain.model import (
    BoardSnapshot,
    Card,
    Column,
    ColumnKind,
    Person,
    Rule,
    RuleMode,
    RuleSettings,
)
from kanban.domain.wip import WipSummary


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule that a proposed change breaks."""

    rule: Rule
    mode: RuleMode
    message: str

    def __str__(self) -> str:
        return self.message


def _fmt_days(days: float) -> str:
    return f"{days:g} day" + ("" if days == 1 else "s")


def check_size(size_days: float, settings: RuleSettings) -> list[Violation]:
    """A card should be about one day of work: flag cards over the threshold."""
    mode = settings.mode(Rule.CARD_SIZE)
    if mode is RuleMode.OFF or size_days <= settings.max_card_days:
        return []
    return [
        Violation(
            Rule.CARD_SIZE,
            mode,
            f"its size of {_fmt_days(size_days)} is over the board's "
            f"{_fmt_days(settings.max_card_days)}; split it into smaller cards",
        )
    ]


def is_oversized(card: Card, settings: RuleSettings) -> bool:
    """Whether the card is flagged as too big (shown even when the rule is off)."""
    return card.size_days > settings.max_card_days


def check_move(
    *,
    card: Card,
    source: Column,
    target: Column,
    target_person: Person | None,
    wip: WipSummary,
    settings: RuleSettings,
) -> list[Violation]:
    """Check moving ``card`` into ``target`` (and ``target_person``'s lane).

    ``wip`` is the board's WIP *before* the move; the card's own slot is taken
    out of it so that reordering within a cell never counts as over a limit.
    """
    violations: list[Violation] = []
    right_only = settings.mode(Rule.MOVE_RIGHT_ONLY)
    if right_only is not RuleMode.OFF and target.order < source.order:
        violations.append(
            Violation(
                Rule.MOVE_RIGHT_ONLY,
                right_only,
                f"moving back from '{source.name}' to '{target.name}' goes left, "
                "and cards only move to the right",
            )
        )

    wip_mode = settings.mode(Rule.WIP_LIMITS)
    if wip_mode is not RuleMode.OFF:
        if target.wip_max is not None and target.id != card.column_id:
            after = wip.by_column.get(target.id)
            count = (after.total if after else 0) + 1
            if count > target.wip_max:
                violations.append(
                    Violation(
                        Rule.WIP_LIMITS,
                        wip_mode,
                        f"'{target.name}' would hold {count} cards, over its limit of "
                        f"{target.wip_max}",
                    )
                )
        if (
            target_person is not None
            and target_person.wip_limit is not None
            and target.kind is ColumnKind.ACTIVE
        ):
            already_counted = (
                card.person_id == target_person.id and source.kind is ColumnKind.ACTIVE
            )
            current = wip.by_person.get(target_person.id)
            count = (current.total if current else 0) + (0 if already_counted else 1)
            # A move inside the person's active work adds nothing to their WIP, so it
            # must not be refused even when they are already over the limit.
            if count > target_person.wip_limit and not already_counted:
                violations.append(
                    Violation(
                        Rule.WIP_LIMITS,
                        wip_mode,
                        f"{target_person.name} would have {count} cards in progress, over "
                        f"their limit of {target_person.wip_limit}",
                    )
                )

    if source.kind is ColumnKind.POOL and target.kind is not ColumnKind.POOL:
        # Starting a card is the last moment to catch one that is too big.
        violations.extend(check_size(card.size_days, settings))
    return violations


def decide(violations: Sequence[Violation], override_reason: str | None) -> tuple[bool, bool]:
    """Whether a change may go ahead.

    Returns:
        ``(allowed, needs_reason)``: ``allowed`` is False when an enforced rule
        is broken, or when a warned one is broken and no reason was given.
    """
    if any(v.mode is RuleMode.ENFORCE for v in violations):
        return False, False
    if violations and not (override_reason and override_reason.strip()):
        return False, True
    return True, False


def check_snapshot_move(
    snapshot: BoardSnapshot,
    wip: WipSummary,
    card: Card,
    target_column_id: int,
    target_person_id: int | None,
) -> list[Violation]:
    """Convenience form of :func:`check_move` over a board snapshot.

    The GUI uses it to tell, before persisting a drop, whether it must ask for
    a reason.
    """
    person = snapshot.person(target_person_id) if target_person_id is not None else None
    return check_move(
        card=card,
        source=snapshot.column(card.column_id),
        target=snapshot.column(target_column_id),
        target_person=person,
        wip=wip,
        settings=snapshot.rules,
    )
