"""What a links scan reports: per source, per automatic move, and in total.

The CLI prints these and the board window shows them; ``as_dict`` is the JSON
form of ``kanban links scan --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class SourceReport:
    """How one source's scan went."""

    kind: str
    location: str
    ok: bool = True
    error: str | None = None
    unchanged: bool = False
    new_commits: int = 0
    removed_commits: int = 0
    walked: int = 0
    branches: int = 0
    pull_requests: int = 0
    rewritten: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "location": self.location,
            "ok": self.ok,
            "error": self.error,
            "unchanged": self.unchanged,
            "new_commits": self.new_commits,
            "removed_commits": self.removed_commits,
            "commits_read": self.walked,
            "branches": self.branches,
            "pull_requests": self.pull_requests,
            "rewritten_branches": self.rewritten,
        }


@dataclass(frozen=True, slots=True)
class AutomationOutcome:
    rule: str
    key: str
    outcome: str  # moved | refused | skipped
    message: str
    change_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "key": self.key,
            "outcome": self.outcome,
            "message": self.message,
            "change_id": self.change_id,
        }


@dataclass(slots=True)
class ScanReport:
    sources: list[SourceReport] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    automation: list[AutomationOutcome] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources)

    @property
    def errors(self) -> list[str]:
        return [s.error for s in self.sources if s.error]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cancelled": self.cancelled,
            "sources": [s.as_dict() for s in self.sources],
            "keys_touched": sorted(self.keys),
            "automation": [a.as_dict() for a in self.automation],
        }
