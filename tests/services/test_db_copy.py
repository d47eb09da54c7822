"""Moving a board: ``kanban db copy --to URL``, SQLite to PostgreSQL and back, nothing lost.

The board copied is a full one: cards moved, blocked and undone, WIP limits
changed (limit history), comments and a checklist, commits and branches from a
real git repository, pull requests from a loopback GitHub, and the sync state
of a sync with the loopback JIRA. Each test makes its own PostgreSQL databases
on the server every machine runs (``tests/kanban_test_databases.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from links.helpers import GitRepo, Loopback
from sqlalchemy import create_engine, select, text
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira

from kanban.cli.main import run
from kanban.errors import StorageError, UserError
from kanban.links.github import GitHubRepo
from kanban.links.http import bearer
from kanban.services.board import BoardService
from kanban.services.db_copy import copy_board
from kanban.services.links import GitRepoSetting, LinksService, LinksSettings
from kanban.services.notes import NotesService
from kanban.services.sync import SyncService
from kanban.services.transfer import export_json
from kanban.store import db
from kanban.store.copy import tables_in_order

pytestmark = pytest.mark.integration

REPO = "/repos/ops/infra"


def _serve_pull_requests(loopback: Loopback) -> None:
    pr = {
        "number": 7,
        "title": "OPS-2: zone file",
        "state": "closed",
        "merged_at": "2026-10-09T11:00:00Z",
        "head": {"ref": "feature/OPS-2-dns"},
        "base": {"ref": "main"},
        "user": {"login": "alice"},
        "requested_reviewers": [],
        "html_url": "https://github.example/ops/infra/pull/7",
        "created_at": "2026-10-08T09:00:00Z",
        "updated_at": "2026-10-09T11:00:00Z",
    }
    loopback.routes[f"{REPO}/pulls"] = lambda q, h: (
        200,
        [pr] if q.get("page", ["1"]) == ["1"] else [],
    )
    loopback.routes[f"{REPO}/pulls/7/reviews"] = lambda q, h: (
        200,
        [{"user": {"login": "bob"}, "state": "APPROVED"}],
    )
    loopback.routes[f"{REPO}/pulls/7/commits"] = lambda q, h: (
        200,
        [{"commit": {"message": "OPS-2: zone file"}}],
    )


def fill_board(url: str, tmp_path: Path) -> None:
    """A board with something in every part: history, limits, notes, links, sync state."""
    svc = BoardService.open(url, "alice")
    try:
        svc.add_person("Alice Smith", wip_limit=3)
        svc.add_person("Bob Jones")
        svc.update_column("In progress", wip_max=4)
        svc.update_person("Bob Jones", wip_limit=2)
        base = svc.add_card("Base config", jira_key="OPS-1", labels=["linux"]).card
        dns = svc.add_card("DNS zone", jira_key="OPS-2", size_days=1.5).card
        backup = svc.add_card("Backups for the NAS", labels=["storage", "nas"]).card
        svc.move_card(base.id, column="In progress", person="Alice Smith")
        svc.move_card(dns.id, column="Review", person="Bob Jones")
        svc.block(backup.id, "waiting for the vendor")
        svc.edit_card(base.id, description="Puppet base profile for the new hosts")
        svc.undo()
        svc.archive(backup.id)
        notes = NotesService(svc)
        notes.add_comment(base.id, "Started on the staging hosts.")
        notes.add_item(dns.id, "Lower the TTL a day before")
        notes.add_item(dns.id, "Switch the NS records")
        notes.set_done(dns.id, 1)

        git = GitRepo(tmp_path / "infra")
        git.commit("OPS-1: base config")
        git.branch("feature/OPS-2-dns")
        git.commit("[OPS-2] zone file\n\nRefs OPS-1 too")
        loopback = Loopback()
        try:
            _serve_pull_requests(loopback)
            report = LinksService(svc).scan(
                LinksSettings(repos=(GitRepoSetting(str(git.path)),), keys=("OPS",)),
                pr_clients=[GitHubRepo("ops/infra", loopback.url, bearer("gh-token"))],
            )
            assert report.ok, report.errors
        finally:
            loopback.close()

        fake = FakeJira().start()
        try:
            fake.add_issue("OPS", "Renew the wildcard certificate", assignee="alice")
            fake.add_issue("OPS", "Patch the hypervisors", path=["10000", "10001", "3"])
            map_default_columns(svc)
            SyncService(svc, make_settings(fake)).sync()
        finally:
            fake.stop()
    finally:
        svc.close()


def table_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, times as UTC instants, in primary-key order."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=UTC)
            return aware.astimezone(UTC)
        return value

    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                t.name: [
                    tuple(plain(v) for v in row)
                    for row in conn.execute(select(t).order_by(*t.primary_key.columns))
                ]
                for t in tables_in_order()
            }
    finally:
        engine.dispose()


def exported(url: str) -> str:
    svc = BoardService.open(url, "checker")
    try:
        return export_json(svc)
    finally:
        svc.close()


def test_sqlite_to_postgresql_and_back_keeps_every_row_and_the_export(
    tmp_path: Path, pg_url: str
) -> None:
    first = f"sqlite:///{tmp_path / 'mine.db'}"
    back = f"sqlite:///{tmp_path / 'back.db'}"
    fill_board(first, tmp_path)
    seen: list[tuple[str, int, int]] = []

    there = copy_board(first, pg_url, lambda *p: seen.append(p))
    again = copy_board(pg_url, back)

    rows = table_rows(first)
    # Something in each part of the board, or the round trip would prove little.
    for table in (
        "card",
        "event",
        "limit_change",
        "card_comment",
        "checklist_item",
        "link_commit",
        "link_branch",
        "link_pr",
        "sync_link",
        "sync_run",
    ):
        assert rows[table], f"the test board has no {table} rows"
    assert table_rows(pg_url) == rows
    assert table_rows(back) == rows
    assert {n: len(r) for n, r in rows.items()} == there.rows == again.rows
    assert exported(back) == exported(first)
    assert exported(pg_url) == exported(first)
    # Progress came table by table, parents first, ending with every row.
    done = {table: n for table, n, total in seen if n == total}
    assert done == there.rows
    assert [t for t, n, _ in seen if n == 0].index("card") > [
        t for t, n, _ in seen if n == 0
    ].index("person")
    assert "Copied the board 'Team board'" in there.line()
    assert f"{there.rows['event']} history events" in there.line()


def test_a_board_copied_to_postgresql_takes_new_changes_after_the_copied_ids(
    tmp_path: Path, pg_url: str
) -> None:
    first = f"sqlite:///{tmp_path / 'mine.db'}"
    svc = BoardService.open(first, "alice")
    card = svc.add_card("Rotate the backup tapes").card
    svc.update_column("Review", wip_max=2)
    last_event = svc.last_event_id()
    svc.close()

    copy_board(first, pg_url)

    shared = BoardService.open(pg_url, "bob")
    try:
        new = shared.add_card("Replace the UPS battery").card
        shared.move_card(card.id, column="In progress")
        shared.update_column("Review", wip_max=3)
        shared.add_column("Waiting for parts")
        shared.add_person("Carol")
        history = shared.history()
    finally:
        shared.close()
    assert [e.id for e in history][-2:] == [last_event + 1, last_event + 2]
    assert {e.card_id for e in history[-2:]} == {new.id, card.id}


def test_a_target_that_holds_a_board_is_refused_and_left_alone(tmp_path: Path, pg_url: str) -> None:
    first = f"sqlite:///{tmp_path / 'mine.db'}"
    svc = BoardService.open(first, "alice")
    svc.add_card("Mine")
    svc.close()
    other = BoardService.open(pg_url, "bob")
    other.add_card("Already on the server")
    other.add_card("And this")
    other.close()
    before = table_rows(pg_url)

    with pytest.raises(UserError) as refused:
        copy_board(first, pg_url)

    message = str(refused.value)
    assert "not empty" in message and "a Kanban board with 2 cards" in message
    assert "nothing was copied" in message
    assert table_rows(pg_url) == before


def test_a_target_with_other_tables_is_refused(tmp_path: Path, pg_url: str) -> None:
    first = f"sqlite:///{tmp_path / 'mine.db'}"
    BoardService.open(first, "alice").close()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE inventory (host text)"))
    engine.dispose()

    with pytest.raises(UserError, match=r"1 table\(s\) \(inventory\)"):
        copy_board(first, pg_url)


def test_an_interrupted_copy_leaves_the_target_as_it_was(tmp_path: Path, pg_url: str) -> None:
    first = f"sqlite:///{tmp_path / 'mine.db'}"
    svc = BoardService.open(first, "alice")
    for n in range(5):
        svc.add_card(f"Card {n}")
    svc.close()
    target_file = tmp_path / "copy.db"

    def stop_at_events(table: str, done: int, total: int) -> None:
        if table == "event":
            raise KeyboardInterrupt  # Ctrl+C in the middle of the copy

    with pytest.raises(KeyboardInterrupt):
        copy_board(first, pg_url, stop_at_events)
    with pytest.raises(KeyboardInterrupt):
        copy_board(first, f"sqlite:///{target_file}", stop_at_events)

    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert db.current_revision(conn) is None  # no table at all: the schema went too
    engine.dispose()
    assert not target_file.exists()
    # And the copy can simply be run again.
    assert copy_board(first, pg_url).rows["card"] == 5


def test_copying_a_board_onto_itself_or_to_no_server_says_so(tmp_path: Path, pg_url: str) -> None:
    first = f"sqlite:///{tmp_path / 'mine.db'}"
    BoardService.open(first, "alice").close()
    with pytest.raises(UserError, match="is the board's own database"):
        copy_board(first, f"sqlite:///{tmp_path / '.' / 'mine.db'}")
    with pytest.raises(UserError, match="There is no board at .*typo.db"):
        copy_board(f"sqlite:///{tmp_path / 'typo.db'}", pg_url)
    assert not (tmp_path / "typo.db").exists()
    missing = pg_url.rsplit("/", 1)[0] + "/kanban_no_such_database"
    with pytest.raises(StorageError, match="Cannot reach the target .* nothing was copied"):
        copy_board(first, missing)


def test_the_command_prints_progress_and_one_summary_and_never_the_password(
    tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first = str(tmp_path / "mine.db")
    svc = BoardService.open(f"sqlite:///{first}", "alice")
    svc.add_card("Mine")
    svc.close()
    # Trust authentication ignores the password; it must still never be shown.
    with_password = pg_url.replace("postgres@", "postgres:s3cret-pw@", 1)

    code = run(["--db", first, "db", "copy", "--to", with_password])

    out, err = capsys.readouterr()
    assert code == 0, err
    assert "s3cret-pw" not in out + err
    summary = [line for line in out.splitlines() if line.startswith("Copied")]
    assert len(summary) == 1 and "1 card," in summary[0] and "***" in summary[0]
    assert "card" in err and "1 / 1 rows" in err

    code = run(["--db", first, "db", "copy", "--to", with_password])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 2 and "not empty" in err  # the "Copying..." line and the error
    assert "s3cret-pw" not in out + err
