"""Team rules in each mode: off lets a change through, warn asks for a reason, enforce refuses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kanban.domain.model import Card, Column, ColumnKind, Person, Rule, RuleMode, RuleSettings
from kanban.domain.rules import check_move, check_size, decide
from kanban.domain.wip import count_wip

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POOL = Column(1, "Task pool", ColumnKind.POOL, 0)
DOING = Column(2, "In progress", ColumnKind.ACTIVE, 1, wip_max=2)
REVIEW = Column(3, "Review", ColumnKind.ACTIVE, 2)
DONE = Column(4, "Done", ColumnKind.DONE, 3)
COLUMNS = (POOL, DOING, REVIEW, DONE)
ALICE = Person(1, "Alice", wip_limit=1)


def card(cid: str, column: Column, person: int | None = None, size: float = 1.0) -> Card:
    return Card(cid, cid, column.id, person, 0, 1, NOW, NOW, size_days=size)


def settings(rule: Rule, mode: RuleMode, max_days: float = 2.0) -> RuleSettings:
    modes = dict.fromkeys(Rule, RuleMode.OFF)
    modes[rule] = mode
    return RuleSettings(modes, max_days)


@pytest.mark.parametrize("mode", list(RuleMode))
def test_move_left_in_each_mode(mode: RuleMode) -> None:
    c = card("a", REVIEW, 1)
    found = check_move(
        card=c,
        source=REVIEW,
        target=DOING,
        target_person=ALICE,
        wip=count_wip(COLUMNS, [c]),
        settings=settings(Rule.MOVE_RIGHT_ONLY, mode),
    )
    if mode is RuleMode.OFF:
        assert found == []
        assert decide(found, None) == (True, False)
    else:
        assert [v.rule for v in found] == [Rule.MOVE_RIGHT_ONLY]
        assert "goes left" in found[0].message
        allowed, needs_reason = decide(found, None)
        assert not allowed
        assert needs_reason is (mode is RuleMode.WARN)
        # A reason unlocks a warned rule but never an enforced one.
        assert decide(found, "customer asked")[0] is (mode is RuleMode.WARN)


def test_moving_right_or_within_a_column_breaks_no_direction_rule() -> None:
    c = card("a", DOING, 1)
    for target in (DOING, REVIEW, DONE):
        assert not check_move(
            card=c,
            source=DOING,
            target=target,
            target_person=ALICE,
            wip=count_wip(COLUMNS, [c]),
            settings=settings(Rule.MOVE_RIGHT_ONLY, RuleMode.ENFORCE),
        )


def test_column_wip_max_counts_the_arriving_card_only_once() -> None:
    cards = [card("a", DOING, 2), card("b", DOING, 3), card("c", POOL)]
    wip = count_wip(COLUMNS, cards)
    rules = settings(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    into_full = check_move(
        card=cards[2], source=POOL, target=DOING, target_person=None, wip=wip, settings=rules
    )
    assert [v.rule for v in into_full] == [Rule.WIP_LIMITS]
    assert "over its limit of 2" in into_full[0].message
    # Reordering inside the full column is not a new arrival.
    within = check_move(
        card=cards[0], source=DOING, target=DOING, target_person=None, wip=wip, settings=rules
    )
    assert within == []


def test_personal_wip_limit() -> None:
    cards = [card("a", DOING, ALICE.id), card("b", POOL)]
    wip = count_wip(COLUMNS, cards)
    rules = settings(Rule.WIP_LIMITS, RuleMode.WARN)
    found = check_move(
        card=cards[1], source=POOL, target=REVIEW, target_person=ALICE, wip=wip, settings=rules
    )
    assert len(found) == 1 and "Alice would have 2 cards" in found[0].message
    # Her own card moving on to Review keeps her at one.
    assert not check_move(
        card=cards[0], source=DOING, target=REVIEW, target_person=ALICE, wip=wip, settings=rules
    )
    # Done does not count as work in progress.
    assert not check_move(
        card=cards[1], source=POOL, target=DONE, target_person=ALICE, wip=wip, settings=rules
    )


@pytest.mark.parametrize("mode", list(RuleMode))
def test_card_size_rule(mode: RuleMode) -> None:
    rules = settings(Rule.CARD_SIZE, mode, max_days=1.5)
    assert check_size(1.5, rules) == []
    found = check_size(3, rules)
    assert bool(found) is (mode is not RuleMode.OFF)
    if found:
        assert "3 days is over the board's 1.5 days" in found[0].message
    big = card("a", POOL, size=3)
    started = check_move(
        card=big,
        source=POOL,
        target=DOING,
        target_person=None,
        wip=count_wip(COLUMNS, [big]),
        settings=rules,
    )
    assert bool(started) is (mode is not RuleMode.OFF)
