"""The automation rules as a pure decision: plain triggers and board data in, moves out.

No git, no database, no BoardService: :func:`kanban.links.automation.plan_moves`
only says which moves a scan calls for; the links service makes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kanban.domain.links import PrState, PullRequest
from kanban.domain.model import Column, ColumnKind, Person
from kanban.links.automation import (
    FIRST_COMMIT,
    PR_MERGED,
    PR_OPENED,
    CardPlacement,
    FiredKey,
    PlannedMove,
    Skipped,
    Step,
    Trigger,
    first_commit_triggers,
    plan_moves,
    pr_triggers,
)

POOL = Column(1, "Pool", ColumnKind.POOL, 0)
IN_PROGRESS = Column(2, "In progress", ColumnKind.ACTIVE, 1)
REVIEW = Column(3, "Review", ColumnKind.ACTIVE, 2)
DONE = Column(4, "Done", ColumnKind.DONE, 3)
COLUMNS = (POOL, IN_PROGRESS, REVIEW, DONE)
ALICE = Person(7, "Alice", jira_user="alice", email="alice@example.com")
PEOPLE = (ALICE, Person(8, "Bob"))
ALL_ON = {PR_OPENED: True, PR_MERGED: True, FIRST_COMMIT: True}


def plan(
    triggers: Sequence[Trigger],
    cards: Mapping[str, CardPlacement],
    *,
    enabled: Mapping[str, bool] = ALL_ON,
    fired: set[FiredKey] | None = None,
    column_names: Mapping[str, str] | None = None,
) -> list[Step]:
    return plan_moves(
        triggers,
        enabled=enabled,
        fired=fired or set(),
        cards=cards,
        columns=COLUMNS,
        people=PEOPLE,
        column_names=column_names or {},
    )


def pull_request(state: PrState, number: str = "12", key: str = "OPS-1") -> PullRequest:
    return PullRequest(
        number=number,
        title="Rotate the certificates",
        state=state,
        source_branch=f"feature/{key}",
        target_branch="main",
        author="alice",
        reviewers=(),
        created_at=None,
        updated_at=None,
        url=f"https://bitbucket.example/OPS/infra/pull-requests/{number}",
        repo="infra",
        keys=(key,),
    )


def in_progress(card_id: str = "c1") -> CardPlacement:
    return CardPlacement(card_id, IN_PROGRESS.id, ALICE.id)


def test_a_pull_request_opened_moves_its_card_to_review() -> None:
    triggers = pr_triggers([pull_request(PrState.OPEN)], {}, "Bitbucket repository OPS/infra")
    (step,) = plan(triggers, {"OPS-1": in_progress()})
    assert isinstance(step, PlannedMove)
    assert (step.card_id, step.column, step.person_id) == ("c1", REVIEW, ALICE.id)
    assert step.trigger.reason == (
        "PR #12 'Rotate the certificates' (Bitbucket repository OPS/infra) opened by alice"
    )


def test_a_pull_request_merged_moves_its_card_to_done() -> None:
    triggers = pr_triggers([pull_request(PrState.MERGED)], {"12": "OPEN"}, "GitHub")
    (step,) = plan(triggers, {"OPS-1": CardPlacement("c1", REVIEW.id, ALICE.id)})
    assert isinstance(step, PlannedMove)
    assert step.column == DONE and step.trigger.reason.endswith("merged")


def test_a_pull_request_already_open_at_the_last_scan_triggers_nothing() -> None:
    assert pr_triggers([pull_request(PrState.OPEN)], {"12": "OPEN"}, "GitHub") == []


def test_opened_and_merged_in_one_scan_only_needs_the_merge() -> None:
    opened = pr_triggers([pull_request(PrState.OPEN)], {}, "Bitbucket")
    merged = pr_triggers([pull_request(PrState.MERGED)], {}, "JIRA development info")
    steps = plan(opened + merged, {"OPS-1": in_progress()})
    assert [(s.trigger.rule, s.column) for s in steps if isinstance(s, PlannedMove)] == [
        (PR_MERGED, DONE)
    ]


def test_the_first_commit_on_a_pool_card_moves_it_to_the_authors_lane_in_progress() -> None:
    triggers = first_commit_triggers(
        "0123456789abcdef", "OPS-1: first step", "Alice Liddell", ("OPS-1",), "infra",
        "alice@example.com",
    )
    (step,) = plan(triggers, {"OPS-1": CardPlacement("c1", POOL.id, None)})
    assert isinstance(step, PlannedMove)
    assert (step.column, step.person_id) == (IN_PROGRESS, ALICE.id)
    assert step.trigger.reason == "Commit 0123456789 'OPS-1: first step' by Alice Liddell in infra"


def test_a_rule_switched_off_moves_nothing() -> None:
    triggers = pr_triggers([pull_request(PrState.OPEN)], {}, "GitHub")
    assert plan(triggers, {"OPS-1": in_progress()}, enabled={PR_OPENED: False}) == []


def test_a_trigger_that_fired_before_moves_nothing() -> None:
    (trigger,) = pr_triggers([pull_request(PrState.OPEN)], {}, "GitHub")
    assert plan([trigger], {"OPS-1": in_progress()}, fired={trigger.fired_key}) == []


def test_the_first_commit_rule_fires_once_per_card() -> None:
    first = first_commit_triggers("a" * 40, "OPS-1: one", "alice", ("OPS-1",), "infra")
    second = first_commit_triggers("b" * 40, "OPS-1: two", "alice", ("OPS-1",), "infra")
    pool = {"OPS-1": CardPlacement("c1", POOL.id, None)}
    assert len(plan(first + second, pool)) == 1
    assert plan(second, pool, fired={first[0].fired_key}) == []


def test_an_author_no_team_member_matches_is_reported_not_moved() -> None:
    triggers = first_commit_triggers("c" * 40, "OPS-1: x", "Mallory", ("OPS-1",), "infra")
    (step,) = plan(triggers, {"OPS-1": CardPlacement("c1", POOL.id, None)})
    assert isinstance(step, Skipped)
    assert "no team member matches the author 'Mallory'" in step.message


def test_a_card_already_started_or_further_is_skipped_with_the_reason() -> None:
    commit = first_commit_triggers("d" * 40, "OPS-1: x", "alice", ("OPS-1",), "infra")
    (started,) = plan(commit, {"OPS-1": in_progress()})
    assert isinstance(started, Skipped) and started.message == "card already started"
    opened = pr_triggers([pull_request(PrState.OPEN)], {}, "GitHub")
    (done,) = plan(opened, {"OPS-1": CardPlacement("c1", DONE.id, ALICE.id)})
    assert isinstance(done, Skipped) and done.message == "card is already in 'Done'"


def test_a_board_without_the_rules_column_is_told_where_to_name_it() -> None:
    opened = pr_triggers([pull_request(PrState.OPEN)], {}, "GitHub")
    (step,) = plan(opened, {"OPS-1": in_progress()}, column_names={"review": "Code review"})
    assert isinstance(step, Skipped) and "[links.columns]" in step.message


def test_keys_without_a_card_are_left_out() -> None:
    assert plan(pr_triggers([pull_request(PrState.OPEN)], {}, "GitHub"), {}) == []


def test_later_triggers_of_a_card_see_its_planned_move() -> None:
    commit = first_commit_triggers("e" * 40, "OPS-1: x", "alice", ("OPS-1",), "infra")
    opened = pr_triggers([pull_request(PrState.OPEN)], {}, "GitHub")
    steps = plan(commit + opened, {"OPS-1": CardPlacement("c1", POOL.id, None)})
    assert [s.column for s in steps if isinstance(s, PlannedMove)] == [IN_PROGRESS, REVIEW]
    review = steps[1]
    assert isinstance(review, PlannedMove)
    assert review.after == CardPlacement("c1", REVIEW.id, ALICE.id)
