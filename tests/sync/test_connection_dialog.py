"""JIRA → Connection…: test with address and token only, choose the team's board, map statuses."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.settings import Config
from kanban.sync.settings import JiraSettings
from kanban.ui.jira_dialog import JiraSetupDialog
from sync.conftest import map_default_columns
from sync.fake_jira import TOKEN, FakeJira


def test_test_connection_needs_only_the_address_and_token_and_lists_boards(
    qtbot: QtBot, fake: FakeJira
) -> None:
    dialog = JiraSetupDialog()
    qtbot.addWidget(dialog)
    dialog.url.setText(fake.url)
    dialog.token.setText(TOKEN)  # no query, no project keys, no board yet

    dialog.test_connection()

    qtbot.waitUntil(lambda: dialog.test_result.text().startswith("Connected"), timeout=10_000)
    assert not dialog.banner.isVisibleTo(dialog)
    names = [dialog.boards.itemText(i) for i in range(dialog.boards.count())]
    assert names == [
        "None: use the query below",
        "OPS board (OPS, kanban)",
        "NET board (NET, scrum)",
        "Storage (STO, kanban)",
    ]
    dialog.boards.setCurrentIndex(1)
    assert dialog.board_id.value() == 7
    dialog.accept()  # a JIRA board is enough: its filter is the query
    saved = JiraSettings.load(Config.load())
    assert (saved.url, saved.board_id, saved.jql) == (fake.url, 7, "")


def test_messages_speak_the_windows_words(qtbot: QtBot, fake: FakeJira) -> None:
    dialog = JiraSetupDialog()
    qtbot.addWidget(dialog)
    dialog.url.setText("jira.example.com")
    dialog.test_connection()
    assert "type the base address" in dialog.banner.text()
    dialog.url.setText(fake.url)
    dialog.token.setText(TOKEN)
    dialog.accept()
    text = dialog.banner.text()
    assert "type a board query (JQL)" in text and "--" not in text
    dialog.auth.setCurrentIndex(1)  # Cloud
    dialog.test_connection()
    assert "type your e-mail" in dialog.banner.text() and "--user" not in dialog.banner.text()


def test_the_statuses_tab_shows_where_each_status_lands_and_a_pick_moves_the_cards(
    qtbot: QtBot, fake: FakeJira, service: BoardService, settings: JiraSettings
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Write the runbook", status="10010")  # Dev Active
    SyncService(service, settings).sync()
    dialog = JiraSetupDialog(service=service)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.statuses.rowCount() > 0, timeout=10_000)
    rows = {
        dialog.statuses.item(r, 0).text(): r  # type: ignore[union-attr]
        for r in range(dialog.statuses.rowCount())
    }
    row = rows["Dev Active"]
    picker = dialog.statuses.cellWidget(row, 3)
    assert isinstance(picker, QComboBox)
    assert picker.currentText() == "By category: In progress"
    assert dialog.statuses.item(row, 1).text() == "In progress"  # type: ignore[union-attr]
    assert dialog.statuses.item(row, 2).text() == "1"  # type: ignore[union-attr]

    picker.setCurrentIndex(picker.findText("Review"))
    assert dialog.status_choices() == {"10010": service.resolve_column("Review").id}
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.result() == 1, timeout=10_000)

    assert "10010" in service.resolve_column("Review").jira_statuses
    SyncService(service, settings).sync()
    assert service.card("OPS-1").column_id == service.resolve_column("Review").id
