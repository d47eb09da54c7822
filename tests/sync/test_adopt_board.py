"""Adopting the team's JIRA board, listing boards and statuses, and mapping one status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kanban.cli.main import run
from kanban.domain.model import ColumnKind, EventKind, Source
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.sync.adoption import plan_adoption
from sync.conftest import make_settings
from sync.fake_jira import TOKEN, FakeJira

OPS_BOARD = [
    {"name": "Backlog", "statuses": [{"id": "10000"}, {"id": "10001"}]},
    {"name": "Doing", "statuses": [{"id": "3"}], "max": 4},
    {"name": "Review", "statuses": [{"id": "10002"}], "min": 1, "max": 2},
    {"name": "Parked", "statuses": [{"id": "10004"}]},
    {"name": "Done", "statuses": [{"id": "10003"}]},
]


def kanban(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = run([*args, "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out, out.err


def layout(service: BoardService) -> list[tuple[str, str, tuple[str, ...], object, object]]:
    return [
        (c.name, c.kind.value, c.jira_statuses, c.wip_min, c.wip_max) for c in service.columns()
    ]


def test_jira_boards_lists_every_page(
    fake: FakeJira,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KANBAN_JIRA_TOKEN", TOKEN)
    db = tmp_path / "board.db"
    kanban(capsys, db, "jira", "setup", "--url", fake.url, "--jql", "project = OPS", "--no-test")

    code, out, err = kanban(capsys, db, "jira", "boards", "--json")

    assert code == 0, err
    assert [(b["id"], b["name"], b["project"]) for b in json.loads(out)] == [
        (7, "OPS board", "OPS"),
        (8, "NET board", "NET"),
        (9, "Storage", "STO"),
    ]  # the fake answers two per page: three pages read
    code, out, _ = kanban(capsys, db, "jira", "boards")
    assert "OPS board" in out and "kanban jira setup --url URL --board-id ID" in out


def test_setup_with_a_board_id_builds_the_board_from_jira(
    fake: FakeJira,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KANBAN_JIRA_TOKEN", TOKEN)
    fake.board_columns = OPS_BOARD
    db = tmp_path / "board.db"

    code, out, err = kanban(capsys, db, "jira", "setup", "--url", fake.url, "--board-id", "7")

    assert code == 0, err
    assert "Adopted JIRA board 7 (OPS board)" in out
    assert "Board query (JQL): project = OPS ORDER BY Rank ASC" in out
    service = BoardService.open(f"sqlite:///{db}", "tester")
    try:
        assert layout(service) == [
            ("Backlog", "pool", ("10000", "10001"), None, None),
            ("Doing", "active", ("3",), None, 4),
            ("Review", "active", ("10002",), 1, 2),
            ("Parked", "active", ("10004",), None, None),
            ("Done", "done", ("10003",), None, None),
        ]
    finally:
        service.close()


def test_adopting_again_renames_adds_and_keeps_columns_with_cards(
    fake: FakeJira, service: BoardService
) -> None:
    fake.board_columns = OPS_BOARD
    fake.add_issue("OPS", "Waiting on vendor", status="10004")
    fake.add_issue("OPS", "Patch web01", status="10002")
    sync = SyncService(service, make_settings(fake, board_id=7))
    sync.sync()
    parked = service.resolve_column("Parked")
    review_id = service.resolve_column("Review").id
    history_before = {c.id: len(service.history(c.id)) for c in service.list_cards()}

    # The team changed its JIRA board: Review renamed, QA added, Parked gone.
    fake.board_columns = [
        {"name": "Backlog", "statuses": [{"id": "10000"}, {"id": "10001"}]},
        {"name": "Doing", "statuses": [{"id": "3"}], "max": 5},
        {"name": "Peer review", "statuses": [{"id": "10002"}]},
        {"name": "QA", "statuses": [{"id": "10012"}], "max": 3},
        {"name": "Done", "statuses": [{"id": "10003"}, {"id": "10004"}]},
    ]
    report = sync.sync()

    names = [c.name for c in service.columns()]
    assert names == ["Backlog", "Doing", "Peer review", "QA", "Parked", "Done"]
    assert service.resolve_column("Peer review").id == review_id  # renamed, same column
    kept = service.resolve_column("Parked")
    assert kept.id == parked.id and kept.jira_statuses == ()  # Done has its status now
    assert any(
        "Column 'Parked' is no longer on the JIRA board but holds 1 card" in n for n in report.notes
    )
    # No card lost, no history lost; the parked issue followed its status to Done.
    assert {c.id for c in service.list_cards()} == set(history_before)
    for card in service.list_cards():
        assert len(service.history(card.id)) >= history_before[card.id]
    assert service.card("OPS-1").column_id == service.resolve_column("Done").id
    assert service.resolve_column("Doing").wip_max == 5


def test_an_empty_column_jira_dropped_is_removed_and_an_unchanged_board_writes_nothing(
    fake: FakeJira, service: BoardService
) -> None:
    fake.board_columns = OPS_BOARD
    sync = SyncService(service, make_settings(fake, board_id=7))
    sync.sync()
    before = layout(service)
    sync.sync()
    assert layout(service) == before  # adopting the same board again changes nothing

    fake.board_columns = [c for c in OPS_BOARD if c["name"] != "Parked"]
    sync.sync()
    assert "Parked" not in [c.name for c in service.columns()]


def test_plan_adoption_is_pure_and_takes_backlog_as_the_pool() -> None:
    from kanban.domain.model import Column

    ours = [
        Column(1, "Task pool", ColumnKind.POOL, 0),
        Column(2, "In progress", ColumnKind.ACTIVE, 1, jira_statuses=("3",)),
        Column(3, "Done", ColumnKind.DONE, 2),
    ]
    config = {
        "name": "OPS board",
        "columnConfig": {
            "columns": [
                {"name": "To Do", "statuses": [{"id": "1"}]},
                {"name": "Backlog", "statuses": [{"id": "10000"}]},
                {"name": "Working", "statuses": [{"id": "3"}]},
                {"name": "Closed", "statuses": [{"id": "6"}]},
            ]
        },
    }
    plan = plan_adoption(config, ours, {2: 4})
    got = [(a.name, a.kind, a.column_id) for a in plan.adopted]
    assert got == [
        ("To Do", ColumnKind.ACTIVE, None),
        ("Backlog", ColumnKind.POOL, 1),
        ("Working", ColumnKind.ACTIVE, 2),  # renamed: it has the same status
        ("Closed", ColumnKind.DONE, 3),
    ]
    assert plan.kept == [] and plan.removed == []


def test_jira_statuses_lists_where_each_status_lands_and_map_moves_the_cards(
    fake: FakeJira,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KANBAN_JIRA_TOKEN", TOKEN)
    db = tmp_path / "board.db"
    kanban(capsys, db, "jira", "setup", "--url", fake.url, "--jql", "project = OPS", "--no-test")
    kanban(capsys, db, "columns", "edit", "Review", "--jira-status", "10002")
    fake.add_issue("OPS", "Write the runbook", status="10010")  # Dev Active
    fake.add_issue("OPS", "Review the runbook", status="10002")
    assert kanban(capsys, db, "sync")[0] == 0

    code, out, err = kanban(capsys, db, "jira", "statuses", "--json")
    assert code == 0, err
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["Dev Active"] == {
        "id": "10010",
        "name": "Dev Active",
        "category": "indeterminate",
        "column": "In progress",
        "column_id": rows["Dev Active"]["column_id"],
        "mapped": "category",
        "issues": 1,
    }
    assert (rows["Review"]["column"], rows["Review"]["mapped"]) == ("Review", "explicit")
    assert rows["Limbo"]["column"] is None and rows["Limbo"]["mapped"] is None
    code, out, _ = kanban(capsys, db, "jira", "statuses")
    assert "by its category" in out and "kanban jira map STATUS COLUMN" in out

    code, out, err = kanban(capsys, db, "jira", "map", "Dev Active", "Review")
    assert code == 0, err
    assert "now lands in Review" in out
    assert kanban(capsys, db, "sync")[0] == 0
    service = BoardService.open(f"sqlite:///{db}", "tester")
    try:
        card = service.card("OPS-1")
        assert card.column_id == service.resolve_column("Review").id
        moves = [e for e in service.history("OPS-1") if e.kind is EventKind.MOVED]
        assert moves[-1].source is Source.JIRA
    finally:
        service.close()
    code, out, _ = kanban(capsys, db, "jira", "map", "Dev Active", "--by-category")
    assert "now lands in In progress (by its category)" in out
    code, _out, err = kanban(capsys, db, "jira", "map", "Nonsense", "Review")
    assert code == 1 and "has not seen a JIRA status 'Nonsense'" in err
