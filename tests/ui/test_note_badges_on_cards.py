"""A card's face shows its checklist progress and its comment count, and follows changes."""

from __future__ import annotations

from kanban.services.board import BoardService
from kanban.services.notes import NotesService
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team, wait_idle


def _badges(window: MainWindow, card_id: str) -> tuple[str, ...]:
    return tuple(window.scene.card_items[card_id].badges)


def test_a_card_shows_its_checklist_progress_and_comments(
    qtbot, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Fix DNS forwarders"]
    notes = NotesService(service)
    for step in ("Find the forwarders", "Change them", "Check resolution"):
        notes.add_item(card_id, step)
    notes.set_done(card_id, 1)
    notes.add_comment(card_id, "The old forwarders answer slowly.")
    notes.add_comment(card_id, "Changed on dns01.")

    window = MainWindow(service, me="Alice Smith")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: card_id in window.scene.card_items and bool(_badges(window, card_id)))
    assert _badges(window, card_id) == ("☑ 1/3", "2 comments")
    assert "Checklist: 1 of 3 items done" in window.scene.card_items[card_id].toolTip()
    # A card without notes gets no badge.
    assert _badges(window, team.cards["Rotate backups"]) == ()
    window.close()


def test_a_new_comment_shows_on_the_card_after_the_board_changes(
    qtbot, window: MainWindow, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Rotate backups"]
    wait_idle(qtbot, window)
    NotesService(service).add_comment(card_id, "Tapes ordered.")
    window.controller.reload()  # what a poll does when another window changed the board
    qtbot.waitUntil(lambda: _badges(window, card_id) == ("1 comment",))
