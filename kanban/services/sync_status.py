"""What the sync left on the board, for the window and the CLI: badges, notes, status, pending.

All of it is read from the sync tables without talking to JIRA, so the
board's loader thread can call it with every reload. A card's badge and its
tooltip come from one read (:func:`card_badges_and_notes`) and use the same
test for "a change waits for the next sync" (:func:`unsent_cards`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from kanban.domain.model import ColumnKind
from kanban.domain.sync_states import CardSyncState, ItemKind, RunStatus, badge_text
from kanban.services.board import BoardService
from kanban.store import repo, sync_repo
from kanban.sync.engine import changed_here
from kanban.sync.mapping import local_values
from kanban.sync.statuses import MappedBy, StatusMapping, statuses_from_json

# How a synced field is named in messages.
FIELD_WORDS = {
    "title": "title",
    "description": "description",
    "column": "column (status)",
    "assignee": "assignee",
    "labels": "labels",
    "flagged": "flag",
    "create": "new issue",
}


def field_words(name: str) -> str:
    """A synced field's name as the window and the CLI say it."""
    return FIELD_WORDS.get(name, name)


def describe_open_item(
    kind: ItemKind, field: str, local: Any, remote: Any, message: str | None
) -> str:
    """One line for a conflict or a refused push, the same in tooltips, editor and CLI."""
    what = field_words(field)
    if kind is ItemKind.CONFLICT:
        return f"Conflict on {what}: board {local!r}, JIRA {remote!r}. Choose in the sync panel."
    return f"Not pushed ({what}): {message or 'JIRA refused'}"


@dataclass(frozen=True)
class SyncStatus:
    """For the banner and the status bar: how the last run went, what waits."""

    configured: bool
    last_run: sync_repo.Run | None
    offline: bool
    message: str | None
    pending: int
    conflicts: int
    queued: int


@dataclass(frozen=True)
class PendingItem:
    """A row of the sync panel: a queued push or a conflict on one card field."""

    card_id: str
    card_title: str
    issue_key: str | None
    field: str
    kind: ItemKind
    local: Any
    remote: Any
    base: Any
    message: str | None
    attempts: int
    updated_at: datetime
    # The values as a person reads them: a column's name, JIRA's status name.
    local_text: str = ""
    remote_text: str = ""

    def describe(self) -> str:
        return describe_open_item(self.kind, self.field, self.local, self.remote, self.message)


@dataclass(frozen=True, slots=True)
class SyncView:
    """What the badges and their tooltips are made from, read in one transaction."""

    links: dict[str, sync_repo.Link]
    items: list[sync_repo.Item]
    revisions: dict[str, int]
    unsent: set[str]


def read_view(board: BoardService) -> SyncView:
    with board.reading() as conn:
        links = sync_repo.load_links(conn)
        revisions = sync_repo.card_revisions(conn)
        return SyncView(
            links, sync_repo.list_items(conn), revisions, unsent_cards(conn, links, revisions)
        )


def card_states(view: SyncView) -> dict[str, tuple[CardSyncState, str | None]]:
    """card id → its sync state and issue key."""
    out: dict[str, tuple[CardSyncState, str | None]] = {}
    for link in view.links.values():
        if link.card_id not in view.revisions:
            continue
        if link.issue_key is None or link.card_id in view.unsent:
            out[link.card_id] = (CardSyncState.QUEUED, link.issue_key)
        else:
            out[link.card_id] = (CardSyncState.IN_STEP, link.issue_key)
    for item in view.items:
        key = out.get(item.card_id, (CardSyncState.IN_STEP, None))[1]
        if item.kind is ItemKind.CONFLICT:
            out[item.card_id] = (CardSyncState.CONFLICT, key)
        elif out.get(item.card_id, (None,))[0] is not CardSyncState.CONFLICT:
            retryable = item.values.get("retryable", False)
            out[item.card_id] = (CardSyncState.QUEUED if retryable else CardSyncState.ERROR, key)
    return out


def badges(view: SyncView) -> dict[str, str]:
    return {card_id: badge_text(s, key) for card_id, (s, key) in card_states(view).items()}


def card_badges(board: BoardService) -> dict[str, str]:
    """card id → a short badge for the board: "⇄ OPS-12" (linked, in step),
    "⟳ queued" (a change waits to be pushed), "⚠ conflict", "✖ error" (JIRA refused).

    Cheap (a few queries) and needs no JIRA settings.
    """
    return badges(read_view(board))


def card_badges_and_notes(board: BoardService) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`card_badges` and :func:`card_sync_notes` from one read of the sync state."""
    view = read_view(board)
    return badges(view), notes(view)


def card_sync_notes(board: BoardService) -> dict[str, str]:
    """card id → a tooltip for the badge: the issue, its JIRA status, and what waits (with
    JIRA's own reason for a refused push, both values for a conflict)."""
    return notes(read_view(board))


def notes(view: SyncView) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for link in view.links.values():
        if link.issue_key:
            status = link.info.get("status")
            out[link.card_id] = [f"{link.issue_key}" + (f" ({status} in JIRA)" if status else "")]
            if link.card_id in view.unsent:  # the same test as the "⟳ queued" badge
                out[link.card_id].append("Changed here since the last sync; the next sync sends it")
        else:
            out[link.card_id] = ["New issue being created in JIRA"]
    for item in view.items:
        line = describe_open_item(
            item.kind,
            item.field,
            item.values.get("local"),
            item.values.get("remote"),
            item.message,
        )
        out.setdefault(item.card_id, []).append(line)
    return {card_id: "\n".join(lines) for card_id, lines in out.items()}


def unsent_cards(
    conn: Connection, links: Mapping[str, sync_repo.Link], revisions: Mapping[str, int]
) -> set[str]:
    """Linked cards with a change to a synced field that the next sync sends.

    A newer revision alone is not enough: a new size, a reorder, a project
    (JIRA owns it) or a conflict settled with JIRA's value sends nothing.
    Only cards changed since their last sync are read, usually a handful.
    """
    candidates = [
        link
        for link in links.values()
        if link.issue_key
        and link.card_id in revisions
        and (link.needs_push or revisions[link.card_id] != link.card_revision)
    ]
    if not candidates:
        return set()
    pool_id = next(c.id for c in repo.list_columns(conn) if c.kind is ColumnKind.POOL)
    people = {p.id: p for p in repo.list_people(conn)}
    unsent: set[str] = set()
    for link in candidates:
        card = repo.get_card(conn, card_id=link.card_id)
        if card is None:
            continue
        values = local_values(card, people, pool_id, link.base, "flagged" in link.base)
        if changed_here(values, link.base):
            unsent.add(card.id)
    return unsent


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One JIRA status as the board places it (``kanban jira statuses``, the dialog's table)."""

    id: str
    name: str
    category: str
    column_id: int | None
    column: str | None
    how: MappedBy | None  # explicit (a column lists it), by category, or nowhere
    issues: int  # linked cards on the board in this status

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "column": self.column,
            "column_id": self.column_id,
            "mapped": self.how.value if self.how else None,
            "issues": self.issues,
        }


def status_rows(board: BoardService) -> list[StatusRow]:
    """Every JIRA status the board has seen, where it lands, and how many cards sit there.

    Seen means: in JIRA's status list (read by a sync) or on a linked card.
    """
    with board.reading() as conn:
        known = statuses_from_json(sync_repo.get_meta(conn, key="statuses", default=[]))
        links = sync_repo.load_links(conn)
        revisions = sync_repo.card_revisions(conn)
        columns = repo.list_columns(conn)
    mapping = StatusMapping(columns, known)
    counts: Counter[str] = Counter()
    for link in links.values():
        sid = link.info.get("status_id")
        if link.card_id in revisions and sid:
            counts[str(sid)] += 1
            mapping.learn(str(sid), str(link.info.get("status") or sid), "")
    names = {c.id: c.name for c in columns}
    order = {c.id: c.order for c in columns}
    rows = []
    for sid, info in mapping.known.items():
        col = mapping.column_of(sid)
        rows.append(
            StatusRow(
                sid,
                info.name,
                info.category,
                col,
                names.get(col) if col is not None else None,
                mapping.how(sid),
                counts.get(sid, 0),
            )
        )
    rows.sort(key=lambda r: (order.get(r.column_id, 10_000) if r.column_id else 10_000, r.name))
    return rows


def sync_status(board: BoardService, configured: bool) -> SyncStatus:
    """How the last run went and how many cards wait, for the banner and ``kanban jira status``."""
    with board.reading() as conn:
        last = sync_repo.last_run(conn)
        items = sync_repo.list_items(conn)
        links = sync_repo.load_links(conn)
        revisions = sync_repo.card_revisions(conn)
    pending = sum(
        1
        for link in links.values()
        if link.card_id in revisions
        and (link.needs_push or revisions[link.card_id] != link.card_revision)
    )
    return SyncStatus(
        configured=configured,
        last_run=last,
        offline=last is not None and last.status is RunStatus.OFFLINE,
        message=last.message if last else None,
        pending=pending,
        conflicts=len({i.card_id for i in items if i.kind is ItemKind.CONFLICT}),
        queued=len({i.card_id for i in items if i.kind is ItemKind.QUEUED}),
    )


def pending_items(board: BoardService) -> list[PendingItem]:
    """Queued pushes and conflicts, for the sync panel and ``kanban jira pending``."""
    with board.reading() as conn:
        items = sync_repo.list_items(conn)
        links = sync_repo.load_links(conn)
        cards = {c.id: c for c in repo.list_cards(conn, include_archived=True)}
        columns = {c.id: c.name for c in repo.list_columns(conn)}
        people = {p.jira_user: p.name for p in repo.list_people(conn) if p.jira_user}
    out = []
    for item in items:
        card = cards.get(item.card_id)
        link = links.get(item.card_id)
        local, remote = item.values.get("local"), item.values.get("remote")
        status = str(link.info.get("status") or "") if link else ""
        out.append(
            PendingItem(
                card_id=item.card_id,
                card_title=card.title if card else item.card_id,
                issue_key=link.issue_key if link else None,
                field=item.field,
                kind=item.kind,
                local=item.values.get("local"),
                remote=item.values.get("remote"),
                base=item.values.get("base"),
                message=item.message,
                attempts=item.attempts,
                updated_at=item.updated_at,
                local_text=_readable(item.field, local, columns, people),
                remote_text=(
                    f"{status} ({_readable(item.field, remote, columns, people)})"
                    if item.field == "column" and status
                    else _readable(item.field, remote, columns, people)
                ),
            )
        )
    return out


def _readable(
    field: str, value: Any, columns: Mapping[int, str], people: Mapping[str, str]
) -> str:
    """A synced value in words: columns and people by name, lists joined."""
    if value is None or value == "" or value == []:
        return "(none)"
    if field == "column":
        try:
            return columns.get(int(value), f"column {value}")
        except (TypeError, ValueError):
            return str(value)
    if field == "assignee":
        return people.get(str(value), str(value).lstrip("?"))
    if field == "flagged":
        return "not ready" if value else "ready"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
