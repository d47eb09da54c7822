"""A sync run's plan as a person reads it: ``kanban sync --dry-run`` and *Preview sync*.

A dry run decides every pair exactly as a real run does (the same
:func:`kanban.sync.engine.plan`) and collects the actions here instead of
applying them. Each :class:`PlannedChange` names the issue and the card and
lists the fields with the value they would get.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

from kanban.domain.words import plural
from kanban.sync.engine import Action, Decision


class ChangeKind(enum.StrEnum):
    """What a planned change does, in the words of the preview."""

    PULL = "pull"  # JIRA's values written on the card
    PUSH = "push"  # the card's values written to JIRA
    CREATE_CARD = "create_card"  # a new issue becomes a card
    CREATE_ISSUE = "create_issue"  # a new card becomes an issue
    ARCHIVE = "archive"  # the issue left the board's query
    KEEP = "keep"  # it left, but the card was edited since: kept
    RESTORE = "restore"  # an archived card comes back: JIRA changed its issue
    CONFLICT = "conflict"  # changed on both sides; a person chooses


HEADINGS: dict[ChangeKind, str] = {
    ChangeKind.PULL: "From JIRA to the board",
    ChangeKind.CREATE_CARD: "New cards from JIRA issues",
    ChangeKind.RESTORE: "Archived cards brought back",
    ChangeKind.PUSH: "From the board to JIRA",
    ChangeKind.CREATE_ISSUE: "New JIRA issues from cards",
    ChangeKind.ARCHIVE: "Cards archived (their issues left the board's query)",
    ChangeKind.KEEP: "Cards kept although their issues left the query (edited here)",
    ChangeKind.CONFLICT: "Conflicts (changed on both sides; you choose)",
}


@dataclass(frozen=True, slots=True)
class PlannedChange:
    """One thing the sync would do to one card or issue.

    Attributes:
        kind: what it does.
        issue_key: the issue, when there is one yet.
        card_id: the card, when there is one yet.
        title: the card's title (or the issue's summary for a new card).
        fields: field → the value it would get; for a conflict, field →
            [the board's value, JIRA's value].
    """

    kind: ChangeKind
    issue_key: str | None
    card_id: str | None
    title: str
    fields: dict[str, Any] = field(default_factory=dict)

    def label(self) -> str:
        key = self.issue_key or "new issue"
        return f"{key} '{self.title}'"


@dataclass
class SyncPlan:
    """Everything one run would do, for a preview. Nothing in it has been applied."""

    mode: str = "incremental"
    changes: list[PlannedChange] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    # Statuses no column lists, placed by their category (name → issues).
    by_category: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0

    def add(
        self,
        kind: ChangeKind,
        issue_key: str | None,
        card_id: str | None,
        title: str,
        fields: dict[str, Any] | None = None,
    ) -> None:
        self.changes.append(PlannedChange(kind, issue_key, card_id, title, dict(fields or {})))

    def add_action(self, action: Action, title: str) -> None:
        """Record what a decided pair would do (a decision may pull, push and conflict at once)."""
        d = action.decision
        if d is Decision.NONE or d is Decision.RECORD:
            self.unchanged += 1
            return
        if d is Decision.CREATE_CARD:
            self.add(ChangeKind.CREATE_CARD, action.issue_key, None, title, action.pull)
            return
        if d is Decision.CREATE_ISSUE:
            self.add(ChangeKind.CREATE_ISSUE, None, action.card_id, title, action.push)
            return
        if d is Decision.ARCHIVE_CARD:
            self.add(ChangeKind.ARCHIVE, action.issue_key, action.card_id, title)
            return
        if d is Decision.KEEP_CARD:
            self.add(ChangeKind.KEEP, action.issue_key, action.card_id, title)
            return
        if d is Decision.RESTORE_CARD:
            self.add(ChangeKind.RESTORE, action.issue_key, action.card_id, title, action.pull)
            return
        if action.pull:
            self.add(ChangeKind.PULL, action.issue_key, action.card_id, title, action.pull)
        if action.push:
            self.add(ChangeKind.PUSH, action.issue_key, action.card_id, title, action.push)
        if action.conflicts:
            self.add(
                ChangeKind.CONFLICT,
                action.issue_key,
                action.card_id,
                title,
                {k: list(v) for k, v in action.conflicts.items()},
            )

    def of(self, kind: ChangeKind) -> list[PlannedChange]:
        return [c for c in self.changes if c.kind is kind]

    def counts(self) -> dict[str, int]:
        return {k.value: len(self.of(k)) for k in ChangeKind}

    @property
    def empty(self) -> bool:
        return not self.changes

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "counts": self.counts(),
            "unchanged": self.unchanged,
            "changes": [{**asdict(c), "kind": c.kind.value} for c in self.changes],
            "unmapped": dict(self.unmapped),
            "by_category": dict(self.by_category),
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        counts = self.counts()
        parts = [
            f"{plural(n, noun)}{rest}"
            for noun, rest, n in (
                ("card", " to update", counts["pull"]),
                ("new card", "", counts["create_card"]),
                ("issue", " to update", counts["push"]),
                ("new issue", "", counts["create_issue"]),
                ("card", " to archive", counts["archive"]),
                ("card", " to restore", counts["restore"]),
                ("conflict", "", counts["conflict"]),
            )
            if n
        ]
        if not parts:
            return f"Nothing to sync ({self.mode} run): the board and JIRA agree."
        article = "An" if self.mode[:1] in "aeiou" else "A"
        return f"{article} {self.mode} sync would make: " + ", ".join(parts) + "."

    def lines(self) -> list[str]:
        """The plan as text, grouped under headings, one change per line."""
        out = [self.summary()]
        for kind, heading in HEADINGS.items():
            changes = self.of(kind)
            if not changes:
                continue
            out.append("")
            out.append(f"{heading}:")
            for change in changes:
                detail = ", ".join(f"{k} → {_short(v)}" for k, v in change.fields.items())
                if kind is ChangeKind.CONFLICT:
                    detail = ", ".join(
                        f"{k}: board {_short(v[0])}, JIRA {_short(v[1])}"
                        for k, v in change.fields.items()
                    )
                out.append(f"  {change.label()}" + (f": {detail}" if detail else ""))
        if self.unmapped:
            names = ", ".join(f"{k} ({v})" for k, v in sorted(self.unmapped.items()))
            out.append("")
            out.append(f"Statuses no column maps: {names}.")
        out.extend(self.notes)
        return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
