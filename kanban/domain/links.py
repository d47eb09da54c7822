"""Plain records of the links feature: pull requests, reviewers, commits, branches.

Every source (Bitbucket Server, GitHub, JIRA's development panel) is mapped to
these by :mod:`kanban.links`, so storage (:mod:`kanban.store.links_repo`) and
the badges do not care where a link came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class PrState(enum.StrEnum):
    """A pull request's state, as Bitbucket names them."""

    OPEN = "OPEN"
    MERGED = "MERGED"
    DECLINED = "DECLINED"


@dataclass(frozen=True, slots=True)
class Reviewer:
    name: str
    approved: bool
    status: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "approved": self.approved, "status": self.status}


@dataclass(frozen=True, slots=True)
class PullRequest:
    """One pull request and the keys it names (title, source branch, commits)."""

    number: str
    title: str
    state: PrState
    source_branch: str
    target_branch: str
    author: str
    reviewers: tuple[Reviewer, ...]
    created_at: datetime | None
    updated_at: datetime | None
    url: str
    repo: str
    keys: tuple[str, ...]
    # When it was merged or declined, where the host says (JIRA's panel does not).
    closed_at: datetime | None = None

    @property
    def approvals(self) -> int:
        return sum(1 for r in self.reviewers if r.approved)


@dataclass(frozen=True, slots=True)
class RemoteCommit:
    """A commit reported by a host (JIRA's development panel)."""

    sha: str
    subject: str
    author: str
    at: datetime | None
    repo: str
    url: str | None
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemoteBranch:
    name: str
    repo: str
    url: str | None
    keys: tuple[str, ...]
