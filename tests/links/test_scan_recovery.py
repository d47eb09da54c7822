"""A streamed scan that fails or races stores nothing wrong.

Commits are stored while git prints them; a half-stored scan makes the next one
full, dates git cannot fit are unknown, and a source forgotten mid-scan keeps no
links.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kanban.errors import StorageError
from kanban.services import links as links_module
from kanban.services.board import BoardService
from kanban.services.links import GitRepoSetting, LinksService, LinksSettings
from links.helpers import GitRepo

# More than one flush (_FLUSH_COMMITS = 1000) of keyed commits, so some are stored
# in their own transaction before the scan's final one.
MANY = 1200


def settings(*paths: Path, keys: tuple[str, ...] = ("OPS",)) -> LinksSettings:
    return LinksSettings(repos=tuple(GitRepoSetting(str(p)) for p in paths), keys=keys)


@pytest.fixture
def links(service: BoardService) -> LinksService:
    return LinksService(service)


def grow(repo: GitRepo, branch: str, parent: str, messages: list[str]) -> None:
    """Commits on ``branch`` starting from ``parent``, in one git fast-import run."""
    repo.fast_import(messages, branch, parent=parent, start=1_765_000_000)


def fail_after_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The next scans fail once git has printed everything (e.g. the database is locked).

    The real walk runs, so the writer's flushes are committed; the failure comes
    where a locked database or a closed app would stop the final transaction.
    """
    real_walk = links_module.walk

    def walk_then_fail(*args: Any, **kwargs: Any) -> Any:
        real_walk(*args, **kwargs)
        raise StorageError("The database is locked by another program; nothing was changed.")

    monkeypatch.setattr(links_module, "walk", walk_then_fail)


def test_commits_of_a_failed_scan_on_a_branch_deleted_since_are_not_linked(
    service: BoardService,
    links: LinksService,
    make_repo: Callable[[str], GitRepo],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo = make_repo("ops")
    base = repo.commit("OPS-1: base")
    card = service.add_card("Experiment", jira_key="OPS-2").card
    assert links.scan(settings(repo.path)).ok
    grow(repo, "experiment", base, [f"OPS-2: try {n}" for n in range(MANY)])

    with monkeypatch.context() as patch:
        fail_after_walk(patch)
        assert not links.scan(settings(repo.path)).ok

    # The experiment is thrown away before the next scan; later OPS-2 gets one real commit.
    repo.git("branch", "-D", "experiment")
    repo.commit("OPS-2: the real fix")
    report = links.scan(settings(repo.path))
    assert report.ok, report.errors
    assert [c["subject"] for c in links.card_links(card.id)["commits"]] == ["OPS-2: the real fix"]
    assert links.badges()[card.id] == ["1 commit"]


def commit_dated(repo: GitRepo, message: str, stamp: int) -> str:
    """A commit whose author date is ``stamp`` exactly as written (git accepts any)."""
    raw = (
        "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
        f"author Dev <dev@example.com> {stamp} +0000\n"
        "committer Dev <dev@example.com> 1760000000 +0000\n"
        f"\n{message}\n"
    ).encode()
    sha = repo.git("hash-object", "-t", "commit", "-w", "--stdin", "--literally", stdin=raw)
    repo.git("update-ref", "refs/heads/main", sha)
    return sha


def test_a_commit_dated_past_year_9999_does_not_break_the_card(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("future")
    # Year 10000: git prints "10000-01-01 00:00:00"; before #5 such a date became the epoch.
    commit_dated(repo, "OPS-7: clock was wrong", 253_402_300_800)
    card = service.add_card("Clock", jira_key="OPS-7").card
    report = links.scan(settings(repo.path))
    assert report.ok, report.errors
    assert [c["subject"] for c in links.card_links(card.id)["commits"]] == [
        "OPS-7: clock was wrong"
    ]


def test_forgetting_a_repository_while_it_is_scanned_leaves_no_links_behind(
    service: BoardService,
    links: LinksService,
    db_url: str,
    make_repo: Callable[[str], GitRepo],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    ops, other = make_repo("ops"), make_repo("other")
    base = ops.commit("OPS-1: base")
    other.commit("OPS-1: elsewhere")
    card = service.add_card("Work", jira_key="OPS-2").card
    assert links.scan(settings(ops.path, other.path)).ok
    grow(ops, "work", base, [f"OPS-2: step {n}" for n in range(MANY)])

    # `kanban links forget` in another process, while the board's rescan runs git.
    cli = BoardService.open(db_url, "tester")
    real_walk = links_module.walk

    def forget_during_walk(*args: Any, **kwargs: Any) -> Any:
        LinksService(cli).forget_source(str(ops.path))
        return real_walk(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(links_module, "walk", forget_during_walk)
        report = links.scan(settings(ops.path))
    assert "removed from the scanned sources while it was being scanned" in report.errors[0]
    assert str(ops.path) not in [s["location"] for s in links.sources()]
    # Whatever that scan did, removing the repository (again) removes its links.
    for source in links.sources():
        if source["location"] == str(ops.path):
            LinksService(cli).forget_source(str(ops.path))
    cli.close()
    assert links.card_links(card.id)["commits"] == []
    with service.reading() as raw:  # SQLite or PostgreSQL, whichever the board is on
        orphans = raw.execute(
            text(
                "SELECT count(*) FROM link_commit "
                "WHERE source_id NOT IN (SELECT id FROM link_source)"
            )
        ).scalar()
    assert orphans == 0
