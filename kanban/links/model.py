"""Plain records the links sources produce: pull requests, reviewers, commits, branches.

All hosts (Bitbucket Server, GitHub, JIRA's development panel) are mapped to
these, so storage and badges do not care where a link came from.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


class PrState(enum.StrEnum):
    """A pull request's state, as Bitbucket names them."""

    OPEN = "OPEN"
    MERGED = "MERGED"
    DECLINED = "DECLINED"


def pr_state(value: Any) -> PrState:
    """Map a host's state word to :class:`PrState` (unknown words count as open)."""
    text = str(value or "").upper()
    if text in ("MERGED",):
        return PrState.MERGED
    if text in ("DECLINED", "CLOSED", "REJECTED", "SUPERSEDED"):
        return PrState.DECLINED
    return PrState.OPEN


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


def from_epoch_ms(value: Any) -> datetime | None:
    """Bitbucket dates are epoch milliseconds (docs examples show seconds: accept both)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return parse_iso(value)
    if number > 1e11:  # milliseconds: seconds would be past the year 5000
        number /= 1000.0
    try:
        return datetime.fromtimestamp(number, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_iso(value: Any) -> datetime | None:
    """ISO-8601 with ``Z`` or ``+0000`` offsets, as JIRA and GitHub write them."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# The board automation rules, each off by default.
AUTOMATION_RULES: dict[str, str] = {
    "pr_opened": "A pull request opened moves its card to Review",
    "pr_merged": "A pull request merged moves its card to Done",
    "first_commit": (
        "The first commit naming a pool card moves it to its author's lane, In progress"
    ),
}
