"""The block reason prompt: a reason kept for a retried drop is not offered later."""

from __future__ import annotations

from ui.board_fixtures import wait_idle


def test_a_kept_reason_is_only_offered_for_the_retry(qtbot, window, service, team) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kanban.ui.layout import CELL, NOT_READY
    from kanban.ui.override import ReasonDialog

    card_id = team.cards["Patch file servers"]
    service.edit_card(card_id, title="Patch file servers FS01-FS04")  # someone else
    controller = window.controller
    controller.ask_block_reason = lambda card: "waiting for the storage team"
    controller.ask_override = lambda card, violations: "agreed at stand-up"  # never a modal
    zone = next(z for z in controller.layout.zones if z.kind == NOT_READY)
    controller.drop(card_id, zone, None)  # conflicts: the reason is kept for the retry
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: controller.card(card_id).title.endswith("FS04"))

    # The retry is a different drop: the storage team answered, Alice starts it.
    lane = next(
        z
        for z in controller.layout.zones
        if z.kind == CELL and z.column_id == team.progress and z.lane == ("person", team.alice.id)
    )
    controller.drop(card_id, lane, None)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.progress)

    # Days later the card waits again: the prompt must not offer the old reason.
    shown: list[str] = []

    def read_and_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            QTimer.singleShot(20, read_and_cancel)
            return
        shown.append(dialog.reason.text())
        dialog.reject()

    QTimer.singleShot(0, read_and_cancel)
    assert window._ask_block(service.card(card_id)) is None
    assert shown == [""]
