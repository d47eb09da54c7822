"""A card made with N (or the pool's +) is selected, scrolled into view and announced."""

from __future__ import annotations

from kanban.services.board import BoardService
from ui.board_fixtures import wait_idle


def test_a_new_card_is_selected_scrolled_to_and_announced(
    qtbot, window, service: BoardService, team
) -> None:
    for n in range(40):
        service.add_card(f"Old pool card {n}")
    window.controller.reload()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: len(window.scene.card_items) > 40)
    messages: list[str] = []
    window.controller.message.connect(messages.append)

    window.new_card()
    dialog = window._dialog
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.title_edit.setText("Replace the UPS batteries")
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save()
    card_id = saved.args[0]

    qtbot.waitUntil(lambda: window.view.current == card_id)
    rect = window.controller.layout.cards[card_id]
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.contains(rect.center())
    assert "Replace the UPS batteries" in messages[-1]
    assert "selected" in messages[-1]
