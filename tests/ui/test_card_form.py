"""The card editor's form logic and the sync words, without a display (no qtbot)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from kanban.domain.model import EDITABLE_FIELDS, Column, ColumnKind
from kanban.domain.sync_states import ItemKind, Keep
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
