"""The badge data of one key and the texts the board shows for it.

:class:`LinkSummary` mirrors a ``link_summary`` row; :meth:`LinkSummary.badges`
are the short texts on the card (readable on the wall), :meth:`LinkSummary.notes`
the same in sentences for the card's tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kanban.domain.links import PrState
from kanban.domain.words import plural


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """The badge data of one key."""

    key: str
    commits: int
    branches: int
    branches_without_pr: int
    pr_count: int
    pr_state: str | None
    approvals: int
    reviewers: int

    def badges(self) -> list[str]:
        """Short texts readable on the wall, most important first."""
        out: list[str] = []
        if self.pr_state:
            text = f"PR {self.pr_state.lower()}"
            if self.pr_state == PrState.OPEN and self.reviewers:
                text += f" {self.approvals}/{self.reviewers}"
            out.append(text)
        if self.commits:
            out.append(plural(self.commits, "commit"))
        if self.branches_without_pr:
            out.append("branch, no PR")
        return out

    def notes(self) -> list[str]:
        """The badges in full sentences, for the card's tooltip."""
        out: list[str] = []
        if self.pr_state:
            state = self.pr_state.lower()
            if self.pr_count == 1:
                text = f"Pull request {state}"
            elif self.pr_state == PrState.OPEN:
                # The summary keeps the state shown, not how many are open.
                text = f"{self.pr_count} pull requests, one or more open"
            elif self.pr_state == PrState.MERGED:
                text = f"{self.pr_count} pull requests, merged, none open"
            else:
                text = f"{self.pr_count} pull requests, all declined"
            if self.pr_state == PrState.OPEN and self.reviewers:
                text += f": {self.approvals} of {plural(self.reviewers, 'reviewer')} approved"
            out.append(text)
        if self.commits:
            out.append(f"{plural(self.commits, 'commit')} naming {self.key}")
        if self.branches_without_pr:
            out.append(f"{plural(self.branches_without_pr, 'branch')} without a pull request")
        return out


def badge_texts(summaries: Mapping[str, LinkSummary]) -> dict[str, list[str]]:
    """Per card id with something to show, its badge texts."""
    return {cid: texts for cid, summary in summaries.items() if (texts := summary.badges())}
