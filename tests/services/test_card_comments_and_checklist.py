"""A card's comments and checklist: written as their author, kept in the card's history."""

from __future__ import annotations

import pytest

from kanban.domain.model import EventKind
from kanban.errors import InvalidInput, NotFound, UserError
from kanban.services.board import BoardService
from kanban.services.history_text import describe_all, names_of
from kanban.services.notes import NotesService


@pytest.fixture
def notes(service: BoardService) -> NotesService:
    return NotesService(service)


def _history(service: BoardService, ref: str) -> list[str]:
    return describe_all(service.history(ref), names_of(service.snapshot()))


def test_a_comment_is_kept_with_its_author_and_shows_in_the_history(
    service: BoardService, notes: NotesService
) -> None:
    card = service.add_card("Patch web01", jira_key="OPS-1").card
    notes.add_comment("OPS-1", "  Rebooted web01;\nwaiting for the vendor  ")

    _card, comments = notes.comments("OPS-1")
    assert [(c.author, c.body) for c in comments] == [
        ("tester", "Rebooted web01;\nwaiting for the vendor")
    ]
    assert any(
        "tester · commented: 'Rebooted web01; waiting for the vendor'" in line
        for line in _history(service, card.id)
    )


def test_only_the_author_edits_or_deletes_a_comment(
    service: BoardService, notes: NotesService, db_url: str
) -> None:
    service.add_card("Patch web01", jira_key="OPS-1")
    mine = notes.add_comment("OPS-1", "first take")
    bob = NotesService(BoardService.open(db_url, "bob"))
    try:
        with pytest.raises(UserError, match="tester's; you \\(bob\\) can edit only your own"):
            bob.edit_comment("OPS-1", mine.id, "bob was here")
        with pytest.raises(UserError, match="can delete only your own"):
            bob.delete_comment("OPS-1", mine.id)
    finally:
        bob.board.close()

    notes.edit_comment("OPS-1", mine.id, "second take")
    assert [c.body for c in notes.comments("OPS-1")[1]] == ["second take"]
    notes.delete_comment("OPS-1", mine.id)
    assert notes.comments("OPS-1")[1] == []
    lines = _history(service, "OPS-1")
    assert any("edited a comment: 'first take' → 'second take'" in line for line in lines)
    assert any("deleted a comment: 'second take'" in line for line in lines)


def test_an_empty_comment_is_refused_and_nothing_is_written(
    service: BoardService, notes: NotesService
) -> None:
    service.add_card("Patch web01", jira_key="OPS-1")
    before = service.last_event_id()
    with pytest.raises(InvalidInput, match="needs some text"):
        notes.add_comment("OPS-1", " \n\t ")
    assert service.last_event_id() == before


def test_a_checklist_is_added_ticked_reordered_and_removed_in_order(
    service: BoardService, notes: NotesService
) -> None:
    service.add_card("Renew certificate", jira_key="OPS-2")
    for step in ("order certificate", "install on web01", "check expiry"):
        notes.add_item("OPS-2", step)
    notes.set_done("OPS-2", "order")
    notes.move_item("OPS-2", "check expiry", 0)
    notes.set_done("OPS-2", 3, done=True)
    notes.set_done("OPS-2", 3, done=False)
    notes.remove_item("OPS-2", 2)

    _card, items = notes.checklist("OPS-2")
    assert [(i.position, i.text, i.done) for i in items] == [
        (0, "check expiry", False),
        (1, "install on web01", False),
    ]
    kinds = [e.kind for e in service.history("OPS-2")]
    assert kinds[1:] == [
        EventKind.CHECK_ADDED,
        EventKind.CHECK_ADDED,
        EventKind.CHECK_ADDED,
        EventKind.CHECK_DONE,
        EventKind.CHECK_MOVED,
        EventKind.CHECK_DONE,
        EventKind.CHECK_UNDONE,
        EventKind.CHECK_REMOVED,
    ]
    assert notes.counts()[1][items[0].card_id].badge() == "☑ 0/2"


def test_ticking_a_ticked_item_writes_nothing(service: BoardService, notes: NotesService) -> None:
    service.add_card("Renew certificate", jira_key="OPS-2")
    notes.add_item("OPS-2", "order certificate")
    notes.set_done("OPS-2", 1)
    before = service.last_event_id()
    notes.set_done("OPS-2", 1)
    assert service.last_event_id() == before


def test_an_item_named_ambiguously_or_not_at_all_says_so(
    service: BoardService, notes: NotesService
) -> None:
    service.add_card("Renew certificate", jira_key="OPS-2")
    with pytest.raises(NotFound, match="no checklist yet"):
        notes.set_done("OPS-2", 1)
    notes.add_item("OPS-2", "check web01")
    notes.add_item("OPS-2", "check web02")
    with pytest.raises(InvalidInput, match="starts 2 items.*give its number"):
        notes.set_done("OPS-2", "check")
    with pytest.raises(NotFound, match="there is no number 5"):
        notes.remove_item("OPS-2", 5)


def test_undo_passes_comments_and_ticks_by(service: BoardService, notes: NotesService) -> None:
    card = service.add_card("Patch web01", jira_key="OPS-1").card
    service.block(card.id, "waiting for the vendor")
    notes.add_comment("OPS-1", "vendor called back")
    notes.add_item("OPS-1", "reboot")
    notes.set_done("OPS-1", 1)

    step = service.next_undo()
    assert step is not None and "not ready" in step.what
    service.undo(expected=step.change_id)
    assert not service.card("OPS-1").not_ready
    assert [c.body for c in notes.comments("OPS-1")[1]] == ["vendor called back"]
    assert notes.checklist("OPS-1")[1][0].done


def test_comments_and_checklist_travel_in_the_json_export(
    service: BoardService, notes: NotesService, tmp_path
) -> None:
    from kanban.services.transfer import export_board, import_board

    service.add_card("Renew certificate", jira_key="OPS-2")
    notes.add_comment("OPS-2", "ordered from the vendor")
    notes.add_item("OPS-2", "install on web01")
    notes.set_done("OPS-2", 1)
    doc = export_board(service)

    other = BoardService.open(f"sqlite:///{tmp_path / 'copy.db'}", "tester")
    try:
        import_board(other, doc)
        copy = NotesService(other)
        assert [c.body for c in copy.comments("OPS-2")[1]] == ["ordered from the vendor"]
        assert [(i.text, i.done) for i in copy.checklist("OPS-2")[1]] == [
            ("install on web01", True)
        ]
        # A file from before comments existed still imports.
        older = {k: v for k, v in doc.items() if k not in ("comments", "checklist_items")}
        import_board(other, older, replace=True)
        assert copy.comments("OPS-2")[1] == []
    finally:
        other.close()


def test_an_export_with_a_comment_of_a_missing_card_is_refused(
    service: BoardService, notes: NotesService
) -> None:
    from kanban.errors import ImportFailed
    from kanban.services.transfer import export_board, import_board

    service.add_card("Renew certificate", jira_key="OPS-2")
    notes.add_comment("OPS-2", "ordered")
    doc = export_board(service)
    doc["comments"][0]["card_id"] = "no-such-card"
    with pytest.raises(ImportFailed, match=r"comments\[0\]\.card_id: no card no-such-card"):
        import_board(service, doc, replace=True)
