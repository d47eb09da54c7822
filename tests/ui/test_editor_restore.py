"""Restoring a card from the editor asks for a reason when a WIP limit warns."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kanban.domain.model import Rule, RuleMode
from kanban.services.board import BoardService
from kanban.ui.dialogs.card_editor import CardEditorDialog


def _restore(qtbot: QtBot, dialog: CardEditorDialog) -> bool:
    """Press Restore and wait for the write on the editor's worker: True when restored."""
    outcomes: list[bool] = []
    dialog.write_finished.connect(outcomes.append)
    if not dialog.archive_or_restore():
        return False
    qtbot.waitUntil(lambda: bool(outcomes))
    return outcomes[0]


def test_restore_over_a_warned_limit_takes_a_reason(qtbot: QtBot, service: BoardService) -> None:
    service.add_person("Bob")
    service.update_column("Review", wip_max=1)
    first = service.add_card("First").card
    second = service.add_card("Second").card
    service.move_card(first.id, column="Review", person="Bob")
    service.archive(first.id)
    service.move_card(second.id, column="Review", person="Bob")
    service.set_rule(Rule.WIP_LIMITS, RuleMode.WARN)

    dialog = CardEditorDialog(service, first.id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)  # the card is read on the editor's worker
    assert not _restore(qtbot, dialog)
    assert dialog.override_box.isVisibleTo(dialog)
    assert "press Restore again" in dialog.override_text.text()
    assert service.card(first.id).archived

    dialog.override_reason.setText("pairing on it with Bob")
    assert _restore(qtbot, dialog)
    assert not service.card(first.id).archived
    assert service.history(first.id)[-1].reason == "pairing on it with Bob"
