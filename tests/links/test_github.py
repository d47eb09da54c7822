"""GitHub pull requests from a loopback server: Link-header paging, reviews, states."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kanban.links.github import GitHubRepo
from kanban.links.http import bearer
from kanban.services.board import BoardService
from kanban.services.links import LinksService, LinksSettings
from links.helpers import Loopback

REPO = "/repos/ops/infra"


def gh_pr(
    number: int,
    title: str,
    head: str,
    state: str = "open",
    merged: bool = False,
    updated: str = "2025-10-09T10:00:00Z",
    requested: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "number": number,
        "title": title,
        "state": state,
        "merged_at": "2025-10-09T11:00:00Z" if merged else None,
        "head": {"ref": head},
        "base": {"ref": "main"},
        "user": {"login": "alice"},
        "requested_reviewers": [{"login": r} for r in requested],
        "html_url": f"https://github.example/ops/infra/pull/{number}",
        "created_at": "2025-10-08T09:00:00Z",
        "updated_at": updated,
    }


def serve(loopback: Loopback, prs: list[dict[str, Any]]) -> None:
    def pulls(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, Any]:
        page = int(q.get("page", ["1"])[0])
        return 200, prs[(page - 1) * 2 : page * 2]

    loopback.routes[f"{REPO}/pulls"] = pulls
    for pr in prs:
        n = pr["number"]
        loopback.routes[f"{REPO}/pulls/{n}/reviews"] = lambda q, h, n=n: (
            200,
            [
                {"user": {"login": "bob"}, "state": "CHANGES_REQUESTED"},
                {"user": {"login": "bob"}, "state": "APPROVED"},
                {"user": {"login": "bob"}, "state": "COMMENTED"},
            ]
            if n == 1
            else [],
        )
        loopback.routes[f"{REPO}/pulls/{n}/commits"] = lambda q, h, n=n: (
            200,
            [{"commit": {"message": f"OPS-{n + 10}: work"}}],
        )


def test_github_pull_requests(service: BoardService, loopback: Loopback) -> None:
    prs = [
        gh_pr(1, "OPS-1: DNS", "feature/ops-1", requested=("carol",)),
        gh_pr(2, "Backups", "fix/backups", state="closed", merged=True),
        gh_pr(3, "Abandoned", "try/OPS-3", state="closed"),
    ]
    serve(loopback, prs)
    # Page 1 carries a Link header to page 2; the loopback adds it for page 1 only.
    original = loopback.routes[f"{REPO}/pulls"]
    calls: list[int] = []

    def with_link(q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, Any]:
        calls.append(int(q.get("page", ["1"])[0]))
        return original(q, h)

    loopback.routes[f"{REPO}/pulls"] = with_link
    loopback.extra_headers = {
        f"{REPO}/pulls": lambda q: (
            {"Link": f'<{loopback.url}{REPO}/pulls?state=all&page=2>; rel="next"'}
            if q.get("page", ["1"]) == ["1"]
            else {}
        )
    }
    one = service.add_card("DNS", jira_key="OPS-1").card
    two = service.add_card("Backups", jira_key="OPS-12").card
    three = service.add_card("Try", jira_key="OPS-3").card
    links = LinksService(service)
    client = GitHubRepo("ops/infra", loopback.url, bearer("gh-token"))
    report = links.scan(LinksSettings(keys=("OPS",)), pr_clients=[client])
    assert report.ok, report.errors
    assert calls == [1, 2]
    badges = links.badges()
    assert badges[one.id] == ["PR open 1/2"]  # carol requested, bob approved last
    assert badges[two.id] == ["PR merged"]  # key only in its commit
    assert badges[three.id] == ["PR declined"]
    (merged,) = links.card_links(two.id)["pull_requests"]
    assert merged["closed"] == datetime(2025, 10, 9, 11, tzinfo=UTC)  # GitHub's merged_at
    detail = links.card_links(one.id)["pull_requests"][0]
    assert detail["url"] == "https://github.example/ops/infra/pull/1"
    assert {r["name"]: r["approved"] for r in detail["reviewers"]} == {"carol": False, "bob": True}
    assert all(h.get("authorization") == "Bearer gh-token" for _p, _q, h in loopback.requests)
