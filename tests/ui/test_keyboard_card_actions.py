"""Keyboard work on a selected card: each key changes the database and Ctrl+Z takes it back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kanban.domain.model import Rule, RuleMode
from ui.board_fixtures import wait_idle


def _select(qtbot, window, card_id: str) -> None:
    window.view.select(card_id)
    window.view.setFocus()
    qtbot.waitUntil(lambda: window.view.current == card_id)


def _undo(qtbot, window) -> None:
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)


def test_shift_right_moves_the_card_to_the_next_column_and_undo_brings_it_back(
    qtbot, window, service, team
) -> None:
    card_id = team.cards["Fix DNS forwarders"]
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.review)
    assert service.card(card_id).person_id == team.alice.id  # stays in Alice's lane
    assert window.view.current == card_id  # still selected: the next key acts on it too

    _undo(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.progress)


def test_shift_left_from_the_first_column_goes_back_to_the_pool(
    qtbot, window, service, team
) -> None:
    window.controller.ask_override = lambda card, violations: "taken back at stand-up"
    card_id = team.cards["Rotate backups"]
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.pool)
    last = service.history(card_id)[-1]
    assert last.reason == "taken back at stand-up"  # the right-only rule asked, as a drag does


def test_a_pool_card_moved_right_starts_in_its_owners_lane(qtbot, window, service, team) -> None:
    card_id = team.cards["Patch file servers"]
    service.assign(card_id, "Bob Jones")
    window.controller.reload()
    qtbot.waitUntil(lambda: window.controller.card(card_id).owner_id == team.bob.id)
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.progress)
    assert service.card(card_id).person_id == team.bob.id


def test_an_enforced_wip_limit_refuses_a_keyboard_move_like_a_drag(
    qtbot, window, service, team
) -> None:
    service.set_rule(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    service.update_column("Review", wip_max=1)
    window.controller.reload()
    wait_idle(qtbot, window)
    card_id = team.cards["Rotate backups"]
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    wait_idle(qtbot, window)
    assert service.card(card_id).column_id == team.progress
    assert "Not moved" in window.statusBar().currentMessage()


def test_a_assigns_the_card_to_the_person_picked(qtbot, window, service, team) -> None:
    card_id = team.cards["Rotate backups"]
    asked: list[list[str]] = []

    def pick(card, people):
        asked.append([p.name for p in people])
        return next(p for p in people if p.name == "Alice Smith")

    window.card_keys.pick_person = pick
    window.controller.ask_override = lambda card, violations: "Alice has room"
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).person_id == team.alice.id)
    assert asked == [["Alice Smith", "Bob Jones"]]
    assert service.card(card_id).column_id == team.progress  # same column, her lane

    _undo(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).person_id == team.bob.id)


def test_a_on_a_pool_card_makes_it_that_persons_pool_card(qtbot, window, service, team) -> None:
    card_id = team.cards["Upgrade backup agent"]
    window.card_keys.pick_person = lambda card, people: people[1]  # Bob
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).owner_id == team.bob.id)
    assert service.card(card_id).column_id == team.pool
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).owner_id is None)


def test_the_person_picker_lists_the_team_and_cancel_changes_nothing(
    qtbot, window, service, team
) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog

    card_id = team.cards["Rotate backups"]
    seen: list[list[str]] = []

    def read_and_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, read_and_cancel)
            return
        seen.append(dialog.comboBoxItems())
        dialog.reject()

    _select(qtbot, window, card_id)
    QTimer.singleShot(0, read_and_cancel)
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    wait_idle(qtbot, window)
    assert seen and seen[0][:2] == ["Alice Smith", "Bob Jones"]
    assert service.card(card_id).person_id == team.bob.id


def test_b_blocks_with_the_reason_given_and_b_again_unblocks(qtbot, window, service, team) -> None:
    card_id = team.cards["Fix DNS forwarders"]
    window.controller.ask_block_reason = lambda card: "waiting for the firewall change"
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_B)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).not_ready)
    card = service.card(card_id)
    assert card.not_ready_reason == "waiting for the firewall change"
    assert card.column_id == team.progress  # blocked where it is

    qtbot.waitUntil(lambda: window.controller.card(card_id).not_ready)
    qtbot.keyClick(window.view, Qt.Key.Key_B)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not service.card(card_id).not_ready)

    _undo(qtbot, window)  # takes back the unblock
    qtbot.waitUntil(lambda: service.card(card_id).not_ready)
    _undo(qtbot, window)  # and the block
    qtbot.waitUntil(lambda: not service.card(card_id).not_ready)


def test_b_cancelled_leaves_the_card_ready(qtbot, window, service, team) -> None:
    card_id = team.cards["Fix DNS forwarders"]
    window.controller.ask_block_reason = lambda card: None
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_B)
    wait_idle(qtbot, window)
    assert not service.card(card_id).not_ready
    assert len(service.history(card_id)) == 1  # only its creation


def test_e_opens_the_editor_and_delete_archives(qtbot, window, service, team) -> None:
    from kanban.ui.dialogs.card_editor import CardEditorDialog

    card_id = team.cards["Renew TLS certificates"]
    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: isinstance(getattr(window, "_dialog", None), CardEditorDialog))
    assert window._dialog._card_id == card_id
    window._dialog.reject()
    wait_idle(qtbot, window)
    window.activateWindow()  # the editor had the focus; Ctrl+Z is the window's shortcut
    qtbot.waitUntil(window.isActiveWindow)

    _select(qtbot, window, card_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).archived)
    _undo(qtbot, window)
    qtbot.waitUntil(lambda: not service.card(card_id).archived)


def test_the_help_overlay_lists_every_card_key(window) -> None:
    text = window.view.help.text()
    for key in ("Shift+→", "<b>A</b>", "<b>B</b>", "<b>E</b>", "Delete", "Ctrl+Z"):
        assert key in text
