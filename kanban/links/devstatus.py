"""JIRA's development information: the dev-status API behind the Development panel.

The API is internal and undocumented; as JIRA Server and Data Center answer it:

* ``/rest/dev-status/1.0/issue/summary?issueId=N`` says, per data type
  (``repository``, ``branch``, ``pullrequest``), how many items exist and from
  which application types (``byInstanceType`` keys such as ``stash``,
  ``GitHub``; case matters).
* ``/rest/dev-status/1.0/issue/detail?issueId=N&applicationType=T&dataType=D``
  then gives the items. We only ask for the types the summary names, since a
  wrong type gives empty results or a 500.

``issueId`` is JIRA's numeric id, not the key; :meth:`DevStatusClient.issue_id`
looks it up when the caller does not know it. The caller gives the URL and the
auth headers (the JIRA connection's settings belong to the sync feature).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kanban.links.http import HostError, JsonClient
from kanban.links.keys import KeyMatcher
from kanban.links.model import (
    PullRequest,
    RemoteBranch,
    RemoteCommit,
    Reviewer,
    from_epoch_ms,
    parse_iso,
    pr_state,
)

log = logging.getLogger(__name__)

DATA_TYPES = ("repository", "branch", "pullrequest")


@dataclass(slots=True)
class DevInfo:
    """Everything JIRA's development panel knows about one issue."""

    key: str
    commits: list[RemoteCommit] = field(default_factory=list)
    branches: list[RemoteBranch] = field(default_factory=list)
    pull_requests: list[PullRequest] = field(default_factory=list)


class DevStatusClient:
    """Reads the development panel of JIRA issues.

    Args:
        base_url: the JIRA base URL.
        headers: auth headers (:func:`kanban.links.http.bearer` for a DC token,
            :func:`kanban.links.http.basic` for Cloud e-mail + API token).
    """

    kind = "devstatus"

    def __init__(
        self, base_url: str, headers: Mapping[str, str] | None = None, timeout: float = 20.0
    ) -> None:
        self.location = base_url.rstrip("/")
        self.client = JsonClient(base_url, f"JIRA development info at {base_url}", headers, timeout)

    def issue_id(self, key: str) -> str:
        data, _ = self.client.get(f"rest/api/2/issue/{key}", {"fields": "summary"})
        if not isinstance(data, dict) or not data.get("id"):
            raise HostError(f"{self.client.what}: the answer for {key} has no issue id.")
        return str(data["id"])

    def summary(self, issue_id: str) -> dict[str, list[str]]:
        """Per data type with items, the application types that hold them."""
        data, _ = self.client.get("rest/dev-status/1.0/issue/summary", {"issueId": issue_id})
        if not isinstance(data, dict) or not isinstance(data.get("summary"), dict):
            raise HostError(
                f"{self.client.what}: the summary for issue {issue_id} is not a dev-status "
                "answer; is this JIRA's address?"
            )
        result: dict[str, list[str]] = {}
        for data_type in DATA_TYPES:
            part = data["summary"].get(data_type) or {}
            count = ((part.get("overall") or {}).get("count")) or 0
            types = [t for t, v in (part.get("byInstanceType") or {}).items() if v]
            if count and types:
                result[data_type] = types
        return result

    def detail(self, issue_id: str, application_type: str, data_type: str) -> list[dict[str, Any]]:
        data, _ = self.client.get(
            "rest/dev-status/1.0/issue/detail",
            {"issueId": issue_id, "applicationType": application_type, "dataType": data_type},
        )
        if not isinstance(data, dict) or not isinstance(data.get("detail"), list):
            raise HostError(
                f"{self.client.what}: the {data_type} detail for issue {issue_id} is not a "
                "dev-status answer."
            )
        return [d for d in data["detail"] if isinstance(d, dict)]

    def development(self, key: str, matcher: KeyMatcher, issue_id: str | None = None) -> DevInfo:
        """Commits, branches and PRs JIRA links to ``key``.

        Every item is linked to ``key`` only; JIRA reports the same item again for
        each other issue it names.
        """
        info = DevInfo(key)
        iid = issue_id or self.issue_id(key)
        for data_type, app_types in self.summary(iid).items():
            for app in app_types:
                for part in self.detail(iid, app, data_type):
                    self._collect(info, part, app, matcher)
        return info

    def _collect(self, info: DevInfo, part: dict[str, Any], app: str, matcher: KeyMatcher) -> None:
        def keys(*_found: tuple[str, ...]) -> tuple[str, ...]:
            # JIRA is the authority on which issue an item belongs to: other keys in
            # a message are linked when JIRA is asked about those issues.
            return (info.key,)

        for repo in part.get("repositories") or []:
            if not isinstance(repo, dict):
                continue
            repo_name = str(repo.get("name") or "")
            for c in repo.get("commits") or []:
                if not isinstance(c, dict) or not c.get("id"):
                    continue
                message = str(c.get("message") or "")
                stamp = c.get("authorTimestamp")
                info.commits.append(
                    RemoteCommit(
                        sha=str(c["id"]),
                        subject=message.strip().split("\n", 1)[0],
                        author=str((c.get("author") or {}).get("name") or ""),
                        at=parse_iso(stamp) if isinstance(stamp, str) else from_epoch_ms(stamp),
                        repo=repo_name,
                        url=c.get("url"),
                        keys=keys(matcher.in_text(message)),
                    )
                )
        for b in part.get("branches") or []:
            if not isinstance(b, dict) or not b.get("name"):
                continue
            name = str(b["name"])
            info.branches.append(
                RemoteBranch(
                    name=name,
                    repo=str((b.get("repository") or {}).get("name") or ""),
                    url=b.get("url"),
                    keys=keys(matcher.in_branch(name)),
                )
            )
        for p in part.get("pullRequests") or []:
            if not isinstance(p, dict) or p.get("id") is None:
                continue
            source = str((p.get("source") or {}).get("branch") or "")
            title = str(p.get("name") or "")
            repo_name = str(p.get("repositoryName") or "") or str(
                ((p.get("source") or {}).get("repository") or {}).get("name") or ""
            )
            stamp = p.get("lastUpdate")
            info.pull_requests.append(
                PullRequest(
                    number=f"{app}:{repo_name}:{str(p['id']).lstrip('#')}",
                    title=title,
                    state=pr_state(p.get("status")),
                    source_branch=source,
                    target_branch=str((p.get("destination") or {}).get("branch") or ""),
                    author=str((p.get("author") or {}).get("name") or ""),
                    reviewers=tuple(
                        Reviewer(name=str(r.get("name") or ""), approved=bool(r.get("approved")))
                        for r in p.get("reviewers") or []
                        if isinstance(r, dict)
                    ),
                    created_at=None,
                    updated_at=parse_iso(stamp) if isinstance(stamp, str) else from_epoch_ms(stamp),
                    url=str(p.get("url") or ""),
                    repo=repo_name,
                    keys=keys(matcher.in_text(title), matcher.in_branch(source)),
                )
            )
