"""After a sync adds people from JIRA, the window says so once and offers to edit them."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.sync.settings import JiraSettings
from kanban.ui.dialogs.settings import PeopleDialog
from kanban.ui.main_window import MainWindow
from sync.conftest import map_default_columns
from sync.fake_jira import FakeJira


def test_the_window_names_the_people_a_sync_added_and_opens_people(
    qtbot: QtBot, fake: FakeJira, service: BoardService, settings: JiraSettings
) -> None:
    map_default_columns(service)
    fake.add_user("carol", "Carol Danvers", "carol@example.com")
    fake.add_issue("OPS", "Patch web01", status="3", assignee="carol")
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.sync_dock is not None and win.controller.snapshot is not None)
    try:
        win.act_sync.trigger()
        qtbot.waitUntil(lambda: getattr(win, "people_box", None) is not None, timeout=15_000)
        box = win.people_box
        assert box.isVisible() and not box.isModal()
        assert "added Carol Danvers" in box.text()
        edit = next(b for b in box.buttons() if b.text() == "Edit people…")
        edit.click()
        assert isinstance(win._dialog, PeopleDialog)
        # A second sync adds nobody and says nothing more.
        box.close()
        win.people_box = None
        win.act_sync.trigger()
        qtbot.waitUntil(lambda: win.act_sync.isEnabled(), timeout=15_000)
        qtbot.wait(200)
        assert win.people_box is None
    finally:
        win.close()
