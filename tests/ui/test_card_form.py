"""The card editor's form logic, its service jobs and the sync words, without a display."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from kanban.domain.model import EDITABLE_FIELDS, Column, ColumnKind, EventKind, Rule, RuleMode
from kanban.domain.sync_states import ItemKind, Keep
from kanban.errors import ConflictError, NotFound, RuleViolationError
from kanban.services.board import BoardService
from kanban.services.history_text import Names
from kanban.services.sync_status import PendingItem
from kanban.ui.dialogs import card_form
from kanban.ui.sync_text import (
    REVERT,
    can_revert,
    card_sync_view,
    settles,
    state_word,
    synced_value,
)

COLUMNS = [
    Column(id=1, name="Task pool", kind=ColumnKind.POOL, order=0),
    Column(id=2, name="In progress", kind=ColumnKind.ACTIVE, order=1),
    Column(id=3, name="Done", kind=ColumnKind.DONE, order=2),
]


def _values(**changes: Any) -> dict[str, Any]:
    return {**card_form.new_card_values(COLUMNS), **changes}


def test_the_editor_edits_the_fields_the_board_service_edits() -> None:
    assert card_form.CONTENT_FIELDS == EDITABLE_FIELDS
    assert set(card_form.CONTENT_FIELDS) < set(card_form.FORM_FIELDS)


def test_a_new_card_starts_in_the_pool_or_the_column_given() -> None:
    assert card_form.new_card_values(COLUMNS)["column_id"] == 1
    assert card_form.new_card_values(COLUMNS, 2)["column_id"] == 2
    assert card_form.first_active_column(COLUMNS) == COLUMNS[1]


def test_what_the_widgets_round_or_reflow_is_not_an_edit() -> None:
    base = _values(size_days=1.333, description="a\r\nb", title="Patch  web01", jira_key="OPS-1")
    same = _values(size_days=1.33, description="a\nb", title="Patch web01", jira_key="ops-1")
    assert card_form.edited_fields(same, base) == set()
    moved = _values(size_days=1.333, description="a\nb", title="Patch web01", column_id=2)
    assert card_form.edited_fields(moved, base) == {"column_id", "jira_key"}


def test_a_save_takes_only_the_steps_the_edits_need() -> None:
    values = _values(title="New", labels=["net"], person_id=7, column_id=2)
    edited = {"title", "person_id"}
    assert card_form.content_changes(values, edited) == {"title": "New"}
    assert card_form.placement_step(edited) == "assign"
    assert card_form.placement_step(edited | {"column_id"}) == "move"
    assert card_form.placement_step({"title"}) is None
    assert not card_form.readiness_changed(edited)
    assert card_form.readiness_changed({"not_ready_reason"})


def test_every_bad_field_is_named_in_form_order() -> None:
    assert card_form.field_errors(_values(title="Fine")) == {}
    errors = card_form.field_errors(
        _values(title="  ", size_days=0, jira_key="not a key", not_ready=True)
    )
    assert list(errors) == ["title", "size_days", "jira_key", "not_ready_reason"]
    assert all(errors.values())
    assert card_form.split_labels(" net, ,windows ,") == ["net", "windows"]


def test_the_conflict_notice_names_their_change_and_keeps_mine() -> None:
    old = _values(title="Patch web01", column_id=1)
    theirs = _values(title="Patch web01", column_id=2)
    at = datetime(2026, 11, 24, 10, 42, tzinfo=UTC)
    names = Names({1: "Task pool", 2: "In progress"}, {})
    text = card_form.conflict_notice(
        old, theirs, {"title": "Mine"}, archived=True, last=("bob", at), names=names
    )
    assert text.startswith("bob (at ")
    assert "• column: Task pool → In progress" in text
    assert "archived" in text and "Your edits are kept" in text
    untouched = card_form.conflict_notice(old, theirs, {}, archived=False, last=None, names=names)
    assert untouched.startswith("Someone else") and "had not changed anything" in untouched


def test_the_rule_prompt_names_the_button_to_press_again() -> None:
    assert "press Restore again" in card_form.rule_prompt("WIP limit", "Restore")
    assert "press Save again" in card_form.rule_prompt("WIP limit")


# --- the editor's jobs (run on a worker; here called directly) -------------------


def test_the_editor_reads_all_it_shows_in_one_job(service: BoardService) -> None:
    service.add_person("Alice Smith")
    card = service.add_card("Harden sshd", jira_key="OPS-5").card
    data = card_form.load_editor_data(service, card.id)
    assert data.error is None and data.card == card
    assert [c.name for c in data.columns][0] == "Task pool"
    assert [p.name for p in data.people] == ["Alice Smith"]
    assert [e.kind for e in data.panels.history] == [EventKind.CREATED]
    assert data.panels.links is not None and data.panels.links_error is None

    new = card_form.load_editor_data(service, None)
    assert new.card is None and new.columns and new.panels == card_form.Panels()
    missing = card_form.load_editor_data(service, "no-such-card")
    assert isinstance(missing.error, NotFound) and missing.columns and missing.card is None


def test_a_rule_that_stops_the_second_step_leaves_the_first_written(
    service: BoardService,
) -> None:
    service.set_rule(Rule.MOVE_RIGHT_ONLY, RuleMode.ENFORCE)
    card = service.add_card("Decommission old NAS", column="Review").card
    progress = service.resolve_column("In progress").id
    values = {**card_form.card_values(card), "title": "Decommission the NAS", "column_id": progress}
    outcome = card_form.save_card(service, card, values, None)
    assert isinstance(outcome.error, RuleViolationError)
    assert outcome.written is not None and outcome.written.title == "Decommission the NAS"
    assert outcome.panels is not None
    assert [e.kind for e in outcome.panels.history][-1] is EventKind.EDITED


def test_a_conflict_comes_back_with_the_card_as_stored_now(service: BoardService) -> None:
    card = service.add_card("Renew TLS certificate").card
    service.edit_card(card.id, description="Bob's notes")
    values = {**card_form.card_values(card), "title": "Renew the TLS certificate"}
    outcome = card_form.save_card(service, card, values, None)
    assert isinstance(outcome.error, ConflictError) and outcome.written is None
    assert outcome.fresh is not None and outcome.fresh.card is not None
    assert outcome.fresh.card.description == "Bob's notes"
    assert service.card(card.id).title == "Renew TLS certificate"


def test_archive_and_restore_are_one_job_each(service: BoardService) -> None:
    card = service.add_card("Retire the fax server").card
    archived = card_form.archive_or_restore_card(service, card, None)
    assert archived.error is None and archived.written is not None and archived.written.archived
    restored = card_form.archive_or_restore_card(service, archived.written, None)
    assert restored.error is None and restored.written is not None
    assert not service.card(card.id).archived


def _item(kind: ItemKind = ItemKind.CONFLICT, **changes: Any) -> PendingItem:
    values: dict[str, Any] = {
        "card_id": "c1",
        "card_title": "Patch web01",
        "issue_key": "OPS-1",
        "field": "title",
        "kind": kind,
        "local": "Mine",
        "remote": "Theirs",
        "base": "Base",
        "message": None,
        "attempts": 0,
        "updated_at": datetime(2026, 11, 24, tzinfo=UTC),
    }
    return PendingItem(**{**values, **changes})


def test_the_card_sync_section_lists_what_waits_and_offers_what_settles_it() -> None:
    conflict = _item()
    refused = _item(ItemKind.QUEUED, field="column", message="No transition")
    view = card_sync_view([conflict, refused])
    # The sync layer's one sentence per item, as in the badges' tooltips and the CLI.
    assert view.text.splitlines() == [conflict.describe(), refused.describe()]
    assert "'Mine'" in view.text and "'Theirs'" in view.text and "No transition" in view.text
    assert view.visible and view.show_keep and view.show_revert
    assert not card_sync_view([]).visible
    assert settles(conflict, Keep.MINE) and settles(conflict, "jira")
    assert not settles(conflict, REVERT)
    assert settles(refused, REVERT) and not settles(refused, Keep.MINE)
    assert can_revert(refused) and not can_revert(_item(ItemKind.QUEUED, field="create"))
    assert state_word(conflict) == "conflict" and state_word(refused) == "queued"
    assert synced_value([]) == "(none)" and synced_value(True) == "flagged"
    assert synced_value(date(2026, 1, 2)) == "2026-01-02"
