"""A new user's first minutes: the welcome on an empty board, Getting started, About, Rename."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kanban.services.board import BoardService
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import wait_idle


@pytest.fixture
def empty_window(qtbot, service: BoardService) -> Iterator[MainWindow]:
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    yield win
    win.close()


def _open_dialog(qtbot, window, kind: type):
    qtbot.waitUntil(lambda: isinstance(getattr(window, "_dialog", None), kind))
    return window._dialog


def test_an_empty_board_shows_the_welcome_with_three_actions(qtbot, empty_window) -> None:
    welcome = empty_window.extras.welcome
    qtbot.waitUntil(welcome.isVisible)
    texts = [b.text() for b in (welcome.people_button, welcome.card_button, welcome.jira_button)]
    assert texts == ["Add the team's people…", "Add a card…", "Connect JIRA…"]
    # Over the board, inside the window's view at 1366x768.
    view = empty_window.view
    assert welcome.geometry().right() <= view.width()
    assert welcome.geometry().bottom() <= view.height()


def test_add_people_opens_the_people_dialog_and_the_welcome_goes_once_someone_is_added(
    qtbot, empty_window, service
) -> None:
    from kanban.ui.dialogs.settings import PeopleDialog

    welcome = empty_window.extras.welcome
    qtbot.waitUntil(welcome.isVisible)
    welcome.people_button.click()
    dialog = _open_dialog(qtbot, empty_window, PeopleDialog)
    dialog.close()
    service.add_person("Alice")  # as the dialog would
    empty_window.controller.reload()
    qtbot.waitUntil(lambda: not welcome.isVisible())


def test_add_a_card_opens_the_new_card_editor(qtbot, empty_window) -> None:
    from kanban.ui.dialogs.card_editor import CardEditorDialog

    empty_window.extras.welcome.card_button.click()
    dialog = _open_dialog(qtbot, empty_window, CardEditorDialog)
    assert dialog.windowTitle() == "New card"
    dialog.reject()


def test_import_a_csv_runs_the_real_import_and_says_what_it_did(
    qtbot, empty_window, service, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    sheet = tmp_path / "cards.csv"
    sheet.write_text(
        "Summary,Labels,Size\nRenew TLS certificates,tls,1\n,broken,1\nPatch file servers,,2\n",
        encoding="utf-8",
    )
    extras = empty_window.extras
    extras.pick_csv = lambda: str(sheet)
    extras.welcome.csv_button.click()
    box = _open_dialog(qtbot, extras, QMessageBox)
    wait_idle(qtbot, empty_window)
    assert "Imported 2 of 3 rows from cards.csv" in box.text()
    assert "line 3:" in box.text()
    assert sorted(c.title for c in service.snapshot().cards) == [
        "Patch file servers",
        "Renew TLS certificates",
    ]
    assert empty_window.statusBar().currentMessage().startswith("Imported 2 of 3 rows")
    qtbot.waitUntil(lambda: not extras.welcome.isVisible())  # the board has cards now
    box.accept()


def test_a_file_that_is_not_a_sheet_of_cards_is_explained(
    qtbot, empty_window, service, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QMessageBox

    sheet = tmp_path / "people.csv"
    sheet.write_text("Phone,Email\n123,alice@example.org\n", encoding="utf-8")
    extras = empty_window.extras
    extras.pick_csv = lambda: str(sheet)
    extras.import_csv()
    box = _open_dialog(qtbot, extras, QMessageBox)
    assert "title" in box.text().lower()
    assert service.snapshot().cards == ()
    box.accept()


def test_connect_jira_opens_the_connection_dialog(qtbot, empty_window) -> None:
    from kanban.ui.jira_dialog import JiraSetupDialog

    empty_window.extras.welcome.jira_button.click()
    dialog = _open_dialog(qtbot, empty_window, JiraSetupDialog)
    dialog.reject()


def test_getting_started_is_a_page_in_the_app(qtbot, empty_window) -> None:
    from kanban.ui.dialogs.help_about import GettingStartedDialog

    assert empty_window.extras.act_guide in _help_menu(empty_window).actions()
    empty_window.extras.act_guide.trigger()
    dialog = _open_dialog(qtbot, empty_window.extras, GettingStartedDialog)
    text = dialog.browser.toPlainText()
    for words in ("Add the team", "Settings → People", "Shift+→", "JIRA → Connection"):
        assert words in text
    dialog.close()


def test_about_names_version_database_config_and_log(qtbot, tmp_path, monkeypatch) -> None:
    from kanban import __version__
    from kanban.logs import log_file
    from kanban.settings import config_path
    from kanban.ui.dialogs.help_about import AboutDialog

    service = BoardService.open(f"sqlite:///{tmp_path / 'about.db'}", "tester")
    # A server URL's password must never be shown.
    service.url = "postgresql+psycopg://ops:s3cret@db.example.org/kanban"
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    win.extras.act_about.trigger()
    dialog = _open_dialog(qtbot, win.extras, AboutDialog)
    shown = {name: label.text() for name, label in dialog.values.items()}
    assert shown == {
        "Version": __version__,
        "Database": "postgresql+psycopg://ops:***@db.example.org/kanban",
        "Config file": str(config_path()),
        "Log file": str(log_file()),
    }
    dialog.close()
    win.close()
    service.close()


def test_rename_in_the_window_changes_the_title_and_the_wall_title(
    qtbot, empty_window, service
) -> None:
    extras = empty_window.extras
    extras.ask_board_name = lambda current: "Storage team"
    extras.act_rename.trigger()
    wait_idle(qtbot, empty_window)
    qtbot.waitUntil(lambda: service.snapshot().name == "Storage team")
    qtbot.waitUntil(lambda: empty_window.windowTitle() == "Storage team — Kanban Team Board")
    assert empty_window.wall_title.text() == "Storage team"


def test_rename_to_nothing_is_refused_with_a_message(qtbot, empty_window, service) -> None:
    before = service.snapshot().name
    empty_window.extras.ask_board_name = lambda current: "   "
    empty_window.extras.act_rename.trigger()
    wait_idle(qtbot, empty_window)
    assert service.snapshot().name == before
    assert "needs a name" in empty_window.statusBar().currentMessage()


def _help_menu(window):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
