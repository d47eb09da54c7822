"""The reason dialogs: no empty reasons, and touch-friendly preset reasons."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kanban.domain.model import Rule, RuleMode
from kanban.domain.rules import Violation
from kanban.services.board import BoardService
from kanban.ui.override import OVERRIDE_PRESETS, override_dialog


def test_ok_needs_a_reason_and_presets_fill_it(qtbot, service: BoardService) -> None:
    card = service.add_card("Patch <b>all</b> servers").card
    violations = [Violation(Rule.WIP_LIMITS, RuleMode.WARN, "Alice would have 4 cards")]
    dialog = override_dialog(card, violations)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.reason, "   ")
    assert not dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.preset_buttons[0], Qt.MouseButton.LeftButton)
    assert dialog.ok.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.value() == OVERRIDE_PRESETS[0]
