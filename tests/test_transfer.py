"""JSON export/import round trips and the CSV import's parsing and error reports."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kanban.errors import ImportFailed
from kanban.services import transfer
from kanban.services.board import BoardService, CardFilter
from kanban.services.demo import fill_demo_board
from kanban.services.transfer import CsvRejected

NOW = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)


def open_board(tmp_path: Path, name: str, actor: str = "tester") -> BoardService:
    return BoardService.open(f"sqlite:///{tmp_path / name}", actor)


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo board with a few extra kinds of history, exported once for the module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    service = BoardService.open(f"sqlite:///{path}", "tester")
    fill_demo_board(service, now=NOW)
    service.update_column("In progress", wip_max=20)  # a limit change, kept with the board
    card = service.list_cards()[0]
    service.archive(card.id)
    service.undo()
    service.redo()
    text = transfer.export_json(service)
    service.close()
    return text


def test_round_trip_is_identical(demo_export: str, tmp_path: Path) -> None:
    data = json.loads(demo_export)
    assert {e["kind"] for e in data["events"]} >= {"created", "moved", "archived", "undo", "redo"}
    changes = [(c["scope"], c["before"], c["after"]) for c in data["limit_changes"]]
    assert changes[-1] == ("column", 12, 20)
    target = open_board(tmp_path, "copy.db")
    summary = transfer.import_board(target, data)
    assert summary.cards == len(data["cards"]) and summary.events == len(data["events"])
    assert transfer.export_json(target) == demo_export


def test_imported_board_keeps_working(demo_export: str, tmp_path: Path) -> None:
    target = open_board(tmp_path, "copy.db")
    transfer.import_board(target, json.loads(demo_export))
    archived = target.list_cards(CardFilter(include_archived=True))
    assert any(c.archived for c in archived)
    # New rows get fresh ids after the imported ones, and undo sees the history.
    new = target.add_card("After the import")
    assert new.card.id not in {c.id for c in archived}
    assert target.history()[-1].id == max(e.id for e in target.history())
    target.undo()
    assert "After the import" not in [c.title for c in target.list_cards()]


def test_import_refuses_non_empty_board_and_replace_overwrites(
    demo_export: str, tmp_path: Path
) -> None:
    target = open_board(tmp_path, "busy.db")
    target.add_card("Somebody's card")
    before = transfer.export_json(target)
    with pytest.raises(ImportFailed, match="not empty"):
        transfer.import_board(target, json.loads(demo_export))
    assert transfer.export_json(target) == before
    transfer.import_board(target, json.loads(demo_export), replace=True)
    assert transfer.export_json(target) == demo_export
    # Replacing it again with a board without limit history leaves none behind:
    # its ids would point at the other board's columns.
    older = json.loads(demo_export)
    del older["limit_changes"]  # an export from before limit changes were kept
    transfer.import_board(target, older, replace=True)
    assert json.loads(transfer.export_json(target))["limit_changes"] == []


def _broken(data: dict[str, Any], change: str) -> dict[str, Any]:
    doc = copy.deepcopy(data)
    if change == "title type":
        doc["cards"][0]["title"] = 42
    elif change == "missing field":
        del doc["cards"][0]["revision"]
    elif change == "unknown field":
        doc["people"][0]["shoe_size"] = 44
    elif change == "dangling column":
        doc["cards"][0]["column_id"] = 999
    elif change == "dangling card":
        doc["events"][0]["card_id"] = "no-such-card"
    elif change == "duplicate key":
        keyed = [c for c in doc["cards"] if c["jira_key"]]
        keyed[1]["jira_key"] = keyed[0]["jira_key"]
    elif change == "two pools":
        doc["columns"][1]["kind"] = "pool"
    elif change == "bad date":
        doc["cards"][0]["created_at"] = "yesterday"
    elif change == "bad rule":
        doc["board"]["rules"]["wip_limits"] = "sometimes"
    elif change == "long title":
        doc["cards"][0]["title"] = "x" * 10_000
    elif change == "no board":
        del doc["board"]
    return doc


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("title type", "cards[0].title: expected text"),
        ("missing field", "cards[0].revision: is missing"),
        ("unknown field", "unknown field(s) shoe_size"),
        ("dangling column", "no column 999"),
        ("dangling card", "no card no-such-card"),
        ("duplicate key", "appears twice"),
        ("two pools", "exactly one column of kind pool"),
        ("bad date", "not an ISO date and time"),
        ("bad rule", "unknown rule or mode"),
        ("long title", "over the limit of 500"),
        ("no board", "settings are missing"),
    ],
)
def test_malformed_export_is_refused_whole(
    demo_export: str, tmp_path: Path, change: str, message: str
) -> None:
    target = open_board(tmp_path, "target.db")
    target.add_card("Existing")
    before = transfer.export_json(target)
    with pytest.raises(ImportFailed, match=None) as caught:
        transfer.import_board(target, _broken(json.loads(demo_export), change), replace=True)
    assert message in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    assert transfer.export_json(target) == before


def test_export_file_checks(tmp_path: Path) -> None:
    path = tmp_path / "cards.csv"
    path.write_text("title\nx\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="use 'kanban import --csv FILE'"):
        transfer.read_export_file(path)


# --- CSV ---------------------------------------------------------------------


@pytest.fixture
def board(tmp_path: Path) -> BoardService:
    service = open_board(tmp_path, "csv.db")
    service.add_person("Anna Kowalski", jira_user="akowalski")
    service.add_person("Ben Okafor", email="ben@example.com")
    return service


def write(tmp_path: Path, text: str, *, encoding: str = "utf-8", name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def by_title(service: BoardService) -> dict[str, Any]:
    return {c.title: c for c in service.list_cards()}


def test_csv_header_synonyms_bom_and_semicolons(board: BoardService, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffSUMMARY;Owner;State;Size (days);Tags;Not ready;Key;Epic;Details;Due date;Colour\n"
        "Renew cert;akowalski;Review;1,5;tls|web;;ops-7;Certificates;Use the CA;2026-04-01;red\n"
        "Expand LUN;;;2;storage;waiting for the shelf;;;;;\n"
        "Patch DCs;ben@example.com;;;;;;;;;\n",
    )
    report = transfer.import_csv(board, path)
    assert report.errors == []
    assert report.ignored_headers == ["Colour"]
    cards = by_title(board)
    cert = cards["Renew cert"]
    snap = board.snapshot()
    assert snap.column(cert.column_id).name == "Review"
    assert snap.person(cert.person_id).name == "Anna Kowalski"
    assert cert.size_days == 1.5 and cert.labels == ("tls", "web")
    assert cert.jira_key == "OPS-7" and cert.project == "Certificates"
    assert cert.description == "Use the CA" and cert.due_date == date(2026, 4, 1)
    lun = cards["Expand LUN"]
    assert lun.not_ready and lun.not_ready_reason == "waiting for the shelf"
    assert snap.column(lun.column_id).kind.value == "pool"
    # A person without a column means the work has started in their lane.
    dcs = cards["Patch DCs"]
    assert snap.column(dcs.column_id).name == "In progress"
    assert snap.person(dcs.person_id).name == "Ben Okafor"


def test_csv_bad_rows_are_reported_with_their_line(board: BoardService, tmp_path: Path) -> None:
    board.add_card("Already here", jira_key="OPS-1")
    long_title = "x" * 10_000
    path = write(
        tmp_path,
        "Title,Person,Column,Size,JIRA,Due\n"
        "Good one,,,1,,\n"
        ",Anna,,,,\n"
        f"{long_title},,,,,\n"
        "Unknown person,Zed,,,,\n"
        "Unknown column,,Backlog,,,\n"
        "Bad size,,,a lot,,\n"
        "Bad key,,,,not-a-key,\n"
        "Taken key,,,,OPS-1,\n"
        "First with key,,,,OPS-2,\n"
        "Second with key,,,,ops-2,\n"
        "Bad due,,,,,next week\n"
        "Too big,,,5,,\n"
        '"Multi\nline title",,,abc,,\n'
        "Last good,,,,,\n",
    )
    report = transfer.import_csv(board, path)
    lines = report.error_lines()
    assert lines == [
        "line 3: the title is empty",
        "line 4: The title is 10,000 characters long; the limit is 500. "
        "Put the detail in the description.",
        "line 5: unknown person 'Zed' (people on the board: Anna Kowalski, Ben Okafor)",
        "line 6: unknown column 'Backlog' (columns: Task pool, In progress, Review, Done)",
        "line 7: bad size 'a lot' (give days, e.g. 1 or 0.5)",
        "line 8: 'not-a-key' is not a JIRA key; a key looks like OPS-123.",
        "line 9: OPS-1 is already on card 'Already here'; a JIRA key links one card.",
        "line 11: duplicate JIRA key OPS-2 (also on line 10)",
        "line 12: bad due date 'next week' (use YYYY-MM-DD)",
        lines[9],
        "line 14: bad size 'abc' (give days, e.g. 1 or 0.5)",
    ]
    assert lines[9].startswith("line 13: Card 'Too big': its size of 5 days")
    assert sorted(by_title(board)) == ["Already here", "First with key", "Good one", "Last good"]
    assert len(report.imported) == 3 and report.rows == 14


def test_csv_override_reason_lets_big_cards_in(board: BoardService, tmp_path: Path) -> None:
    path = write(tmp_path, "title,days\nMigrate home drives,4\n")
    report = transfer.import_csv(board, path, override_reason="Imported from the old sheet")
    assert report.errors == []
    created = board.history()[-1]
    assert created.reason == "Imported from the old sheet"
    assert created.rules == ("card_size",)


def test_csv_strict_rolls_everything_back(board: BoardService, tmp_path: Path) -> None:
    before = transfer.export_json(board)
    path = write(tmp_path, "title,person\nOne,Anna\nTwo,Zed\nThree,\n")
    with pytest.raises(CsvRejected) as caught:
        transfer.import_csv(board, path, strict=True)
    assert caught.value.report.error_lines() == [
        "line 3: unknown person 'Zed' (people on the board: Anna Kowalski, Ben Okafor)"
    ]
    assert "1 of 3 rows" in str(caught.value)
    assert transfer.export_json(board) == before
    # The same file without the bad row goes in whole.
    write(tmp_path, "title,person\nOne,Anna\nThree,\n")
    assert len(transfer.import_csv(board, path, strict=True).imported) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"name,size\n", None),
        (b"person,size\nAnna,1\n", "has no title column"),
        (b"title,summary\nx,y\n", "both mean title"),
        (b"\x00\x01\x02binary", "is not a CSV text file"),
    ],
)
def test_csv_unusable_files(
    board: BoardService, tmp_path: Path, content: bytes, message: str | None
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    before = transfer.export_json(board)
    if message is None:  # a header and no rows: nothing to do, not an error
        assert transfer.import_csv(board, path).rows == 0
    else:
        with pytest.raises(ImportFailed, match=None) as caught:
            transfer.import_csv(board, path)
        assert message in str(caught.value)
    assert transfer.export_json(board) == before


def test_csv_tab_separated_and_yes_for_blocked(board: BoardService, tmp_path: Path) -> None:
    path = write(tmp_path, "Title\tBlocked\tLabels\nWaiting card\tyes\ta, b\nFree card\tno\t\n")
    assert transfer.import_csv(board, path).errors == []
    cards = by_title(board)
    assert cards["Waiting card"].not_ready
    assert cards["Waiting card"].labels == ("a", "b")
    assert not cards["Free card"].not_ready


def test_replace_drops_sync_state_of_the_old_cards(demo_export: str, tmp_path: Path) -> None:
    import sqlite3

    target = open_board(tmp_path, "synced.db")
    card = target.add_card("Pulled from JIRA", jira_key="OPS-1").card
    with sqlite3.connect(tmp_path / "synced.db") as conn:
        conn.execute(
            "INSERT INTO sync_link (card_id, ident, origin, card_revision, base, info) "
            "VALUES (?, 'jira:OPS-1', 'jira', 1, '{}', '{}')",
            (card.id,),
        )
    transfer.import_board(target, json.loads(demo_export), replace=True)
    assert transfer.export_json(target) == demo_export
    # Replacing it again with a board without limit history leaves none behind:
    # its ids would point at the other board's columns.
    older = json.loads(demo_export)
    del older["limit_changes"]  # an export from before limit changes were kept
    transfer.import_board(target, older, replace=True)
    assert json.loads(transfer.export_json(target))["limit_changes"] == []
    with sqlite3.connect(tmp_path / "synced.db") as conn:
        assert conn.execute("SELECT count(*) FROM sync_link").fetchone() == (0,)


def test_replacing_a_board_is_all_or_nothing(tmp_path: Path) -> None:
    from kanban.services.board import BoardService
    from kanban.services.transfer import replace_board

    service = BoardService.open(f"sqlite:///{tmp_path / 'keep.db'}", "tester")
    service.add_card("The team's real card")

    def failing_fill(svc: BoardService) -> None:
        svc.add_card("Half of the demo")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        replace_board(service, failing_fill)
    assert [c.title for c in service.list_cards()] == ["The team's real card"]

    replace_board(service, lambda svc: svc.add_card("Fresh start") and None)
    assert [c.title for c in service.list_cards()] == ["Fresh start"]
    assert [c.kind.value for c in service.columns()][0] == "pool"
    service.close()
