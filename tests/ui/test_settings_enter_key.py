"""Enter in the "Add" name field of the People and Columns dialogs adds, and only adds."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kanban.services.board import BoardService
from kanban.ui.dialogs.settings import ColumnsDialog, PeopleDialog


def _type_and_enter(qtbot, dlg, name: str) -> None:
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.loaded)  # the list is read on the dialog's worker
    dlg.activateWindow()
    dlg.new_name.setFocus()
    qtbot.keyClicks(dlg.new_name, name)
    # The person or column is added on the worker: wait until it is stored.
    with qtbot.waitSignal(dlg.write_finished):
        qtbot.keyClick(dlg.new_name, Qt.Key.Key_Return)


def test_enter_in_the_people_name_field_adds_the_person_last(qtbot, service: BoardService) -> None:
    service.add_person("Alice Smith")
    service.add_person("Bob Jones")
    dlg = PeopleDialog(service)
    qtbot.addWidget(dlg)
    _type_and_enter(qtbot, dlg, "Chloe Martin")
    _type_and_enter(qtbot, dlg, "Dmitri Volkov")
    names = [p.name for p in service.people()]
    assert names == ["Alice Smith", "Bob Jones", "Chloe Martin", "Dmitri Volkov"]
    assert dlg.isVisible()


def test_enter_in_the_column_name_field_adds_the_column_only(qtbot, service: BoardService) -> None:
    dlg = ColumnsDialog(service)
    qtbot.addWidget(dlg)
    _type_and_enter(qtbot, dlg, "Testing")
    _type_and_enter(qtbot, dlg, "Deploy")
    after = [c.name for c in service.columns()]
    # New active columns go before the done column.
    assert after == ["Task pool", "In progress", "Review", "Testing", "Deploy", "Done"]
    assert dlg.isVisible()
