"""Review findings on BoardService: expected errors stay one-line UserErrors."""

from __future__ import annotations

import pytest

from kanban.domain.model import Rule, RuleMode
from kanban.errors import NotFound, UserError
from kanban.services.board import BoardService


@pytest.fixture
def board(service: BoardService) -> BoardService:
    service.add_person("Ann")
    service.add_person("Bob", jira_user="bob", email="bob@example.org")
    for rule in Rule:
        service.set_rule(rule, RuleMode.OFF)
    return service


def test_moving_an_archived_card_says_restore_it_first(board: BoardService) -> None:
    card = board.add_card("Old work").card
    board.archive(card.id)
    with pytest.raises(UserError, match="archived") as err:
        board.move_card(card.id, column="Done")
    assert "restore" in str(err.value)
    after = board.card(card.id)
    assert after.archived and after.column_id == card.column_id
    with pytest.raises(UserError, match="archived"):
        board.assign(card.id, "Ann")


def test_an_empty_person_name_is_not_somebody(board: BoardService) -> None:
    card = board.add_card("Patch hosts").card
    with pytest.raises(NotFound):
        board.move_card(card.id, column="In progress", person="")
    with pytest.raises(NotFound):
        board.move_card(card.id, column="In progress", person="  ")
    with pytest.raises(NotFound):
        board.add_card("Other", column="In progress", person="")
    assert board.card(card.id).person_id is None


def test_undo_that_would_reuse_a_taken_jira_key_is_refused_cleanly(db_url: str) -> None:
    me = BoardService.open(db_url, "me")
    other = BoardService.open(db_url, "other")
    try:
        a = me.add_card("A", jira_key="OPS-1").card
        b = other.add_card("B").card
        me.edit_card(a.id, jira_key="OPS-2")
        other.edit_card(b.id, jira_key="OPS-1")
        with pytest.raises(UserError, match="Cannot undo on card 'A': OPS-1 is already on"):
            me.undo()
        assert me.card(a.id).jira_key == "OPS-2"
        assert me.card(b.id).jira_key == "OPS-1"
    finally:
        me.close()
        other.close()


def test_changing_the_pools_kind_says_why_and_what_to_do(board: BoardService) -> None:
    with pytest.raises(UserError) as err:
        board.update_column("Task pool", kind="active")
    message = str(err.value)
    assert "exactly one" in message and "rename" in message.lower()
    assert "not possible either" not in message
