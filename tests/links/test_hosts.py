"""Bitbucket Server pull requests and JIRA dev-status, read from loopback HTTP servers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from kanban.links.bitbucket import BitbucketServer
from kanban.links.devstatus import DevStatusClient
from kanban.links.http import HostError, bearer
from kanban.links.keys import KeyMatcher
from kanban.services import reporting
from kanban.services.board import BoardService
from kanban.services.links import (
    BitbucketSetting,
    LinksService,
    LinksSettings,
    set_host_token,
)
from links.helpers import Loopback

API = "/rest/api/1.0/projects/OPS/repos/infra"
T0 = 1_760_000_000_000  # epoch milliseconds, as Bitbucket sends them


def user(name: str) -> dict[str, Any]:
    return {"name": name.lower(), "displayName": name, "slug": name.lower()}


def pr(
    number: int,
    title: str,
    branch: str,
    state: str = "OPEN",
    approved: tuple[bool, ...] = (),
    updated: int = T0,
    closed: int | None = None,
) -> dict[str, Any]:
    extra = {} if closed is None else {"closedDate": closed}
    return {
        **extra,
        "id": number,
        "version": 1,
        "title": title,
        "state": state,
        "open": state == "OPEN",
        "closed": state != "OPEN",
        "createdDate": T0 - 3_600_000,
        "updatedDate": updated,
        "fromRef": {"id": f"refs/heads/{branch}", "displayId": branch},
        # Like the documented example: no displayId, so the id is stripped.
        "toRef": {"id": "refs/heads/main"},
        "author": {"user": user("Alice"), "role": "AUTHOR", "approved": False},
        "reviewers": [
            {
                "user": user(f"Reviewer{i}"),
                "role": "REVIEWER",
                "approved": ok,
                "status": "APPROVED" if ok else "UNAPPROVED",
            }
            for i, ok in enumerate(approved)
        ],
        "links": {
            "self": [{"href": f"https://bitbucket.example/OPS/infra/pull-requests/{number}"}]
        },
    }


class FakeBitbucket:
    """Serves PRs two per page, with a nextPageStart that is not start+size."""

    def __init__(self, server: Loopback) -> None:
        self.server = server
        self.prs: list[dict[str, Any]] = []
        self.commits: dict[int, list[str]] = {}
        server.routes[f"{API}/pull-requests"] = self.page

    def add(self, item: dict[str, Any], messages: list[str] | None = None) -> None:
        self.prs = [p for p in self.prs if p["id"] != item["id"]] + [item]
        number = item["id"]
        self.commits[number] = messages or []
        self.server.routes[f"{API}/pull-requests/{number}/commits"] = lambda q, h, n=number: (
            200,
            {
                "size": len(self.commits[n]),
                "limit": 500,
                "isLastPage": True,
                "start": 0,
                "values": [
                    {"id": f"{n}{i:039d}", "message": m} for i, m in enumerate(self.commits[n])
                ],
            },
        )

    def page(self, query: dict[str, list[str]], headers: dict[str, str]) -> tuple[int, Any]:
        assert query["state"] == ["ALL"]
        start = int(query.get("start", ["0"])[0])
        index = 0 if start == 0 else (start - 100) // 10
        chunk = self.prs[index : index + 2]
        last = index + 2 >= len(self.prs)
        body: dict[str, Any] = {
            "size": len(chunk),
            "limit": 2,
            "isLastPage": last,
            "start": start,
            "values": chunk,
        }
        if not last:
            body["nextPageStart"] = 100 + (index + 2) * 10
        return 200, body

    def commit_requests(self) -> int:
        return sum(1 for path, _q, _h in self.server.requests if path.endswith("/commits"))


@pytest.fixture
def bitbucket(loopback: Loopback) -> FakeBitbucket:
    return FakeBitbucket(loopback)


def client(server: Loopback, token: str | None = "t0ken") -> BitbucketServer:
    return BitbucketServer(server.url, "OPS", "infra", bearer(token))


KEYS = KeyMatcher(["OPS"])
SETTINGS = LinksSettings(keys=("OPS",))


def test_pull_requests_are_paged_with_reviewers_and_keys(
    bitbucket: FakeBitbucket, loopback: Loopback
) -> None:
    bitbucket.add(pr(1, "OPS-1: DNS zone", "feature/OPS-1-dns", approved=(True, False)))
    bitbucket.add(pr(2, "Backups", "bugfix/nightly", "MERGED"), ["OPS-2 retention", "OPS-3 too"])
    bitbucket.add(pr(3, "UTF-8 cleanup", "chore/utf8", "DECLINED"))
    prs = client(loopback).pull_requests(KEYS)
    assert [(p.number, p.state.value, p.keys) for p in prs] == [
        ("1", "OPEN", ("OPS-1",)),
        ("2", "MERGED", ("OPS-2", "OPS-3")),
        ("3", "DECLINED", ()),
    ]
    first = prs[0]
    assert (first.approvals, len(first.reviewers)) == (1, 2)
    assert first.target_branch == "main" and first.source_branch == "feature/OPS-1-dns"
    assert first.updated_at is not None and first.updated_at.year == 2025
    starts = [q.get("start") for path, q, _h in loopback.requests if path.endswith("pull-requests")]
    assert starts == [["0"], ["120"]]
    assert loopback.requests[0][2]["authorization"] == "Bearer t0ken"


def test_scan_stores_prs_badges_and_skips_unchanged_commit_lists(
    service: BoardService, bitbucket: FakeBitbucket, loopback: Loopback
) -> None:
    card = service.add_card("DNS", jira_key="OPS-1").card
    bitbucket.add(pr(1, "OPS-1: DNS zone", "feature/OPS-1-dns", approved=(True, False)))
    links = LinksService(service)
    report = links.scan(SETTINGS, pr_clients=[client(loopback)])
    assert report.ok and report.sources[0].pull_requests == 1
    assert links.badges()[card.id] == ["PR open 1/2"]
    assert links.badges_with_notes()[1][card.id] == ["Pull request open: 1 of 2 reviewers approved"]
    (detail,) = links.card_links("OPS-1")["pull_requests"]
    assert detail["title"] == "OPS-1: DNS zone"
    assert detail["url"] == "https://bitbucket.example/OPS/infra/pull-requests/1"
    assert [r["name"] for r in detail["reviewers"]] == ["Reviewer0", "Reviewer1"]
    assert detail["approvals"] == "1/2"
    before = bitbucket.commit_requests()
    links.scan(SETTINGS, pr_clients=[client(loopback)])
    assert bitbucket.commit_requests() == before  # nothing changed: no commit lists fetched


def test_pr_automation_moves_to_review_then_done(
    service: BoardService, bitbucket: FakeBitbucket, loopback: Loopback
) -> None:
    alice = service.add_person("Alice")
    card = service.add_card("Backups", jira_key="OPS-5").card
    links = LinksService(service)
    links.set_automation("pr_opened", True)
    links.set_automation("pr_merged", True)
    links.scan(SETTINGS, pr_clients=[client(loopback)])  # baseline
    bitbucket.add(pr(7, "Nightly backups", "feature/OPS-5-backups"))
    report = links.scan(SETTINGS, pr_clients=[client(loopback)])
    assert [a.outcome for a in report.automation] == ["moved"]
    moved = service.card(card.id)
    assert service.resolve_column(moved.column_id).name == "Review"
    assert moved.person_id == alice.id  # the PR author's lane
    merged = pr(
        7, "Nightly backups", "feature/OPS-5-backups", "MERGED", updated=T0 + 90_000, closed=T0 + 1
    )
    bitbucket.add(merged)
    report = links.scan(SETTINGS, pr_clients=[client(loopback)])
    assert [a.rule for a in report.automation] == ["pr_merged"]
    # The merge time is Bitbucket's closedDate, not the later last update.
    (detail,) = links.card_links(card.id)["pull_requests"]
    assert detail["closed"] == datetime.fromtimestamp((T0 + 1) / 1000, UTC)
    (linked,) = reporting.linked_pull_requests(service) or []
    assert linked.merged_at == detail["closed"] != detail["updated"]
    assert service.resolve_column(service.card(card.id).column_id).name == "Done"
    assert links.badges()[card.id] == ["PR merged"]
    reasons = [e["reason"] for e in links.card_links(card.id)["automation"]]
    assert "PR #7 'Nightly backups'" in reasons[0] and "merged" in reasons[1]
    # Scanning again repeats nothing.
    assert links.scan(SETTINGS, pr_clients=[client(loopback)]).automation == []


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (401, b"", "refused the credentials (401)"),
        (404, {"errors": [{"message": "Repository OPS/infra does not exist."}]}, "does not exist"),
        (500, {"errors": [{"message": "boom"}]}, "failed with 500"),
        (200, b"<html>login</html>", "did not answer with JSON"),
        (200, {"unexpected": True}, "not a Bitbucket page"),
    ],
)
def test_host_failures_are_reported_and_keep_links(
    service: BoardService,
    bitbucket: FakeBitbucket,
    loopback: Loopback,
    status: int,
    body: Any,
    expected: str,
) -> None:
    card = service.add_card("DNS", jira_key="OPS-1").card
    bitbucket.add(pr(1, "OPS-1: DNS zone", "feature/OPS-1-dns"))
    links = LinksService(service)
    links.scan(SETTINGS, pr_clients=[client(loopback)])
    loopback.routes[f"{API}/pull-requests"] = lambda q, h: (status, body)
    report = links.scan(SETTINGS, pr_clients=[client(loopback)])
    (source,) = report.sources
    assert not source.ok
    assert "Bitbucket repository OPS/infra" in (source.error or "")
    assert expected in (source.error or "")
    assert links.badges()[card.id] == ["PR open"]  # what was linked before stays


def test_token_comes_from_the_keyring(
    service: BoardService, bitbucket: FakeBitbucket, loopback: Loopback
) -> None:
    set_host_token("bitbucket", loopback.url, "from-keyring")
    settings = LinksSettings(
        keys=("OPS",), bitbucket=(BitbucketSetting(loopback.url, "OPS", "infra"),)
    )
    assert LinksService(service).scan(settings).ok
    assert loopback.requests[0][2]["authorization"] == "Bearer from-keyring"


# --- JIRA dev-status -----------------------------------------------------------


class FakeDevStatus:
    def __init__(self, server: Loopback) -> None:
        self.server = server
        self.issues = {"OPS-1": "10001", "OPS-2": "10002"}
        self.rebased = False  # True: JIRA no longer lists the second commit
        server.routes["/rest/api/2/issue/OPS-1"] = lambda q, h: (
            200,
            {"id": "10001", "key": "OPS-1"},
        )
        server.routes["/rest/api/2/issue/OPS-2"] = lambda q, h: (
            200,
            {"id": "10002", "key": "OPS-2"},
        )
        server.routes["/rest/dev-status/1.0/issue/summary"] = self.summary
        server.routes["/rest/dev-status/1.0/issue/detail"] = self.detail

    def summary(self, q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, Any]:
        if q["issueId"] == ["10002"]:
            return 200, {"errors": [], "summary": {"pullrequest": {"overall": {"count": 0}}}}
        by_type = {"stash": {"count": 1, "name": "Bitbucket Server"}}
        return 200, {
            "errors": [],
            "summary": {
                "pullrequest": {
                    "overall": {"count": 1, "state": "OPEN"},
                    "byInstanceType": by_type,
                },
                "repository": {"overall": {"count": 2}, "byInstanceType": by_type},
                "branch": {"overall": {"count": 1}, "byInstanceType": by_type},
            },
        }

    def detail(self, q: dict[str, list[str]], h: dict[str, str]) -> tuple[int, Any]:
        assert q["applicationType"] == ["stash"] and q["issueId"] == ["10001"]
        kind = q["dataType"][0]
        part: dict[str, Any] = {"_instance": {"name": "Bitbucket Server", "type": "stash"}}
        if kind == "pullrequest":
            part["pullRequests"] = [
                {
                    "id": "#1",
                    "name": "OPS-1: DNS zone",
                    "status": "OPEN",
                    "url": "https://bitbucket.example/OPS/infra/pull-requests/1",
                    "source": {"branch": "feature/OPS-1-dns"},
                    "destination": {"branch": "main"},
                    "author": {"name": "Alice"},
                    "reviewers": [{"name": "Bob", "approved": True}, {"name": "Carol"}],
                    "lastUpdate": "2025-10-09T10:30:00.000+0000",
                    "repositoryName": "infra",
                }
            ]
        elif kind == "repository":
            part["repositories"] = [
                {
                    "name": "infra",
                    "url": "https://bitbucket.example/OPS/infra",
                    "commits": [
                        {
                            "id": "a" * 40,
                            "displayId": "aaaaaaa",
                            "message": "OPS-1: zone file\n\nbody",
                            "author": {"name": "Alice"},
                            "authorTimestamp": "2025-10-09T09:00:00.000Z",
                            "url": "https://bitbucket.example/OPS/infra/commits/" + "a" * 40,
                        },
                        {
                            "id": "b" * 40,
                            "message": "serial bump for OPS-2 as well",
                            "author": {"name": "Bob"},
                            "authorTimestamp": 1_760_000_000_000,
                        },
                    ][: 1 if self.rebased else 2],
                }
            ]
        else:
            part["branches"] = [
                {"name": "feature/OPS-1-dns", "url": "https://x/b", "repository": {"name": "infra"}}
            ]
        return 200, {"errors": [], "detail": [part]}


def test_dev_status_links_commits_branches_and_prs(
    service: BoardService, loopback: Loopback
) -> None:
    FakeDevStatus(loopback)
    one = service.add_card("DNS", jira_key="OPS-1").card
    two = service.add_card("Serial", jira_key="OPS-2").card
    links = LinksService(service)
    dev = DevStatusClient(loopback.url, bearer("jira-pat"))
    report = links.scan(SETTINGS, devstatus=dev)
    assert report.ok, report.errors
    assert links.badges()[one.id] == ["PR open 1/2", "2 commits"]
    assert two.id not in links.badges()  # JIRA lists nothing for OPS-2
    detail = links.card_links("OPS-1")
    assert detail["commits"][0]["url"].endswith("a" * 40)
    assert detail["pull_requests"][0]["id"] == "1"
    asked = {tuple(q.get("applicationType", [])) for p, q, _h in loopback.requests if "detail" in p}
    assert asked == {("stash",)}  # only the types the summary named
    assert all(h["authorization"] == "Bearer jira-pat" for _p, _q, h in loopback.requests)


def test_dev_status_and_bitbucket_count_the_same_pr_once(
    service: BoardService, loopback: Loopback
) -> None:
    FakeDevStatus(loopback)
    fake_bb = FakeBitbucket(loopback)
    fake_bb.add(pr(1, "OPS-1: DNS zone", "feature/OPS-1-dns", approved=(True, False)))
    card = service.add_card("DNS", jira_key="OPS-1").card
    links = LinksService(service)
    links.scan(
        SETTINGS,
        devstatus=DevStatusClient(loopback.url),
        pr_clients=[client(loopback)],
        devstatus_keys=["OPS-1"],
    )
    assert links.badges()[card.id][0].startswith("PR open")
    assert len(links.card_links(card.id)["pull_requests"]) == 1


def test_dev_status_failure_for_one_issue_keeps_the_others(
    service: BoardService, loopback: Loopback
) -> None:
    FakeDevStatus(loopback)
    loopback.routes["/rest/api/2/issue/OPS-2"] = lambda q, h: (
        500,
        {"errorMessages": ["Internal server error"]},
    )
    one = service.add_card("DNS", jira_key="OPS-1").card
    service.add_card("Serial", jira_key="OPS-2")
    links = LinksService(service)
    report = links.scan(SETTINGS, devstatus=DevStatusClient(loopback.url))
    (source,) = report.sources
    assert not source.ok and "OPS-2" in (source.error or "") and "500" in (source.error or "")
    assert links.badges()[one.id] == ["PR open 1/2", "2 commits"]


def test_dev_status_unauthorised_is_one_clear_error(
    service: BoardService, loopback: Loopback
) -> None:
    loopback.routes["/rest/api/2/issue/OPS-1"] = lambda q, h: (401, b"")
    service.add_card("DNS", jira_key="OPS-1")
    report = LinksService(service).scan(SETTINGS, devstatus=DevStatusClient(loopback.url))
    assert "refused the credentials (401)" in (report.sources[0].error or "")
    assert "JIRA development info" in (report.sources[0].error or "")


def test_unreachable_host_names_the_source() -> None:
    dead = BitbucketServer("http://127.0.0.1:9", "OPS", "infra")
    with pytest.raises(HostError, match="Bitbucket repository OPS/infra: cannot reach"):
        dead.pull_requests(KEYS)


def test_dev_status_rescan_replaces_what_jira_no_longer_lists(
    service: BoardService, loopback: Loopback
) -> None:
    fake = FakeDevStatus(loopback)
    card = service.add_card("DNS", jira_key="OPS-1").card
    links = LinksService(service)
    dev = DevStatusClient(loopback.url)
    links.scan(SETTINGS, devstatus=dev)
    assert links.badges()[card.id] == ["PR open 1/2", "2 commits"]
    fake.rebased = True
    assert links.scan(SETTINGS, devstatus=dev).ok
    assert links.badges()[card.id] == ["PR open 1/2", "1 commit"]
    assert [c["sha"] for c in links.card_links(card.id)["commits"]] == ["a" * 40]
