"""Reading the hosts' words and dates, and the names of the automation rules.

The records the sources produce (:class:`PullRequest`, :class:`Reviewer`,
:class:`RemoteCommit`, :class:`RemoteBranch`, :class:`PrState`) live in
:mod:`kanban.domain.links`, so the store can take them; they are re-exported
here for the host clients.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kanban.domain.links import PrState, PullRequest, RemoteBranch, RemoteCommit, Reviewer

__all__ = [
    "AUTOMATION_RULES",
    "PrState",
    "PullRequest",
    "RemoteBranch",
    "RemoteCommit",
    "Reviewer",
    "from_epoch_ms",
    "parse_iso",
    "pr_state",
]


def pr_state(value: Any) -> PrState:
    """Map a host's state word to :class:`PrState` (unknown words count as open)."""
    text = str(value or "").upper()
    if text in ("MERGED",):
        return PrState.MERGED
    if text in ("DECLINED", "CLOSED", "REJECTED", "SUPERSEDED"):
        return PrState.DECLINED
    return PrState.OPEN


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
