"""The window's undo names the change it takes back, and asks first when it is old."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kanban.services.board import BoardService
from ui.board_fixtures import wait_idle


def test_undo_of_a_recent_change_says_what_it_undid(qtbot, window, service, team) -> None:
    card_id = team.cards["Patch file servers"]
    service.move_card(card_id, column="In progress", person="Alice Smith")
    messages: list[str] = []
    window.controller.message.connect(messages.append)
    window.controller.undo()
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.pool)
    qtbot.waitUntil(lambda: bool(messages))
    assert messages[-1] == (
        "Undone: moved 'Patch file servers' to In progress, Alice Smith (just now)."
    )


def test_undo_of_a_change_over_an_hour_old_asks_first(
    qtbot, window, service: BoardService, team
) -> None:
    card_id = team.cards["Patch file servers"]
    old = datetime.now(UTC) - timedelta(hours=3)
    service.move_card(card_id, column="In progress", person="Alice Smith", at=old)
    asked: list[str] = []
    answers = [False, True]
    window.controller.confirm_undo = lambda q: asked.append(q) or answers.pop(0)

    window.controller.undo()
    qtbot.waitUntil(lambda: len(asked) == 1)
    wait_idle(qtbot, window)
    assert asked[0] == "Undo: moved 'Patch file servers' to In progress, Alice Smith, 3 h ago?"
    assert service.card(card_id).column_id == team.progress  # "No" undoes nothing

    window.controller.undo()
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.pool)
    assert len(asked) == 2
