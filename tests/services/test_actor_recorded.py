"""Who did it: each client records its person on every event, and history and report show it.

Two clients on one board, each with its own config file (``me = "..."``), and
a third with no ``me``, which is its OS user. What each did is recorded under
its name on every event (card changes, limit changes, comments) and shown by
``kanban history`` (table and JSON) and by the status report (its events and
the "Who changed the board" table). Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban.cli.main import run
from kanban.services.board import BoardService
from kanban.settings import Config, os_user
from kanban.store import repo

pytestmark = pytest.mark.integration


@pytest.fixture
def client(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[[str | None], Callable[..., str]]:
    """``client(me)(*argv)``: run a command as a client whose config says ``me``."""
    monkeypatch.delenv("KANBAN_ME", raising=False)  # the tests' own identity would win

    def as_client(me: str | None) -> Callable[..., str]:
        folder = tmp_path / f"config-{me or 'none'}"
        Config(me=me).save(folder / "config.toml")

        def command(*argv: str) -> str:
            monkeypatch.setenv("KANBAN_CONFIG_DIR", str(folder))
            capsys.readouterr()
            code = run(["--db", db_url, *argv])
            out, err = capsys.readouterr()
            assert code == 0, err
            return out

        return command

    return as_client


def test_two_clients_with_their_own_me_are_named_on_every_event(
    db_url: str, client: Callable[[str | None], Callable[..., str]], tmp_path: Path
) -> None:
    alice, bob, anonymous = client("Alice Smith"), client("Bob Jones"), client(None)
    alice("people", "add", "Alice Smith")
    alice("add", "Renew the wildcard certificate", "--jira", "OPS-12")
    alice("move", "OPS-12", "In progress", "--person", "Alice Smith")
    bob("block", "OPS-12", "waiting for the CA")
    bob("columns", "edit", "Review", "--wip-max", "3")
    bob("comment", "OPS-12", "The CA answers on Monday.")
    anonymous("unblock", "OPS-12")

    history = json.loads(alice("history", "OPS-12", "--json"))
    assert [(e["actor"], e["kind"]) for e in history] == [
        ("Alice Smith", "created"),
        ("Alice Smith", "moved"),
        ("Bob Jones", "blocked"),
        ("Bob Jones", "commented"),
        (os_user(), "unblocked"),
    ]
    table = alice("history", "OPS-12")
    for name in ("Alice Smith", "Bob Jones", os_user()):
        assert name in table
    svc = BoardService.open(db_url, "checker")
    try:
        with svc.reading() as conn:
            (limit,) = repo.limit_changes(conn)
    finally:
        svc.close()
    assert limit.actor == "Bob Jones"

    report = tmp_path / "status.json"
    alice("report", "--period", "week", "--format", "json", "-o", str(report))
    events = json.loads(report.read_text(encoding="utf-8"))["events"]
    assert {e["actor"] for e in events} == {"Alice Smith", "Bob Jones", os_user()}
    markdown = tmp_path / "status.md"
    bob("report", "--period", "week", "-o", str(markdown))
    text = markdown.read_text(encoding="utf-8")
    who = text[text.index("### Who changed the board in the period") :]
    who = who[: who.index("\n## ")]
    assert "| Alice Smith | 2 | 1 | 0 | 1 |" in who
    assert "| Bob Jones | 2 | 0 | 1 | 1 |" in who
    assert f"| {os_user()} | 1 | 0 | 1 | 0 |" in who
