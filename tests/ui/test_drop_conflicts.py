"""A card dragged again before its first move is written is not a conflict."""

from __future__ import annotations

import sqlite3

from kanban.services.board import BoardService
from kanban.ui.layout import CELL, Zone
from ui.board_fixtures import Team, card_of, wait_idle


def cell_zone(window, column_id: int, lane: tuple[str, object]) -> Zone:
    return next(
        z
        for z in window.controller.layout.zones
        if z.kind == CELL and z.column_id == column_id and z.lane == lane
    )


def test_second_drag_of_a_card_while_the_first_waits_for_the_database(
    qtbot, window, service: BoardService, db_url: str, team: Team
) -> None:
    card_id = team.cards["Patch file servers"]
    bob = ("person", team.bob.id)
    # Another writer (a JIRA sync, the CLI) holds the database for a moment.
    other = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        window.controller.drop(card_id, cell_zone(window, team.progress, bob), None)
        window.controller.drop(card_id, cell_zone(window, team.review, bob), None)
        assert card_of(window, card_id).column_id == team.review
    finally:
        other.execute("COMMIT")
        other.close()
    wait_idle(qtbot, window)
    assert service.card(card_id).column_id == team.review
    assert "someone else" not in window.statusBar().currentMessage()
    assert card_of(window, card_id).column_id == team.review
