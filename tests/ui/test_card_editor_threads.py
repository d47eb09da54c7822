"""The card editor never takes a database lock on the GUI thread (issue #10).

Every board-service call the editor makes (reading the card, the columns,
people, history and links; the steps of a save; archive and restore) is
recorded with the thread it ran on: opened from the board window, the editor
reads on the board's reader and writes on a worker of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.ui.dialogs.card_editor import CardEditorDialog
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team

WATCHED = (
    "card",
    "columns",
    "people",
    "history",
    "edit_card",
    "move_card",
    "assign",
    "block",
    "unblock",
    "add_card",
    "archive",
    "restore",
    "reading",
    "writing",
)


class Recorder:
    """Which watched service methods were called, and whether on the GUI (main) thread."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool]] = []
        self._lock = threading.Lock()

    def wrap(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            on_main = threading.current_thread() is threading.main_thread()
            with self._lock:
                self.calls.append((name, on_main))
            return method(*args, **kwargs)

        return recorded

    def names(self) -> set[str]:
        with self._lock:
            return {name for name, _main in self.calls}

    def on_main_thread(self) -> list[str]:
        with self._lock:
            return [name for name, main in self.calls if main]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, service: BoardService, win: MainWindow) -> Recorder:
    """Watches the window's service from the moment the window is on screen."""
    rec = Recorder()
    for name in WATCHED:
        monkeypatch.setattr(service, name, rec.wrap(name, getattr(service, name)))
    return rec


@pytest.fixture
def plain(db_url: str) -> Iterator[BoardService]:
    """The same board through a service the recorder does not watch: the test's own calls."""
    svc = BoardService.open(db_url, "tester")
    yield svc
    svc.close()


@pytest.fixture
def win(qtbot: QtBot, service: BoardService, team: Team) -> MainWindow:
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.snapshot is not None)
    return window


def _open(qtbot: QtBot, win: MainWindow, card_id: str | None) -> CardEditorDialog:
    win.edit_card(card_id)
    dialog = win._dialog
    assert isinstance(dialog, CardEditorDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    return dialog


def _finish(qtbot: QtBot, dialog: CardEditorDialog, start: Callable[[], bool]) -> bool:
    outcomes: list[bool] = []
    dialog.write_finished.connect(outcomes.append)
    assert start()
    qtbot.waitUntil(lambda: bool(outcomes))
    return outcomes[0]


def _settle(qtbot: QtBot, win: MainWindow, dialog: CardEditorDialog) -> None:
    """Let every worker finish before the recorder is read."""
    qtbot.waitUntil(lambda: dialog.idle)
    qtbot.waitUntil(lambda: not win.controller.writer.pending and not win.controller._loading)


def test_editing_and_archiving_from_the_board_stay_off_the_gui_thread(
    qtbot: QtBot, win: MainWindow, plain: BoardService, team: Team, recorder: Recorder
) -> None:
    card_id = team.cards["Fix DNS forwarders"]  # has a JIRA key: its links are read too
    dialog = _open(qtbot, win, card_id)
    assert dialog.title_edit.text() == "Fix DNS forwarders"
    assert "created" in dialog.history_view.toPlainText().lower()

    dialog.title_edit.setText("Fix the DNS forwarders")
    dialog.column_combo.setCurrentIndex(dialog.column_combo.findData(team.review))
    dialog.not_ready_check.setChecked(True)
    dialog.reason_edit.setText("waiting for the firewall change")
    assert _finish(qtbot, dialog, dialog.save)
    assert not dialog.isVisible()
    # The board shows the saved change.
    qtbot.waitUntil(
        lambda: (
            (card := win.controller.card(card_id)) is not None
            and card.title == "Fix the DNS forwarders"
        )
    )
    shown = win.controller.card(card_id)
    assert shown is not None
    assert (shown.column_id, shown.not_ready) == (team.review, True)
    assert win.scene.card_items[card_id].card.title == "Fix the DNS forwarders"

    other = team.cards["Rotate backups"]
    archiving = _open(qtbot, win, other)
    assert _finish(qtbot, archiving, archiving.archive_or_restore)
    qtbot.waitUntil(lambda: other not in win.scene.card_items)
    assert plain.card(other).archived
    _settle(qtbot, win, archiving)

    assert {"card", "columns", "people", "history", "reading", "writing"} <= recorder.names()
    assert {"edit_card", "move_card", "block", "archive"} <= recorder.names()
    assert recorder.on_main_thread() == []


def test_creating_assigning_restoring_and_conflicts_stay_off_the_gui_thread(
    qtbot: QtBot,
    win: MainWindow,
    plain: BoardService,
    team: Team,
    recorder: Recorder,
    db_url: str,
) -> None:
    # A new card: the columns and people are read on the reader, the card added on a worker.
    created = _open(qtbot, win, None)
    assert created.save_button.text() == "&Create"
    created.title_edit.setText("Order new UPS batteries")
    assert _finish(qtbot, created, created.save)
    qtbot.waitUntil(
        lambda: (
            win.controller.data is not None
            and any(c.title == "Order new UPS batteries" for c in win.controller.data.pool_cards)
        )
    )

    # A new person in the same column, and ready again: assign and unblock.
    card_id = team.cards["Review firewall rules"]
    plain.block(card_id, "waiting for the audit")
    dialog = _open(qtbot, win, card_id)
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData(team.alice.id))
    dialog.not_ready_check.setChecked(False)
    assert _finish(qtbot, dialog, dialog.save)
    written = plain.card(card_id)
    assert (written.person_id, written.not_ready) == (team.alice.id, False)

    # Someone else changes the card while it is open: it is read again on the worker.
    card_id = team.cards["Patch file servers"]
    dialog = _open(qtbot, win, card_id)
    dialog.title_edit.setText("Patch the file servers")
    bob = BoardService.open(db_url, "bob")
    try:
        bob.edit_card(card_id, description="Bob's notes")
    finally:
        bob.close()
    assert not _finish(qtbot, dialog, dialog.save)
    assert "changed this card after you opened it" in dialog.conflict_notice.text()
    assert dialog.description_edit.toPlainText() == "Bob's notes"
    assert _finish(qtbot, dialog, dialog.save)
    assert plain.card(card_id).title == "Patch the file servers"

    # An archived card is restored from its editor.
    archived = team.cards["Upgrade backup agent"]
    plain.archive(archived)
    dialog = _open(qtbot, win, archived)
    assert dialog.archive_button.text() == "&Restore"
    assert _finish(qtbot, dialog, dialog.archive_or_restore)
    qtbot.waitUntil(lambda: archived in win.scene.card_items)
    _settle(qtbot, win, dialog)

    assert {"add_card", "assign", "unblock", "restore", "edit_card"} <= recorder.names()
    assert recorder.on_main_thread() == []
