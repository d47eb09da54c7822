"""A scan stores commits while git prints them: dates, key changes, failures, upgrades.

Commits reach the database in several short transactions during ``git log``
(see ``kanban.services.links_git.GitWriter``), so these tests cover what that
must not change: what a card shows after a large scan, a scan that fails
half-way, the project keys shrinking, and a database from before the change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from kanban.links.gitscan import plan_scan, scan_repository, walk
from kanban.links.keys import KeyMatcher
from kanban.services.board import BoardService
from kanban.services.links import GitRepoSetting, LinksService, LinksSettings
from kanban.store import db
from links.helpers import GitRepo


def settings(path: Path, keys: tuple[str, ...] = ("OPS",)) -> LinksSettings:
    return LinksSettings(repos=(GitRepoSetting(str(path)),), keys=keys)


@pytest.fixture
def links(service: BoardService) -> LinksService:
    return LinksService(service)


def many_commits(count: int) -> list[str]:
    """Messages naming OPS-1..OPS-50 in turn; every tenth names no key at all.

    A message for n names OPS-(n % 50 + 1), so OPS-1, 11, 21, 31 and 41 (n a
    multiple of 10) are never named and every other key is named count / 50 times.
    """
    return [
        f"tidy up, no issue {n}" if n % 10 == 0 else f"OPS-{n % 50 + 1}: change {n}"
        for n in range(count)
    ]


def test_streamed_walk_hands_over_every_commit_once(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("big")
    repo.fast_import(many_commits(5000))
    matcher = KeyMatcher(["OPS"])
    plain = scan_repository(repo.path, matcher)
    handed: list[list[str]] = []
    walk(
        repo.path,
        plan_scan(repo.path, matcher),
        matcher,
        sink=lambda b: handed.append([c.sha for c in b]),
    )
    streamed = [sha for batch in handed for sha in batch]
    assert streamed == [c.sha for c in plain.commits]
    assert len(streamed) == 4500


def test_large_first_scan_stores_every_keyed_commit(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("big")
    repo.fast_import(many_commits(5000))
    cards = {n: service.add_card(f"Card {n}", jira_key=f"OPS-{n}").card for n in (1, 2, 50)}
    report = links.scan(settings(repo.path))
    assert report.ok, report.errors
    assert report.sources[0].new_commits == 4500
    assert report.sources[0].walked == 5000
    badges = links.badges()
    assert cards[1].id not in badges  # OPS-1 would be n % 50 == 0: those name no key
    assert badges[cards[2].id] == ["100 commits"]
    assert badges[cards[50].id] == ["100 commits"]
    again = links.scan(settings(repo.path))
    assert again.sources[0].unchanged and links.badges() == badges


def test_commit_dates_are_stored_in_utc(
    service: BoardService,
    links: LinksService,
    make_repo: Callable[[str], GitRepo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "America/Denver")  # the user's zone must not leak into dates
    repo = make_repo("zones")
    repo.date = "1760000000 +0200"
    repo.commit("OPS-1: written in Berlin")
    repo.date = "1760003600 -0700"
    repo.commit("OPS-1: written in Denver")
    service.add_card("Zones", jira_key="OPS-1")
    links.scan(settings(repo.path))
    dates = {c["subject"]: c["date"] for c in links.card_links("OPS-1")["commits"]}
    assert dates == {
        "OPS-1: written in Berlin": datetime.fromtimestamp(1760000000, UTC),
        "OPS-1: written in Denver": datetime.fromtimestamp(1760003600, UTC),
    }


def test_dropping_a_project_key_unlinks_what_only_it_named(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("mixed")
    repo.commit("OPS-1 and NET-4 together")
    repo.commit("NET-5: switch only")
    ops = service.add_card("Server", jira_key="OPS-1").card
    net4 = service.add_card("Uplink", jira_key="NET-4").card
    net5 = service.add_card("Switch", jira_key="NET-5").card
    links.scan(settings(repo.path, keys=("OPS", "NET")))
    assert links.badges()[net4.id] == ["1 commit"]
    assert links.badges()[net5.id] == ["1 commit"]

    report = links.scan(settings(repo.path, keys=("OPS",)))
    assert report.sources[0].removed_commits == 0  # still reachable: only unlinked
    badges = links.badges()
    assert badges[ops.id] == ["1 commit"]
    assert net4.id not in badges and net5.id not in badges
    assert links.card_links(net4.id)["commits"] == []


def test_scan_failing_half_way_keeps_links_and_the_next_scan_completes(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("flaky")
    repo.commit("OPS-1: first")
    card1 = service.add_card("First", jira_key="OPS-1").card
    links.scan(settings(repo.path))
    broken = repo.commit("OPS-2: its object goes missing")
    repo.commit("OPS-3: printed before git fails")
    card2 = service.add_card("Second", jira_key="OPS-2").card
    card3 = service.add_card("Third", jira_key="OPS-3").card
    loose = repo.path / ".git" / "objects" / broken[:2] / broken[2:]
    hidden = loose.with_name(loose.name + ".away")
    loose.rename(hidden)

    report = links.scan(settings(repo.path))
    assert not report.ok
    assert str(repo.path) in (report.errors[0] or "")
    assert links.badges()[card1.id] == ["1 commit"]  # nothing already linked is lost

    hidden.rename(loose)
    report = links.scan(settings(repo.path))
    assert report.ok, report.errors
    badges = links.badges()
    assert (badges[card1.id], badges[card2.id], badges[card3.id]) == (
        ["1 commit"],
        ["1 commit"],
        ["1 commit"],
    )


def test_upgrade_keeps_stored_commits_and_drops_the_foreign_key(tmp_path: Path) -> None:
    path = tmp_path / "links.db"
    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine, target="0003")
    with db.write_transaction(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO link_source (id, kind, location, keys) VALUES (1, 'git', '/r', 'OPS')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO link_commit (source_id, sha, subject, author, email, at, repo) "
                "VALUES (1, 'abc123', 'OPS-1: kept', 'Alice', 'a@x', '2026-01-02 03:04:05', 'r')"
            )
        )
        conn.execute(
            text("INSERT INTO link_commit_key (key, source_id, sha) VALUES ('OPS-1', 1, 'abc123')")
        )
    engine.dispose()

    service = BoardService.open(url, "tester")
    try:
        service.add_card("Kept", jira_key="OPS-1")
        commits = LinksService(service).card_links("OPS-1")["commits"]
        assert [(c["subject"], c["date"]) for c in commits] == [
            ("OPS-1: kept", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
        ]
    finally:
        service.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA foreign_key_list(link_commit)").fetchall() == []
