"""export, import (JSON and CSV) and demo through the command line."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kanban.store import db as store_db

Kanban = Callable[..., Any]


def _small_board(kanban: Kanban) -> None:
    kanban("people", "add", "Anna Kowalski", "--wip-limit", "2")
    kanban("add", "Patch DC01", "--jira", "OPS-1", "--column", "In progress", "--person", "Anna")
    kanban("add", "Expand LUN", "--not-ready", "waiting for the shelf", "--label", "storage")
    kanban("add", "Old job")
    old = next(c for c in kanban("list", "--json").json() if c["title"] == "Old job")
    assert kanban("archive", old["id"]).code == 0


def test_export_import_round_trip(kanban: Kanban, tmp_path: Path) -> None:
    _small_board(kanban)
    first = tmp_path / "board.json"
    assert kanban("export", "-o", str(first)).code == 0
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["format"] == "kanban-team-board" and data["format_version"] == 1
    assert any(c["archived"] for c in data["cards"])

    copy = tmp_path / "copy.db"
    imported = kanban("import", str(first), db=copy)
    assert imported.code == 0, imported.err
    assert "Imported 3 cards, 1 people" in imported.out
    again = kanban("export", db=copy)
    assert again.out == first.read_text(encoding="utf-8")


def test_import_refuses_a_non_empty_board_unless_replace(
    kanban: Kanban,
    tmp_path: Path,
    board_state,  # type: ignore[no-untyped-def]
) -> None:
    other = tmp_path / "other.db"
    kanban("add", "Only card elsewhere", db=other)
    export = tmp_path / "other.json"
    kanban("export", "-o", str(export), db=other)

    _small_board(kanban)
    before = board_state()
    refused = kanban("import", str(export))
    assert refused.code == 1
    assert "is not empty" in refused.err and "--replace" in refused.err
    assert board_state() == before

    assert kanban("import", str(export), "--replace").code == 0
    titles = [c["title"] for c in kanban("list", "--archived", "--json").json()]
    assert titles == ["Only card elsewhere"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "is not valid JSON (line 1"),
        (b"[1, 2]", "not a Kanban board export"),
        (b'{"format": "kanban-team-board", "format_version": 99}', "newer version"),
        (b"\xff\xfe\x00\x00", "not a UTF-8 text file"),
    ],
)
def test_import_of_a_bad_file_changes_nothing(
    kanban: Kanban,
    tmp_path: Path,
    board_state,  # type: ignore[no-untyped-def]
    content: bytes,
    message: str,
) -> None:
    kanban("add", "Keep me")
    before = board_state()
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    result = kanban("import", str(bad), "--replace")
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1
    assert board_state() == before


def test_import_of_a_missing_file(kanban: Kanban, tmp_path: Path) -> None:
    result = kanban("import", str(tmp_path / "nope.json"))
    assert result.code == 1 and "There is no file" in result.err
    result = kanban("import", "--csv", str(tmp_path))
    assert result.code == 1 and "is a folder" in result.err


def test_csv_import_reports_bad_lines_and_imports_good_ones(kanban: Kanban, tmp_path: Path) -> None:
    kanban("people", "add", "Anna Kowalski")
    sheet = tmp_path / "cards.csv"
    sheet.write_text(
        "Summary,Assignee,Status,Days,Tags,Blocked reason,Jira key\n"
        'Renew cert,Anna,In progress,1,"tls,web",,OPS-7\n'
        "Ghost task,Zed,,,,,\n"
        "Patch hosts,,,0.5,,waiting for CAB,\n",
        encoding="utf-8",
    )
    result = kanban("import", "--csv", str(sheet))
    assert result.code == 1  # some rows were bad: scripts must notice
    assert "Imported 2 of 3 rows" in result.out
    assert "line 3: unknown person 'Zed'" in result.err
    cards = {c["title"]: c for c in kanban("list", "--json").json()}
    assert cards["Renew cert"]["person"] == "Anna Kowalski"
    assert cards["Renew cert"]["labels"] == ["tls", "web"]
    assert cards["Patch hosts"]["not_ready_reason"] == "waiting for CAB"


def test_csv_import_says_which_encoding_it_read(kanban: Kanban, tmp_path: Path) -> None:
    sheet = tmp_path / "excel.csv"
    sheet.write_bytes("Title;Size\nCafé budget 300 €;1\n".encode("cp1252"))
    result = kanban("import", "--csv", str(sheet))
    assert result.code == 0
    assert "Imported 1 of 1 rows" in result.out and "(read as cp1252)" in result.out
    assert [c["title"] for c in kanban("list", "--json").json()] == ["Café budget 300 €"]


def test_csv_strict_imports_nothing(
    kanban: Kanban,
    tmp_path: Path,
    board_state,  # type: ignore[no-untyped-def]
) -> None:
    sheet = tmp_path / "cards.csv"
    sheet.write_text("title;size\nGood one;1\nBad one;lots\n", encoding="utf-8")
    before = board_state()
    result = kanban("import", "--csv", str(sheet), "--strict")
    assert result.code == 1
    assert "line 3: bad size 'lots'" in result.err
    assert "nothing was imported (--strict)" in result.err
    assert board_state() == before


def test_not_a_database_and_newer_schema(kanban: Kanban, tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("shopping list\n" * 200, encoding="utf-8")
    before = text_file.read_bytes()
    result = kanban("list", db=text_file)
    assert result.code == 1 and "not a Kanban database" in result.err
    assert text_file.read_bytes() == before

    newer = tmp_path / "newer.db"
    kanban("add", "From the future", db=newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = kanban("import", "--csv", str(tmp_path / "x.csv"), db=newer)
    assert result.code == 1 and "newer version of Kanban" in result.err
    with sqlite3.connect(newer) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("9999",)
        assert conn.execute("SELECT count(*) FROM card").fetchone() == (1,)
    assert store_db.SCHEMA_HEAD != "9999"


def test_demo_fills_only_an_empty_board(kanban: Kanban, db_path: Path) -> None:
    kanban("add", "Mine")
    refused = kanban("demo")
    assert refused.code == 1 and "--force" in refused.err
    assert [c["title"] for c in kanban("list", "--json").json()] == ["Mine"]

    forced = kanban("demo", "--force")
    assert forced.code == 0, forced.err
    assert "6 people" in forced.out
    people = kanban("people", "--json").json()
    assert len(people) == 6
    cards = kanban("list", "--json").json()
    assert "Mine" not in [c["title"] for c in cards]
    assert 70 <= len(cards) <= 90


def test_output_cut_short_by_a_pipe_is_not_an_error(tmp_path: Path) -> None:
    """`kanban export | head` must end quietly, like any Unix tool."""
    import subprocess
    import sys

    db = str(tmp_path / "pipe.db")
    subprocess.run([sys.executable, "-m", "kanban", "demo", "--db", db], check=True, timeout=120)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kanban", "export", "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()  # the reader goes away, as `head` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "error" not in err.lower()
