"""LinksService over a real database and real git repositories: storage, badges, automation."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from kanban.domain.model import Rule, RuleMode, Source
from kanban.services.board import BoardService
from kanban.services.links import GitRepoSetting, LinksService, LinksSettings, links_for_card_json
from kanban.store import db
from links.helpers import GitRepo


def settings(*paths: Path, keys: tuple[str, ...] = ("OPS",)) -> LinksSettings:
    return LinksSettings(repos=tuple(GitRepoSetting(str(p)) for p in paths), keys=keys)


@pytest.fixture
def links(service: BoardService) -> LinksService:
    return LinksService(service)


def infra(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    repo = make_repo("infra")
    repo.commit("OPS-1: base config")
    repo.branch("feature/OPS-2-dns")
    repo.commit("[OPS-2] zone file\n\nRefs OPS-1 too")
    repo.checkout("main")
    repo.branch("feature/OPS-3-ntp")
    repo.checkout("main")
    return repo


def test_scan_links_commits_and_branches_to_cards(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = infra(make_repo)
    one = service.add_card("Base config", jira_key="OPS-1").card
    two = service.add_card("DNS", jira_key="OPS-2").card
    three = service.add_card("NTP", jira_key="OPS-3").card
    service.add_card("Unlinked", jira_key="OPS-99")
    report = links.scan(settings(repo.path))
    assert report.ok, report.errors
    assert report.sources[0].new_commits == 2
    badges = links.badges()
    assert badges[one.id] == ["2 commits"]
    assert badges[two.id] == ["1 commit", "branch, no PR"]
    assert links.badges_with_notes() == (
        badges,
        {
            one.id: ["2 commits naming OPS-1"],
            two.id: ["1 commit naming OPS-2", "1 branch without a pull request"],
            three.id: ["1 branch without a pull request"],
        },
    )
    assert badges[three.id] == ["branch, no PR"]
    assert len(badges) == 3

    detail = links.card_links("OPS-1")
    subjects = [c["subject"] for c in detail["commits"]]
    assert subjects == ["[OPS-2] zone file", "OPS-1: base config"]
    first = detail["commits"][0]
    assert first["repository"] == "infra" and first["author"] == "Alice Admin"
    assert len(first["short_sha"]) == 10
    assert links.card_links("OPS-3")["branches"] == [
        {"name": "feature/OPS-3-ntp", "repository": "infra", "url": None}
    ]
    as_json = links_for_card_json(service, two.id)
    assert as_json["key"] == "OPS-2"
    assert isinstance(as_json["commits"][0]["date"], str)


def test_rescan_without_changes_writes_nothing_and_force_push_unlinks(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = infra(make_repo)
    card = service.add_card("DNS", jira_key="OPS-2").card
    links.scan(settings(repo.path))
    again = links.scan(settings(repo.path))
    assert again.sources[0].unchanged and again.sources[0].walked == 0
    repo.checkout("feature/OPS-2-dns")
    repo.git("reset", "-q", "--hard", "main")
    repo.commit("OPS-2: zone file, reviewed")
    third = links.scan(settings(repo.path))
    assert third.sources[0].rewritten == ["feature/OPS-2-dns"]
    assert third.sources[0].removed_commits == 1
    assert [c["subject"] for c in links.card_links(card.id)["commits"]] == [
        "OPS-2: zone file, reviewed"
    ]


def test_bad_sources_are_reported_and_keep_their_links(
    service: BoardService,
    links: LinksService,
    make_repo: Callable[[str], GitRepo],
    tmp_path: Path,
) -> None:
    repo = infra(make_repo)
    other = make_repo("other")
    other.commit("OPS-1: from the other repository")
    card = service.add_card("Base config", jira_key="OPS-1").card
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    report = links.scan(settings(plain, repo.path, other.path))
    assert [s.ok for s in report.sources] == [False, True, True]
    assert "not-a-repo is not a git repository" in (report.sources[0].error or "")
    assert links.badges()[card.id] == ["3 commits"]

    shutil.rmtree(other.path)
    report = links.scan(settings(repo.path, other.path))
    assert report.sources[1].ok is False
    assert "does not exist" in (report.sources[1].error or "")
    assert links.badges()[card.id] == ["3 commits"]  # nothing already linked is lost
    errors = {s["location"]: s["last_error"] for s in links.sources()}
    assert "does not exist" in errors[str(other.path)]


def test_new_project_key_rescans_history(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = make_repo("mixed")
    repo.commit("OPS-1 and NET-4 together")
    net = service.add_card("Switch", jira_key="NET-4").card
    links.scan(settings(repo.path, keys=("OPS",)))
    assert net.id not in links.badges()
    links.scan(settings(repo.path, keys=("OPS", "NET")))
    assert links.badges()[net.id] == ["1 commit"]


def test_first_commit_moves_pool_card_into_authors_lane(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = infra(make_repo)
    service.add_person("Bob Builder", email="bob@example.com")
    card = service.add_card("Backups", jira_key="OPS-7").card
    links.set_automation("first_commit", True)
    links.scan(settings(repo.path))  # the first scan is a baseline: nothing moves
    repo.commit("OPS-7: nightly backup job", author="Bob Builder", email="bob@example.com")
    report = links.scan(settings(repo.path))
    (outcome,) = report.automation
    assert outcome.outcome == "moved"
    moved = service.card(card.id)
    assert service.resolve_column(moved.column_id).name == "In progress"
    assert service.resolve_person(moved.person_id).name == "Bob Builder"
    last = service.history(card.id)[-1]
    assert last.source is Source.GIT
    log = links.card_links(card.id)["automation"]
    assert "OPS-7: nightly backup job" in log[0]["reason"]

    # A second commit does not move the card again, even after it went back.
    service.move_card(card.id, column="Task pool", override_reason="not started after all")
    repo.commit("OPS-7: retention", author="Bob Builder", email="bob@example.com")
    assert links.scan(settings(repo.path)).automation == []


def test_automation_is_off_by_default_and_obeys_enforced_rules(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = infra(make_repo)
    assert links.automation() == {"pr_opened": False, "pr_merged": False, "first_commit": False}
    service.add_person("Bob Builder", email="bob@example.com", wip_limit=0)
    service.set_rule(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    card = service.add_card("Backups", jira_key="OPS-7").card
    links.scan(settings(repo.path))
    repo.commit("OPS-7: first", author="Bob Builder", email="bob@example.com")
    assert links.scan(settings(repo.path)).automation == []  # off: nothing happens
    links.set_automation("first_commit", True)
    repo.commit("OPS-7: second", author="Bob Builder", email="bob@example.com")
    (outcome,) = links.scan(settings(repo.path)).automation
    assert outcome.outcome == "refused"
    assert "OPS-7: second" in outcome.message
    assert service.resolve_column(service.card(card.id).column_id).name == "Task pool"


def test_schema_matches_models_after_upgrade(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kanban.store.schema import metadata

    engine = db.open_database(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert [d for d in diff if "link_" in repr(d)] == []


def test_forget_source_drops_its_links_only(
    service: BoardService, links: LinksService, make_repo: Callable[[str], GitRepo]
) -> None:
    repo = infra(make_repo)
    other = make_repo("other")
    other.commit("OPS-1: elsewhere")
    card = service.add_card("Base config", jira_key="OPS-1").card
    links.scan(settings(repo.path, other.path))
    assert links.badges()[card.id] == ["3 commits"]
    assert links.forget_source(str(repo.path)) == 1
    assert links.badges()[card.id] == ["1 commit"]
    assert [s["location"] for s in links.sources()] == [str(other.path)]
