"""The reason dialogs: no empty reasons, and touch-friendly preset reasons."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kanban.domain.model import Rule, RuleMode
from kanban.domain.rules import Violation
from kanban.services.board import BoardService
from kanban.ui.override import OVERRIDE_PRESETS, block_dialog, override_dialog


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


def test_the_touch_keyboard_types_a_reason(qtbot, service: BoardService) -> None:
    card = service.add_card("Swap tape drive").card
    dialog = block_dialog(card, touch_scale=1.5)
    qtbot.addWidget(dialog)
    dialog.show()
    keyboard = dialog.keyboard
    assert keyboard is not None and not dialog.ok.isEnabled()

    def tap(label: str) -> None:
        qtbot.mouseClick(keyboard.keys[label], Qt.MouseButton.LeftButton)

    tap("Shift")
    for label in "vendorx":
        tap(label)
    tap("⌫")
    tap("Space")
    for label in "42":
        tap(label)
    assert dialog.reason.text() == "Vendor 42"  # Shift held for one letter only
    assert dialog.ok.isEnabled()
    assert keyboard.keys["q"].height() >= 44 * 1.5  # finger-sized at the wall's scale


def test_laptop_prompts_have_no_keyboard_and_start_from_a_kept_reason(
    qtbot, service: BoardService
) -> None:
    card = service.add_card("Swap tape drive").card
    dialog = block_dialog(card, initial="waiting for the vendor")
    qtbot.addWidget(dialog)
    assert dialog.keyboard is None
    assert dialog.value() == "waiting for the vendor" and dialog.ok.isEnabled()
