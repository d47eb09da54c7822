"""Bitbucket Server / Data Center (Stash) pull requests over its REST API 1.0.

Pages follow the documented envelope: ``isLastPage`` says whether to go on
and ``nextPageStart`` is the next ``start`` (never computed as start+size).
A PR's keys come from its title, its source branch and its commits' messages;
commits are fetched only for PRs that changed since the last scan, because
that is one more request per PR.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from kanban.links.http import HostError, JsonClient
from kanban.links.keys import KeyMatcher
from kanban.links.model import PullRequest, Reviewer, from_epoch_ms, pr_state

log = logging.getLogger(__name__)

PAGE_LIMIT = 100
MAX_PAGES = 1000  # a host that never says isLastPage must not loop forever


class BitbucketServer:
    """One repository on a Bitbucket Server.

    Args:
        base_url: e.g. ``https://bitbucket.example.com`` (with a context path if any).
        project: the project key, e.g. ``OPS``.
        repo: the repository slug, e.g. ``infra``.
        headers: auth headers, e.g. :func:`kanban.links.http.bearer` with an HTTP access token.
    """

    kind = "bitbucket"

    def __init__(
        self,
        base_url: str,
        project: str,
        repo: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.project = project
        self.repo = repo
        self.location = f"{base_url.rstrip('/')}/projects/{project}/repos/{repo}"
        self.client = JsonClient(
            base_url, f"Bitbucket repository {project}/{repo}", headers, timeout
        )
        self._api = f"rest/api/1.0/projects/{project}/repos/{repo}"

    def _pages(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> Iterator[dict[str, Any]]:
        start = 0
        for _ in range(MAX_PAGES):
            data, _headers = self.client.get(path, {**dict(params or {}), "start": start})
            if not isinstance(data, dict) or not isinstance(data.get("values"), list):
                raise HostError(
                    f"{self.client.what}: the answer from {path} is not a Bitbucket page "
                    "(no 'values' list); check the address. Links found before are kept."
                )
            for value in data["values"]:
                if isinstance(value, dict):
                    yield value
            if data.get("isLastPage", True) or data.get("nextPageStart") is None:
                return
            start = int(data["nextPageStart"])
        raise HostError(f"{self.client.what}: more than {MAX_PAGES} pages; stopped.")

    def commit_messages(self, pr_id: str) -> list[str]:
        return [
            str(c.get("message") or "")
            for c in self._pages(f"{self._api}/pull-requests/{pr_id}/commits", {"limit": 500})
        ]

    def pull_requests(
        self,
        matcher: KeyMatcher,
        previous: Mapping[str, tuple[datetime | None, tuple[str, ...]]] | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> list[PullRequest]:
        """Every PR of the repository (all states) with the keys it names.

        Args:
            previous: per PR number, the update time and keys stored last time; a PR
                whose update time did not change keeps its keys without asking for
                its commits again.
        """
        previous = previous or {}
        result: list[PullRequest] = []
        params = {"state": "ALL", "limit": PAGE_LIMIT, "order": "NEWEST"}
        for raw in self._pages(f"{self._api}/pull-requests", params):
            pr = self._parse(raw, matcher)
            if pr is None:
                continue
            before = previous.get(pr.number)
            if before is not None and before[0] == pr.updated_at and pr.updated_at is not None:
                keys = tuple(dict.fromkeys(pr.keys + before[1]))
            else:
                if progress:
                    progress(f"{self.client.what}: commits of PR #{pr.number}")
                found = list(pr.keys)
                for message in self.commit_messages(pr.number):
                    found.extend(matcher.in_text(message))
                keys = tuple(dict.fromkeys(found))
            result.append(dataclasses.replace(pr, keys=keys))
        return result

    def _parse(self, raw: dict[str, Any], matcher: KeyMatcher) -> PullRequest | None:
        if raw.get("id") is None:
            return None
        from_ref = raw.get("fromRef") or {}
        to_ref = raw.get("toRef") or {}
        source = _ref_name(from_ref)
        reviewers = tuple(
            Reviewer(
                name=_user_name(r.get("user")),
                approved=bool(r.get("approved")) or r.get("status") == "APPROVED",
                status=str(r.get("status") or ""),
            )
            for r in raw.get("reviewers") or []
            if isinstance(r, dict)
        )
        links = (raw.get("links") or {}).get("self") or []
        url = links[0].get("href", "") if links and isinstance(links[0], dict) else ""
        if not url:
            url = f"{self.location}/pull-requests/{raw['id']}"
        title = str(raw.get("title") or "")
        keys = tuple(dict.fromkeys(matcher.in_text(title) + matcher.in_branch(source)))
        return PullRequest(
            number=str(raw["id"]),
            title=title,
            state=pr_state(raw.get("state")),
            source_branch=source,
            target_branch=_ref_name(to_ref),
            author=_user_name((raw.get("author") or {}).get("user")),
            reviewers=reviewers,
            created_at=from_epoch_ms(raw.get("createdDate")),
            updated_at=from_epoch_ms(raw.get("updatedDate")),
            closed_at=from_epoch_ms(raw.get("closedDate")),
            url=url,
            repo=f"{self.project}/{self.repo}",
            keys=keys,
        )


def _ref_name(ref: Mapping[str, Any]) -> str:
    # The docs example lacks displayId, so fall back to stripping refs/heads/.
    display = ref.get("displayId")
    if display:
        return str(display)
    ref_id = str(ref.get("id") or "")
    return ref_id.removeprefix("refs/heads/")


def _user_name(user: Any) -> str:
    if not isinstance(user, dict):
        return ""
    return str(user.get("displayName") or user.get("name") or user.get("slug") or "")
