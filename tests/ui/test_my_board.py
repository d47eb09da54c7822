"""My board: the lanes shown are those of who I am, and follow a change of it."""

from __future__ import annotations


def test_changing_who_i_am_updates_my_board_at_once(qtbot, window, team) -> None:
    from kanban.ui.dialogs.settings import MeDialog

    window.my_board_button.setChecked(True)
    assert [lane.title for lane in window.controller.data.lanes] == ["Alice Smith"]
    window.open_settings("MeDialog")
    dialog = window._dialog
    assert isinstance(dialog, MeDialog)
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData("Bob Jones"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.me is not None and window.me.id == team.bob.id)
    qtbot.waitUntil(lambda: [lane.title for lane in window.controller.data.lanes] == ["Bob Jones"])
    assert team.cards["Rotate backups"] in window.scene.card_items
    assert team.cards["Fix DNS forwarders"] not in window.scene.card_items
