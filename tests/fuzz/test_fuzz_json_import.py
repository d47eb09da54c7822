"""Fuzz ``kanban import``: exports of a real board with fields mutated, and hostile JSON.

A board export is built with the app, then one to three of its values are
replaced (by the wrong type, out-of-range numbers, huge integers, text with
control characters or lone surrogates, missing keys), and written back as
JSON; some documents are nested thousands deep or hold a 5,000-digit number.
``kanban import --replace`` must end in a sentence (exit 0 or 1, no
traceback); a refused file leaves the board as it was, and an accepted one
leaves a board every command can read.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban.domain.model import Rule, RuleMode
from kanban.services import transfer
from kanban.services.board import BoardService

# cli(*argv) -> Outcome, from tests/fuzz/conftest.py.
Cli = Callable[..., Any]

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _build_export(path: Path) -> dict[str, Any]:
    service = BoardService.open(f"sqlite:///{path}", "tester")
    service.set_rule(Rule.CARD_SIZE, RuleMode.OFF)
    service.add_person("Anna Kowalski", jira_user="akowalski", email="anna@example.com")
    service.update_column("Review", wip_max=3)
    first = service.add_card("Renew cert", labels=["tls"], jira_key="OPS-7", size_days=1.5)
    service.move_card(first.card.id, column="In progress", person="Anna")
    service.add_card("Expand LUN", not_ready_reason="waiting for the shelf", project="Storage")
    done = service.add_card("Old task", column="Done")
    service.archive(done.card.id)
    doc = transfer.export_board(service)
    service.close()
    return doc


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _build_export(tmp_path_factory.mktemp("export") / "source.db")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


MISSING = object()
VALUES = st.one_of(
    st.sampled_from(
        [
            MISSING,
            None,
            True,
            0,
            -1,
            -3,
            2**63,
            10**29,
            1e308,
            float("inf"),
            float("nan"),
            "",
            " ",
            "planet",
            "red",
            "not a key",
            "\u200b",
            "\x1b[2J",
            "\ud800",
            "x" * 600,
            "2026-13-45",
            "2026-04-01T12:00:00+02:00",
            [],
            {},
            ["a", 1],
            {"a": {"b": []}},
        ]
    ),
    st.integers(),
    st.text(max_size=20),
)


@st.composite
def mutated(draw: st.DrawFn, doc: dict[str, Any]) -> str:
    """The export with 1-3 values replaced or removed, as JSON text."""
    doc = copy.deepcopy(doc)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        parent: Any = doc
        for step in path[:-1]:
            parent = parent[step]
        value = draw(VALUES)
        if value is MISSING:
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
        else:
            parent[path[-1]] = value
    return json.dumps(doc, allow_nan=True)


HOSTILE = [
    "[" * 100_000 + "]" * 100_000,
    '{"format": "kanban-board", "format_version": 1, "board": ' + "{" * 50_000 + "}" * 50_000,
    '{"format": "kanban-board", "format_version": ' + "9" * 5000 + "}",
    '{"format": "kanban-board", "format_version": 100000000000000000000000000000}',
    '{"format": "kanban-board", "format_version": -1}',
    "\ufeff{}",
    "",
    "null",
    "NaN",
]


@pytest.fixture
def board(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "board.db"
    assert cli("add", "Mine, before the import", "--db", str(db)).code == 0
    return db


def import_once(cli: Cli, db: Path, text: str, fingerprint: Callable[[Path], str]) -> None:
    path = db.with_name("export.json")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = fingerprint(db)
    result = cli("import", str(path), "--replace", "--db", str(db))
    result.check_no_crash(f"import of {text[:200]}")
    if result.code != 0:
        assert fingerprint(db) == before, result.err
        return
    # Accepted: every command reads the board it left.
    for command in (("list",), ("history",), ("people",), ("columns",), ("export",)):
        after = cli(*command, "--db", str(db))
        after.check_no_crash(f"{command[0]} after importing {text[:200]}")
        assert after.code == 0, (command, after.err)


@FUZZ
@given(data=st.data())
def test_mutated_exports_are_imported_whole_or_refused_in_words(
    cli: Cli,
    board: Path,
    export: dict[str, Any],
    fingerprint: Callable[[Path], str],
    data: st.DataObject,
) -> None:
    import_once(cli, board, data.draw(mutated(export)), fingerprint)


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_json_is_refused_in_one_line(
    cli: Cli, board: Path, fingerprint: Callable[[Path], str], text: str
) -> None:
    import_once(cli, board, text, fingerprint)


def test_the_unmutated_export_imports(
    cli: Cli, board: Path, export: dict[str, Any], fingerprint: Callable[[Path], str]
) -> None:
    path = board.with_name("export.json")
    path.write_text(json.dumps(export), encoding="utf-8")
    result = cli("import", str(path), "--replace", "--db", str(board))
    assert result.code == 0, result.err
