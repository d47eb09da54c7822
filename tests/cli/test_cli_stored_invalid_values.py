"""Every command still works on a board that holds a value this version refuses.

An import before issue #15 accepted ``"grouping": "planet"``; after it, list,
show, move, add, history and report all ended with "unexpected error". The
values are written here with raw SQL into the board's SQLite file, as an old
version or a hand edit would have left them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Kanban = Callable[..., Any]

BAD_VALUES = {
    "grouping": "UPDATE board SET grouping = 'planet'",
    "colour": "UPDATE person SET colour = 'red'",
    "person WIP limit": "UPDATE person SET wip_limit = -3",
    "column WIP limit": "UPDATE board_column SET wip_max = -2 WHERE name = 'Review'",
    "rules": "UPDATE board SET rules = '[\"not\", \"an\", \"object\"]'",
    "size": "UPDATE card SET size_days = -5",
}


@pytest.fixture
def old_board(kanban: Kanban, db_path: Path) -> Callable[[str], None]:
    assert kanban("people", "add", "Anna Kowalski").code == 0
    assert kanban("add", "Patch the DCs", "--jira", "OPS-1").code == 0
    assert kanban("add", "Renew cert", "--jira", "OPS-2", "--person", "Anna").code == 0

    def spoil(statement: str) -> None:
        with sqlite3.connect(db_path) as conn:
            conn.execute(statement)

    return spoil


@pytest.mark.parametrize("bad", list(BAD_VALUES))
def test_commands_work_and_say_so_in_one_line(
    kanban: Kanban, old_board: Callable[[str], None], tmp_path: Path, bad: str
) -> None:
    old_board(BAD_VALUES[bad])
    commands = [
        ("list",),
        ("show", "OPS-1"),
        ("move", "OPS-1", "In progress", "--person", "Anna", "--reason", "urgent"),
        ("add", "One more"),
        ("history", "OPS-1"),
        ("people",),
        ("columns",),
        ("report", "-o", str(tmp_path / "status.md")),
    ]
    for command in commands:
        result = kanban(*command)
        assert result.code == 0, (command, result.err)
        assert "unexpected error" not in result.err and "Traceback" not in result.err
        notes = [line for line in result.err.splitlines() if line.startswith("kanban: note:")]
        assert len(notes) == 1, (command, result.err)
        assert "read as" in notes[0] and "Set them again" in notes[0]


def test_the_note_names_the_field_and_the_stored_value_stays(
    kanban: Kanban, old_board: Callable[[str], None], db_path: Path
) -> None:
    old_board(BAD_VALUES["grouping"])
    result = kanban("list")
    assert "the board's grouping 'planet' (read as 'person')" in result.err
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT grouping FROM board").fetchone() == ("planet",)
    # Setting it again stores a valid value, and the note is gone.
    from kanban.services.board import BoardService

    service = BoardService.open(f"sqlite:///{db_path}", "tester")
    service.set_board(grouping="project")
    service.close()
    assert "kanban: note:" not in kanban("list").err


def test_a_valid_board_has_no_note(kanban: Kanban, old_board: Callable[[str], None]) -> None:
    assert "kanban: note:" not in kanban("list").err
