"""The card editor's Comments and Checklist panels, driven through their widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kanban.services.board import BoardService
from kanban.services.notes import NotesService
from kanban.ui.dialogs.card_editor import CardEditorDialog


def _editor(qtbot, service: BoardService, card_id: str | None) -> CardEditorDialog:
    dlg = CardEditorDialog(service, card_id)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.loaded and dlg.idle)
    return dlg


def test_comment_added_edited_and_deleted_in_the_editor(qtbot, service: BoardService) -> None:
    card = service.add_card("Patch web01", jira_key="OPS-1").card
    dlg = _editor(qtbot, service, card.id)
    box = dlg.comments_box

    box.text.setPlainText("Rebooted web01")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.list.count() == 1 and dlg.idle)
    assert box.list.item(0).text().endswith("\nRebooted web01")
    # The history panel shows the comment too, without saving the card.
    qtbot.waitUntil(lambda: "commented" in dlg.history_view.toPlainText())

    box.list.setCurrentRow(0)
    qtbot.mouseClick(box.edit_button, Qt.MouseButton.LeftButton)
    assert box.text.toPlainText() == "Rebooted web01" and box.add_button.text() == "Save comment"
    box.text.setPlainText("Rebooted web01 and web02")
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.idle and "web02" in box.list.item(0).text())
    assert "(edited)" in box.list.item(0).text()

    box.list.setCurrentRow(0)
    qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.idle and box.list.count() == 0)
    assert NotesService(service).comments(card.id)[1] == []


def test_someone_elses_comment_cannot_be_edited_or_deleted(
    qtbot, service: BoardService, db_url: str
) -> None:
    card = service.add_card("Patch web01").card
    bob = BoardService.open(db_url, "bob")
    try:
        NotesService(bob).add_comment(card.id, "bob's note")
    finally:
        bob.close()
    dlg = _editor(qtbot, service, card.id)
    box = dlg.comments_box
    box.list.setCurrentRow(0)
    assert not box.edit_button.isEnabled() and not box.delete_button.isEnabled()


def test_checklist_ticked_added_moved_and_removed_in_the_editor(
    qtbot, service: BoardService
) -> None:
    card = service.add_card("Renew certificate").card
    notes = NotesService(service)
    notes.add_item(card.id, "order certificate")
    dlg = _editor(qtbot, service, card.id)
    box = dlg.checklist_box
    assert box.list.count() == 1

    box.new_item.setText("install on web01")
    qtbot.keyClick(box.new_item, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.idle and box.list.count() == 2)
    # Enter in the checklist adds the item; it does not save and close the card.
    assert dlg.isVisible()

    box.list.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: dlg.idle and box.title() == "Checklist ☑ 1/2")

    box.list.setCurrentRow(1)
    qtbot.mouseClick(box.up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.idle and box.list.item(0).text() == "install on web01")
    assert box.list.currentRow() == 0

    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.idle and box.list.count() == 1)
    assert [(i.text, i.done) for i in notes.checklist(card.id)[1]] == [("order certificate", True)]


def test_a_new_card_offers_no_comments_until_it_is_saved(qtbot, service: BoardService) -> None:
    dlg = _editor(qtbot, service, None)
    assert not dlg.comments_box.isEnabled() and not dlg.checklist_box.isEnabled()
