"""``kanban jira ...`` and ``kanban sync`` run in-process against the loopback JIRA."""

from __future__ import annotations

import io
import json
from pathlib import Path

import keyring
import pytest

from kanban.cli.main import run
from kanban.settings import Config
from kanban.sync.settings import KEYRING_SERVICE
from sync.fake_jira import TOKEN, FakeJira


def kanban(
    capsys: pytest.CaptureFixture[str],
    db: Path,
    *args: str,
    stdin: str | None = None,
    monkeypatch: pytest.MonkeyPatch | None = None,
) -> tuple[int, str, str]:
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = run([*args, "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_setup_stores_the_token_in_the_keyring_only(
    fake: FakeJira,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "board.db"
    code, out, err = kanban(
        capsys,
        db,
        "jira",
        "setup",
        "--url",
        fake.url,
        "--jql",
        "project = OPS",
        stdin=f"{TOKEN}\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    assert "Connected: Fake JIRA 9.12.2 (Server) as Alice Admin [alice]" in out
    config_text = (Path(__import__("os").environ["KANBAN_CONFIG_DIR"]) / "config.toml").read_text()
    assert TOKEN not in config_text
    assert Config.load().extra["jira"]["url"] == fake.url
    assert keyring.get_password(KEYRING_SERVICE, f"{fake.url}|token") == TOKEN

    code, out, _ = kanban(capsys, db, "jira", "test", "--json")
    assert code == 0 and json.loads(out)["deployment"] == "Server"


def test_sync_json_summary_and_pending(
    fake: FakeJira,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "board.db"
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    monkeypatch.setenv("KANBAN_JIRA_TOKEN", TOKEN)
    assert (
        kanban(
            capsys, db, "jira", "setup", "--url", fake.url, "--jql", "project = OPS", "--no-test"
        )[0]
        == 0
    )
    monkeypatch.delenv("KANBAN_JIRA_TOKEN")

    code, out, err = kanban(capsys, db, "sync", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["pulled"], summary["pushed"], summary["conflicted"], summary["queued"]) == (
        1,
        0,
        0,
        0,
    )

    assert kanban(capsys, db, "edit", "OPS-1", "--title", "Board title")[0] == 0
    fake.edit("OPS-1", summary="Jira title")
    code, out, _ = kanban(capsys, db, "sync", "--json")
    assert json.loads(out)["conflicted"] == 1
    code, out, _ = kanban(capsys, db, "jira", "pending")
    assert "conflict" in out and "Board title" in out and "Jira title" in out
    code, out, _ = kanban(capsys, db, "jira", "resolve", "OPS-1", "title", "--keep", "jira")
    assert code == 0 and "JIRA's value" in out
    kanban(capsys, db, "sync")
    assert kanban(capsys, db, "jira", "pending")[1].startswith("Nothing waits")


def test_sync_failure_exits_non_zero_with_the_reason(
    fake: FakeJira,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "board.db"
    code, _, err = kanban(capsys, db, "sync")
    assert code == 1 and "JIRA sync is not set up" in err

    monkeypatch.setenv("KANBAN_JIRA_TOKEN", "bad-token-7f3a")
    kanban(capsys, db, "jira", "setup", "--url", fake.url, "--jql", "project = OPS", "--no-test")
    code, _, err = kanban(capsys, db, "sync")
    assert code == 1
    assert "refused the credentials (401)" in err
    assert "bad-token-7f3a" not in err  # the secret is never echoed


def test_without_a_keyring_the_token_comes_from_the_environment_for_that_run(
    fake: FakeJira,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        db = tmp_path / "board.db"
        monkeypatch.setenv("KANBAN_JIRA_TOKEN", TOKEN)
        code, out, err = kanban(
            capsys, db, "jira", "setup", "--url", fake.url, "--jql", "project = OPS"
        )
        assert code == 0
        assert "no keyring" in out and "KANBAN_JIRA_TOKEN" in err
        fake.add_issue("OPS", "Patch web01")
        code, out, _ = kanban(capsys, db, "sync")
        assert code == 0
        assert "No keyring backend on this machine; using KANBAN_JIRA_TOKEN" in out
        monkeypatch.delenv("KANBAN_JIRA_TOKEN")
        code, _, err = kanban(capsys, db, "sync")
        assert code == 1 and "No keyring backend" in err
    finally:
        keyring.set_keyring(previous)
