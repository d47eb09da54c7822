"""A JSON import checks every field with the board's own rules (issue #15, defects 2 and 8).

A bad file is refused whole, every bad field named as ``path.to.field: reason``,
and the board is left as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kanban.errors import ImportFailed
from kanban.services import transfer
from kanban.services.board import BoardService


@pytest.fixture
def export(tmp_path: Path) -> dict[str, Any]:
    source = BoardService.open(f"sqlite:///{tmp_path / 'source.db'}", "tester")
    source.add_person("Ann", email="ann@example.com")
    source.add_card("A card", jira_key="OPS-1", person="Ann", column="In progress")
    data: dict[str, Any] = json.loads(transfer.export_json(source))
    source.close()
    return data


BAD: list[tuple[str, str, Any, str]] = [
    ("board", "grouping", "planet", "board.grouping"),
    ("cards", "title", "", "cards[0].title"),
    ("cards", "title", "\u200b\u200b", "cards[0].title"),
    ("cards", "size_days", -5, "cards[0].size_days"),
    ("cards", "size_days", float("inf"), "cards[0].size_days"),
    ("cards", "jira_key", "not a key", "cards[0].jira_key"),
    ("people", "colour", "red", "people[0].colour"),
    ("people", "wip_limit", -3, "people[0].wip_limit"),
    ("columns", "wip_max", -3, "columns[1].wip_max"),
    ("cards", "project", "p" * 201, "cards[0].project"),
    ("columns", "id", 10**29, "columns[1].id"),
    ("events", "actor", "", "events[0].actor"),
    ("events", "kind", "exploded", "events[0].kind"),
]


@pytest.mark.parametrize(("table", "field", "value", "where"), BAD)
def test_an_invalid_value_refuses_the_whole_file(
    tmp_path: Path, export: dict[str, Any], table: str, field: str, value: Any, where: str
) -> None:
    if table == "board":
        export["board"][field] = value
    else:
        export[table][1 if table == "columns" else 0][field] = value
    target = BoardService.open(f"sqlite:///{tmp_path / 'target.db'}", "tester")
    target.add_card("Existing")
    before = transfer.export_json(target)
    with pytest.raises(ImportFailed) as caught:
        transfer.import_board(target, export, replace=True)
    assert f"{where}: " in str(caught.value)
    assert transfer.export_json(target) == before
    # The board still works: every command reads it.
    assert [c.title for c in target.list_cards()] == ["Existing"]


def test_every_bad_field_is_named_on_its_own_line(tmp_path: Path, export: dict[str, Any]) -> None:
    export["format_version"] = -1
    export["board"]["grouping"] = "planet"
    export["cards"][0]["size_days"] = -5
    export["people"][0]["colour"] = "red"
    target = BoardService.open(f"sqlite:///{tmp_path / 'target.db'}", "tester")
    with pytest.raises(ImportFailed) as caught:
        transfer.import_board(target, export)
    lines = str(caught.value).splitlines()
    for where in ("format_version", "board.grouping", "cards[0].size_days", "people[0].colour"):
        assert any(line.strip().startswith(f"{where}: ") for line in lines), lines


def test_a_good_file_still_imports(tmp_path: Path, export: dict[str, Any]) -> None:
    target = BoardService.open(f"sqlite:///{tmp_path / 'target.db'}", "tester")
    transfer.import_board(target, export)
    assert json.loads(transfer.export_json(target)) == export


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "kanban-team-board", "format_version": ' + "9" * 5000 + "}", "digits"),
        ('{"format": "kanban-team-board", "format_version": 1e400}', "format_version"),
    ],
    ids=["deep", "long number", "huge float"],
)
def test_pathological_json_is_a_one_line_refusal(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message) as caught:
        transfer.read_export_file(path)
    assert "nothing was imported" in str(caught.value)


def test_every_stored_column_has_a_checked_field() -> None:
    from kanban.services.transfer_schema import MODELS
    from kanban.store import bulk

    for name, table in bulk.TABLES:
        assert set(MODELS[name].model_fields) >= {c.name for c in table.columns}, name
