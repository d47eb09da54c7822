"""Two-way sync between the board and JIRA: the use case behind ``kanban sync``.

One run (see :meth:`SyncService.sync`):

1. **Connect** (``kanban.sync.client``), read field ids (Flagged, Epic Link)
   and, when a board id is set, the agile board's columns, statuses and WIP.
2. **Pull pass**: page the board's JQL (incremental: ``updated >=`` the last
   good run minus an overlap; full: everything, every ``full_every_hours``).
   Each page is decided by the pure :func:`kanban.sync.engine.plan` and its
   board writes run in one transaction: new issues become cards with their
   changelog as history (real timestamps), JIRA-side changes are applied.
3. **Local pass**: linked cards edited since their last sync, and cards with
   an open queued push or conflict, are fetched fresh (``key in (...)``) and
   decided the same way.
4. **Scope pass** (full runs): linked issues the search no longer returned are
   checked directly; only those really out of scope are archived. A search
   that returns nothing while many cards are linked stops the run (``--force``).
5. **Push pass**: card-side changes go to JIRA: moves become transitions (a
   path through the learned workflow when one step is not enough), then
   assignee, summary, description, labels and the flag; new cards become
   issues when the board is set to create them, stamped with the card id.
   A refused push stays queued with JIRA's message; the local change is kept.

Board writes go through :class:`BoardService` internals with
``source=Source.JIRA`` (events carry source jira), skipping the team rules:
a change made in JIRA is a fact to mirror, not a move a rule could refuse.
Each card's change and its ``sync_link`` row are written in one savepoint, so
a crash leaves either both or neither, and the next run converges.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine, text

from kanban.domain.model import Card, Column, ColumnKind, EventKind, Person, Source
from kanban.errors import UserError
from kanban.services.board import BoardService, _placement_values, validate_labels
from kanban.settings import Config
from kanban.store import db, repo
from kanban.sync import state
from kanban.sync.client import JiraClient, SearchStats, ServerInfo
from kanban.sync.engine import (
    ALL_FIELDS,
    STAMP_PREFIX,
    Action,
    BaseItem,
    Decision,
    LocalItem,
    Pair,
    Prefer,
    RemoteItem,
    changed_here,
    decide,
    normalize_all,
)
from kanban.sync.errors import (
    JiraError,
    JiraOffline,
    JiraRejected,
    NotConfigured,
    SideEmpty,
    SyncBusy,
    SyncCancelled,
)
from kanban.sync.graph import StatusGraph, find_path
from kanban.sync.mapping import (
    NO_JIRA_USER,
    FieldIds,
    IssueRecord,
    JiraUser,
    assignee_changes,
    category_column,
    flag_changes,
    local_values,
    parse_issue,
    remote_values,
    status_changes,
    status_map,
)
from kanban.sync.settings import JiraSettings, load_token

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=5)  # clocks and JQL's minute precision: re-read a margin
MIN_LINKED_FOR_GUARD = 3  # "zero results where there were many"
MAX_TRANSITION_STEPS = 8
KEY_CHUNK = 50
FLAG_REASON = "Flagged in JIRA"
FLAG_OPTION = "Impediment"

ProgressFn = Callable[[int, int | None, str], None]
# (when, kind, the fields before, the fields after, who) of one history event.
TimelineEvent = tuple[datetime, EventKind, dict[str, Any], dict[str, Any], str]
# (card values, created at, the card's fields at creation, its timeline).
NewCard = tuple[dict[str, Any], datetime, dict[str, Any], list[TimelineEvent]]

_RUNNING: set[str] = set()
_RUNNING_LOCK = threading.Lock()


# The PostgreSQL advisory lock that stands for "this board is being synced".
_PG_SYNC_LOCK = 0x4B414E42  # "KANB"


@contextlib.contextmanager
def _board_sync_lock(url: str, engine: Engine | None = None) -> Iterator[None]:
    """One sync per board across processes (the wall's timer and a cron ``kanban sync``).

    Two runs at once could both create the JIRA issue of the same new card before
    either saves its key. For an SQLite board an exclusive lock on a file beside
    the database keeps the second run out; the OS drops it if the process dies.
    A board on a PostgreSQL server, shared by several machines, takes a session
    advisory lock there instead; the server drops it if the connection dies.
    """
    if engine is not None and engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            taken = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": _PG_SYNC_LOCK}
            ).scalar()
            conn.commit()
            if not taken:
                raise SyncBusy(
                    f"Another program is syncing this board ({db.describe(url)}) with JIRA "
                    "right now; this run did nothing. Try again when it has finished."
                )
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_SYNC_LOCK})
                conn.commit()
        return
    path = db.sqlite_path(url)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: the in-process lock remains
        fcntl = None  # type: ignore[assignment]
    if path is None or fcntl is None:
        yield
        return
    lock_path = path.with_name(path.name + ".sync-lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise SyncBusy(
                f"Another program is syncing this board with JIRA right now ({lock_path}); "
                "this run did nothing. Try again when it has finished."
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass
class SyncReport:
    """What one run did; ``to_json`` is the ``kanban sync --json`` summary."""

    mode: str = "incremental"
    pulled: int = 0
    created_cards: int = 0
    pushed: int = 0
    created_issues: int = 0
    conflicted: int = 0
    queued: int = 0
    archived: int = 0
    restored: int = 0
    kept: int = 0
    unchanged: int = 0
    search_requests: int = 0
    requests: int = 0
    unmapped: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    board_writes: int = 0
    jira_writes: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        parts = [
            f"{self.mode} sync: {self.pulled} pulled ({self.created_cards} new cards)",
            f"{self.pushed} pushed ({self.created_issues} new issues)",
            f"{self.conflicted} in conflict",
            f"{self.queued} queued",
        ]
        if self.archived:
            parts.append(f"{self.archived} archived")
        if self.restored:
            parts.append(f"{self.restored} restored")
        if self.unmapped:
            names = ", ".join(f"{k} ({v})" for k, v in sorted(self.unmapped.items()))
            parts.append(f"unmapped statuses: {names}")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class SyncStatus:
    """For the banner and the status bar: how the last run went, what waits."""

    configured: bool
    last_run: state.Run | None
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
    kind: str
    local: Any
    remote: Any
    base: Any
    message: str | None
    attempts: int
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class _SyncView:
    """What the badges and their tooltips are made from, read in one transaction."""

    links: dict[str, state.Link]
    items: list[state.Item]
    revisions: dict[str, int]
    unsent: set[str]


def _read_view(board: BoardService) -> _SyncView:
    with board._read() as conn:
        links = state.load_links(conn)
        revisions = state.card_revisions(conn)
        return _SyncView(
            links, state.list_items(conn), revisions, _unsent_cards(conn, links, revisions)
        )


def card_badges(board: BoardService) -> dict[str, str]:
    """card id → a short badge for the board: "⇄ OPS-12" (linked, in step),
    "⟳ queued" (a change waits to be pushed), "⚠ conflict", "✖ error" (JIRA refused).

    Cheap (a few queries) and needs no JIRA settings, so the board's loader
    thread can call it with every reload.
    """
    return _badges(_read_view(board))


def card_badges_and_notes(board: BoardService) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`card_badges` and :func:`card_sync_notes` from one read of the sync state."""
    view = _read_view(board)
    return _badges(view), _notes(view)


def _badges(view: _SyncView) -> dict[str, str]:
    out: dict[str, str] = {}
    for link in view.links.values():
        if link.card_id not in view.revisions:
            continue
        if link.issue_key is None or link.card_id in view.unsent:
            out[link.card_id] = "⟳ queued"
        else:
            out[link.card_id] = f"⇄ {link.issue_key}"
    for item in view.items:
        if item.kind == state.CONFLICT:
            out[item.card_id] = "⚠ conflict"
        elif out.get(item.card_id) != "⚠ conflict":
            retryable = item.values.get("retryable", False)
            out[item.card_id] = "⟳ queued" if retryable else "✖ error"
    return out


def _unsent_cards(
    conn: Connection, links: Mapping[str, state.Link], revisions: Mapping[str, int]
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
        and revisions[link.card_id] != link.card_revision
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


FIELD_WORDS = {
    "title": "title",
    "description": "description",
    "column": "column (status)",
    "assignee": "assignee",
    "labels": "labels",
    "flagged": "flag",
    "create": "new issue",
}


def card_sync_notes(board: BoardService) -> dict[str, str]:
    """card id → a tooltip for the badge: the issue, its JIRA status, and what waits (with
    JIRA's own reason for a refused push, both values for a conflict)."""
    return _notes(_read_view(board))


def _notes(view: _SyncView) -> dict[str, str]:
    notes: dict[str, list[str]] = {}
    for link in view.links.values():
        if link.issue_key:
            status = link.info.get("status")
            notes[link.card_id] = [f"{link.issue_key}" + (f" ({status} in JIRA)" if status else "")]
            if link.card_id in view.unsent:  # the same test as the "⟳ queued" badge
                notes[link.card_id].append(
                    "Changed here since the last sync; the next sync sends it"
                )
        else:
            notes[link.card_id] = ["New issue being created in JIRA"]
    for item in view.items:
        what = FIELD_WORDS.get(item.field, item.field)
        if item.kind == state.CONFLICT:
            line = (
                f"Conflict on {what}: board {item.values.get('local')!r}, "
                f"JIRA {item.values.get('remote')!r}. Choose in the sync panel."
            )
        else:
            line = f"Not pushed ({what}): {item.message or 'JIRA refused'}"
        notes.setdefault(item.card_id, []).append(line)
    return {card_id: "\n".join(lines) for card_id, lines in notes.items()}


def check_connection(settings: JiraSettings, token: str | None = None) -> ServerInfo:
    """Connect with these settings (and this token, else the stored one) and report
    server version, deployment type and user; for the setup dialog's button."""
    settings.validate()
    if not token:
        token, _note = load_token(settings)
    if not token:
        raise NotConfigured(
            "Type the JIRA token (a personal access token, or the API token on Cloud) first."
        )
    return JiraClient(settings, token).server_info()


class _JiraWriter(BoardService):
    """The board's use cases for changes that already happened in JIRA.

    These skip the team rules (JIRA's state is a fact, not a request) and are
    written with ``source=Source.JIRA``; everything else is BoardService's
    own machinery: dense positions, revision checks, before/after events.
    """

    def conn(self) -> Connection:
        c = getattr(self, "_batch_conn", None)
        assert c is not None  # noqa: S101 - only used inside batch()
        return c

    def apply_remote(
        self, conn: Connection, card: Card, values: dict[str, Any], kind: EventKind, at: datetime
    ) -> Card:
        result = self._commit_change(conn, card, values, kind, None, [], Source.JIRA, at=at)
        return result.card

    _counts: dict[tuple[int, int | None], int] | None = None

    def forget_counts(self) -> None:
        """Cards moved by other means: count the cells again before the next insert."""
        self._counts = None

    def _cell_counts(self, conn: Connection) -> dict[tuple[int, int | None], int]:
        # Counted once per page transaction and kept up to date by our own inserts.
        if self._counts is None:
            counts: dict[tuple[int, int | None], int] = defaultdict(int)
            for column_id, person_id, _blocked, n in repo.cell_counts(conn):
                counts[(column_id, person_id)] += n
            self._counts = counts
        return self._counts

    def insert_cards_from_jira(
        self,
        conn: Connection,
        items: Sequence[NewCard],
    ) -> list[str]:
        """Insert cards already in their current place, with their JIRA history as events.

        Each item is (card values, created at, the card's fields at creation,
        timeline); the timeline holds (when, kind, before, after, author)
        changes, oldest first. One executemany per table: a first pull of
        thousands of issues is a few statements.
        """
        counts = self._cell_counts(conn)
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for values, created_at, initial, timeline in items:
            cell = (values["column_id"], values.get("person_id"))
            pos = counts[cell]
            counts[cell] = pos + 1
            row: dict[str, Any] = {
                "id": values.get("id") or repo.new_id(),
                "title": values["title"],
                "description": values.get("description", ""),
                "column_id": cell[0],
                "person_id": cell[1],
                "position": pos,
                "not_ready": values.get("not_ready", False),
                "not_ready_reason": values.get("not_ready_reason"),
                "not_ready_since": values.get("not_ready_since"),
                "size_days": 1.0,
                "labels": values.get("labels", []),
                "project": values.get("project"),
                "due_date": None,
                "jira_key": values["jira_key"],
                "created_at": created_at,
                "updated_at": created_at,
                "started_at": values.get("started_at"),
                "done_at": values.get("done_at"),
                "column_since": values.get("column_since") or created_at,
                "revision": 1,
                "archived": False,
            }
            rows.append(row)
            after = {k: repo.jsonable(row[k]) for k in repo.CARD_FIELDS}
            after.update(initial)
            events.append(
                _event(row["id"], EventKind.CREATED, {"archived": True}, after, created_at, "jira")
            )
            for at, kind, before, change, author in timeline:
                events.append(_event(row["id"], kind, before, change, at, author or "jira"))
        if rows:
            state.insert_cards(conn, rows=rows)
            repo.append_events(conn, events=events)
        return [r["id"] for r in rows]


_uuid_pool: list[bytes] = []


def _new_uuid() -> str:
    """A random UUID, drawing entropy 4 KB at a time.

    One ``os.urandom`` call per event cost a fifth of a 5,000-issue first pull.
    """
    if not _uuid_pool:
        block = os.urandom(4096)
        _uuid_pool.extend(block[i : i + 16] for i in range(0, 4096, 16))
    return str(uuid.UUID(bytes=_uuid_pool.pop(), version=4))


def _event(
    card_id: str,
    kind: EventKind,
    before: dict[str, Any],
    after: dict[str, Any],
    at: datetime,
    actor: str,
) -> dict[str, Any]:
    return {
        "card_id": card_id,
        "change_id": _new_uuid(),
        "actor": actor[:200],
        "at": at,
        "kind": kind.value,
        "before": before,
        "after": after,
        "reason": None,
        "rules": None,
        "source": Source.JIRA.value,
        "target_change": None,
    }


@dataclass
class _Context:
    """What one run knows about the board and the server."""

    client: JiraClient
    cloud: bool
    ids: FieldIds
    columns: list[Column]
    statuses: dict[str, int]
    people_by_user: dict[str, Person]
    pool_id: int
    tz: str
    seen: set[str] = field(default_factory=set)  # issue keys read this run
    graphs: dict[str, StatusGraph] = field(default_factory=dict)
    status_samples: dict[str, dict[str, str]] = field(default_factory=dict)
    status_names: dict[str, str] = field(default_factory=dict)
    people_by_id: dict[int, Person] = field(default_factory=dict)
    samples_loaded: bool = False
    # card id → (action, issue, the card's revision once its pulls were applied)
    pushes: dict[str, tuple[Action, IssueRecord, int]] = field(default_factory=dict)

    @property
    def with_flag(self) -> bool:
        return self.ids.flagged is not None


class SyncService:
    """JIRA sync over one board.

    Args:
        board: the board's service (its engine is shared).
        settings: JIRA settings; read from the config file when omitted.
        client_factory: builds the JIRA client (tests pass one with a short timeout).
    """

    def __init__(
        self,
        board: BoardService,
        settings: JiraSettings | None = None,
        *,
        config: Config | None = None,
        client_factory: Callable[[JiraSettings, str, threading.Event], JiraClient] | None = None,
    ) -> None:
        self.board = board
        self.config = config
        self.settings = settings if settings is not None else JiraSettings.load(config)
        self._client_factory = client_factory or (
            lambda s, token, cancel: JiraClient(s, token, cancel=cancel)
        )
        self.writer = _JiraWriter(board.engine, "jira", board.url)

    @classmethod
    def open(cls, url: str, actor: str, config: Config | None = None) -> SyncService:
        """A sync service with its own database connection (for a worker thread)."""
        return cls(BoardService.open(url, actor), config=config)

    def close(self) -> None:
        self.board.close()

    # --- connection ------------------------------------------------------------

    def connect(self, cancel: threading.Event | None = None) -> tuple[JiraClient, list[str]]:
        """A client for the configured server, and notes about where the token came from."""
        if not self.settings.configured:
            raise NotConfigured(
                "JIRA sync is not set up. Run 'kanban jira setup --url URL --jql JQL' "
                "(or JIRA → Connection… in the app) first."
            )
        token, note = load_token(self.settings)
        notes = [note] if note else []
        if not token:
            raise NotConfigured(
                f"No JIRA token for {self.settings.url}. "
                + (f"{note} " if note else "")
                + "Run 'kanban jira setup' to store one in the keyring, or set "
                "KANBAN_JIRA_TOKEN for this run."
            )
        return self._client_factory(self.settings, token, cancel or threading.Event()), notes

    def test_connection(self) -> ServerInfo:
        """Server version, deployment type and the signed-in user (``kanban jira test``)."""
        client, _notes = self.connect()
        return client.server_info()

    # --- status for the GUI and the CLI ---------------------------------------------

    def status(self) -> SyncStatus:
        with self.board._read() as conn:
            last = state.last_run(conn)
            items = state.list_items(conn)
            links = state.load_links(conn)
            cards = {c.id: c for c in repo.list_cards(conn)}
        pending = sum(
            1
            for link in links.values()
            if link.card_id in cards and cards[link.card_id].revision != link.card_revision
        )
        conflicts = len({i.card_id for i in items if i.kind == state.CONFLICT})
        queued = len({i.card_id for i in items if i.kind == state.QUEUED})
        offline = last is not None and last.status == "offline"
        return SyncStatus(
            configured=self.settings.configured,
            last_run=last,
            offline=offline,
            message=last.message if last else None,
            pending=pending,
            conflicts=conflicts,
            queued=queued,
        )

    def badges(self) -> dict[str, str]:
        """card id → a short badge: linked, queued change, conflict or error."""
        return card_badges(self.board)

    def pending(self) -> list[PendingItem]:
        """Queued pushes and conflicts, for the sync panel and ``kanban jira pending``."""
        with self.board._read() as conn:
            items = state.list_items(conn)
            links = state.load_links(conn)
            cards = {c.id: c for c in repo.list_cards(conn, include_archived=True)}
        out = []
        for item in items:
            card = cards.get(item.card_id)
            link = links.get(item.card_id)
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
                )
            )
        return out

    # --- resolving -------------------------------------------------------------------

    def resolve(self, card_ref: str, field_name: str, keep: str) -> str:
        """Settle a conflict: ``keep`` is "mine" (the card's value) or "jira".

        The choice is written into the base, so the next sync pushes (mine) or
        pulls (jira) the field like any one-sided change.
        """
        if keep not in ("mine", "jira"):
            raise UserError(f"Keep '{keep}'? Choose 'mine' or 'jira'.")
        with self.board._write() as conn:
            card = repo.find_card(conn, ref=card_ref)
            link = state.get_link(conn, card_id=card.id)
            items = {
                i.field: i for i in state.list_items(conn, card_id=card.id) if i.kind == "conflict"
            }
            item = items.get(field_name)
            if link is None or item is None:
                fields = ", ".join(sorted(items)) or "none"
                raise UserError(
                    f"Card '{card.title}' has no conflict on '{field_name}' (conflicts: {fields})."
                )
            base = dict(link.base)
            # Base = the side that loses: the winner then reads as the only change.
            base[field_name] = item.values.get("remote" if keep == "mine" else "local")
            state.update_link(conn, card_id=card.id, values={"base": base, "card_revision": -1})
            state.clear_items(conn, card_id=card.id, fields=[field_name])
        side = "your value" if keep == "mine" else "JIRA's value"
        return (
            f"Card '{card.title}': {field_name} keeps {side}; the next sync "
            f"{'pushes it to' if keep == 'mine' else 'takes it from'} {link.issue_key}."
        )

    def revert(self, card_ref: str, field_name: str | None = None) -> str:
        """Undo a queued push on the board: the field goes back to the agreed value."""
        with self.board._read() as conn:
            card = repo.find_card(conn, ref=card_ref)
            link = state.get_link(conn, card_id=card.id)
            items = [i for i in state.list_items(conn, card_id=card.id) if i.kind == "queued"]
            people = {p.jira_user: p for p in repo.list_people(conn) if p.jira_user}
        if field_name is not None:
            items = [i for i in items if i.field == field_name]
        if link is None or not items:
            raise UserError(f"Card '{card.title}' has no queued change to revert.")
        for item in items:
            base = link.base.get(item.field)
            if item.field == "column" and base is not None:
                self.board.move_card(
                    card.id, column=int(base), override_reason="Reverted: JIRA refused the move"
                )
            elif item.field == "assignee":
                person = people.get(base) if base else None
                self.board.assign(
                    card.id,
                    person.id if person else None,
                    override_reason="Reverted: JIRA refused the assignee",
                )
            elif item.field == "flagged":
                fresh = self.board.card(card.id)
                if base and not fresh.not_ready:
                    self.board.block(card.id, FLAG_REASON)
                elif not base and fresh.not_ready:
                    self.board.unblock(card.id)
            elif item.field in ("title", "description"):
                self.board.edit_card(card.id, **{item.field: base or ""})
            elif item.field == "labels":
                self.board.edit_card(card.id, labels=list(base or []))
            with self.board._write() as conn:
                state.clear_items(conn, card_id=card.id, fields=[item.field])
        return f"Card '{card.title}': reverted {', '.join(i.field for i in items)}."

    # --- the run ---------------------------------------------------------------------

    def sync(
        self,
        *,
        force: bool = False,
        full: bool | None = None,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncReport:
        """Run one two-way sync; see the module docstring.

        Raises:
            NotConfigured, SideEmpty, SyncBusy, JiraError: the run stopped; the
            reason is recorded in the run log and nothing local was lost.
        """
        key = self.board.url
        with _RUNNING_LOCK:
            if key in _RUNNING:
                raise SyncBusy("A JIRA sync of this board is already running; wait for it.")
            _RUNNING.add(key)
        try:
            with _board_sync_lock(key, self.board.engine):
                return self._sync(force=force, full=full, progress=progress, cancel=cancel)
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(key)

    def _sync(
        self,
        *,
        force: bool,
        full: bool | None,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
    ) -> SyncReport:
        report = SyncReport()
        started = datetime.now(UTC)
        self.writer.forget_counts()
        say = progress or (lambda _d, _t, _m: None)
        with self.board._write() as conn:
            last_ok = state.last_run(conn, status="ok")
            last_full = state.last_run(conn, status="ok", mode="full")
            last_jql = state.get_meta(conn, key="jql")
            mode = self._mode(full, last_ok, last_full, last_jql)
            run_id = state.start_run(conn, mode=mode, started_at=started)
        report.mode = mode
        try:
            say(0, None, f"Connecting to {self.settings.url}")
            client, notes = self.connect(cancel)
            report.notes.extend(notes)
            ctx = self._context(client, report, refresh=mode == "full")
            since = None if mode == "full" or last_ok is None else last_ok.started_at - OVERLAP
            self._pull_pass(ctx, report, since, say)
            self._local_pass(ctx, report)
            if mode == "full":
                self._scope_pass(ctx, report, force)
            self._push_pass(ctx, report, say)
            self._create_pass(ctx, report)
            self._save_graphs(ctx)
            report.requests = client.requests
            with self.board._write() as conn:
                items = state.list_items(conn)
                report.conflicted = len({i.card_id for i in items if i.kind == state.CONFLICT})
                report.queued = len({i.card_id for i in items if i.kind == state.QUEUED})
                state.set_meta(conn, key="jql", value=self.settings.effective_jql)
                state.finish_run(
                    conn, run_id=run_id, status="ok", counts=report.to_json(), message=None
                )
            say(1, 1, report.summary())
            log.info("JIRA sync done: %s", report.summary())
            return report
        except BaseException as exc:
            status = "offline" if isinstance(exc, JiraOffline) else "failed"
            message = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
            with self.board._write() as conn:
                state.finish_run(
                    conn, run_id=run_id, status=status, counts=report.to_json(), message=message
                )
            raise

    def _mode(
        self,
        full: bool | None,
        last_ok: state.Run | None,
        last_full: state.Run | None,
        last_jql: str | None,
    ) -> str:
        if full is not None:
            return "full" if full else "incremental"
        if last_ok is None or last_full is None or last_jql != self.settings.effective_jql:
            return "full"
        age = datetime.now(UTC) - last_full.started_at
        if age >= timedelta(hours=self.settings.full_every_hours):
            return "full"
        return "incremental"

    # --- context -------------------------------------------------------------------------

    def _context(self, client: JiraClient, report: SyncReport, refresh: bool) -> _Context:
        with self.board._read() as conn:
            ids_meta = state.get_meta(conn, key="field_ids")
            tz = state.get_meta(conn, key="time_zone")
            graphs = state.get_meta(conn, key="workflows", default={})
        url_key = self.settings.url
        # Read again on full runs: an admin may have added the Flagged field since.
        if not ids_meta or ids_meta.get("url") != url_key or refresh:
            ids_meta = {
                "url": url_key,
                "flagged": client.field_id("Flagged"),
                "epic_link": client.field_id("Epic Link"),
            }
            tz = client.myself().get("timeZone") or "UTC"
            with self.board._write() as conn:
                state.set_meta(conn, key="field_ids", value=ids_meta)
                state.set_meta(conn, key="time_zone", value=tz)
        ids = FieldIds(flagged=ids_meta.get("flagged"), epic_link=ids_meta.get("epic_link"))
        if ids.flagged is None:
            report.notes.append("JIRA has no 'Flagged' field; not-ready marks are not synced.")
        if self.settings.board_id:
            self._apply_board_configuration(client, int(self.settings.board_id))
        columns = self.board.columns()
        people = self.board.people()
        pool = next(c for c in columns if c.kind is ColumnKind.POOL)
        return _Context(
            client=client,
            cloud=client.is_cloud,
            ids=ids,
            columns=columns,
            statuses=status_map(columns),
            people_by_user={p.jira_user: p for p in people if p.jira_user},
            people_by_id={p.id: p for p in people},
            pool_id=pool.id,
            tz=str(tz or "UTC"),
            graphs={k: StatusGraph(v) for k, v in (graphs or {}).items()},
        )

    def _apply_board_configuration(self, client: JiraClient, board_id: int) -> None:
        """Columns, their status ids and WIP min/max from the JIRA agile board."""
        config = client.board_configuration(board_id)
        board_cols = [
            c for c in (config.get("columnConfig") or {}).get("columns") or [] if c.get("statuses")
        ]
        if not board_cols:
            return
        columns = self.board.columns()
        used: set[int] = set()
        for index, bc in enumerate(board_cols):
            name = str(bc.get("name") or f"Column {index + 1}")
            statuses = [str(s.get("id")) for s in bc.get("statuses") or [] if s.get("id")]
            match = next((c for c in columns if c.name.lower() == name.lower()), None)
            if match is None and index == 0:
                match = next(c for c in columns if c.kind is ColumnKind.POOL)
            if match is None and index == len(board_cols) - 1:
                match = next((c for c in columns if c.kind is ColumnKind.DONE), None)
            wip_min, wip_max = bc.get("min"), bc.get("max")
            if match is None or match.id in used:
                kind = ColumnKind.DONE if index == len(board_cols) - 1 else ColumnKind.ACTIVE
                match = self.board.add_column(
                    name
                    if all(c.name.lower() != name.lower() for c in columns)
                    else f"{name} (JIRA)",
                    kind=kind,
                    position=len(columns) if kind is ColumnKind.DONE else None,
                    wip_min=wip_min,
                    wip_max=wip_max,
                    jira_statuses=statuses,
                )
                columns = self.board.columns()
            elif (
                list(match.jira_statuses) != statuses
                or match.wip_min != wip_min
                or match.wip_max != wip_max
            ):
                self.board.update_column(
                    match.id, jira_statuses=statuses, wip_min=wip_min, wip_max=wip_max
                )
            used.add(match.id)

    # --- passes ---------------------------------------------------------------------------

    def _jql(self, since: datetime | None, tz: str) -> str:
        jql = self.settings.effective_jql
        order = ""
        upper = jql.upper()
        if " ORDER BY " in upper:
            cut = upper.rindex(" ORDER BY ")
            jql, order = jql[:cut], jql[cut:]
        if since is None:
            return f"({jql}){order}"
        try:
            zone = ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        # JQL dates have minute precision in the searching user's time zone.
        stamp = since.astimezone(zone).strftime("%Y/%m/%d %H:%M")
        return f'({jql}) AND updated >= "{stamp}"{order}'

    def _pull_pass(
        self, ctx: _Context, report: SyncReport, since: datetime | None, say: ProgressFn
    ) -> None:
        stats = SearchStats()
        jql = self._jql(since, ctx.tz)
        say(0, None, "Reading issues from JIRA")
        for page in ctx.client.search(
            jql, ctx.ids.search_fields(), expand="changelog", stats=stats
        ):
            records = [parse_issue(raw, ctx.ids, ctx.cloud) for raw in page]
            self._absorb(ctx, records)
            self._apply_records(ctx, report, records)
            say(stats.issues, None, f"Read {stats.issues} issues")
        report.search_requests += stats.requests

    def _absorb(self, ctx: _Context, records: Iterable[IssueRecord]) -> None:
        """Note the keys seen, learn workflow edges from changelogs, note samples per status.

        Records themselves are not kept (only those with a push pending): holding
        thousands of them would make every full garbage collection, which stalls
        the GUI thread too, scan them all.
        """
        for rec in records:
            ctx.seen.add(rec.key)
            ctx.status_names[rec.status_id] = rec.status_name
            wf = ctx.graphs.setdefault(_workflow_key(rec), StatusGraph())
            for change in rec.status_changes:
                wf.add(change.from_status, change.to_status)
            ctx.status_samples.setdefault(_workflow_key(rec), {}).setdefault(rec.status_id, rec.key)

    def _fetch(self, ctx: _Context, keys: Iterable[str], report: SyncReport) -> list[IssueRecord]:
        keys = sorted(set(keys))
        found: list[IssueRecord] = []
        for i in range(0, len(keys), KEY_CHUNK):
            chunk = keys[i : i + KEY_CHUNK]
            stats = SearchStats()
            jql = f"key in ({', '.join(chunk)})"
            for page in ctx.client.search(
                jql, ctx.ids.search_fields(), expand="changelog", stats=stats
            ):
                found.extend(parse_issue(raw, ctx.ids, ctx.cloud) for raw in page)
            report.search_requests += stats.requests
        self._absorb(ctx, found)
        return found

    def _local_pass(self, ctx: _Context, report: SyncReport) -> None:
        """Linked cards changed on the board (or with open items) that the search skipped."""
        with self.board._read() as conn:
            links = state.link_revisions(conn)
            revisions = state.card_revisions(conn)
            with_items = state.item_cards(conn)
        keys = [
            key
            for card_id, key, linked_revision in links
            if key
            and key not in ctx.seen
            and card_id in revisions
            and (revisions[card_id] != linked_revision or card_id in with_items)
        ]
        if keys:
            self._apply_records(ctx, report, self._fetch(ctx, keys, report))

    def _scope_pass(self, ctx: _Context, report: SyncReport, force: bool) -> None:
        """Archive cards whose issues really left the board's query (full runs only)."""
        with self.board._read() as conn:
            revisions = state.card_revisions(conn)
            live = [
                key
                for card_id, key, _rev in state.link_revisions(conn)
                if key and card_id in revisions
            ]
            missing_keys = [key for key in live if key not in ctx.seen]
            if not missing_keys:
                return
            missing = state.links_for(conn, keys=missing_keys, idents=[])
            cards = {
                c.id: c for c in (repo.get_card(conn, card_id=m.card_id) for m in missing) if c
            }
        if len(missing) == len(live) and len(live) >= MIN_LINKED_FOR_GUARD and not force:
            raise SideEmpty(self.settings.effective_jql, len(live))
        # The direct check: ask for exactly these keys within the query.
        still_in: set[str] = set()
        keys = sorted(link.issue_key for link in missing if link.issue_key)
        jql = self.settings.effective_jql
        for i in range(0, len(keys), KEY_CHUNK):
            chunk = keys[i : i + KEY_CHUNK]
            stats = SearchStats()
            for page in ctx.client.search(
                f"({_strip_order(jql)}) AND key in ({', '.join(chunk)})",
                ctx.ids.search_fields(),
                expand="changelog",
                stats=stats,
            ):
                recs = [parse_issue(raw, ctx.ids, ctx.cloud) for raw in page]
                self._absorb(ctx, recs)
                still_in.update(r.key for r in recs)
                self._apply_records(ctx, report, recs)
            report.search_requests += stats.requests
        gone = [link for link in missing if link.issue_key not in still_in]
        if not gone:
            return
        with self.writer.batch():
            for link in gone:
                card = cards[link.card_id]
                action = decide(
                    Pair(
                        BaseItem(link.card_id, link.issue_key, link.base, link.card_revision),
                        self._local_item(ctx, card, link.base),
                        None,
                        remote_gone=True,
                    )
                )
                if action.decision is Decision.ARCHIVE_CARD:
                    try:
                        with self.writer._write() as conn:
                            fresh = repo.get_card(conn, card_id=card.id)
                            if fresh is None or fresh.archived:
                                continue
                            written = self.writer.apply_remote(
                                conn, fresh, {"archived": True}, EventKind.ARCHIVED, repo.now()
                            )
                            state.update_link(
                                conn,
                                card_id=card.id,
                                values={"card_revision": written.revision},
                            )
                        report.archived += 1
                        report.board_writes += 1
                    except UserError as exc:
                        report.errors.append(f"{link.issue_key}: {exc}")
                elif action.decision is Decision.KEEP_CARD:
                    report.kept += 1
                    report.notes.append(
                        f"{link.issue_key} left the board's query but card '{card.title}' was "
                        "edited since; the card was kept."
                    )

    # --- deciding and applying a batch of records ------------------------------------------

    def _local_item(self, ctx: _Context, card: Card, base: Mapping[str, Any] | None) -> LocalItem:
        return LocalItem(
            card.id,
            card.revision,
            local_values(card, ctx.people_by_id, ctx.pool_id, base, ctx.with_flag),
            archived=card.archived,
        )

    def _remote_item(
        self, ctx: _Context, rec: IssueRecord, base: Mapping[str, Any] | None
    ) -> RemoteItem:
        values = remote_values(rec, ctx.statuses, ctx.with_flag)
        if values["column"] is None:
            ctx.status_names[rec.status_id] = rec.status_name
            # An unmapped status says nothing about the column: keep the agreed one.
            values["column"] = (base or {}).get("column", ctx.pool_id)
        return RemoteItem(rec.key, values, rec.updated)

    def _bootstrap_statuses(self, ctx: _Context, records: Iterable[IssueRecord]) -> None:
        """A board with no status mapped at all gets one by status category, once."""
        if ctx.statuses and any(c.jira_statuses for c in ctx.columns):
            return
        if self.settings.board_id:
            return
        additions: dict[int, list[str]] = defaultdict(list)
        for rec in records:
            if rec.status_id in ctx.statuses:
                continue
            col = category_column(ctx.columns, rec.status_category)
            if col is not None:
                additions[col.id].append(rec.status_id)
                ctx.statuses[rec.status_id] = col.id
        for col_id, new in additions.items():
            col = next(c for c in ctx.columns if c.id == col_id)
            self.board.update_column(col_id, jira_statuses=[*col.jira_statuses, *new])
        if additions:
            ctx.columns = self.board.columns()
            ctx.statuses = status_map(ctx.columns)

    def _ensure_people(self, ctx: _Context, records: Iterable[IssueRecord]) -> None:
        """Assignees the board does not know yet become inactive people (to confirm)."""
        for rec in records:
            user = rec.assignee
            if user is None or user.id in ctx.people_by_user:
                continue
            person = self._adopt_person(user)
            ctx.people_by_user[user.id] = person
            ctx.people_by_id[person.id] = person

    def _adopt_person(self, user: JiraUser) -> Person:
        people = self.board.people()
        for p in people:
            if not p.jira_user and user.email and (p.email or "").lower() == user.email.lower():
                return self.board.update_person(p.id, jira_user=user.id)
        names = {p.name.lower() for p in people}
        name = user.display_name[:100]
        if name.lower() in names:
            name = f"{name[:80]} ({user.id[:15]})"
        log.info("Adding JIRA user %s as inactive person '%s'", user.id, name)
        return self.board.add_person(name, jira_user=user.id, email=user.email, active=False)

    def _apply_records(self, ctx: _Context, report: SyncReport, records: list[IssueRecord]) -> None:
        """Decide and apply the board side for a page of issues, in one transaction."""
        if not records:
            return
        self._bootstrap_statuses(ctx, records)
        self._ensure_people(ctx, records)
        for rec in records:
            if rec.status_id not in ctx.statuses:
                name = rec.status_name or rec.status_id
                report.unmapped[name] = report.unmapped.get(name, 0) + 1
        with self.writer.batch():
            conn = self.writer.conn()
            # Counted again inside this transaction: someone may have added a
            # card on the board since the last page.
            self.writer.forget_counts()
            links = state.links_for(
                conn,
                keys=[r.key for r in records],
                idents=[f"card:{r.stamp}" for r in records if r.stamp],
            )
            by_key = {link.issue_key: link for link in links if link.issue_key}
            by_ident = {link.ident: link for link in links}
            keyed = state.cards_by_keys(conn, [r.key for r in records])
            creates: list[tuple[IssueRecord, Action]] = []
            for rec in records:
                link, card, base = self._match(conn, rec, by_key, by_ident, keyed)
                local = self._local_item(ctx, card, link.base if link else None) if card else None
                remote = self._remote_item(ctx, rec, base.values if base else None)
                action = decide(Pair(base, local, remote))
                if action.decision is Decision.NONE:
                    report.unchanged += 1
                if action.decision is Decision.CREATE_CARD:
                    creates.append((rec, action))
                    continue
                self.writer.forget_counts()
                try:
                    with self.writer._write() as wconn:
                        revision = self._apply_board_side(
                            ctx, wconn, action, rec, card, link, report
                        )
                except UserError as exc:
                    report.errors.append(f"{rec.key}: {exc}")
                    log.warning("Could not apply %s to the board: %s", rec.key, exc)
                    continue
                if action.push and action.card_id:
                    ctx.pushes[action.card_id] = (action, rec, revision)
            if creates:
                self._create_cards(ctx, conn, creates, report)

    def _create_cards(
        self,
        ctx: _Context,
        conn: Connection,
        creates: list[tuple[IssueRecord, Action]],
        report: SyncReport,
    ) -> None:
        """New issues become cards, in bulk: a first pull of thousands stays fast."""
        whole: list[tuple[IssueRecord, Action]] = []
        for rec, action in creates:
            if not rec.changelog_complete:
                # History is what cycle times are computed from: read all of it.
                full = ctx.client.changelog(rec.key)
                rec = dataclasses.replace(
                    rec,
                    status_changes=status_changes(full),
                    assignee_changes=assignee_changes(full),
                    flag_changes=flag_changes(full, ctx.ids.flagged),
                    changelog_complete=True,
                )
            whole.append((rec, action))
        creates = whole
        items = [self._new_card(ctx, rec) for rec, _action in creates]
        card_ids = self.writer.insert_cards_from_jira(conn, items)
        state.insert_links(
            conn,
            rows=[
                {
                    "card_id": card_id,
                    "ident": f"jira:{rec.key}",
                    "issue_key": rec.key,
                    "issue_id": rec.id,
                    "origin": "jira",
                    "issue_updated": rec.updated,
                    "card_revision": 1,
                    "base": action.base,
                    "info": _info(rec),
                }
                for card_id, (rec, action) in zip(card_ids, creates, strict=True)
            ],
        )
        report.created_cards += len(creates)
        report.pulled += len(creates)
        report.board_writes += len(creates)

    def _match(
        self,
        conn: Connection,
        rec: IssueRecord,
        by_key: Mapping[str, state.Link],
        by_ident: Mapping[str, state.Link],
        keyed: Mapping[str, Card],
    ) -> tuple[state.Link | None, Card | None, BaseItem | None]:
        """Find the card of an issue: by link, by the stamp of a card-made issue, by key."""
        link = by_key.get(rec.key)
        if link is None and rec.stamp:
            link = by_ident.get(f"card:{rec.stamp}")
        if link is not None:
            card = repo.get_card(conn, card_id=link.card_id)
            if card is None:
                return None, None, None
            # A card-made issue: fields never agreed on (status, assignee) follow the card.
            prefer = Prefer.LOCAL if link.origin == "card" else Prefer.NOBODY
            base = BaseItem(
                card.id, rec.key, link.base, link.card_revision, link.issue_updated or "", prefer
            )
            return link, card, base
        if rec.stamp:
            card = repo.get_card(conn, card_id=rec.stamp)
            if card is not None:  # created, then crashed before anything was saved
                return None, card, BaseItem(card.id, rec.key, {}, prefer=Prefer.LOCAL)
        card = keyed.get(rec.key)
        if card is not None:  # a card given this key by hand: first meeting, no base
            return None, card, BaseItem(card.id, rec.key, {}, prefer=Prefer.NOBODY)
        return None, None, None

    def _apply_board_side(
        self,
        ctx: _Context,
        conn: Connection,
        action: Action,
        rec: IssueRecord,
        card: Card | None,
        link: state.Link | None,
        report: SyncReport,
    ) -> int:
        """Write what JIRA changed onto the card and save the pair's new base.

        Returns the card's revision after the writes (the push pass compares it).
        """
        info = _info(rec)
        assert card is not None  # noqa: S101 - every other decision has a card
        fresh = repo.get_card(conn, card_id=card.id)
        if fresh is None or fresh.revision != card.revision:
            raise UserError(f"Card '{card.title}' changed while syncing; it is synced next time.")
        written = fresh
        if action.decision is Decision.NONE and link is not None and link.issue_key:
            if link.issue_updated != rec.updated or link.card_revision != fresh.revision:
                state.update_link(
                    conn,
                    card_id=card.id,
                    values={"issue_updated": rec.updated, "card_revision": fresh.revision},
                )
            return fresh.revision
        if action.decision is Decision.RESTORE_CARD:
            written = self.writer.apply_remote(
                conn,
                written,
                {"archived": False, "position": None},
                EventKind.RESTORED,
                rec.updated_at,
            )
            report.restored += 1
        if action.pull:
            written = self._pull_fields(ctx, conn, written, action.pull, rec)
            report.pulled += 1
        if written.jira_key != rec.key:
            written = self.writer.apply_remote(
                conn, written, {"jira_key": rec.key}, EventKind.EDITED, repo.now()
            )
        if written is not fresh:
            report.board_writes += 1
        # A card with something left to push gets revision -1 in its link, so
        # the next run looks at it again even if this one stops before pushing.
        state.save_link(
            conn,
            card_id=card.id,
            ident=link.ident if link else f"jira:{rec.key}",
            issue_key=rec.key,
            issue_id=rec.id,
            origin=link.origin if link else "jira",
            issue_updated=rec.updated,
            card_revision=-1 if action.push else written.revision,
            base=_without(action.base, action.push, link),
            info=info,
        )
        state.clear_items(conn, card_id=card.id, kind=state.CONFLICT)
        settled = [f for f in ALL_FIELDS if f not in action.push]
        state.clear_items(conn, card_id=card.id, fields=settled, kind=state.QUEUED)
        for name, (mine, theirs) in action.conflicts.items():
            state.put_item(
                conn,
                card_id=card.id,
                field=name,
                kind=state.CONFLICT,
                values={
                    "local": mine,
                    "remote": theirs,
                    "base": (link.base if link else {}).get(name),
                },
                message=f"Changed on the board and in JIRA ({rec.key}); choose which to keep.",
            )
        if action.conflicts:
            log.info("Conflict on %s: %s", rec.key, ", ".join(action.conflicts))
        return written.revision

    def _new_card(self, ctx: _Context, rec: IssueRecord) -> NewCard:
        """The card row of a new issue, and its history from the changelog.

        Status, assignee and flag changes are replayed in time order, so cycle
        times, WIP per person and blocked time start from what really happened
        in JIRA rather than from the day of the first sync.
        """
        column_id = ctx.statuses.get(rec.status_id, ctx.pool_id)
        kinds = {c.id: c.kind for c in ctx.columns}

        def person_of(user: str | None) -> int | None:
            person = ctx.people_by_user.get(user) if user else None
            return person.id if person else None

        def lane(col: int, person: int | None) -> int | None:
            # Pool cards belong to no lane, whoever JIRA says is assigned.
            return None if kinds.get(col) is ColumnKind.POOL else person

        current_person = person_of(rec.assignee.id) if rec.assignee else None
        first_status = rec.status_changes[0].from_status if rec.status_changes else None
        col = ctx.statuses.get(first_status or "", ctx.pool_id) if rec.status_changes else column_id
        person = person_of(rec.assignee_changes[0].old) if rec.assignee_changes else current_person
        flagged = rec.flag_changes[0].old is not None if rec.flag_changes else bool(rec.flagged)
        initial: dict[str, Any] = {
            "column_id": col,
            "person_id": lane(col, person),
            "not_ready": flagged,
            "not_ready_reason": FLAG_REASON if flagged else None,
            "not_ready_since": repo.jsonable(rec.created) if flagged else None,
        }
        changes: list[tuple[datetime, int, str, str | None, str]] = []
        for n, sc in enumerate(rec.status_changes):
            changes.append((sc.at, n, "status", sc.to_status, sc.author))
        for n, ac in enumerate(rec.assignee_changes):
            changes.append((ac.at, n, "assignee", ac.new, ac.author))
        for n, fc in enumerate(rec.flag_changes):
            changes.append((fc.at, n, "flag", fc.new, fc.author))
        changes.sort(key=lambda c: (c[0], c[2], c[1]))
        timeline: list[TimelineEvent] = []
        blocked_since: datetime | None = rec.created if flagged else None

        def move_to(at: datetime, dst: int, who: str) -> None:
            nonlocal col
            before = {"column_id": col, "person_id": lane(col, person)}
            after = {"column_id": dst, "person_id": lane(dst, person)}
            timeline.append((at, EventKind.MOVED, before, after, who))
            col = dst

        def assign_to(at: datetime, new_person: int | None, who: str) -> None:
            nonlocal person
            old_lane, person = lane(col, person), new_person
            if lane(col, person) != old_lane:
                before, after = {"person_id": old_lane}, {"person_id": lane(col, person)}
                timeline.append((at, EventKind.ASSIGNED, before, after, who))

        def flag_to(at: datetime, on: bool, who: str) -> None:
            nonlocal flagged, blocked_since
            if on == flagged:
                return
            before = {"not_ready": flagged, "not_ready_reason": FLAG_REASON if flagged else None}
            flagged = on
            blocked_since = at if on else None
            after = {
                "not_ready": on,
                "not_ready_reason": FLAG_REASON if on else None,
                "not_ready_since": repo.jsonable(at) if on else None,
            }
            kind = EventKind.BLOCKED if on else EventKind.UNBLOCKED
            timeline.append((at, kind, before, after, who))

        for at, _n, what, value, who in changes:
            if what == "status":
                dst = ctx.statuses.get(value or "")
                if dst is not None and dst != col:
                    move_to(at, dst, who)
            elif what == "assignee":
                assign_to(at, person_of(value), who)
            else:
                flag_to(at, value is not None, who)
        # Where the replay does not end as the issue is now (statuses no column
        # maps, users not on the board), the last update brings it there.
        if col != column_id:
            move_to(rec.updated_at, column_id, "jira")
        if person != current_person:
            assign_to(rec.updated_at, current_person, "jira")
        if rec.flagged is not None and bool(rec.flagged) != flagged:
            flag_to(rec.updated_at, bool(rec.flagged), "jira")

        moves = [t for t in timeline if t[1] is EventKind.MOVED]
        started = next(
            (t[0] for t in moves if kinds.get(t[3]["column_id"]) is not ColumnKind.POOL), None
        )
        if started is None and kinds.get(column_id) is not ColumnKind.POOL:
            started = rec.created
        done_at = None
        if kinds.get(column_id) is ColumnKind.DONE:
            done_at = moves[-1][0] if moves else rec.created
        values: dict[str, Any] = {
            "title": _title(rec.summary, rec.key),
            "description": rec.description,
            "column_id": column_id,
            "person_id": lane(column_id, current_person),
            "labels": _labels(rec.labels),
            "project": rec.project,
            "jira_key": rec.key,
            "not_ready": flagged,
            "not_ready_reason": FLAG_REASON if flagged else None,
            "not_ready_since": (blocked_since or rec.updated_at) if flagged else None,
            "started_at": started,
            "done_at": done_at,
            "column_since": moves[-1][0] if moves else rec.created,
        }
        return values, rec.created, initial, timeline

    def _pull_fields(
        self, ctx: _Context, conn: Connection, card: Card, pull: dict[str, Any], rec: IssueRecord
    ) -> Card:
        at = rec.updated_at
        edits: dict[str, Any] = {}
        if "title" in pull:
            edits["title"] = _title(pull["title"], rec.key)
        if "description" in pull:
            edits["description"] = pull["description"] or ""
        if "labels" in pull:
            edits["labels"] = _labels(pull["labels"])
        if "project" in pull:
            edits["project"] = pull["project"]
        if edits:
            card = self.writer.apply_remote(conn, card, edits, EventKind.EDITED, at)
        if "column" in pull or "assignee" in pull:
            column_id = int(pull.get("column", card.column_id))
            target = next(c for c in ctx.columns if c.id == column_id)
            person_id = card.person_id
            if "assignee" in pull:
                person = ctx.people_by_user.get(pull["assignee"]) if pull["assignee"] else None
                person_id = person.id if person else None
            elif card.person_id is None and rec.assignee is not None:
                person = ctx.people_by_user.get(rec.assignee.id)
                person_id = person.id if person else None
            if "column" in pull:
                # The move happened when JIRA's changelog says it did.
                moves = [c.at for c in rec.status_changes if c.to_status == rec.status_id]
                at = moves[-1] if moves else rec.updated_at
            values = _placement_values(card, target, person_id, None, at)
            if (values["column_id"], values["person_id"]) != card.cell:
                kind = EventKind.MOVED
                if values["column_id"] == card.column_id:
                    kind = EventKind.ASSIGNED
                card = self.writer.apply_remote(conn, card, values, kind, at)
        if "flagged" in pull:
            if pull["flagged"] and not card.not_ready:
                card = self.writer.apply_remote(
                    conn,
                    card,
                    {"not_ready": True, "not_ready_reason": FLAG_REASON, "not_ready_since": at},
                    EventKind.BLOCKED,
                    at,
                )
            elif not pull["flagged"] and card.not_ready:
                card = self.writer.apply_remote(
                    conn,
                    card,
                    {"not_ready": False, "not_ready_reason": None, "not_ready_since": None},
                    EventKind.UNBLOCKED,
                    at,
                )
        return card

    # --- pushing ------------------------------------------------------------------------------

    def _push_pass(self, ctx: _Context, report: SyncReport, say: ProgressFn) -> None:
        queue, ctx.pushes = ctx.pushes, {}
        total = len(queue)
        for n, (card_id, (action, rec, revision)) in enumerate(sorted(queue.items())):
            say(n, total, f"Pushing {rec.key}")
            self._push_one(ctx, report, card_id, action, rec, revision)

    def _push_one(
        self,
        ctx: _Context,
        report: SyncReport,
        card_id: str,
        action: Action,
        rec: IssueRecord,
        revision: int,
    ) -> None:
        """Write the card's changed fields to JIRA; each failure is queued on its own."""
        done: dict[str, Any] = {}
        failed: dict[str, JiraError | UserError] = {}
        push = dict(action.push)
        partial: int | None = None
        if "column" in push:
            try:
                self._push_column(ctx, rec, int(push["column"]))
                done["column"] = push["column"]
                report.jira_writes += 1
            except SyncCancelled:
                raise
            except (JiraError, UserError) as exc:
                failed["column"] = exc
                if isinstance(exc, _PartialMove) and exc.reached != rec.status_id:
                    # Stopped partway along a path: that status is now what both
                    # sides know, so the next run continues from there.
                    partial = ctx.statuses.get(exc.reached)
        if "assignee" in push:
            value = push["assignee"]
            try:
                if value and str(value).startswith(NO_JIRA_USER):
                    raise UserError(
                        f"{str(value)[1:]} has no JIRA user name on the board; set it in "
                        "People (JIRA user) so the assignee can be pushed."
                    )
                ctx.client.assign(rec.key, value)
                done["assignee"] = value
                report.jira_writes += 1
            except SyncCancelled:
                raise
            except (JiraError, UserError) as exc:
                failed["assignee"] = exc
        edit_fields: dict[str, Any] = {}
        for name in ("title", "description", "labels", "flagged"):
            if name not in push:
                continue
            value = push[name]
            if name == "title":
                edit_fields["summary"] = value
            elif name == "description":
                edit_fields["description"] = value
            elif name == "labels":
                stamps = [x for x in rec.labels if x.startswith(STAMP_PREFIX)]
                edit_fields["labels"] = sorted({*value, *stamps})
            elif name == "flagged" and ctx.ids.flagged:
                edit_fields[ctx.ids.flagged] = [{"value": FLAG_OPTION}] if value else None
        if edit_fields:
            names = [n for n in ("title", "description", "labels", "flagged") if n in push]
            try:
                ctx.client.update_fields(rec.key, edit_fields)
                for name in names:
                    done[name] = push[name]
                report.jira_writes += 1
            except SyncCancelled:
                raise
            except (JiraError, UserError) as exc:
                for name in names:
                    failed[name] = exc
        self._record_push(ctx, report, card_id, action, rec, revision, done, failed, partial)

    def _record_push(
        self,
        ctx: _Context,
        report: SyncReport,
        card_id: str,
        action: Action,
        rec: IssueRecord,
        revision: int,
        done: dict[str, Any],
        failed: dict[str, JiraError | UserError],
        partial: int | None,
    ) -> None:
        with self.board._write() as conn:
            link = state.get_link(conn, card_id=card_id)
            card = repo.get_card(conn, card_id=card_id)
            if link is None or card is None:
                return
            base = dict(link.base)
            base.update(done)
            if partial is not None:
                base["column"] = partial
            values: dict[str, Any] = {"base": base}
            if not failed and card.revision == revision:
                # The card as pushed is what both sides now agree on; a card the
                # user edited during the push keeps -1 and is looked at again.
                values["card_revision"] = card.revision
            state.update_link(conn, card_id=card_id, values=values)
            state.clear_items(conn, card_id=card_id, fields=list(done), kind=state.QUEUED)
            for name, exc in failed.items():
                message = getattr(exc, "jira_message", "") or str(exc)
                state.put_item(
                    conn,
                    card_id=card_id,
                    field=name,
                    kind=state.QUEUED,
                    values={
                        "local": action.push.get(name),
                        "remote": normalize_all(
                            remote_values(rec, ctx.statuses, ctx.with_flag)
                        ).get(name),
                        "base": link.base.get(name),
                        "retryable": bool(getattr(exc, "retryable", False)),
                        "detail": str(exc),
                    },
                    message=message,
                )
                report.errors.append(f"{rec.key} {name}: {exc}")
                log.warning("Push of %s to %s failed: %s", name, rec.key, exc)
        if done:
            report.pushed += 1

    def _push_column(self, ctx: _Context, rec: IssueRecord, column_id: int) -> str:
        """Transition the issue into a status of the column, several steps if needed.

        Returns the status reached. Raises _PartialMove (a JiraRejected) when no
        known path leads there or a step is refused, saying where it stopped.
        """
        column = next(c for c in ctx.columns if c.id == column_id)
        targets = {str(s) for s in column.jira_statuses}
        if not targets:
            raise UserError(
                f"Column '{column.name}' maps no JIRA status, so {rec.key} cannot follow the "
                "move. Set the column's JIRA statuses (or the board id) in the JIRA settings."
            )
        wf_key = _workflow_key(rec)
        graph = ctx.graphs.setdefault(wf_key, StatusGraph())
        current = rec.status_id
        explored: set[str] = set()
        visited: set[str] = set()
        for _step in range(MAX_TRANSITION_STEPS):
            if current in targets:
                return current
            live = ctx.client.transitions(rec.key)
            explored.add(current)
            graph.replace_from(current, [str((t.get("to") or {}).get("id")) for t in live])
            for t in live:
                to = t.get("to") or {}
                ctx.status_names[str(to.get("id"))] = str(to.get("name", ""))
            path = find_path(current, targets, graph.edges)
            while path is None and self._explore(ctx, rec, graph, current, explored):
                path = find_path(current, targets, graph.edges)
            if path is None:
                path = self._forward_step(ctx, live, current, column, visited)
            if path is None:
                available = (
                    ", ".join(f"{t.get('name')} → {(t.get('to') or {}).get('name')}" for t in live)
                    or "none"
                )
                raise _PartialMove(
                    f"JIRA's workflow has no way from '{ctx.status_names.get(current, current)}' "
                    f"to '{column.name}' for {rec.key} (available: {available}). The card "
                    "keeps its place on the board; move it in JIRA, or revert it.",
                    reached=current,
                )
            nxt = path[0]
            visited.add(current)
            step = next(t for t in live if str((t.get("to") or {}).get("id")) == nxt)
            try:
                ctx.client.transition(rec.key, str(step["id"]))
            except JiraError as exc:
                raise _PartialMove(
                    str(exc),
                    reached=current,
                    jira_message=exc.jira_message,
                    retryable=exc.retryable,
                ) from exc
            current = nxt
        if current in targets:
            return current
        raise _PartialMove(
            f"{rec.key} did not reach '{column.name}' within {MAX_TRANSITION_STEPS} transitions.",
            reached=current,
        )

    def _forward_step(
        self,
        ctx: _Context,
        live: list[dict[str, Any]],
        current: str,
        target: Column,
        visited: set[str],
    ) -> list[str] | None:
        """With no known path, take a transition that does not lead away from the target.

        A new project has no other issues to learn the workflow from, so the
        issue's own transitions are followed, one step at a time, through
        statuses whose columns lie between where it is and where it should go.
        """
        order = {c.id: c.order for c in ctx.columns}
        here = order.get(ctx.statuses.get(current, -1))
        if here is None:
            return None
        lo, hi = sorted((here, target.order))
        best: tuple[int, str] | None = None
        for t in live:
            dst = str((t.get("to") or {}).get("id"))
            col = ctx.statuses.get(dst)
            if dst in visited or col is None or not lo <= order[col] <= hi:
                continue
            distance = abs(target.order - order[col])
            if best is None or distance < best[0]:
                best = (distance, dst)
        return [best[1]] if best else None

    def _explore(
        self, ctx: _Context, rec: IssueRecord, graph: StatusGraph, start: str, explored: set[str]
    ) -> bool:
        """Read the transitions of another issue sitting in a reachable, unexplored status.

        Read-only: it never moves that issue. Returns False when nothing is left to learn.
        """
        if not ctx.samples_loaded:
            self._load_samples(ctx)
        samples = ctx.status_samples.get(_workflow_key(rec), {})
        reachable = [start]
        seen = {start}
        i = 0
        while i < len(reachable):
            for nxt in sorted(graph.edges.get(reachable[i], ())):
                if nxt not in seen:
                    seen.add(nxt)
                    reachable.append(nxt)
            i += 1
        for status in reachable:
            if status in explored:
                continue
            explored.add(status)
            sample = samples.get(status)
            if sample is None or sample == rec.key:
                continue
            live = ctx.client.transitions(sample)
            graph.replace_from(status, [str((t.get("to") or {}).get("id")) for t in live])
            return True
        return False

    def _load_samples(self, ctx: _Context) -> None:
        """Issues known to sit in a status let the path search read the workflow
        around that status without moving anything."""
        ctx.samples_loaded = True
        with self.board._read() as conn:
            links = state.load_links(conn)
        for link in links.values():
            info = link.info
            if link.issue_key and info.get("status_id"):
                wf = f"{info.get('project')}/{info.get('issue_type') or '?'}"
                ctx.status_samples.setdefault(wf, {}).setdefault(
                    str(info["status_id"]), link.issue_key
                )

    def _save_graphs(self, ctx: _Context) -> None:
        with self.board._write() as conn:
            state.set_meta(
                conn, key="workflows", value={k: g.to_json() for k, g in ctx.graphs.items()}
            )

    # --- creating issues from new cards ------------------------------------------------------

    def _create_pass(self, ctx: _Context, report: SyncReport) -> None:
        if not self.settings.create_issues or not self.settings.create_project:
            return
        since = _parse_iso(self.settings.create_since)
        with self.board._read() as conn:
            links = state.load_links(conn)
            cards = repo.list_cards(conn)
        for card in cards:
            link = links.get(card.id)
            if card.jira_key or (link is not None and link.issue_key):
                continue
            if link is None and since is not None and card.created_at < since:
                continue
            try:
                self._create_issue(ctx, report, card, link)
            except SyncCancelled:
                raise
            except (JiraError, UserError) as exc:
                with self.board._write() as conn:
                    state.put_item(
                        conn,
                        card_id=card.id,
                        field="create",
                        kind=state.QUEUED,
                        values={"retryable": bool(getattr(exc, "retryable", False))},
                        message=getattr(exc, "jira_message", "") or str(exc),
                    )
                report.errors.append(f"card '{card.title}': {exc}")

    def _create_issue(
        self, ctx: _Context, report: SyncReport, card: Card, link: state.Link | None
    ) -> None:
        stamp = f"{STAMP_PREFIX}{card.id}"
        existing: IssueRecord | None = None
        if link is not None:
            # A previous run got as far as creating: look for the stamped issue
            # before creating another one.
            stats = SearchStats()
            for page in ctx.client.search(
                f'labels = "{stamp}"', ctx.ids.search_fields(), stats=stats
            ):
                for raw in page:
                    existing = parse_issue(raw, ctx.ids, ctx.cloud)
            report.search_requests += stats.requests
        local = self._local_item(ctx, card, None)
        sent = {
            "title": local.values["title"],
            "description": local.values["description"],
            "labels": local.values["labels"],
        }
        if existing is None:
            with self.board._write() as conn:
                state.save_link(
                    conn,
                    card_id=card.id,
                    ident=f"card:{card.id}",
                    issue_key=None,
                    issue_id=None,
                    origin="card",
                    issue_updated=None,
                    card_revision=-1,
                    base=sent,
                )
            fields: dict[str, Any] = {
                "project": {"key": self.settings.create_project},
                "issuetype": {"name": self.settings.create_issue_type or "Task"},
                "summary": card.title[:255],
                "description": card.description,
                "labels": sorted({*card.labels, stamp}),
            }
            key, _issue_id = ctx.client.create_issue(fields)
            report.created_issues += 1
            report.jira_writes += 1
            log.info("Created %s from card '%s'", key, card.title)
            try:
                # For people and scripts reading the issue; the label above is
                # what the sync searches (properties are not searchable by JQL).
                ctx.client.set_property(key, "kanban.card", {"id": card.id})
                report.jira_writes += 1
            except JiraError as exc:
                log.info("Could not set the kanban.card property on %s: %s", key, exc)
            found = self._fetch(ctx, [key], report)
            if not found:
                # Cloud search is eventually consistent: the stamp finds it next run.
                report.notes.append(f"Created {key}; it is linked on the next sync.")
                return
            existing = found[0]
        with self.writer.batch():
            conn = self.writer.conn()
            fresh = repo.get_card(conn, card_id=card.id)
            if fresh is None:
                return
            self.writer.apply_remote(
                conn, fresh, {"jira_key": existing.key}, EventKind.EDITED, repo.now()
            )
            state.save_link(
                conn,
                card_id=card.id,
                ident=f"card:{card.id}",
                issue_key=existing.key,
                issue_id=existing.id,
                origin="card",
                issue_updated=existing.updated,
                card_revision=-1,
                base=dict(sent),
                info=_info(existing),
            )
            state.clear_items(conn, card_id=card.id, fields=["create"])
        # The rest (status, assignee, flag) is pushed as a one-sided change.
        with self.board._read() as conn:
            link_now = state.get_link(conn, card_id=card.id)
            card_now = repo.get_card(conn, card_id=card.id)
        if link_now is None or card_now is None:
            return
        action = decide(
            Pair(
                BaseItem(card.id, existing.key, link_now.base, -1, prefer=Prefer.LOCAL),
                self._local_item(ctx, card_now, link_now.base),
                self._remote_item(ctx, existing, link_now.base),
            )
        )
        if action.push:
            self._push_one(ctx, report, card.id, action, existing, card_now.revision)
        else:
            with self.board._write() as conn:
                state.update_link(
                    conn,
                    card_id=card.id,
                    values={"base": action.base, "card_revision": card_now.revision},
                )


class _PartialMove(JiraRejected):
    """A transition path that stopped at ``reached`` (maybe the start)."""

    def __init__(
        self, message: str, *, reached: str, jira_message: str = "", retryable: bool = False
    ) -> None:
        super().__init__(message, jira_message=jira_message or message)
        self.reached = reached
        self.retryable = retryable  # type: ignore[misc]


def _workflow_key(rec: IssueRecord) -> str:
    return f"{rec.project_key}/{rec.issue_type or '?'}"


def _strip_order(jql: str) -> str:
    upper = jql.upper()
    if " ORDER BY " in upper:
        return jql[: upper.rindex(" ORDER BY ")]
    return jql


def _info(rec: IssueRecord) -> dict[str, Any]:
    return {
        "status_id": rec.status_id,
        "status": rec.status_name,
        "priority": rec.priority,
        "issue_type": rec.issue_type,
        "project": rec.project_key,
    }


def _title(summary: str, key: str) -> str:
    cleaned = " ".join(summary.split())[:500]
    return cleaned or key


def _labels(labels: Iterable[str]) -> list[str]:
    kept = [x[:50] for x in labels if not x.startswith(STAMP_PREFIX)]
    return validate_labels(kept)


def _without(
    new_base: dict[str, Any], push: dict[str, Any], link: state.Link | None
) -> dict[str, Any]:
    """The base with pushed fields still at their old value (set once the push succeeds)."""
    old = link.base if link else {}
    base = dict(new_base)
    for name in push:
        if name in old:
            base[name] = old[name]
        else:
            base.pop(name, None)
    return base


def _parse_iso(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


__all__ = [
    "PendingItem",
    "SyncReport",
    "SyncService",
    "SyncStatus",
    "card_badges",
    "card_sync_notes",
    "card_badges_and_notes",
    "check_connection",
]
