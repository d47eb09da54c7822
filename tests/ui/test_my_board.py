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


def test_changing_who_i_am_records_my_next_move_as_me_and_undo_follows(
    qtbot, window, service, team, monkeypatch
) -> None:
    from kanban.domain.model import EventKind

    monkeypatch.delenv("KANBAN_ME")  # who I am comes from Settings → Who am I alone
    window.open_settings("MeDialog")
    dialog = window._dialog
    dialog.choose("Bob Jones")
    dialog.save_button.click()
    card_id = team.cards["Patch file servers"]
    window.controller.archive(card_id)
    qtbot.waitUntil(lambda: service.card(card_id).archived)
    archived = [e for e in service.history(card_id) if e.kind is EventKind.ARCHIVED]
    assert [e.actor for e in archived] == ["Bob Jones"]
    # Undo acts as Bob too: his archive is the change it takes back.
    qtbot.waitUntil(window.act_undo.isEnabled)
    window.controller.undo()
    qtbot.waitUntil(lambda: not service.card(card_id).archived)
    undo = [e for e in service.history(card_id) if e.kind is EventKind.UNDO]
    assert [e.actor for e in undo] == ["Bob Jones"]
