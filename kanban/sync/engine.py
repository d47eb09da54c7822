"""The sync decision: a pure function from (base, card, issue) to an action.

This is the three-way algorithm of status-database sync tools (vdirsyncer's,
after OfflineIMAP's) restated for a card and its JIRA issue, applied field by
field. The *base* is what both sides last agreed on. For each synced field:

=================  ====================  =================================
local vs base      remote vs base        result
=================  ====================  =================================
same               same                  nothing
changed            same                  push the card's value
same               changed               pull JIRA's value
changed            changed, equal        record (both already agree)
changed            changed, different    conflict: both values kept, user picks
=================  ====================  =================================

When one side is missing: a new issue creates a card, a new card creates an
issue (only when the board is set to), an issue that left the query archives
its card unless the card was edited since (an edit beats a deletion), and an
archived card comes back when JIRA changed its issue.

Nothing here does I/O. The sync service reads a page of issues and the
matching cards, calls :func:`plan` on the pairs, then applies the actions; a
dry run (``kanban sync --dry-run``) shows the same actions instead.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# Fields both sides edit. "column" stands for the JIRA status (mapped by id),
# "assignee" for the JIRA user id (name on Server, accountId on Cloud),
# "flagged" for the Flagged/Impediment field vs the card's not-ready mark.
SYNCED_FIELDS: tuple[str, ...] = ("title", "description", "column", "assignee", "labels", "flagged")
# Fields JIRA owns: pulled when JIRA changes them, never pushed.
PULL_ONLY_FIELDS: tuple[str, ...] = ("project",)
ALL_FIELDS: tuple[str, ...] = SYNCED_FIELDS + PULL_ONLY_FIELDS
# Labels the app stamps on issues it creates; they identify the card, so they
# are not part of the card's labels (cf. vdirsyncer's IGNORE_PROPS).
STAMP_PREFIX = "kanban-card-"


class Decision(enum.StrEnum):
    """What to do with one card/issue pair."""

    NONE = "none"
    RECORD = "record"
    PULL = "pull"
    PUSH = "push"
    MERGE = "merge"
    CONFLICT = "conflict"
    CREATE_CARD = "create_card"
    CREATE_ISSUE = "create_issue"
    ARCHIVE_CARD = "archive_card"
    KEEP_CARD = "keep_card"
    RESTORE_CARD = "restore_card"


class Prefer(enum.StrEnum):
    """Who wins a field that has no base value (a pair seen together for the first time)."""

    NOBODY = "nobody"  # a conflict: the user decides
    LOCAL = "local"  # the card created this issue: its values are the truth
    REMOTE = "remote"


@dataclass(frozen=True, slots=True)
class LocalItem:
    """A card as the sync sees it: its id, revision and synced-field values."""

    card_id: str
    revision: int
    values: Mapping[str, Any]
    archived: bool = False


@dataclass(frozen=True, slots=True)
class RemoteItem:
    """An issue as the sync sees it."""

    key: str
    values: Mapping[str, Any]
    updated: str = ""


@dataclass(frozen=True, slots=True)
class BaseItem:
    """A ``sync_link`` row: the values both sides last agreed on."""

    card_id: str
    issue_key: str | None
    values: Mapping[str, Any]
    card_revision: int = 0
    issue_updated: str = ""
    prefer: Prefer = Prefer.NOBODY


@dataclass(frozen=True, slots=True)
class Action:
    """The plan for one pair.

    Attributes:
        pull: fields to write on the card, with JIRA's values.
        push: fields to write to JIRA, with the card's values.
        conflicts: field → (card's value, JIRA's value).
        base: the new base once ``pull`` and ``push`` are applied; fields in
            conflict keep their old base.
    """

    decision: Decision
    card_id: str | None = None
    issue_key: str | None = None
    pull: dict[str, Any] = field(default_factory=dict)
    push: dict[str, Any] = field(default_factory=dict)
    conflicts: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    base: dict[str, Any] = field(default_factory=dict)

    @property
    def writes_jira(self) -> bool:
        """Whether applying this action sends anything to JIRA."""
        return bool(self.push) or self.decision is Decision.CREATE_ISSUE


@dataclass(frozen=True, slots=True)
class Pair:
    """The input of :func:`decide` for one ident."""

    base: BaseItem | None
    local: LocalItem | None
    remote: RemoteItem | None
    remote_gone: bool = False  # confirmed out of the query (direct check), not just unseen
    may_create_issue: bool = False


_MISSING = object()


def normalize(name: str, value: Any) -> Any:
    """The canonical form of a field value, so that noise is not a change."""
    if name == "title":
        return " ".join(str(value or "").split())
    if name == "description":
        # JIRA sends null for an empty description and may turn \n into \r\n.
        text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
        return "\n".join(line.rstrip() for line in text.split("\n")).strip()
    if name == "labels":
        return sorted({str(v) for v in (value or ()) if not str(v).startswith(STAMP_PREFIX)})
    if name == "flagged":
        return bool(value)
    if name in ("assignee", "project"):
        return str(value) if value not in (None, "") else None
    if name == "column":
        return int(value) if value is not None else None
    return value


def normalize_all(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: normalize(k, v) for k, v in values.items() if k in ALL_FIELDS}


def merge_field(base: Any, local: Any, remote: Any, prefer: Prefer = Prefer.NOBODY) -> str:
    """Three-way decision for one field: "same", "pull", "push" or "conflict".

    ``base`` may be :data:`_MISSING` (never agreed); ``prefer`` settles that case.
    """
    if local == remote:
        return "same"
    if base is _MISSING:
        if prefer is Prefer.LOCAL:
            return "push"
        if prefer is Prefer.REMOTE:
            return "pull"
        return "conflict"
    if local == base:
        return "pull"
    if remote == base:
        return "push"
    return "conflict"


def _merge(pair: Pair, local_item: LocalItem, remote_item: RemoteItem) -> Action:
    base_values = dict(pair.base.values) if pair.base else {}
    prefer = pair.base.prefer if pair.base else Prefer.NOBODY
    local = normalize_all(local_item.values)
    remote = normalize_all(remote_item.values)
    pull: dict[str, Any] = {}
    push: dict[str, Any] = {}
    conflicts: dict[str, tuple[Any, Any]] = {}
    new_base = dict(base_values)
    touched = False
    for name in ALL_FIELDS:
        if name not in local or name not in remote:
            continue  # a field this board does not sync (e.g. no Flagged field)
        base = normalize(name, base_values[name]) if name in base_values else _MISSING
        lv, rv = local[name], remote[name]
        if name in PULL_ONLY_FIELDS:
            if base is _MISSING or rv != base:
                if rv != lv:
                    pull[name] = rv
                new_base[name] = rv
                touched = touched or base is _MISSING or rv != base
            continue
        outcome = merge_field(base, lv, rv, prefer)
        if outcome == "same":
            if base is _MISSING or base != lv:
                touched = True
            new_base[name] = lv
        elif outcome == "pull":
            pull[name] = rv
            new_base[name] = rv
        elif outcome == "push":
            push[name] = lv
            new_base[name] = lv
        else:
            conflicts[name] = (lv, rv)
    if conflicts:
        decision = Decision.CONFLICT
    elif pull and push:
        decision = Decision.MERGE
    elif pull:
        decision = Decision.PULL
    elif push:
        decision = Decision.PUSH
    elif touched or pair.base is None:
        decision = Decision.RECORD
    else:
        decision = Decision.NONE
    return Action(
        decision,
        card_id=local_item.card_id,
        issue_key=remote_item.key,
        pull=pull,
        push=push,
        conflicts=conflicts,
        base=new_base,
    )


def changed_here(values: Mapping[str, Any], base: Mapping[str, Any]) -> bool:
    """Whether a card's synced fields differ from what was agreed with JIRA
    (what the next sync pushes); fields JIRA owns do not count."""
    return _changed(values, base)


def _changed(values: Mapping[str, Any], base: Mapping[str, Any]) -> bool:
    norm = normalize_all(values)
    return any(
        k in base and normalize(k, base[k]) != v for k, v in norm.items() if k in SYNCED_FIELDS
    )


def decide(pair: Pair) -> Action:
    """The action for one pair: see the module docstring for the table."""
    base, local, remote = pair.base, pair.local, pair.remote
    if local is not None and local.archived:
        # An archived card is "deleted on the board's side". JIRA has no delete
        # from us (no_delete), so the issue stays; a change in JIRA brings it back.
        if remote is not None and base is not None and _changed(remote.values, base.values):
            rv = normalize_all(remote.values)
            lv = normalize_all(local.values)
            pull = {k: v for k, v in rv.items() if lv.get(k, _MISSING) != v}
            return Action(
                Decision.RESTORE_CARD,
                card_id=local.card_id,
                issue_key=remote.key,
                pull=pull,
                base=rv,
            )
        return Action(
            Decision.NONE, card_id=local.card_id, issue_key=base.issue_key if base else None
        )
    if local is not None and remote is not None:
        return _merge(pair, local, remote)
    if local is not None:  # no issue
        if base is None or base.issue_key is None:
            if pair.may_create_issue:
                return Action(
                    Decision.CREATE_ISSUE,
                    card_id=local.card_id,
                    push=normalize_all(local.values),
                    base={},
                )
            return Action(Decision.NONE, card_id=local.card_id)
        if not pair.remote_gone:
            return Action(Decision.NONE, card_id=local.card_id, issue_key=base.issue_key)
        if _changed(local.values, base.values):
            return Action(Decision.KEEP_CARD, card_id=local.card_id, issue_key=base.issue_key)
        return Action(Decision.ARCHIVE_CARD, card_id=local.card_id, issue_key=base.issue_key)
    if remote is not None:  # no card on the board
        values = normalize_all(remote.values)
        return Action(Decision.CREATE_CARD, issue_key=remote.key, pull=values, base=values)
    # Only a base: the card went with its link (a link's card is never deleted
    # on its own), so there is nothing to do.
    return Action(Decision.NONE)


def plan(pairs: Iterable[Pair]) -> list[Action]:
    """Decide every pair; the executor runs the result, a preview just shows it."""
    return [decide(p) for p in pairs]


def summarize(actions: Iterable[Action]) -> dict[str, int]:
    """Counts per decision, for the run log's line per page ("pull 3, conflict 1")."""
    counts: dict[str, int] = {}
    for action in actions:
        if action.decision is not Decision.NONE:
            counts[action.decision.value] = counts.get(action.decision.value, 0) + 1
    return counts
