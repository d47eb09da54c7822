"""The Labels dialog colours the cards' chips; the Archived cards dialog restores, undoably."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kanban.domain.model import Rule, RuleMode
from kanban.services.labels import set_label_colour
from ui.board_fixtures import wait_idle


def _dialog(qtbot, window, kind: type):
    qtbot.waitUntil(lambda: isinstance(getattr(window.extras, "_dialog", None), kind))
    return window.extras._dialog


def test_the_labels_dialog_lists_labels_with_counts_and_sets_a_colour(
    qtbot, window, service, team
) -> None:
    from kanban.ui.dialogs.labels import LabelsDialog

    window.extras.act_labels.trigger()
    dialog = _dialog(qtbot, window, LabelsDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    rows = [
        tuple(dialog.table.item(r, c).text() for c in range(3))
        for r in range(dialog.table.rowCount())
    ]
    assert rows == [("backup", "default", "1"), ("ops", "default", "3")]

    dialog.choose_colour = lambda current, parent: "#d32f2f"
    dialog.table.selectRow(1)
    dialog.colour_button.click()
    qtbot.waitUntil(lambda: dialog.table.item(1, 1).text() == "#d32f2f")
    assert service.snapshot().label_colours == {"ops": "#d32f2f"}

    # The board reloads and the chips of the "ops" cards take the colour.
    card_id = team.cards["Patch file servers"]
    qtbot.waitUntil(
        lambda: window.scene.card_items[card_id].chip_colours == ("#d32f2f",)
    )
    assert window.scene.card_items[team.cards["Rotate backups"]].chip_colours == (None,)

    dialog.default_button.click()
    qtbot.waitUntil(lambda: dialog.table.item(1, 1).text() == "default")
    qtbot.waitUntil(lambda: window.scene.card_items[card_id].chip_colours == (None,))
    dialog.close()


def test_a_colour_set_elsewhere_shows_on_the_cards_after_a_reload(
    qtbot, window, service, team
) -> None:
    set_label_colour(service, "backup", "#2e7d32")
    window.controller.reload()
    card_id = team.cards["Rotate backups"]
    qtbot.waitUntil(lambda: window.scene.card_items[card_id].chip_colours == ("#2e7d32",))


def test_the_archived_dialog_lists_archived_cards_and_restores_one(
    qtbot, window, service, team
) -> None:
    from kanban.ui.dialogs.archived import ArchivedDialog

    card_id = team.cards["Rotate backups"]
    service.archive(card_id)
    window.controller.reload()
    qtbot.waitUntil(lambda: card_id not in window.scene.card_items)

    assert window.extras.act_archived in _menu(window, "&View").actions()
    window.extras.act_archived.trigger()
    dialog = _dialog(qtbot, window, ArchivedDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    row = [dialog.table.item(0, c).text() for c in range(5)]
    assert row[1:3] == ["Rotate backups", "In progress"]
    assert row[4] == "tester"

    dialog.table.selectRow(0)
    dialog.restore_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not service.card(card_id).archived)
    assert service.card(card_id).column_id == team.progress  # back where it was
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0)
    assert "Restored 'Rotate backups' to In progress" in dialog.banner.text()
    qtbot.waitUntil(lambda: card_id in window.scene.card_items)
    dialog.close()

    # Undoable from the board, like any change.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(window.act_undo.isEnabled)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).archived)


def test_restoring_into_a_full_column_lands_in_the_pool_and_says_why(
    qtbot, window, service, team
) -> None:
    from kanban.ui.dialogs.archived import ArchivedDialog

    card_id = team.cards["Review firewall rules"]
    service.archive(card_id)
    service.set_rule(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    service.update_column("Review", wip_max=1)
    service.move_card(team.cards["Rotate backups"], column="Review")
    window.extras.open_archived()
    dialog = _dialog(qtbot, window, ArchivedDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1)
    dialog.table.selectRow(0)
    dialog.restore_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not service.card(card_id).archived)
    assert service.card(card_id).column_id == team.pool
    assert "task pool" in dialog.banner.text() and "limit of 1" in dialog.banner.text()
    dialog.close()


def _menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)
