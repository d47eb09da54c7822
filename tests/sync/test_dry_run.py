"""``kanban sync --dry-run``: the plan a sync would apply, with nothing written anywhere."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from kanban.cli.main import run
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import TOKEN, FakeJira


def kanban(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = run([*args, "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out, out.err


def board_state(db: Path) -> tuple[str, list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The board file's bytes (hash), and the sync state's rows (links, items, runs, meta)."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    wal = db.with_name(db.name + "-wal")
    if wal.exists():
        digest += hashlib.sha256(wal.read_bytes()).hexdigest()
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        sync_rows: list[tuple[object, ...]] = []
        for table in ("sync_link", "sync_item", "sync_run", "sync_meta"):
            sync_rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
        cards = list(
            conn.execute("SELECT id, column_id, person_id, revision FROM card ORDER BY id")
        )
    finally:
        conn.close()
    return digest, sync_rows, cards


@pytest.fixture
def synced_board(
    fake: FakeJira, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, BoardService]:
    """A board synced once with two issues, then changed on both sides."""
    db = tmp_path / "board.db"
    service = BoardService.open(f"sqlite:///{db}", "alice")
    map_default_columns(service)
    make_settings(fake)
    fake.add_issue("OPS", "Patch web01", status="10000")
    fake.add_issue("OPS", "Renew certificates", status="10000")
    SyncService(service).sync()
    # Changed on the board: a move and a new title.
    service.move_card("OPS-1", column="In progress")
    service.edit_card("OPS-2", title="Renew TLS certificates")
    # Changed in JIRA: a new issue and an edited one would come in.
    fake.add_issue("OPS", "Replace disk in nas02", status="10000", created=fake.now())
    service.close()
    monkeypatch.setenv("KANBAN_JIRA_TOKEN", TOKEN)
    return db, service


def test_dry_run_lists_local_moves_and_writes_nothing(
    fake: FakeJira, synced_board: tuple[Path, BoardService], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _service = synced_board
    before = board_state(db)
    requests_before = len(fake.requests)

    code, out, err = kanban(capsys, db, "sync", "--dry-run", "--json")

    assert code == 0, err
    plan = json.loads(out)
    pushes = {c["issue_key"]: c["fields"] for c in plan["changes"] if c["kind"] == "push"}
    assert set(pushes) == {"OPS-1", "OPS-2"}
    assert "column" in pushes["OPS-1"]
    assert pushes["OPS-2"] == {"title": "Renew TLS certificates"}
    created = [c for c in plan["changes"] if c["kind"] == "create_card"]
    assert [(c["issue_key"], c["title"]) for c in created] == [("OPS-3", "Replace disk in nas02")]
    assert plan["counts"]["push"] == 2 and plan["counts"]["create_card"] == 1
    # Nothing written: not the board file, not the sync state, not JIRA.
    assert board_state(db) == before
    assert [r for r in fake.requests[requests_before:] if r[0] in ("POST", "PUT", "DELETE")] == []
    assert fake.issues["OPS-1"].status == "10000"


def test_dry_run_text_names_each_change_and_the_real_sync_applies_it(
    fake: FakeJira, synced_board: tuple[Path, BoardService], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _service = synced_board

    code, out, err = kanban(capsys, db, "sync", "--dry-run")

    assert code == 0, err
    assert "An incremental sync would make: 1 new card, 2 issues to update." in out.splitlines()[0]
    assert "From the board to JIRA:" in out
    assert "OPS-2 'Renew TLS certificates': title → 'Renew TLS certificates'" in out
    assert "New cards from JIRA issues:" in out and "OPS-3 'Replace disk in nas02'" in out
    assert "Dry run: nothing was written" in out

    code, out, err = kanban(capsys, db, "sync", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["pushed"] == 2 and report["created_cards"] == 1
    assert fake.issues["OPS-1"].status == "3"
    assert fake.issues["OPS-2"].summary == "Renew TLS certificates"

    code, out, _ = kanban(capsys, db, "sync", "--dry-run", "--json")
    assert json.loads(out)["changes"] == []  # in step: the plan is empty


def test_preview_of_a_conflict_shows_both_values(
    fake: FakeJira, synced_board: tuple[Path, BoardService]
) -> None:
    db, _service = synced_board
    fake.edit("OPS-2", summary="Renew certs (JIRA)")
    service = BoardService.open(f"sqlite:///{db}", "alice")
    try:
        plan = SyncService(service).preview()
    finally:
        service.close()
    [conflict] = [c for c in plan.changes if c.kind == "conflict"]
    assert conflict.issue_key == "OPS-2"
    assert conflict.fields == {"title": ["Renew TLS certificates", "Renew certs (JIRA)"]}
    assert any("Conflicts (changed on both sides; you choose):" == line for line in plan.lines())
