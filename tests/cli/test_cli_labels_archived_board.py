"""kanban labels, kanban archived, kanban restore and kanban board rename."""

from __future__ import annotations

from datetime import datetime


def _add(kanban, *args: str) -> str:
    result = kanban("add", *args, "--json")
    assert result.code == 0, result.err
    return str(result.json()["id"])


def test_labels_lists_each_label_with_its_colour_and_count(kanban) -> None:
    _add(kanban, "Patch file servers", "--label", "windows,patching")
    _add(kanban, "Patch web servers", "--label", "linux,patching")
    assert kanban("labels", "set", "patching", "--colour", "#D32F2F").code == 0
    listed = kanban("labels", "--json").json()
    assert listed == [
        {"name": "linux", "colour": None, "cards": 1},
        {"name": "patching", "colour": "#d32f2f", "cards": 2},
        {"name": "windows", "colour": None, "cards": 1},
    ]
    text = kanban("labels").out
    assert "patching  #d32f2f" in text
    assert "(default" in text


def test_labels_set_refuses_a_colour_that_is_not_rrggbb(kanban) -> None:
    _add(kanban, "Patch file servers", "--label", "windows")
    result = kanban("labels", "set", "windows", "--colour", "red")
    assert result.code == 1
    assert "'red' is not a colour; use #rrggbb" in result.err
    assert kanban("labels", "--json").json()[0]["colour"] is None


def test_labels_set_default_takes_the_colour_away(kanban) -> None:
    _add(kanban, "Patch file servers", "--label", "windows")
    kanban("labels", "set", "windows", "--colour", "#1565c0")
    result = kanban("labels", "set", "windows", "--default")
    assert result.code == 0
    assert "default colour again" in result.out
    assert kanban("labels", "--json").json() == [{"name": "windows", "colour": None, "cards": 1}]


def test_archived_lists_when_and_by_whom_and_restore_brings_it_back(kanban) -> None:
    card = _add(kanban, "Renew TLS certificates", "--jira", "OPS-12")
    assert kanban("archived").out.strip() == "No archived cards."
    assert kanban("archive", "OPS-12").code == 0
    listed = kanban("archived", "--json").json()
    assert [(a["id"], a["jira_key"], a["archived_by"]) for a in listed] == [
        (card, "OPS-12", "tester")
    ]
    assert datetime.fromisoformat(listed[0]["archived_at"]).tzinfo is not None
    assert "OPS-12" in kanban("archived").out

    result = kanban("restore", "OPS-12")
    assert result.code == 0
    assert "Restored 'Renew TLS certificates' to Task pool." in result.out
    assert kanban("archived", "--json").json() == []
    assert kanban("history", "OPS-12", "--json").json()[-1]["kind"] == "restored"


def test_restore_into_a_full_column_goes_to_the_pool_and_says_why(kanban) -> None:
    kanban("people", "add", "Bob")
    kanban("columns", "edit", "Review", "--wip-max", "1")
    kanban("rules", "set", "wip", "enforce")
    _add(kanban, "First", "--column", "Review", "--person", "Bob", "--jira", "OPS-1")
    kanban("archive", "OPS-1")
    _add(kanban, "Second", "--column", "Review", "--person", "Bob")
    result = kanban("restore", "OPS-1")
    assert result.code == 0, result.err
    assert "to the task pool" in result.out and "limit of 1" in result.out
    shown = kanban("show", "OPS-1", "--json").json()
    assert shown["column"] == "Task pool"
    assert shown["owner"] == "Bob"  # back in Bob's pool
    # Undo takes the restore back: the card is archived again.
    assert kanban("undo").code == 0
    assert [a["jira_key"] for a in kanban("archived", "--json").json()] == ["OPS-1"]


def test_board_rename_changes_the_name_and_refuses_an_empty_one(kanban) -> None:
    result = kanban("board", "rename", "Ops team")
    assert result.code == 0
    assert "The board is now called 'Ops team'." in result.out
    empty = kanban("board", "rename", "   ")
    assert empty.code == 1
    assert "The board needs a name." in empty.err
    assert kanban("board").code == 2  # no action: its help


def test_board_rename_is_what_the_board_is_called(kanban, db_path) -> None:
    from kanban.services.board import BoardService

    kanban("board", "rename", "Storage and backup")
    service = BoardService.open(f"sqlite:///{db_path}", "observer")
    try:
        assert service.snapshot().name == "Storage and backup"
    finally:
        service.close()
