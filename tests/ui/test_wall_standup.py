"""The wall's stand-up highlight follows its toggle, even one flipped mid-load."""

from __future__ import annotations

from kanban.services.board import BoardService
from ui.board_fixtures import Team, wait_idle


def test_standup_switched_off_while_loading_leaves_no_highlight(
    qtbot, window, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Patch file servers"]
    service.move_card(card_id, column="In progress", person="Bob Jones")
    wait_idle(qtbot, window)
    window.set_wall(True, full_screen=False)
    # A quick double tap on the wall's toggle: on, then off before the load is back.
    window.wall_standup.setChecked(True)
    window.wall_standup.setChecked(False)
    wait_idle(qtbot, window)
    assert window.controller.highlighted == set()
    assert not window.scene.card_items[card_id].highlighted
