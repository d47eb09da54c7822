"""Dev-status served by the sync feature's loopback JIRA, reached with its settings and token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sync.fake_jira import TOKEN, FakeJira

from kanban.services.board import BoardService
from kanban.services.links import LinksService, LinksSettings, devstatus_client_from_config
from kanban.settings import Config
from kanban.sync.settings import AUTH_CLOUD, AUTH_PAT, JiraSettings, store_token

SUMMARY = "/rest/dev-status/1.0/issue/summary"
DETAIL = "/rest/dev-status/1.0/issue/detail"


class DevJira(FakeJira):
    """The sync tests' fake JIRA plus the development panel's two endpoints."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # issue id → data type → detail parts, as the dev-status API nests them
        self.dev: dict[str, dict[str, list[dict[str, Any]]]] = {}

    def route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        if method == "GET" and path == SUMMARY:
            data = self.dev.get(query["issueId"][0], {})
            summary = {
                kind: {
                    "overall": {"count": len(parts)},
                    "byInstanceType": {"stash": {"count": len(parts), "name": "Bitbucket Server"}},
                }
                for kind, parts in data.items()
            }
            return 200, {"errors": [], "summary": summary}
        if method == "GET" and path == DETAIL:
            if query["applicationType"] != ["stash"]:
                return 500, {"errorMessages": ["unknown application type"]}
            parts = self.dev.get(query["issueId"][0], {}).get(query["dataType"][0], [])
            return 200, {"errors": [], "detail": parts}
        return super().route(method, path, query, body)


def pr_part(title: str, status: str, approved: tuple[bool, ...]) -> dict[str, Any]:
    return {
        "pullRequests": [
            {
                "id": "#4",
                "name": title,
                "status": status,
                "url": "https://stash.example/projects/OPS/repos/infra/pull-requests/4",
                "source": {"branch": "feature/OPS-1-dns"},
                "destination": {"branch": "main"},
                "author": {"name": "Alice Admin"},
                "reviewers": [{"name": f"R{i}", "approved": a} for i, a in enumerate(approved)],
                "lastUpdate": "2025-10-09T10:30:00.000+0000",
                "repositoryName": "infra",
            }
        ]
    }


def repo_part(*messages: str) -> dict[str, Any]:
    return {
        "repositories": [
            {
                "name": "infra",
                "commits": [
                    {
                        "id": f"{i:040x}",
                        "displayId": f"{i:07x}",
                        "message": m,
                        "author": {"name": "Alice Admin"},
                        "authorTimestamp": "2025-10-09T09:00:00.000Z",
                        "url": f"https://stash.example/commits/{i:040x}",
                    }
                    for i, m in enumerate(messages, start=1)
                ],
            }
        ]
    }


@pytest.fixture(params=[False, True], ids=["server-pat", "cloud-basic"])
def jira(request: pytest.FixtureRequest) -> Iterator[DevJira]:
    server = DevJira(cloud=request.param).start()
    settings = JiraSettings(
        url=server.url,
        auth=AUTH_CLOUD if server.cloud else AUTH_PAT,
        user="alice@example.com" if server.cloud else "",
        project_keys=["OPS"],
    )
    settings.save()
    store_token(settings, TOKEN)
    yield server
    server.stop()


def test_dev_status_through_the_jira_connection(service: BoardService, jira: DevJira) -> None:
    one = jira.add_issue("OPS", "DNS zone")
    jira.add_issue("OPS", "Nothing linked yet")
    jira.dev[str(one.id)] = {
        "pullrequest": [pr_part("OPS-1: DNS zone", "OPEN", (True, False))],
        "repository": [repo_part("OPS-1: zone file", "OPS-1: serial")],
    }
    card = service.add_card("DNS zone", jira_key="OPS-1").card
    other = service.add_card("Nothing linked yet", jira_key="OPS-2").card
    config = Config.load()
    settings = LinksSettings.from_config(config)
    assert settings.keys == ("OPS",)  # taken from the JIRA connection
    links = LinksService(service)
    report = links.scan(settings, devstatus=devstatus_client_from_config(config))
    assert report.ok, report.errors
    assert links.badges()[card.id] == ["PR open 1/2", "2 commits"]
    assert other.id not in links.badges()
    detail = links.card_links("OPS-1")
    assert detail["pull_requests"][0]["url"].endswith("/pull-requests/4")
    assert detail["commits"][0]["url"].startswith("https://stash.example/commits/")


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [("html", 502, "failed with 502"), ("malformed", 200, "did not answer with JSON")],
)
def test_bad_dev_status_answers_keep_earlier_links(
    service: BoardService, jira: DevJira, kind: str, status: int, expected: str
) -> None:
    one = jira.add_issue("OPS", "DNS zone")
    jira.dev[str(one.id)] = {"repository": [repo_part("OPS-1: zone file")]}
    card = service.add_card("DNS zone", jira_key="OPS-1").card
    config = Config.load()
    links = LinksService(service)
    links.scan(LinksSettings.from_config(config), devstatus=devstatus_client_from_config(config))
    jira.fail("GET", DETAIL, status, kind=kind)
    report = links.scan(
        LinksSettings.from_config(config), devstatus=devstatus_client_from_config(config)
    )
    (source,) = report.sources
    assert not source.ok and expected in (source.error or "") and "OPS-1" in (source.error or "")
    assert links.badges()[card.id] == ["1 commit"]


def test_wrong_token_is_reported_once(service: BoardService, jira: DevJira) -> None:
    jira.add_issue("OPS", "DNS zone")
    service.add_card("DNS zone", jira_key="OPS-1")
    service.add_card("Other", jira_key="OPS-2")
    config = Config.load()
    store_token(JiraSettings.load(config), "wrong")
    report = LinksService(service).scan(
        LinksSettings.from_config(config), devstatus=devstatus_client_from_config(config)
    )
    assert "refused the credentials (401)" in (report.sources[0].error or "")
