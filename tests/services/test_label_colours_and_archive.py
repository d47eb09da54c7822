"""Label colours are kept with the board and travel in the export; archived cards come back."""

from __future__ import annotations

import pytest

from kanban.domain.model import Rule, RuleMode
from kanban.errors import InvalidInput
from kanban.services.board import BoardService
from kanban.services.board_admin import archived_cards, rename_board, restore_card
from kanban.services.labels import labels, set_label_colour
from kanban.services.transfer import export_board, import_board


def test_a_label_colour_is_on_the_boards_snapshot(service: BoardService) -> None:
    service.add_card("Patch file servers", labels=["windows"])
    set_label_colour(service, "windows", "#1565C0")
    assert service.snapshot().label_colours == {"windows": "#1565c0"}
    set_label_colour(service, "windows", "#2e7d32")  # changed, not added twice
    assert service.snapshot().label_colours == {"windows": "#2e7d32"}
    set_label_colour(service, "windows", None)
    assert service.snapshot().label_colours == {}


def test_labels_counts_open_cards_and_keeps_coloured_unused_labels(service: BoardService) -> None:
    service.add_card("Patch file servers", labels=["windows", "patching"])
    gone = service.add_card("Old patch run", labels=["patching"]).card
    service.archive(gone.id)
    set_label_colour(service, "retired", "#9e9e9e")
    assert [(lb.name, lb.colour, lb.cards) for lb in labels(service)] == [
        ("patching", None, 1),
        ("retired", "#9e9e9e", 0),
        ("windows", None, 1),
    ]


def test_a_bad_colour_or_an_empty_label_is_refused(service: BoardService) -> None:
    with pytest.raises(InvalidInput, match="not a colour"):
        set_label_colour(service, "windows", "blue")
    with pytest.raises(InvalidInput, match="Name the label"):
        set_label_colour(service, "  ", "#123456")


def test_label_colours_survive_export_and_import(service: BoardService, tmp_path) -> None:
    service.add_card("Patch file servers", labels=["windows"])
    set_label_colour(service, "windows", "#1565c0")
    doc = export_board(service)
    assert [(r["label"], r["colour"]) for r in doc["label_colours"]] == [("windows", "#1565c0")]
    other = BoardService.open(f"sqlite:///{tmp_path / 'other.db'}", "tester")
    try:
        import_board(other, doc)
        assert other.snapshot().label_colours == {"windows": "#1565c0"}
    finally:
        other.close()


def test_an_export_from_before_label_colours_still_imports(
    service: BoardService, tmp_path
) -> None:
    service.add_card("Patch file servers", labels=["windows"])
    doc = export_board(service)
    del doc["label_colours"]
    doc["schema"] = "0010"
    other = BoardService.open(f"sqlite:///{tmp_path / 'other.db'}", "tester")
    try:
        import_board(other, doc)
        assert other.snapshot().label_colours == {}
        assert [c.labels for c in other.snapshot().cards] == [("windows",)]
    finally:
        other.close()


def test_an_imported_bad_label_colour_is_named(service: BoardService) -> None:
    from kanban.errors import ImportFailed

    doc = export_board(service)
    doc["label_colours"] = [{"id": 1, "board_id": 1, "label": "windows", "colour": "blue"}]
    with pytest.raises(ImportFailed, match=r"label_colours\[0\]\.colour"):
        import_board(service, doc, replace=True)


def test_archived_cards_say_when_and_by_whom_newest_first(service: BoardService) -> None:
    first = service.add_card("First").card
    second = service.add_card("Second").card
    service.archive(first.id)
    service.archive(second.id)
    found = archived_cards(service)
    assert [a.card.title for a in found] == ["Second", "First"]
    assert {a.archived_by for a in found} == {"tester"}
    assert all(a.archived_at is not None for a in found)
    assert found[0].column == "Task pool"


def test_restore_goes_back_to_its_column_when_the_rules_allow(service: BoardService) -> None:
    service.add_person("Bob")
    card = service.add_card("Rotate backups", column="In progress", person="Bob").card
    service.archive(card.id)
    restored = restore_card(service, card.id)
    assert restored.to_pool_because is None
    assert restored.sentence() == "Restored 'Rotate backups' to In progress."
    back = service.card(card.id)
    assert (back.archived, back.column_id, back.person_id) == (False, card.column_id, 1)


def test_restore_past_a_warned_limit_goes_to_the_pool_unless_a_reason_is_given(
    service: BoardService,
) -> None:
    service.add_person("Bob", wip_limit=1)
    service.set_rule(Rule.WIP_LIMITS, RuleMode.WARN)
    first = service.add_card("First", column="In progress", person="Bob").card
    service.archive(first.id)
    service.add_card("Second", column="In progress", person="Bob", override_reason="ok")
    restored = restore_card(service, first.id)
    assert restored.column == "task pool"
    assert "Bob" in (restored.to_pool_because or "")
    card = service.card(first.id)
    assert (card.column_id, card.owner_id, card.archived) == (service.snapshot().pool.id, 1, False)
    service.undo()  # the restore is one change: undone, the card is archived again
    assert service.card(first.id).archived
    with_reason = restore_card(service, first.id, override_reason="both are tiny")
    assert with_reason.column == "In progress"
    assert service.history(first.id)[-1].reason == "both are tiny"


def test_rename_board_cleans_the_name_and_refuses_an_empty_one(service: BoardService) -> None:
    assert rename_board(service, "  Ops   team ") == "Ops team"
    assert service.snapshot().name == "Ops team"
    with pytest.raises(InvalidInput, match="needs a name"):
        rename_board(service, "")
    assert service.snapshot().name == "Ops team"
