"""``kanban links`` end to end through the real argument parser, database and git."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban.cli.main import run
from kanban.settings import Config
from links.helpers import GitRepo, Loopback
from links.test_hosts import FakeDevStatus


def kanban(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_show_and_json(
    capsys: pytest.CaptureFixture[str],
    make_repo: Callable[[str], GitRepo],
    db_url: str,
    tmp_path: Path,
) -> None:
    repo = make_repo("infra")
    repo.commit("OPS-1: base config (UTF-8 only)")
    repo.branch("feature/OPS-1-more")
    repo.commit("[OPS-1] more")
    assert kanban(capsys, "add", "Base config", "--jira", "OPS-1", "--db", db_url)[0] == 0

    code, out, err = kanban(
        capsys,
        "links",
        "scan",
        "--repo",
        str(repo.path),
        "--keys",
        "ops",
        "--save",
        "--json",
        "--db",
        db_url,
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and report["sources"][0]["new_commits"] == 2
    saved = Config.load().extra["links"]
    assert saved["keys"] == ["OPS"] and saved["repos"] == [{"path": str(repo.path)}]

    # Settings now hold the repository: a plain rescan finds nothing new.
    code, out, _ = kanban(capsys, "links", "scan", "--no-jira", "--db", db_url)
    assert code == 0 and "no change" in out

    code, out, _ = kanban(capsys, "links", "show", "OPS-1", "--db", db_url)
    assert "[OPS-1] more" in out and "feature/OPS-1-more" in out
    code, out, _ = kanban(capsys, "links", "show", "OPS-1", "--json", "--db", db_url)
    data = json.loads(out)
    assert [c["subject"] for c in data["commits"]] == [
        "[OPS-1] more",
        "OPS-1: base config (UTF-8 only)",
    ]

    # `kanban show` carries the card's commits too, in JSON and in text.
    code, out, _ = kanban(capsys, "show", "OPS-1", "--json", "--db", db_url)
    shown = json.loads(out)
    assert code == 0 and shown["title"] == "Base config"
    assert [c["subject"] for c in shown["commits"]][0] == "[OPS-1] more"
    assert shown["pull_requests"] == []
    code, out, _ = kanban(capsys, "show", "OPS-1", "--db", db_url)
    assert "Commits (2):" in out and "[OPS-1] more" in out


def test_scan_reports_a_bad_repository_and_still_scans_the_others(
    capsys: pytest.CaptureFixture[str],
    make_repo: Callable[[str], GitRepo],
    db_url: str,
    tmp_path: Path,
) -> None:
    repo = make_repo("infra")
    repo.commit("OPS-1: base")
    missing = tmp_path / "gone"
    code, out, err = kanban(
        capsys,
        "links",
        "scan",
        "--repo",
        str(missing),
        "--repo",
        str(repo.path),
        "--keys",
        "OPS",
        "--db",
        db_url,
    )
    assert code == 1
    assert f"FAILED  git {missing}" in out
    assert "ok      git" in out and "1 new commits" in out
    assert f"Repository {missing} does not exist" in err


def test_scan_without_keys_says_how_to_give_them(
    capsys: pytest.CaptureFixture[str], make_repo: Callable[[str], GitRepo], db_url: str
) -> None:
    repo = make_repo("infra")
    code, _, err = kanban(capsys, "links", "scan", "--repo", str(repo.path), "--db", db_url)
    assert code == 1 and "--keys OPS,PROJ" in err
    code, _, err = kanban(
        capsys, "links", "scan", "--repo", str(repo.path), "--keys", "OPS-1", "--db", db_url
    )
    assert code == 1 and "'OPS-1' is not a JIRA project key" in err


def test_automation_rules_switch(capsys: pytest.CaptureFixture[str], db_url: str) -> None:
    code, out, _ = kanban(capsys, "links", "auto", "--json", "--db", db_url)
    assert json.loads(out) == {"pr_opened": False, "pr_merged": False, "first_commit": False}
    code, out, _ = kanban(capsys, "links", "auto", "pr_merged", "on", "--db", db_url)
    assert code == 0 and "pr_merged" in out
    code, out, _ = kanban(capsys, "links", "auto", "--json", "--db", db_url)
    assert json.loads(out)["pr_merged"] is True


def test_scan_asks_jira_with_the_jira_connections_token(
    capsys: pytest.CaptureFixture[str], loopback: Loopback, db_url: str
) -> None:
    from kanban.sync.settings import JiraSettings, store_token

    FakeDevStatus(loopback)
    jira = JiraSettings(url=loopback.url, project_keys=["OPS"])
    jira.save()
    store_token(jira, "pat-123")
    assert kanban(capsys, "add", "DNS", "--jira", "OPS-1", "--db", db_url)[0] == 0
    code, out, err = kanban(capsys, "links", "scan", "--json", "--db", db_url)
    assert code == 0, err
    (source,) = json.loads(out)["sources"]
    assert source["kind"] == "devstatus" and source["pull_requests"] == 1
    assert {h["authorization"] for _p, _q, h in loopback.requests} == {"Bearer pat-123"}
    code, out, _ = kanban(capsys, "links", "show", "OPS-1", "--db", db_url)
    assert "OPS-1: DNS zone" in out and "OPEN" in out
