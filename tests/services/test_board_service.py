"""The board's use cases against a real SQLite file."""

from __future__ import annotations

import pytest

from kanban.domain.model import ColumnKind, EventKind, Rule, RuleMode
from kanban.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    NothingToUndo,
    RuleViolationError,
    UserError,
)
from kanban.services.board import BoardService, CardFilter


@pytest.fixture
def board(service: BoardService) -> BoardService:
    service.add_person("Alice Smith", wip_limit=2)
    service.add_person("Bob Jones")
    for rule in Rule:
        service.set_rule(rule, RuleMode.OFF)
    return service


def cell(board: BoardService, column: str, person: str | None) -> list[str]:
    col = board.resolve_column(column)
    pid = board.resolve_person(person).id if person else None
    cards = [c for c in board.snapshot().cards if c.cell == (col.id, pid)]
    return [c.title for c in sorted(cards, key=lambda c: c.position)]


def test_new_board_has_pool_active_and_done_columns(service: BoardService) -> None:
    kinds = [c.kind for c in service.columns()]
    assert kinds[0] is ColumnKind.POOL and kinds[-1] is ColumnKind.DONE
    assert ColumnKind.ACTIVE in kinds


def test_add_move_and_positions_stay_dense(board: BoardService) -> None:
    for title in ("one", "two", "three"):
        board.add_card(title)
    assert cell(board, "pool", None) == ["one", "two", "three"]
    two = next(c for c in board.list_cards() if c.title == "two")
    result = board.move_card(two.id, column="In progress", person="Alice Smith")
    assert result.card.person_id == board.resolve_person("alice").id
    assert result.card.started_at is not None
    assert cell(board, "pool", None) == ["one", "three"]
    three = next(c for c in board.list_cards() if c.title == "three")
    board.move_card(three.id, column="In progress", person="alice", position=0)
    assert cell(board, "In progress", "alice") == ["three", "two"]
    board.move_card(three.id, position=5)  # clamped to the end of its cell
    assert cell(board, "In progress", "alice") == ["two", "three"]
    done = board.move_card(two.id, column="Done")
    assert done.card.done_at is not None
    assert [c.position for c in board.list_cards(CardFilter(column="pool"))] == [0]


def test_every_change_appends_an_event_with_before_and_after(board: BoardService) -> None:
    card = board.add_card("Renew certificate").card
    board.edit_card(card.id, title="Renew TLS certificate", labels=["tls", "tls", " web "])
    board.block(card.id, "waiting for CA")
    board.unblock(card.id)
    board.move_card(card.id, column="Review", person="bob")
    board.archive(card.id)
    history = board.history(card.id)
    assert [e.kind for e in history] == [
        EventKind.CREATED,
        EventKind.EDITED,
        EventKind.BLOCKED,
        EventKind.UNBLOCKED,
        EventKind.MOVED,
        EventKind.ARCHIVED,
    ]
    edited = history[1]
    assert edited.before["title"] == "Renew certificate"
    assert edited.after["title"] == "Renew TLS certificate"
    assert edited.after["labels"] == ["tls", "web"]
    assert history[2].after["not_ready_reason"] == "waiting for CA"
    assert all(e.actor == "tester" and e.source.value == "local" for e in history)
    assert board.card(card.id).revision == 6


def test_undo_and_redo_walk_back_and_forth(board: BoardService) -> None:
    card = board.add_card("Patch web01").card
    board.move_card(card.id, column="In progress", person="bob")
    board.edit_card(card.id, title="Patch web01 and web02")
    board.undo()
    assert board.card(card.id).title == "Patch web01"
    board.undo()
    assert board.card(card.id).person_id is None
    assert cell(board, "pool", None) == ["Patch web01"]
    board.redo()
    assert cell(board, "In progress", "bob") == ["Patch web01"]
    board.redo()
    assert board.card(card.id).title == "Patch web01 and web02"
    with pytest.raises(NothingToUndo):
        board.redo()
    board.undo()  # undoing the redo
    assert board.card(card.id).title == "Patch web01"
    kinds = [e.kind for e in board.history(card.id)]
    assert kinds.count(EventKind.UNDO) == 3 and kinds.count(EventKind.REDO) == 2


def test_a_move_into_not_ready_is_one_change_to_undo(board: BoardService) -> None:
    card = board.add_card("Swap tape drive").card
    board.move_card(card.id, column="In progress", person="bob")
    result = board.move_card(card.id, column="pool", block_reason="  waiting for the vendor ")
    assert result.card.not_ready and result.card.not_ready_reason == "waiting for the vendor"
    moved, blocked = board.history(card.id)[-2:]
    assert (moved.kind, blocked.kind) == (EventKind.MOVED, EventKind.BLOCKED)
    assert moved.change_id == blocked.change_id == result.change_id

    board.undo()  # one step takes back both the move and the mark
    back = board.card(card.id)
    assert (back.not_ready, cell(board, "In progress", "bob")) == (False, ["Swap tape drive"])
    board.redo()
    assert board.card(card.id).not_ready and cell(board, "pool", None) == ["Swap tape drive"]

    board.move_card(card.id, column="In progress", person="bob", unblock=True)
    board.undo()
    assert board.card(card.id).not_ready and cell(board, "pool", None) == ["Swap tape drive"]
    with pytest.raises(InvalidInput):
        board.move_card(card.id, column="Review", block_reason="   ")


def test_undo_of_create_archives_and_redo_brings_it_back(board: BoardService) -> None:
    card = board.add_card("Mistake").card
    board.undo()
    assert board.card(card.id).archived
    assert board.list_cards() == []
    board.redo()
    assert not board.card(card.id).archived


def test_new_change_clears_redo_and_undo_is_per_person(board: BoardService, db_url: str) -> None:
    card = board.add_card("Backups").card
    board.edit_card(card.id, title="Check backups")
    board.undo()
    board.edit_card(card.id, size_days=0.5)
    with pytest.raises(NothingToUndo):
        board.redo()
    other = BoardService.open(db_url, "someone-else")
    try:
        with pytest.raises(NothingToUndo):
            other.undo()
    finally:
        other.close()


def test_undo_refuses_when_someone_else_changed_the_card(board: BoardService, db_url: str) -> None:
    card = board.add_card("DNS").card
    board.edit_card(card.id, title="DNS records")
    other = BoardService.open(db_url, "bob")
    try:
        other.edit_card(card.id, title="DNS records for lab")
    finally:
        other.close()
    with pytest.raises(UserError, match="changed since"):
        board.undo()
    assert board.card(card.id).title == "DNS records for lab"


def test_stale_revision_is_a_conflict_naming_the_card(board: BoardService) -> None:
    card = board.add_card("Expand LUN").card
    board.edit_card(card.id, title="Expand LUN 7", expected_revision=card.revision)
    with pytest.raises(ConflictError, match="Expand LUN 7"):
        board.edit_card(card.id, title="Expand LUN 8", expected_revision=card.revision)
    with pytest.raises(ConflictError):
        board.move_card(card.id, column="Done", expected_revision=card.revision)
    assert board.card(card.id).title == "Expand LUN 7"


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "empty"), ("   ", "empty"), ("x" * 10_000, "10,000 characters")],
)
def test_bad_titles_are_refused_and_nothing_is_written(
    board: BoardService, title: str, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        board.add_card(title)
    assert board.list_cards() == [] and board.history() == []


def test_unknown_person_or_column_names_what_exists(board: BoardService) -> None:
    card = board.add_card("Task").card
    with pytest.raises(NotFound, match="'Alice Smith', 'Bob Jones'"):
        board.move_card(card.id, column="In progress", person="Zoe")
    with pytest.raises(NotFound, match="'Task pool'"):
        board.move_card(card.id, column="Nowhere")
    with pytest.raises(NotFound, match="kanban list"):
        board.card("does-not-exist")
    assert board.history(card.id)[-1].kind is EventKind.CREATED


def test_enforced_rule_refuses_and_warned_rule_keeps_the_reason(board: BoardService) -> None:
    card = board.add_card("Decommission nas2").card
    board.move_card(card.id, column="Review", person="alice")
    board.set_rule(Rule.MOVE_RIGHT_ONLY, RuleMode.ENFORCE)
    with pytest.raises(RuleViolationError) as refused:
        board.move_card(card.id, column="In progress", override_reason="please")
    assert not refused.value.needs_reason
    assert board.card(card.id).column_id == board.resolve_column("Review").id
    board.set_rule(Rule.MOVE_RIGHT_ONLY, RuleMode.WARN)
    with pytest.raises(RuleViolationError) as warned:
        board.move_card(card.id, column="In progress")
    assert warned.value.needs_reason
    board.move_card(card.id, column="In progress", override_reason="review found a bug")
    last = board.history(card.id)[-1]
    assert last.reason == "review found a bug"
    assert last.rules == ("move_right_only",)


def test_wip_limit_rule_on_person(board: BoardService) -> None:
    board.set_rule(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    ids = [board.add_card(f"t{i}").card.id for i in range(3)]
    board.move_card(ids[0], column="In progress", person="alice")
    board.move_card(ids[1], column="In progress", person="alice")
    with pytest.raises(RuleViolationError, match="over their limit of 2"):
        board.move_card(ids[2], column="In progress", person="alice")
    assert board.wip().by_person[board.resolve_person("alice").id].total == 2


def test_card_size_rule_on_add_and_edit(board: BoardService) -> None:
    board.set_rule(Rule.CARD_SIZE, RuleMode.WARN)
    board.set_max_card_days(2)
    with pytest.raises(RuleViolationError, match="split it"):
        board.add_card("Migrate file server", size_days=5)
    card = board.add_card("Migrate file server", size_days=5, override_reason="can't split").card
    assert board.history(card.id)[0].rules == ("card_size",)
    board.set_rule(Rule.CARD_SIZE, RuleMode.ENFORCE)
    small = board.add_card("Small").card
    with pytest.raises(RuleViolationError):
        board.edit_card(small.id, size_days=3, override_reason="x")


def test_a_pool_card_has_an_owner_who_keeps_it_in_and_out_of_the_pool(
    board: BoardService,
) -> None:
    card = board.add_card("Rotate keys").card
    bob = board.resolve_person("bob").id
    owned = board.assign(card.id, "bob").card
    assert (owned.column_id, owned.person_id, owned.owner_id) == (card.column_id, None, bob)
    assert board.history(card.id)[-1].kind is EventKind.ASSIGNED
    assert [c.id for c in board.list_cards(CardFilter(person="bob"))] == [card.id]
    # Moved out without a lane given: it starts in its owner's lane.
    started = board.move_card(card.id, column="In progress").card
    assert (started.person_id, started.owner_id) == (bob, bob)
    board.assign(card.id, "alice")
    assert board.card(card.id).person_id == board.resolve_person("alice").id
    # Back to the pool: no lane, still Alice's.
    back = board.move_card(card.id, column="Task pool").card
    assert (back.person_id, back.owner_id) == (None, board.resolve_person("alice").id)
    assert board.assign(card.id, None).card.owner_id is None


def test_filters_and_jira_keys(board: BoardService) -> None:
    board.add_card("Patch Windows", labels=["windows"], project="Patching", jira_key="ops-12")
    board.add_card("Patch Linux", labels=["linux"], not_ready_reason="waiting for change window")
    assert board.card("OPS-12").title == "Patch Windows"
    assert [c.title for c in board.list_cards(CardFilter(label="LINUX"))] == ["Patch Linux"]
    assert [c.title for c in board.list_cards(CardFilter(text="window"))] == [
        "Patch Windows",
        "Patch Linux",
    ]
    assert [c.title for c in board.list_cards(CardFilter(not_ready=True))] == ["Patch Linux"]
    with pytest.raises(InvalidInput, match="already on card"):
        board.add_card("Dup", jira_key="OPS-12")
    with pytest.raises(InvalidInput, match="not a JIRA key"):
        board.add_card("Bad key", jira_key="UTF 8")


def test_columns_and_people_management(board: BoardService) -> None:
    board.add_column("Testing", position=2, wip_max=3)
    assert [c.name for c in board.columns()] == [
        "Task pool",
        "In progress",
        "Testing",
        "Review",
        "Done",
    ]
    board.update_column("Testing", name="QA", position=3, wip_min=1)
    qa = board.resolve_column("QA")
    assert (qa.order, qa.wip_min, qa.wip_max) == (3, 1, 3)
    with pytest.raises(InvalidInput, match="above the maximum"):
        board.update_column("QA", wip_min=5)
    with pytest.raises(InvalidInput, match="only one"):
        board.add_column("Second pool", kind="pool")
    board.remove_column("QA")
    assert "QA" not in [c.name for c in board.columns()]
    board.update_person("bob", active=False, wip_limit=3, position=0)
    bob = board.resolve_person("bob")
    assert (bob.active, bob.wip_limit, bob.order) == (False, 3, 0)
    assert [p.name for p in board.people(include_inactive=False)] == ["Alice Smith"]


def test_an_automatic_move_keeps_its_reason_even_without_a_rule(board: BoardService) -> None:
    from kanban.domain.model import Source

    card = board.add_card("Harden sshd config", jira_key="OPS-77").card
    board.move_card(
        card.id,
        column="Review",
        person="bob",
        source=Source.GIT,
        override_reason="PR #12 opened: OPS-77 harden sshd",
    )
    last = board.history("OPS-77")[-1]
    assert (last.source, last.actor, last.reason) == (
        Source.GIT,
        "git",
        "PR #12 opened: OPS-77 harden sshd",
    )
    assert last.rules == ()


def test_restoring_into_a_full_column_goes_through_the_wip_rule(board: BoardService) -> None:
    board.update_column("Review", wip_max=1)
    first = board.add_card("First").card
    second = board.add_card("Second").card
    board.move_card(first.id, column="Review", person="bob")
    board.archive(first.id)
    board.move_card(second.id, column="Review", person="bob")
    board.set_rule(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    with pytest.raises(RuleViolationError, match="over its limit of 1"):
        board.restore(first.id)
    assert board.card(first.id).archived
    board.set_rule(Rule.WIP_LIMITS, RuleMode.WARN)
    with pytest.raises(RuleViolationError) as warned:
        board.restore(first.id)
    assert warned.value.needs_reason
    board.restore(first.id, override_reason="both are tiny")
    last = board.history(first.id)[-1]
    assert (last.kind, last.reason, last.rules) == (
        EventKind.RESTORED,
        "both are tiny",
        ("wip_limits",),
    )
    assert not board.card(first.id).archived


def test_a_new_column_never_takes_the_id_of_a_removed_one(board: BoardService) -> None:
    testing = board.add_column("Testing", position=2)
    card = board.add_card("Patch the staging cluster").card
    board.move_card(card.id, column="Testing", person="bob")
    board.move_card(card.id, column="Done", person="bob")
    board.remove_column("Testing")
    later = board.add_column("Verification", position=2)
    assert later.id != testing.id
    moved_in = next(e for e in board.history(card.id) if e.after.get("column_id") == testing.id)
    # The card's past stays in the removed column, not in the new one.
    assert all(e.after.get("column_id") != later.id for e in board.history(card.id))
    assert moved_in.kind.value == "moved"


def test_a_move_with_a_new_project_is_one_change(board: BoardService) -> None:
    card = board.add_card("Swap the core switch", project="NET").card
    result = board.move_card(card.id, column="In progress", person="bob", project=" DC ")
    assert (result.card.project, board.history(card.id)[-1].kind) == ("DC", EventKind.EDITED)
    assert len({e.change_id for e in board.history(card.id)[-2:]}) == 1
    board.undo()
    back = board.card(card.id)
    assert (back.project, back.person_id) == ("NET", None)
    # Only the project, in the same cell: still one change, and "" means no project.
    assert board.move_card(card.id, project="").card.project is None
