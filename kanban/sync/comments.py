"""Which way each comment of a linked card goes: the pure three-way decision.

Each comment on a linked card keeps what both sides last agreed on: JIRA's
comment id and the agreed text (the *base*). Against JIRA's comments of the
issue, every comment is decided the way :mod:`kanban.sync.engine` decides a
field:

- changed only on the board (new, edited, deleted) → send it to JIRA;
- changed only in JIRA (new, edited, deleted) → take it onto the board;
- changed on both sides to the same text → record it as agreed;
- changed on both sides differently → a conflict, kept on the comment until
  a person chooses; neither text is dropped;
- unchanged on both sides → nothing, so a second run writes nothing.

Texts are compared in the board's form (:func:`normal`): the line breaks
and outer whitespace JIRA may add are not a change. A new board comment
that JIRA already holds with the same text (a run that stopped between
sending it and saving its id) is matched, not sent twice. JIRA's list is
trusted to be whole only when ``complete``; a comment missing from a cut
list is not taken as deleted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kanban.domain.validation import strip_controls
from kanban.sync.mapping import RemoteComment


class Op(enum.StrEnum):
    """What to do with one comment."""

    PULL_NEW = "pull_new"  # a JIRA comment the board has not got
    PULL_EDIT = "pull_edit"  # JIRA's new text onto the board's comment
    PULL_DELETE = "pull_delete"  # JIRA deleted it, the board had not changed it
    AGREE = "agree"  # both sides hold the same text: record it as the base
    LINK = "link"  # a board comment JIRA already has (same text): store its id
    CONFLICT = "conflict"  # both changed differently: keep JIRA's side beside it
    FORGET = "forget"  # deleted on both sides: drop the JIRA id
    SEND_NEW = "send_new"
    SEND_EDIT = "send_edit"
    SEND_DELETE = "send_delete"


SENDS = frozenset({Op.SEND_NEW, Op.SEND_EDIT, Op.SEND_DELETE})


@dataclass(frozen=True, slots=True)
class LocalComment:
    """A board comment of a linked card with its sync state (tombstones too)."""

    id: int
    body: str
    deleted: bool
    jira_id: str | None
    base_body: str | None
    revision: int
    conflict: dict[str, object] | None = None


@dataclass(frozen=True, slots=True)
class CommentAction:
    """One decided comment: ``local`` is None for a new JIRA comment."""

    op: Op
    local: LocalComment | None = None
    remote: RemoteComment | None = None


EMPTY = "(empty comment)"


def normal(text: str | None) -> str:
    """A comment's text as the board keeps and compares it (never empty)."""
    raw = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    kept = strip_controls(raw, multiline=True).split("\n")
    return "\n".join(line.rstrip() for line in kept).strip() or EMPTY


def plan_comments(
    local: Sequence[LocalComment], remote: Iterable[RemoteComment], *, complete: bool = True
) -> list[CommentAction]:
    """Decide every comment of one linked card (see the module docstring)."""
    remote_by_id = {r.id: r for r in remote}
    actions: list[CommentAction] = []
    matched: set[str] = set()
    for lc in local:
        if lc.jira_id is None:
            continue
        r = remote_by_id.get(lc.jira_id)
        if r is not None:
            matched.add(r.id)
        action = _decide_known(lc, r, complete)
        if action is not None:
            actions.append(action)
    unsent = [lc for lc in local if lc.jira_id is None and not lc.deleted]
    for r in remote_by_id.values():
        if r.id in matched:
            continue
        twin = next((lc for lc in unsent if normal(lc.body) == normal(r.body)), None)
        if twin is not None:
            unsent.remove(twin)
            actions.append(CommentAction(Op.LINK, twin, r))
        else:
            actions.append(CommentAction(Op.PULL_NEW, None, r))
    actions.extend(CommentAction(Op.SEND_NEW, lc) for lc in unsent)
    return actions


def _decide_known(
    lc: LocalComment, r: RemoteComment | None, complete: bool
) -> CommentAction | None:
    base = normal(lc.base_body)
    if r is None:
        if not complete:
            return None
        if lc.deleted:
            return CommentAction(Op.FORGET, lc)
        if lc.conflict is not None and lc.conflict.get("deleted"):
            return None  # already waiting for a person
        if lc.conflict is None and normal(lc.body) == base:
            return CommentAction(Op.PULL_DELETE, lc)
        return CommentAction(Op.CONFLICT, lc)
    theirs = normal(r.body)
    if lc.conflict is not None:
        # Waiting for a person: only a further change in JIRA is recorded.
        if lc.conflict.get("deleted") or normal(str(lc.conflict.get("body") or "")) != theirs:
            return CommentAction(Op.CONFLICT, lc, r)
        return None
    remote_changed = theirs != base
    local_changed = lc.deleted or normal(lc.body) != base
    if not remote_changed:
        if not local_changed:
            return None
        return CommentAction(Op.SEND_DELETE if lc.deleted else Op.SEND_EDIT, lc, r)
    if not local_changed:
        return CommentAction(Op.PULL_EDIT, lc, r)
    if not lc.deleted and normal(lc.body) == theirs:
        return CommentAction(Op.AGREE, lc, r)
    return CommentAction(Op.CONFLICT, lc, r)
