"""GitHub (or GitHub Enterprise) pull requests over the REST API v3.

Pages follow the ``Link: <...>; rel="next"`` header. GitHub has no
"declined" state: a closed PR that was not merged counts as declined.
Reviews (for approvals) and commits (for keys) cost one request each per PR,
so they are fetched only for PRs whose ``updated_at`` changed since the last
scan, as with Bitbucket.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from kanban.links.http import HostError, JsonClient
from kanban.links.keys import KeyMatcher
from kanban.links.model import PrState, PullRequest, Reviewer, parse_iso

PER_PAGE = 100
MAX_PAGES = 500
_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubRepo:
    """One repository on GitHub.

    Args:
        repo: ``owner/name``.
        api_url: ``https://api.github.com``, or ``https://HOST/api/v3`` for Enterprise.
        headers: auth headers (a token as :func:`kanban.links.http.bearer`).
    """

    kind = "github"

    def __init__(
        self,
        repo: str,
        api_url: str = "https://api.github.com",
        headers: Mapping[str, str] | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.repo = repo
        self.api_url = api_url.rstrip("/")
        self.location = f"{self.api_url}/repos/{repo}"
        self.client = JsonClient(
            self.api_url,
            f"GitHub repository {repo}",
            {"Accept": "application/vnd.github+json", **dict(headers or {})},
            timeout,
        )

    def _pages(self, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        url: str | None = self.client.url(path, params)
        for _ in range(MAX_PAGES):
            if url is None:
                return
            data, headers = self.client.get(url)
            if not isinstance(data, list):
                raise HostError(
                    f"{self.client.what}: the answer from {path} is not a list; check the "
                    "repository name and API address. Links found before are kept."
                )
            yield from (d for d in data if isinstance(d, dict))
            link = next((v for k, v in headers.items() if k.lower() == "link"), "")
            match = _NEXT.search(link)
            url = match.group(1) if match else None
        raise HostError(f"{self.client.what}: more than {MAX_PAGES} pages; stopped.")

    def pull_requests(
        self,
        matcher: KeyMatcher,
        previous: Mapping[str, tuple[datetime | None, tuple[str, ...]]] | None = None,
        progress: Callable[[str], None] | None = None,
        previous_reviewers: Mapping[str, tuple[Reviewer, ...]] | None = None,
    ) -> list[PullRequest]:
        """Every PR (open and closed) with reviewers, approvals and keys."""
        if self.repo.count("/") != 1:
            raise HostError(
                f"'{self.repo}' is not a GitHub repository; write it as owner/name in the "
                "links settings."
            )
        previous = previous or {}
        previous_reviewers = previous_reviewers or {}
        out: list[PullRequest] = []
        params = {"state": "all", "per_page": PER_PAGE, "sort": "updated", "direction": "desc"}
        for raw in self._pages(f"repos/{self.repo}/pulls", params):
            if raw.get("number") is None:
                continue
            number = str(raw["number"])
            title = str(raw.get("title") or "")
            head = str((raw.get("head") or {}).get("ref") or "")
            updated = parse_iso(raw.get("updated_at"))
            keys = list(matcher.in_text(title) + matcher.in_branch(head))
            before = previous.get(number)
            unchanged = before is not None and updated is not None and before[0] == updated
            if unchanged and number in previous_reviewers:
                reviewers = previous_reviewers[number]
                keys.extend(before[1] if before else ())
            else:
                if progress:
                    progress(f"{self.client.what}: reviews and commits of PR #{number}")
                reviewers = self._reviewers(number, raw)
                for c in self._pages(
                    f"repos/{self.repo}/pulls/{number}/commits", {"per_page": 100}
                ):
                    keys.extend(matcher.in_text(str((c.get("commit") or {}).get("message") or "")))
            if raw.get("merged_at"):
                state = PrState.MERGED
            elif raw.get("state") == "closed":
                state = PrState.DECLINED
            else:
                state = PrState.OPEN
            out.append(
                PullRequest(
                    number=number,
                    title=title,
                    state=state,
                    source_branch=head,
                    target_branch=str((raw.get("base") or {}).get("ref") or ""),
                    author=str((raw.get("user") or {}).get("login") or ""),
                    reviewers=reviewers,
                    created_at=parse_iso(raw.get("created_at")),
                    updated_at=updated,
                    closed_at=parse_iso(raw.get("merged_at") or raw.get("closed_at")),
                    url=str(raw.get("html_url") or ""),
                    repo=self.repo,
                    keys=tuple(dict.fromkeys(keys)),
                )
            )
        return out

    def _reviewers(self, number: str, raw: Mapping[str, Any]) -> tuple[Reviewer, ...]:
        """Requested reviewers plus everyone who reviewed; the latest review counts."""
        latest: dict[str, str] = {}
        for review in self._pages(f"repos/{self.repo}/pulls/{number}/reviews", {"per_page": 100}):
            login = str((review.get("user") or {}).get("login") or "")
            state = str(review.get("state") or "")
            # Comments do not change an earlier approval or request for changes.
            if login and state in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
                latest[login] = state
        names = [
            str(r.get("login")) for r in raw.get("requested_reviewers") or [] if r.get("login")
        ]
        for login in latest:
            if login not in names:
                names.append(login)
        return tuple(
            Reviewer(name=n, approved=latest.get(n) == "APPROVED", status=latest.get(n, ""))
            for n in names
        )
