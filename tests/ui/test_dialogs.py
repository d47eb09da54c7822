"""The card editor and the settings dialogs, driven through their widgets.

Every test uses a real board database and checks the result through the
service, the way the board would see it after the dialog's signal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog

from kanban.domain.model import ColumnKind, EventKind, Rule, RuleMode
from kanban.services.board import BoardService
from kanban.settings import Config
from kanban.ui.dialogs import card_form
from kanban.ui.dialogs.card_editor import CardEditorDialog
from kanban.ui.dialogs.settings import (
    ColumnsDialog,
    MeDialog,
    PeopleDialog,
    RulesDialog,
    current_person,
)


def _column(service: BoardService, name: str) -> int:
    return service.resolve_column(name).id


def _editor(qtbot, service: BoardService, card_id: str | None, **kw) -> CardEditorDialog:
    dlg = CardEditorDialog(service, card_id, **kw)
    qtbot.addWidget(dlg)
    dlg.show()
    # The card is read on the editor's worker; the form is filled when it arrives.
    qtbot.waitUntil(lambda: dlg.loaded)
    return dlg


def _finish(qtbot, dlg: CardEditorDialog, start: Callable[[], bool]) -> bool:
    """Press Save (or Archive) and wait for the write on the editor's worker.

    True when everything was written and the dialog closed; False when nothing
    was started (an invalid field, a first warning) or the dialog stayed open.
    """
    outcomes: list[bool] = []
    dlg.write_finished.connect(outcomes.append)
    if not start():
        return False
    qtbot.waitUntil(lambda: bool(outcomes))
    return outcomes[0]


def _save(qtbot, dlg: CardEditorDialog) -> bool:
    return _finish(qtbot, dlg, dlg.save)


def _archive(qtbot, dlg: CardEditorDialog) -> bool:
    return _finish(qtbot, dlg, dlg.archive_or_restore)


def test_new_card_is_created_with_every_field(qtbot, service: BoardService) -> None:
    service.add_person("Alice Smith")
    dlg = _editor(qtbot, service, None)
    assert dlg.save_button.text() == "&Create"
    qtbot.keyClicks(dlg.title_edit, "Patch the  Windows file servers")
    dlg.description_edit.setPlainText("All four, one per night.")
    dlg.labels_edit.setText("windows, patching, windows")
    dlg.project_edit.setText("OPS")
    dlg.size_spin.setValue(1.5)
    dlg.jira_edit.setText("ops-42")
    dlg.due_check.setChecked(True)
    dlg.due_edit.setDate(QDate(2026, 12, 1))

    with qtbot.waitSignal(dlg.saved) as saved:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)

    card = service.card(saved.args[0])
    assert card.title == "Patch the Windows file servers"
    assert card.description == "All four, one per night."
    assert card.labels == ("windows", "patching")
    assert card.project == "OPS"
    assert card.size_days == 1.5
    assert card.jira_key == "OPS-42"
    assert card.due_date == date(2026, 12, 1)
    assert card.column_id == service.snapshot().pool.id
    assert card.person_id is None
    assert dlg.result() == CardEditorDialog.DialogCode.Accepted


def test_new_card_in_a_given_column_and_lane_not_ready(qtbot, service: BoardService) -> None:
    alice = service.add_person("Alice Smith")
    dlg = _editor(qtbot, service, None, column_id=_column(service, "Review"))
    assert dlg.column_combo.currentData() == _column(service, "Review")
    dlg.title_edit.setText("Review firewall change")
    dlg.person_combo.setCurrentIndex(dlg.person_combo.findData(alice.id))
    dlg.not_ready_check.setChecked(True)
    dlg.reason_edit.setText("waiting for the change board")
    assert _save(qtbot, dlg)

    (card,) = service.list_cards()
    assert (card.column_id, card.person_id) == (_column(service, "Review"), alice.id)
    assert card.not_ready_reason == "waiting for the change board"


def test_choosing_a_person_for_a_pool_card_starts_it(qtbot, service: BoardService) -> None:
    alice = service.add_person("Alice Smith")
    card = service.add_card("Rotate certificates").card
    dlg = _editor(qtbot, service, card.id)
    dlg.person_combo.setCurrentIndex(dlg.person_combo.findData(alice.id))
    # A pool card has no lane: giving it to someone moves it to the first active column.
    assert dlg.column_combo.currentData() == _column(service, "In progress")
    assert _save(qtbot, dlg)
    written = service.card(card.id)
    assert (written.column_id, written.person_id) == (_column(service, "In progress"), alice.id)


def test_editing_fields_persists_them_and_shows_history(qtbot, service: BoardService) -> None:
    alice = service.add_person("Alice Smith")
    bob = service.add_person("Bob Jones")
    card = service.add_card("Rack new switch", labels=["network"]).card
    service.move_card(card.id, column="In progress", person=alice.id)
    dlg = _editor(qtbot, service, card.id)
    assert dlg.title_edit.text() == "Rack new switch"
    assert "Task pool → In progress" in dlg.history_view.toPlainText()
    assert "Alice Smith" in dlg.history_view.toPlainText()

    dlg.title_edit.setText("Rack and cable new switch")
    dlg.labels_edit.setText("network, hardware")
    dlg.column_combo.setCurrentIndex(dlg.column_combo.findData(_column(service, "Review")))
    dlg.person_combo.setCurrentIndex(dlg.person_combo.findData(bob.id))
    dlg.not_ready_check.setChecked(True)
    dlg.reason_edit.setText("waiting for the patch cables")
    saved: list[str] = []
    dlg.saved.connect(saved.append)
    assert _save(qtbot, dlg)

    written = service.card(card.id)
    assert written.title == "Rack and cable new switch"
    assert written.labels == ("network", "hardware")
    assert (written.column_id, written.person_id) == (_column(service, "Review"), bob.id)
    assert written.not_ready and written.not_ready_reason == "waiting for the patch cables"
    assert saved == [card.id]  # one signal for the three steps of one save
    kinds = [e.kind for e in service.history(card.id)]
    assert kinds[-3:] == [EventKind.EDITED, EventKind.MOVED, EventKind.BLOCKED]

    # Reopen: the new state is shown, and unblocking works.
    again = _editor(qtbot, service, card.id)
    assert again.not_ready_check.isChecked()
    history = again.history_view.toPlainText()
    assert "marked not ready: 'waiting for the patch cables'" in history
    assert "column: In progress → Review; person: Alice Smith → Bob Jones" in history
    again.not_ready_check.setChecked(False)
    assert _save(qtbot, again)
    assert not service.card(card.id).not_ready


def test_an_editor_given_its_data_is_filled_at_once(qtbot, service: BoardService) -> None:
    card = service.add_card("Rotate certificates", labels=["tls"]).card
    data = card_form.load_editor_data(service, card.id)
    dlg = CardEditorDialog(service, card.id, data=data)
    qtbot.addWidget(dlg)
    assert dlg.loaded and dlg.save_button.isEnabled()
    assert dlg.title_edit.text() == "Rotate certificates"
    assert dlg.labels_edit.text() == "tls"
    assert "created" in dlg.history_view.toPlainText().lower()


def test_the_form_waits_for_the_card_and_a_save_for_the_worker(
    qtbot, service: BoardService
) -> None:
    card = service.add_card("Order spare disks").card
    dlg = CardEditorDialog(service, card.id)
    qtbot.addWidget(dlg)
    dlg.show()
    # Until the worker's read arrives there is nothing to edit or save.
    assert not dlg.loaded and not dlg.save_button.isEnabled() and not dlg.save()
    qtbot.waitUntil(lambda: dlg.loaded)
    assert dlg.save_button.isEnabled() and dlg.title_edit.text() == "Order spare disks"
    dlg.title_edit.setText("Order spare disks for the NAS")
    outcomes: list[bool] = []
    dlg.write_finished.connect(outcomes.append)
    assert dlg.save()
    # While it writes: busy, nothing to press twice, the dialog stays.
    assert dlg.busy and not dlg.save_button.isEnabled() and not dlg.save()
    dlg.reject()
    assert dlg.isVisible()
    qtbot.waitUntil(lambda: bool(outcomes))
    assert outcomes == [True] and not dlg.busy and not dlg.isVisible()
    assert service.card(card.id).title == "Order spare disks for the NAS"


def test_unchanged_save_writes_nothing(qtbot, service: BoardService) -> None:
    card = service.add_card("Check backups", size_days=1.333).card
    dlg = _editor(qtbot, service, card.id)
    assert dlg.edited_fields() == set()
    assert _save(qtbot, dlg)
    assert service.card(card.id).revision == card.revision


def test_conflict_keeps_my_edit_and_the_second_save_wins_on_purpose(
    qtbot, service: BoardService, db_url: str
) -> None:
    service.add_person("Bob Jones")
    card = service.add_card("Renew TLS certificate", description="old text").card
    dlg = _editor(qtbot, service, card.id)
    dlg.title_edit.setText("Renew TLS certificate for the wiki")

    other = BoardService.open(db_url, "bob")
    try:
        other.edit_card(card.id, description="Bob's notes")
        other.move_card(card.id, column="In progress", person="Bob Jones")
    finally:
        other.close()

    assert not _save(qtbot, dlg)
    notice = dlg.conflict_notice
    assert notice.isVisible()
    assert "bob (at " in notice.text()
    assert "changed this card after you opened it" in notice.text()
    assert "column: Task pool → In progress" in notice.text()
    assert "person: pool (nobody) → Bob Jones" in notice.text()
    # My edit stays; the fields I did not touch show their change.
    assert dlg.title_edit.text() == "Renew TLS certificate for the wiki"
    assert dlg.description_edit.toPlainText() == "Bob's notes"
    assert service.card(card.id).title == "Renew TLS certificate"
    assert dlg.isVisible()

    assert _save(qtbot, dlg)
    written = service.card(card.id)
    assert written.title == "Renew TLS certificate for the wiki"
    # Their changes survive my second save.
    assert written.description == "Bob's notes"
    assert written.person_id == service.resolve_person("Bob Jones").id


def test_conflict_on_a_field_we_both_changed_says_so(
    qtbot, service: BoardService, db_url: str
) -> None:
    card = service.add_card("Update DNS records").card
    dlg = _editor(qtbot, service, card.id)
    dlg.title_edit.setText("Update DNS records for mail")
    other = BoardService.open(db_url, "bob")
    try:
        other.edit_card(card.id, title="Update DNS records for web")
    finally:
        other.close()
    assert not _save(qtbot, dlg)
    assert "you changed it too" in dlg.conflict_notice.text()
    assert dlg.title_edit.text() == "Update DNS records for mail"
    assert _save(qtbot, dlg)
    assert service.card(card.id).title == "Update DNS records for mail"


def test_warned_rule_asks_for_a_reason_and_keeps_it(qtbot, service: BoardService) -> None:
    service.set_rule(Rule.CARD_SIZE, RuleMode.WARN)
    service.set_max_card_days(2)
    card = service.add_card("Migrate file shares").card
    dlg = _editor(qtbot, service, card.id)
    dlg.size_spin.setValue(5)
    assert not _save(qtbot, dlg)
    assert dlg.override_box.isVisible()
    assert "over the board's 2 days" in dlg.override_text.text()
    assert service.card(card.id).size_days == 1

    assert not _save(qtbot, dlg)  # still no reason: asked again, nothing written
    assert dlg.override_error.isVisible()
    assert service.card(card.id).size_days == 1

    dlg.override_reason.setText("vendor migration tool runs as one job")
    assert _save(qtbot, dlg)
    assert service.card(card.id).size_days == 5
    last = service.history(card.id)[-1]
    assert last.reason == "vendor migration tool runs as one job"
    assert last.rules == (Rule.CARD_SIZE.value,)


def test_new_card_over_a_wip_limit_is_created_with_a_reason(qtbot, service: BoardService) -> None:
    service.update_column("Review", wip_max=0)
    dlg = _editor(qtbot, service, None, column_id=_column(service, "Review"))
    dlg.title_edit.setText("Urgent review of the firewall rules")
    assert not _save(qtbot, dlg)
    assert "'Review' would hold 1 cards, over its limit of 0" in dlg.override_text.text()
    assert dlg.save_button.text() == "&Save with reason"
    assert service.list_cards() == []
    dlg.override_reason.setText("security incident")
    assert _save(qtbot, dlg)
    (card,) = service.list_cards()
    assert service.history(card.id)[0].reason == "security incident"


def test_enforced_rule_is_shown_and_nothing_is_lost(qtbot, service: BoardService) -> None:
    service.set_rule(Rule.MOVE_RIGHT_ONLY, RuleMode.ENFORCE)
    card = service.add_card("Decommission old NAS", column="Review").card
    dlg = _editor(qtbot, service, card.id)
    dlg.column_combo.setCurrentIndex(dlg.column_combo.findData(_column(service, "In progress")))
    dlg.title_edit.setText("Decommission the old NAS")
    saved: list[str] = []
    dlg.saved.connect(saved.append)
    assert not _save(qtbot, dlg)
    assert saved == [card.id]  # the title was written: the board must repaint it
    assert dlg.banner.isVisible()
    assert "cards only move to the right" in dlg.banner.text()
    assert dlg.override_box.isHidden()
    # The title step went through before the move was refused; the form still
    # holds the refused column so the user can change it.
    assert service.card(card.id).title == "Decommission the old NAS"
    assert dlg.column_combo.currentData() == _column(service, "In progress")
    assert dlg.isVisible()


def test_invalid_input_is_shown_at_the_field_and_nothing_is_written(
    qtbot, service: BoardService
) -> None:
    card = service.add_card("Clean up old VMs").card
    dlg = _editor(qtbot, service, card.id)
    dlg.title_edit.setText("   ")
    dlg.jira_edit.setText("not a key")
    dlg.description_edit.setPlainText("a long explanation I must not lose")
    assert not _save(qtbot, dlg)
    assert dlg.title_error.isVisible()
    assert "needs a title" in dlg.title_error.text()
    assert dlg.jira_error.isVisible()
    assert "is not a JIRA key" in dlg.jira_error.text()
    assert dlg.isVisible()
    assert dlg.description_edit.toPlainText() == "a long explanation I must not lose"
    assert service.card(card.id).revision == card.revision

    dlg.title_edit.setText("Clean up old VMs in lab")
    dlg.jira_edit.setText("")
    assert _save(qtbot, dlg)
    assert service.card(card.id).description == "a long explanation I must not lose"


def test_duplicate_jira_key_is_reported_in_the_dialog(qtbot, service: BoardService) -> None:
    service.add_card("First", jira_key="OPS-1")
    dlg = _editor(qtbot, service, None)
    dlg.title_edit.setText("Second")
    dlg.jira_edit.setText("OPS-1")
    assert not _save(qtbot, dlg)
    assert "OPS-1 is already on card 'First'" in dlg.banner.text()
    assert len(service.list_cards()) == 1


def test_archive_and_restore(qtbot, service: BoardService) -> None:
    card = service.add_card("Retire the fax server").card
    dlg = _editor(qtbot, service, card.id)
    dlg.title_edit.setText("unsaved")
    assert not _archive(qtbot, dlg)  # first click warns about unsaved edits
    assert "unsaved edits" in dlg.banner.text()
    assert not service.card(card.id).archived
    assert _archive(qtbot, dlg)
    assert service.card(card.id).archived

    again = _editor(qtbot, service, card.id)
    assert again.archive_button.text() == "&Restore"
    assert _archive(qtbot, again)
    assert not service.card(card.id).archived


def test_cancel_with_unsaved_edits_warns_before_closing(qtbot, service: BoardService) -> None:
    card = service.add_card("Order spare PSUs").card
    dlg = _editor(qtbot, service, card.id)
    dlg.title_edit.setText("Order spare PSUs for rack 4")
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.isVisible()
    assert "unsaved edits" in dlg.banner.text()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()
    assert dlg.result() == CardEditorDialog.DialogCode.Rejected
    assert service.card(card.id).title == "Order spare PSUs"

    untouched = _editor(qtbot, service, card.id)
    untouched.reject()  # nothing edited: closes at once
    assert not untouched.isVisible()


def test_field_error_goes_away_while_typing(qtbot, service: BoardService) -> None:
    dlg = _editor(qtbot, service, None)
    assert not _save(qtbot, dlg)
    assert dlg.title_error.isVisible()
    qtbot.keyClicks(dlg.title_edit, "Fix")
    assert not dlg.title_error.isVisible()


def test_a_card_that_cannot_be_loaded_is_reported_not_raised(qtbot, service: BoardService) -> None:
    dlg = _editor(qtbot, service, "no-such-card-id")
    assert "No card 'no-such-card-id'" in dlg.banner.text()
    assert not dlg.save_button.isEnabled()
    dlg.reject()
    assert not dlg.isVisible()


# --- settings dialogs ------------------------------------------------------------
# They read and write on a worker of their own: a test waits for the first read
# (``loaded``) and for each write (``write_finished``) before it looks.

D = TypeVar("D", bound=QDialog)


def _opened(qtbot, dlg: D) -> D:
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.loaded)
    return dlg


def _done(qtbot, dlg, start: Callable[[], bool]) -> bool:
    """Start a settings write and wait for it: True when it was stored.

    False when nothing was started, or the write was refused (the banner says why).
    """
    outcomes: list[bool] = []
    dlg.write_finished.connect(outcomes.append)
    if not start():
        return False
    qtbot.waitUntil(lambda: bool(outcomes))
    return outcomes[0]


def test_people_dialog_adds_edits_and_orders(qtbot, service: BoardService) -> None:
    service.add_person("Alice Smith")
    dlg = _opened(qtbot, PeopleDialog(service))
    changes: list[None] = []
    dlg.changed.connect(lambda: changes.append(None))

    dlg.new_name.setText("Bob Jones")
    with qtbot.waitSignal(dlg.write_finished):
        qtbot.mouseClick(dlg.add_button, Qt.MouseButton.LeftButton)
    assert [p.name for p in service.people()] == ["Alice Smith", "Bob Jones"]
    assert dlg.current().name == "Bob Jones"

    dlg.jira_edit.setText("bjones")
    dlg.email_edit.setText("bob@example.com")
    dlg.colour_edit.setText("#112233")
    dlg.wip_spin.setValue(2)
    dlg.active_check.setChecked(False)
    assert _done(qtbot, dlg, dlg.apply)
    bob = service.resolve_person("Bob Jones")
    assert (bob.jira_user, bob.email, bob.colour, bob.wip_limit, bob.active) == (
        "bjones",
        "bob@example.com",
        "#112233",
        2,
        False,
    )

    assert _done(qtbot, dlg, lambda: dlg.move_selected(-1))
    assert [p.name for p in service.people()] == ["Bob Jones", "Alice Smith"]

    assert dlg.wip_spin.text() == "2 cards"
    dlg.wip_spin.setValue(dlg.wip_spin.minimum())
    assert dlg.wip_spin.text() == "none"
    assert _done(qtbot, dlg, dlg.apply)
    assert service.resolve_person("Bob Jones").wip_limit is None
    assert len(changes) == 4


def test_people_dialog_shows_errors_and_keeps_the_input(qtbot, service: BoardService) -> None:
    service.add_person("Alice Smith")
    service.add_person("Bob Jones")
    dlg = _opened(qtbot, PeopleDialog(service))
    dlg.select("Bob Jones")
    dlg.colour_edit.setText("blue-ish")
    assert not _done(qtbot, dlg, dlg.apply)
    assert "is not a colour" in dlg.banner.text()
    assert dlg.colour_edit.text() == "blue-ish"

    # Switching away applies pending edits; when they fail, the selection stays.
    dlg.list.setCurrentRow(0)
    assert dlg.current().name == "Bob Jones"
    assert dlg.colour_edit.text() == "blue-ish"
    qtbot.waitUntil(lambda: not dlg.busy)  # the apply it started is refused too
    assert dlg.current().name == "Bob Jones"
    assert dlg.colour_edit.text() == "blue-ish"

    dlg.new_name.setText("alice smith")
    dlg.colour_edit.setText("#445566")
    assert not _done(qtbot, dlg, dlg.add)
    assert "already a person named" in dlg.banner.text()
    assert dlg.new_name.text() == "alice smith"
    assert service.resolve_person("Bob Jones").colour == "#445566"


def test_columns_dialog_changes_the_board(qtbot, service: BoardService) -> None:
    dlg = _opened(qtbot, ColumnsDialog(service))
    changes: list[None] = []
    dlg.changed.connect(lambda: changes.append(None))

    dlg.new_name.setText("Testing")
    assert _done(qtbot, dlg, dlg.add)
    names = [c.name for c in service.columns()]
    assert names == ["Task pool", "In progress", "Review", "Testing", "Done"]

    dlg.name_edit.setText("Verify")
    dlg.max_spin.setValue(3)
    dlg.min_spin.setValue(1)
    dlg.statuses_edit.setText("Verification, QA")
    assert _done(qtbot, dlg, dlg.apply)
    col = service.resolve_column("Verify")
    assert (col.wip_min, col.wip_max, col.jira_statuses) == (1, 3, ("Verification", "QA"))

    assert _done(qtbot, dlg, lambda: dlg.move_selected(-1))
    assert [c.name for c in service.columns()][-3:] == ["Verify", "Review", "Done"]

    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData(ColumnKind.DONE.value))
    assert _done(qtbot, dlg, dlg.apply)
    assert service.resolve_column("Verify").kind is ColumnKind.DONE

    dlg.min_spin.setValue(5)
    assert not _done(qtbot, dlg, dlg.apply)
    assert "minimum (5) is above the maximum (3)" in dlg.banner.text()

    dlg.min_spin.setValue(1)
    assert _done(qtbot, dlg, dlg.remove_selected)
    assert "Verify" not in [c.name for c in service.columns()]
    assert len(changes) == 5


def test_columns_dialog_marks_a_column_where_work_waits(qtbot, service: BoardService) -> None:
    dlg = _opened(qtbot, ColumnsDialog(service))
    names = [dlg.list.item(i).text() for i in range(dlg.list.count())]
    dlg.list.setCurrentRow(next(i for i, n in enumerate(names) if n.startswith("Review")))
    assert dlg.waiting_check.isEnabled() and not dlg.waiting_check.isChecked()

    dlg.waiting_check.setChecked(True)
    assert _done(qtbot, dlg, dlg.apply)

    assert service.resolve_column("Review").waiting is True
    assert any(
        "Review" in dlg.list.item(i).text() and "waiting" in dlg.list.item(i).text()
        for i in range(dlg.list.count())
    )
    dlg.list.setCurrentRow(0)  # the task pool: nothing flows there, so it cannot wait
    assert not dlg.waiting_check.isEnabled()


def test_columns_dialog_refuses_to_remove_a_column_with_cards(qtbot, service: BoardService) -> None:
    service.add_card("Something", column="Review")
    dlg = _opened(qtbot, ColumnsDialog(service))
    dlg.select("Task pool")
    assert not dlg.kind_combo.isEnabled()  # the one pool keeps its kind
    assert not dlg.remove_button.isEnabled()
    dlg.select("Review")
    assert not _done(qtbot, dlg, dlg.remove_selected)
    assert "still holds cards" in dlg.banner.text()
    assert "Review" in [c.name for c in service.columns()]


def test_rules_dialog_applies_each_change_at_once(qtbot, service: BoardService) -> None:
    dlg = _opened(qtbot, RulesDialog(service))
    with qtbot.waitSignal(dlg.changed):
        combo = dlg.mode_combos[Rule.WIP_LIMITS]
        combo.setCurrentIndex(combo.findData(RuleMode.ENFORCE.value))
    assert service.rules().mode(Rule.WIP_LIMITS) is RuleMode.ENFORCE

    with qtbot.waitSignal(dlg.changed):
        combo = dlg.mode_combos[Rule.MOVE_RIGHT_ONLY]
        combo.setCurrentIndex(combo.findData(RuleMode.OFF.value))
    assert service.rules().mode(Rule.MOVE_RIGHT_ONLY) is RuleMode.OFF

    dlg.max_days.setValue(3)
    with qtbot.waitSignal(dlg.changed):
        dlg.accept()  # a typed value counts even without Enter
    assert service.rules().max_card_days == 3


def test_me_dialog_writes_the_config(
    qtbot, service: BoardService, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.add_person("Alice Smith", jira_user="asmith")
    service.add_person("Bob Jones")
    # getpass reads these first: the OS user "asmith" is Alice's JIRA user.
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, "asmith")
    dlg = _opened(qtbot, MeDialog(service))
    assert dlg.person_combo.currentData() == "Alice Smith"
    assert current_person(service).name == "Alice Smith"

    dlg.choose("Bob Jones")
    with qtbot.waitSignal(dlg.changed):
        assert dlg.save()
    assert Config.load().me == "Bob Jones"
    assert current_person(service).name == "Bob Jones"

    again = _opened(qtbot, MeDialog(service))
    assert again.person_combo.currentData() == "Bob Jones"


def test_a_limit_of_zero_survives_an_unrelated_edit(qtbot, service: BoardService) -> None:
    service.update_column("Review", wip_max=0)
    dlg = _opened(qtbot, ColumnsDialog(service))
    dlg.select("Review")
    assert dlg.max_spin.text() == "0"
    dlg.name_edit.setText("Peer review")
    assert _done(qtbot, dlg, dlg.apply)
    assert service.resolve_column("Peer review").wip_max == 0


def test_crlf_description_is_not_an_edit(qtbot, service: BoardService) -> None:
    card = service.add_card("Imported", description="line one\r\nline two").card
    dlg = _editor(qtbot, service, card.id)
    assert dlg.edited_fields() == set()
