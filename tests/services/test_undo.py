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
