"""Expected errors on the board stay one-line UserErrors that say what to do."""

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


def test_changing_the_pools_kind_says_why_and_what_to_do(board: BoardService) -> None:
    with pytest.raises(UserError) as err:
        board.update_column("Task pool", kind="active")
    message = str(err.value)
    assert "exactly one" in message and "rename" in message.lower()
    assert "not possible either" not in message
