"""Control characters, invisible titles and undecodable bytes (issue #15, defects 8 and 9)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Kanban

ESC = "\x1b"


def test_escape_codes_are_dropped_from_what_is_typed(kanban: Kanban) -> None:
    assert kanban("add", f"{ESC}[2J{ESC}]0;pwned\x07Clear the screen\x9b1m").code == 0
    card = kanban("list", "--json").json()[0]
    assert card["title"] == "[2J]0;pwnedClear the screen1m"


def test_a_description_keeps_tab_and_newline_only(kanban: Kanban) -> None:
    kanban("add", "Card", "--description", f"one\ttab\r\ntwo{ESC}[31m\x00")
    card = kanban("list", "--json").json()[0]
    assert kanban("show", card["id"], "--json").json()["description"] == "one\ttab\ntwo[31m"


def test_a_title_of_zero_width_spaces_is_refused(kanban: Kanban) -> None:
    result = kanban("add", "\u200b\u200b\u200b")
    assert result.code == 1 and "needs a title" in result.err
    assert kanban("add", "\u200b \ufeff\u2060").code == 1


def test_terminal_output_never_holds_a_raw_escape(kanban: Kanban, db_path: Path) -> None:
    kanban("add", "Placeholder")
    kanban("people", "add", "Ann")
    # A board written before the validators dropped controls (or by another tool).
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE card SET title = ?", (f"{ESC}[2JBoom\x9b2J\x07",))
        conn.execute("UPDATE person SET name = ?", (f"{ESC}]0;title\x07Ann",))
    for args in (("list",), ("list", "--json"), ("people",), ("history",), ("show", "Boom")):
        result = kanban(*args)
        assert ESC not in result.out + result.err and "\x9b" not in result.out, args
        assert "\x07" not in result.out + result.err, args
    assert "␛[2JBoom" in kanban("list").out


def test_an_undecodable_byte_is_a_one_line_error(
    kanban: Kanban, board_state: Callable[[], str]
) -> None:
    kanban("people", "add", "Ann")
    before = board_state()
    for args in (
        ("add", "Title \udcff"),
        ("show", "\udcff"),
        ("list", "--person", "\udcff"),
        ("people", "edit", "\udcff", "--name", "Bob"),
    ):
        result = kanban(*args)
        assert result.code == 1, (args, result.err)
        assert "not valid text" in result.err and "unexpected" not in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert board_state() == before


def test_huge_numbers_are_one_line_errors(kanban: Kanban) -> None:
    big = str(10**29)
    kanban("people", "add", "Ann")
    for args in (
        ("people", "edit", "Ann", "--wip-limit", big),
        ("columns", "add", "Later", "--wip-max", big),
        ("show", big),
        ("show", "9" * 5000),
        ("add", "x", "--size", "1e400"),
    ):
        result = kanban(*args)
        assert result.code == 1, (args, result.err)
        assert "unexpected" not in result.err


def test_a_deeply_nested_import_is_a_one_line_error(kanban: Kanban, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = kanban("import", str(path))
    assert result.code == 1 and "nested too deeply" in result.err
