"""On the wall no dialog blocks the board for good: every prompt cancels itself in time, the
board stays as it was and the wall bar says why; editors and settings are not modal there.

The timeout is shortened through ``kanban.ui.override.WALL_PROMPT_MS``; the
prompts are the real ones the window opens (run in their own event loop, as
for a user), and nobody answers them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMessageBox

from kanban.services.board import BoardService
from kanban.ui import override
from kanban.ui.layout import NOT_READY
from kanban.ui.main_window import MainWindow
from kanban.ui.override import ReasonDialog
from ui.board_fixtures import Team, drag, wait_idle

PROMPT_MS = 300


@pytest.fixture
def wall(qtbot, window: MainWindow, monkeypatch) -> MainWindow:
    monkeypatch.setattr(override, "WALL_PROMPT_MS", PROMPT_MS)
    window.set_wall(True, full_screen=False)
    wait_idle(qtbot, window)
    return window


class ModalWatch:
    """Records each modal dialog of ``kind`` that opens, and answers none of them."""

    def __init__(self, kind: type[QDialog]) -> None:
        self.kind = kind
        self.dialogs: list[QDialog] = []
        # Timers keep running in a dialog's own event loop, so this sees it open.
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, self.kind) and widget not in self.dialogs:
            self.dialogs.append(widget)


def test_an_unanswered_override_prompt_cancels_and_the_card_stays(
    qtbot, wall: MainWindow, service: BoardService, team: Team
) -> None:
    service.update_person(team.alice.id, wip_limit=1)
    wall.controller.reload()
    wait_idle(qtbot, wall)
    watch = ModalWatch(ReasonDialog)
    card_id = team.cards["Renew TLS certificates"]
    target = wall.controller.layout.cells[(team.progress, ("person", team.alice.id))]
    drag(qtbot, wall, card_id, target.center())  # returns once the prompt gave up
    wait_idle(qtbot, wall)
    assert [d.windowTitle() for d in watch.dialogs] == ["Override a team rule"]
    prompt = watch.dialogs[0]
    assert not prompt.isVisible()
    note = prompt.findChild(QLabel, "timeoutNote")
    assert note is not None and note.text() == "Without an answer this closes by itself in 1 s."
    assert service.card(card_id).column_id == team.pool
    qtbot.waitUntil(lambda: "Nobody answered" in wall.wall_message.text())
    assert wall.wall_message.text() == (
        "Nobody answered within 1 s: 'Renew TLS certificates' stays where it was."
    )


def test_a_reason_typed_before_the_timeout_is_offered_again(
    qtbot, wall: MainWindow, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Patch file servers"]
    watch = ModalWatch(ReasonDialog)

    def type_a_little() -> None:
        if not watch.dialogs:
            QTimer.singleShot(10, type_a_little)
            return
        watch.dialogs[0].reason.setText("waiting for the rails")  # and nobody presses OK

    QTimer.singleShot(0, type_a_little)
    zone = next(z for z in wall.controller.layout.zones if z.kind == NOT_READY)
    wall.controller.drop(card_id, zone, None)
    wait_idle(qtbot, wall)
    assert not service.card(card_id).not_ready
    qtbot.waitUntil(lambda: "The reason typed is kept" in wall.wall_message.text())
    assert wall.wall_message.text().startswith(
        "Nobody answered within 1 s: 'Patch file servers' is not marked not ready"
    )
    # The next try starts from what was typed.
    assert wall.controller.unsaved_reasons[(card_id, "block")] == "waiting for the rails"


def test_an_unanswered_question_about_an_old_undo_undoes_nothing(
    qtbot, wall: MainWindow, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Patch file servers"]
    old = datetime.now(UTC) - timedelta(hours=3)
    service.move_card(card_id, column="In progress", person="Alice Smith", at=old)
    watch = ModalWatch(QMessageBox)
    wall.controller.undo()
    qtbot.waitUntil(lambda: bool(watch.dialogs))
    box = watch.dialogs[0]
    assert box.windowTitle() == "Undo an old change"
    qtbot.waitUntil(lambda: not box.isVisible())
    wait_idle(qtbot, wall)
    assert service.card(card_id).column_id == team.progress
    qtbot.waitUntil(lambda: "Nobody answered" in wall.wall_message.text())
    assert wall.wall_message.text().endswith("nothing was undone.")


def test_who_am_i_on_the_wall_gives_up_and_my_board_stays_off(qtbot, wall: MainWindow) -> None:
    wall.me = None
    watch = ModalWatch(QDialog)
    wall.my_board_button.setChecked(True)
    assert [d.windowTitle() for d in watch.dialogs] == ["Who am I?"]
    assert not wall.my_board_button.isChecked()
    qtbot.waitUntil(lambda: "My board stays off" in wall.wall_message.text())


def test_the_card_editor_is_not_modal_on_the_wall_and_is_on_the_laptop(
    qtbot, window: MainWindow, team: Team
) -> None:
    card_id = team.cards["Patch file servers"]
    window.set_wall(True, full_screen=False)
    window.edit_card(card_id)
    editor = window._dialog
    assert editor.isVisible() and not editor.isModal()
    assert QApplication.activeModalWidget() is None  # the board takes touches
    editor.reject()
    window.set_wall(False)
    window.edit_card(card_id)
    assert window._dialog.isModal()
    window._dialog.reject()


def test_on_the_laptop_a_prompt_waits_for_its_answer(qtbot, window: MainWindow, team) -> None:
    assert window._wall_timeout("nothing") is None
    card = window.controller.card(team.cards["Patch file servers"])
    dialog = override.block_dialog(card, window)
    assert dialog.timer is None


def test_an_unanswered_stand_up_time_gives_up_and_the_highlight_stays_as_it_was(
    qtbot, wall: MainWindow
) -> None:
    before = wall.controller.standup_since
    watch = ModalWatch(QDialog)
    wall.choose_standup()  # returns only once the dialog is closed
    assert [d.windowTitle() for d in watch.dialogs] == ["Since the last stand-up"]
    assert wall.controller.standup_since == before
    qtbot.waitUntil(lambda: "the stand-up time stays as it was" in wall.wall_message.text())
