"""Undo refuses cleanly what it cannot put back, and changes nothing then."""

from __future__ import annotations

import pytest

from kanban.errors import UserError
from kanban.services.board import BoardService


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


def test_undo_takes_back_only_my_own_change_not_a_newer_one_of_someone_else(
    db_url: str,
) -> None:
    me = BoardService.open(db_url, "me")
    other = BoardService.open(db_url, "other")
    try:
        mine = me.add_card("Mine").card
        me.move_card(mine.id, column="In progress")
        theirs = other.add_card("Theirs").card
        other.move_card(theirs.id, column="In progress")
        step = me.next_undo()
        assert step is not None and step.what == "moved 'Mine' to In progress"
        me.undo(expected=step.change_id)
        assert me.card(mine.id).column_id == me.resolve_column("Task pool").id
        assert me.card(theirs.id).column_id == me.resolve_column("In progress").id
        nobody = BoardService.open(db_url, "nobody")
        try:
            assert nobody.next_undo() is None
        finally:
            nobody.close()
    finally:
        me.close()
        other.close()


def test_undo_refuses_when_my_last_change_is_not_the_one_named(db_url: str) -> None:
    me = BoardService.open(db_url, "me")
    try:
        card = me.add_card("Patch hosts", jira_key="OPS-12").card
        named = me.next_undo()
        assert named is not None and named.what == "created OPS-12 in Task pool"
        me.move_card(card.id, column="In progress")
        with pytest.raises(UserError, match="not the one"):
            me.undo(expected=named.change_id)
        assert me.card(card.id).column_id == me.resolve_column("In progress").id
    finally:
        me.close()
