"""Two-way sync between the board and JIRA: the use case behind ``kanban sync``.

A run is a plan, then its application. For every page of issues it reads:

1. **read** the page and the matching local state (links, cards) in a read
   transaction;
2. **plan**: :func:`kanban.sync.engine.plan` decides every pair of the page,
   purely: pull, push, conflict, a new card, restore;
3. **apply the board side** of the plan in one write transaction
   (``kanban.services.sync_apply``), each card in its own savepoint;
4. **queue the JIRA side**: the pushes wait in a :class:`~kanban.sync.push.PushJob`
   each, sent once every page is read.

The passes of a run, in order (:meth:`SyncService.sync`):

- **pull**: page the board's JQL (incremental: ``updated >=`` the last good
  run minus an overlap; full: everything, every ``full_every_hours``);
- **local**: linked cards edited since their last sync (or owing a push, or
  with an open conflict) that the search skipped are fetched by key;
- **scope** (full runs): linked issues the search no longer returned are
  checked directly; the plan archives only those really out of scope; a
  search that returns nothing while many cards are linked stops the run;
- **push**: the queued jobs go to JIRA (``kanban.sync.push``); a refused
  push stays queued with JIRA's message, the local change is kept;
- **create**: new cards become issues when the board is set to, stamped with
  the card id so a crash between create and save finds the issue again.

:meth:`SyncService.preview` runs the same reads and the same plan and writes
nothing anywhere: not the board, not JIRA, not the sync state. It returns a
:class:`~kanban.sync.preview.SyncPlan` (``kanban sync --dry-run``, *JIRA →
Preview sync*).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from kanban.domain.limits import EMAIL_MAX, JIRA_USER_MAX, NAME_MAX
from kanban.domain.model import Card, ColumnKind, EventKind, Person
from kanban.domain.sync_states import ItemKind, RunMode, RunStatus
from kanban.errors import UserError
from kanban.services.board import BoardService
from kanban.services.sync_apply import (
    Decided,
    apply_decided,
    apply_remote,
    insert_new_cards,
    move_in_progress,
)
from kanban.services.sync_board_config import adopt_board, map_status
from kanban.services.sync_comments import comments_page, comments_pass
from kanban.services.sync_create import create_pass
from kanban.services.sync_push import push_pass
from kanban.services.sync_resolve import resolve_conflict, revert_push
from kanban.services.sync_run import KEY_CHUNK, ProgressFn, SyncReport, SyncRun
from kanban.services.sync_status import (
    PendingItem,
    StatusRow,
    SyncStatus,
    card_badges,
    card_badges_and_notes,
    card_sync_notes,
    pending_items,
    status_rows,
    sync_status,
)
from kanban.settings import Config
from kanban.store import repo, sync_repo
from kanban.sync import jql as jql_mod
from kanban.sync.adoption import AdoptionPlan
from kanban.sync.client import JiraClient, ServerInfo
from kanban.sync.engine import (
    BaseItem,
    Decision,
    Pair,
    Prefer,
    RemoteItem,
    plan,
    summarize,
)
from kanban.sync.errors import (
    JiraOffline,
    NotConfigured,
    SideEmpty,
)
from kanban.sync.graph import StatusGraph
from kanban.sync.lock import board_sync_lock
from kanban.sync.mapping import (
    FieldIds,
    IssueRecord,
    JiraUser,
)
from kanban.sync.preview import ChangeKind, SyncPlan
from kanban.sync.push import PushJob
from kanban.sync.replay import replay
from kanban.sync.settings import JiraSettings, load_token
from kanban.sync.statuses import MappedBy, StatusMapping, statuses_from_json

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=5)  # clocks and JQL's minute precision: re-read a margin
MIN_LINKED_FOR_GUARD = 3  # "zero results where there were many"


def _dialog_client(settings: JiraSettings, token: str | None) -> JiraClient:
    """A client for the connection dialog: these settings, this token or else the stored one."""
    settings.validate_connection(window=True)
    if not token:
        token, _note = load_token(settings)
    if not token:
        raise NotConfigured(
            "Type the JIRA token (a personal access token, or the API token on Cloud) first."
        )
    return JiraClient(settings, token)


def check_connection(settings: JiraSettings, token: str | None = None) -> ServerInfo:
    """Connect with these settings (and this token, else the stored one) and report
    server version, deployment type and user; for the setup dialog's button."""
    return _dialog_client(settings, token).server_info()


def list_boards(settings: JiraSettings, token: str | None = None) -> list[dict[str, Any]]:
    """The agile boards these settings can see: id, name, type and project."""
    return _board_rows(_dialog_client(settings, token))


def _filter_jql(client: JiraClient, configuration: Mapping[str, Any]) -> str:
    """The JQL of an agile board's saved filter ("" when the board has none)."""
    filter_id = (configuration.get("filter") or {}).get("id")
    return client.filter_jql(str(filter_id)) if filter_id else ""


def _board_rows(client: JiraClient) -> list[dict[str, Any]]:
    return [
        {
            "id": int(b.get("id", 0)),
            "name": str(b.get("name") or ""),
            "type": str(b.get("type") or ""),
            "project": str((b.get("location") or {}).get("projectKey") or ""),
        }
        for b in client.boards()
    ]


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

    # --- what the sync left, for the GUI and the CLI -----------------------------

    def status(self) -> SyncStatus:
        return sync_status(self.board, self.settings.configured)

    def badges(self) -> dict[str, str]:
        """card id → a short badge: linked, queued change, conflict or error."""
        return card_badges(self.board)

    def pending(self) -> list[PendingItem]:
        """Queued pushes and conflicts, for the sync panel and ``kanban jira pending``."""
        return pending_items(self.board)

    def resolve(self, card_ref: str, field_name: str, keep: str) -> str:
        """Settle a conflict: ``keep`` is "mine" (the card's value) or "jira"."""
        return resolve_conflict(self.board, card_ref, field_name, keep)

    def revert(self, card_ref: str, field_name: str | None = None) -> str:
        """Undo a queued push on the board: the field goes back to the agreed value."""
        return revert_push(self.board, card_ref, field_name)

    # --- the JIRA board and its statuses ---------------------------------------------

    def boards(self) -> list[dict[str, Any]]:
        """The agile boards the user can see: id, name, type and project."""
        client, _notes = self.connect()
        return _board_rows(client)

    def adopt_board(self, board_id: int) -> tuple[AdoptionPlan, str]:
        """Build the board's columns from the JIRA board; returns what changed and its JQL.

        The JQL is the board's saved filter; the caller decides whether to use it.
        """
        client, _notes = self.connect()
        configuration = client.board_configuration(board_id)
        return adopt_board(self.board, configuration), _filter_jql(client, configuration)

    def statuses(self) -> list[StatusRow]:
        """Every status seen, where it lands and why (``kanban jira statuses``)."""
        return status_rows(self.board)

    def map_status(self, status: str, column: str | int | None) -> StatusRow:
        """Put a status (id or name) in a column, or back to its category (None)."""
        rows = self.statuses()
        row = next((r for r in rows if r.id == status), None) or next(
            (r for r in rows if r.name.casefold() == status.strip().casefold()), None
        )
        if row is None:
            known = ", ".join(f"{r.name} ({r.id})" for r in rows) or "none yet: sync first"
            raise UserError(
                f"The board has not seen a JIRA status '{status}'. Known statuses: {known}."
            )
        map_status(self.board, row.id, column, name=row.name)
        return next(r for r in self.statuses() if r.id == row.id)

    def has_run(self) -> bool:
        """Whether this board has ever synced (the window previews a first sync)."""
        with self.board.reading() as conn:
            return sync_repo.run_count(conn) > 0

    # --- the run -------------------------------------------------------------------

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
        with board_sync_lock(self.board.url, self.board.engine):
            return self._sync(force=force, full=full, progress=progress, cancel=cancel)

    def preview(
        self,
        *,
        force: bool = False,
        full: bool | None = None,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncPlan:
        """What :meth:`sync` would do now, decided the same way; writes nothing anywhere."""
        say = progress or (lambda _d, _t, _m: None)
        with self.board.reading() as conn:
            mode = self._mode(conn, full)
            since = self._since(conn, mode)
        report = SyncReport(mode=mode)
        dry_plan = SyncPlan(mode=mode)
        run = self._start(report, dry_plan, cancel, say)
        since = self._full_if_mapping_changed(run, since)
        self._passes(run, since, force, say)
        dry_plan.unmapped = dict(report.unmapped)
        dry_plan.by_category = dict(report.by_category)
        dry_plan.notes.extend(report.notes)
        dry_plan.notes.extend(f"Could not plan {e}" for e in report.errors)
        return dry_plan

    def _sync(
        self,
        *,
        force: bool,
        full: bool | None,
        progress: ProgressFn | None,
        cancel: threading.Event | None,
    ) -> SyncReport:
        started = datetime.now(UTC)
        say = progress or (lambda _d, _t, _m: None)
        with self.board.writing() as uow:
            mode = self._mode(uow.conn, full)
            since = self._since(uow.conn, mode)
            run_id = sync_repo.start_run(uow.conn, mode=mode, started_at=started)
        report = SyncReport(mode=mode)
        try:
            run = self._start(report, None, cancel, say)
            since = self._full_if_mapping_changed(run, since)
            self._passes(run, since, force, say)
            report.requests = run.client.requests
            with self.board.writing() as uow:
                conn = uow.conn
                sync_repo.set_meta(
                    conn, key="workflows", value={k: g.to_json() for k, g in run.graphs.items()}
                )
                items = sync_repo.list_items(conn)
                report.conflicted = len({i.card_id for i in items if i.kind is ItemKind.CONFLICT})
                report.queued = len({i.card_id for i in items if i.kind is ItemKind.QUEUED})
                sync_repo.set_meta(conn, key="jql", value=self.settings.effective_jql)
                sync_repo.set_meta(
                    conn,
                    key="statuses",
                    value=[i.to_json() for i in run.statuses.known.values()],
                )
                sync_repo.set_meta(conn, key="status_mapping", value=run.statuses.signature())
                sync_repo.finish_run(
                    conn, run_id=run_id, status=RunStatus.OK, counts=report.to_json(), message=None
                )
            say(1, 1, report.summary())
            log.info("JIRA sync done: %s", report.summary())
            return report
        except BaseException as exc:
            status = RunStatus.OFFLINE if isinstance(exc, JiraOffline) else RunStatus.FAILED
            message = str(exc) if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
            with self.board.writing() as uow:
                sync_repo.finish_run(
                    uow.conn,
                    run_id=run_id,
                    status=status,
                    counts=report.to_json(),
                    message=message,
                )
            raise

    def _passes(self, run: SyncRun, since: datetime | None, force: bool, say: ProgressFn) -> None:
        self._pull_pass(run, since, say)
        self._local_pass(run)
        if run.report.mode == RunMode.FULL:
            self._scope_pass(run, force)
        push_pass(run, say)
        create_pass(run)
        comments_pass(run)

    def _mode(self, conn: Connection, full: bool | None) -> str:
        if full is not None:
            return RunMode.FULL if full else RunMode.INCREMENTAL
        last_ok = sync_repo.last_run(conn, status=RunStatus.OK)
        last_full = sync_repo.last_run(conn, status=RunStatus.OK, mode=RunMode.FULL)
        last_jql = sync_repo.get_meta(conn, key="jql")
        if last_ok is None or last_full is None or last_jql != self.settings.effective_jql:
            return RunMode.FULL
        age = datetime.now(UTC) - last_full.started_at
        if age >= timedelta(hours=self.settings.full_every_hours):
            return RunMode.FULL
        return RunMode.INCREMENTAL

    def _full_if_mapping_changed(self, run: SyncRun, since: datetime | None) -> datetime | None:
        """A changed status mapping (by hand, or the JIRA board's) moves cards whose issues
        did not change: only a full run reads those, so this one becomes full."""
        if run.report.mode == RunMode.FULL:
            return since
        with self.board.reading() as conn:
            last = sync_repo.get_meta(conn, key="status_mapping")
        if last == run.statuses.signature():
            return since
        run.report.mode = RunMode.FULL
        if run.plan is not None:
            run.plan.mode = RunMode.FULL
        return None

    def _since(self, conn: Connection, mode: str) -> datetime | None:
        last_ok = sync_repo.last_run(conn, status=RunStatus.OK)
        if mode == RunMode.FULL or last_ok is None:
            return None
        return last_ok.started_at - OVERLAP

    # --- what the run knows --------------------------------------------------------

    def _start(
        self,
        report: SyncReport,
        dry_plan: SyncPlan | None,
        cancel: threading.Event | None,
        say: ProgressFn,
    ) -> SyncRun:
        say(0, None, f"Connecting to {self.settings.url}")
        client, notes = self.connect(cancel)
        client.on_wait = lambda text: say(0, None, text)
        report.notes.extend(notes)
        dry = dry_plan is not None
        with self.board.reading() as conn:
            ids_meta = sync_repo.get_meta(conn, key="field_ids")
            tz = sync_repo.get_meta(conn, key="time_zone")
            graphs = sync_repo.get_meta(conn, key="workflows", default={})
            known = statuses_from_json(sync_repo.get_meta(conn, key="statuses", default=[]))
        # Read again on full runs: an admin may have added the Flagged field since.
        if not ids_meta or ids_meta.get("url") != self.settings.url or report.mode == "full":
            ids_meta = {
                "url": self.settings.url,
                "flagged": client.field_id("Flagged"),
                "epic_link": client.field_id("Epic Link"),
            }
            tz = client.myself().get("timeZone") or "UTC"
            # Every status with its category: a status that appears only in a
            # changelog still lands in the right column.
            known = statuses_from_json(client.statuses())
            if not dry:
                with self.board.writing() as uow:
                    sync_repo.set_meta(uow.conn, key="field_ids", value=ids_meta)
                    sync_repo.set_meta(uow.conn, key="time_zone", value=tz)
                    sync_repo.set_meta(
                        uow.conn, key="statuses", value=[i.to_json() for i in known.values()]
                    )
        ids = FieldIds(flagged=ids_meta.get("flagged"), epic_link=ids_meta.get("epic_link"))
        if ids.flagged is None:
            report.notes.append("JIRA has no 'Flagged' field; not-ready marks are not synced.")
        if self.settings.board_id:
            # Read once per run: its columns are adopted, its filter may be the query.
            configuration = client.board_configuration(int(self.settings.board_id))
            if not self.settings.effective_jql:
                # An adopted JIRA board with no query of its own shows the board's filter.
                self.settings.jql = _filter_jql(client, configuration)
            if dry:
                report.notes.append(
                    "The JIRA board's columns are read and applied by a real sync; this "
                    "preview uses the board's columns as they are."
                )
            else:
                adopted = adopt_board(self.board, configuration)
                report.notes.extend(
                    f"Column '{col.name}' is no longer on the JIRA board but holds {n} card"
                    f"{'s' if n != 1 else ''}; it was kept. Move its cards, then remove it."
                    for col, n in adopted.kept
                )
        columns = self.board.columns()
        people = self.board.people()
        pool = next(c for c in columns if c.kind is ColumnKind.POOL)
        return SyncRun(
            board=self.board,
            settings=self.settings,
            client=client,
            cloud=client.is_cloud,
            ids=ids,
            columns=columns,
            statuses=StatusMapping(columns, known),
            people_by_user={p.jira_user: p for p in people if p.jira_user},
            people_by_id={p.id: p for p in people},
            pool_id=pool.id,
            tz=str(tz or "UTC"),
            report=report,
            plan=dry_plan,
            graphs={k: StatusGraph(v) for k, v in (graphs or {}).items()},
        )

    # --- passes ----------------------------------------------------------------------

    def _pull_pass(self, run: SyncRun, since: datetime | None, say: ProgressFn) -> None:
        say(0, None, "Reading issues from JIRA")
        read = 0
        for records in run.search(
            jql_mod.updated_since(self.settings.effective_jql, since, run.tz)
        ):
            self._page(run, records)
            read += len(records)
            say(read, None, f"Read {read} issues")

    def _local_pass(self, run: SyncRun) -> None:
        """Linked cards changed on the board (or owing a push, or with open items)
        that the search skipped."""
        with self.board.reading() as conn:
            marks = sync_repo.link_marks(conn)
            revisions = sync_repo.card_revisions(conn)
            with_items = sync_repo.item_cards(conn)
        keys = [
            m.issue_key
            for m in marks
            if m.issue_key
            and m.issue_key not in run.seen
            and m.card_id in revisions
            and (m.needs_push or revisions[m.card_id] != m.card_revision or m.card_id in with_items)
        ]
        if keys:
            self._page(run, run.fetch(keys))

    def _scope_pass(self, run: SyncRun, force: bool) -> None:
        """Archive cards whose issues really left the board's query (full runs only)."""
        with self.board.reading() as conn:
            revisions = sync_repo.card_revisions(conn)
            live = [
                m.issue_key
                for m in sync_repo.link_marks(conn)
                if m.issue_key and m.card_id in revisions
            ]
            missing_keys = [key for key in live if key not in run.seen]
            if not missing_keys:
                return
            missing = sync_repo.links_for(conn, keys=missing_keys, idents=[])
            cards = {
                c.id: c for c in (repo.get_card(conn, card_id=m.card_id) for m in missing) if c
            }
        if len(missing) == len(live) and len(live) >= MIN_LINKED_FOR_GUARD and not force:
            raise SideEmpty(self.settings.effective_jql, len(live))
        # The direct check: ask for exactly these keys within the query.
        still_in: set[str] = set()
        keys = sorted(link.issue_key for link in missing if link.issue_key)
        for i in range(0, len(keys), KEY_CHUNK):
            chunk = keys[i : i + KEY_CHUNK]
            for records in run.search(jql_mod.keys_in(chunk, within=self.settings.effective_jql)):
                still_in.update(r.key for r in records)
                self._page(run, records)
        gone = [
            link for link in missing if link.issue_key not in still_in and link.card_id in cards
        ]
        if not gone:
            return
        actions = plan(
            Pair(
                BaseItem(link.card_id, link.issue_key, link.base, link.card_revision),
                run.local_item(cards[link.card_id], link.base),
                None,
                remote_gone=True,
            )
            for link in gone
        )
        decided = [(cards[a.card_id or ""], a) for a in actions if a.card_id in cards]
        if run.plan is not None:
            for card, action in decided:
                run.plan.add_action(action, card.title)
            return
        report = run.report
        with self.board.writing() as uow:
            for card, action in decided:
                if action.decision is Decision.KEEP_CARD:
                    report.kept += 1
                    report.notes.append(
                        f"{action.issue_key} left the board's query but card '{card.title}' "
                        "was edited since; the card was kept."
                    )
                    continue
                if action.decision is not Decision.ARCHIVE_CARD:
                    continue
                try:
                    with uow.conn.begin_nested():
                        fresh = repo.get_card(uow.conn, card_id=card.id)
                        if fresh is None or fresh.archived:
                            continue
                        written = apply_remote(
                            uow, fresh, {"archived": True}, EventKind.ARCHIVED, repo.now()
                        )
                        sync_repo.update_link(
                            uow.conn, card_id=card.id, values={"card_revision": written.revision}
                        )
                    report.archived += 1
                    report.board_writes += 1
                except UserError as exc:
                    report.errors.append(f"{action.issue_key}: {exc}")

    # --- one page: read the local side, plan, apply the board side, queue the JIRA side ---

    def _page(self, run: SyncRun, records: list[IssueRecord]) -> None:
        if not records:
            return
        self._ensure_people(run, records)
        report = run.report
        for rec in records:
            how = run.statuses.how(rec.status_id)
            name = rec.status_name or rec.status_id
            if how is None:
                report.unmapped[name] = report.unmapped.get(name, 0) + 1
            elif how is MappedBy.CATEGORY:
                report.by_category[name] = report.by_category.get(name, 0) + 1
        decided = self._plan_page(run, records)
        if run.plan is not None:
            for d in decided:
                run.plan.add_action(d.action, d.card.title if d.card else d.issue.summary)
        else:
            self._apply_page(run, decided)
        comments_page(run, records)

    def _plan_page(self, run: SyncRun, records: list[IssueRecord]) -> list[Decided]:
        """Match each issue with its card and link, and decide the page (pure ``plan``)."""
        with self.board.reading() as conn:
            links = sync_repo.links_for(
                conn,
                keys=[r.key for r in records],
                idents=[f"card:{r.stamp}" for r in records if r.stamp],
            )
            by_key = {link.issue_key: link for link in links if link.issue_key}
            by_ident = {link.ident: link for link in links}
            keyed = sync_repo.cards_by_keys(conn, [r.key for r in records])
            matches = [self._match(conn, rec, by_key, by_ident, keyed) for rec in records]
        pairs = []
        order = {c.id: c.order for c in run.columns}
        for rec, (link, card, base) in zip(records, matches, strict=True):
            local = run.local_item(card, link.base if link else None) if card else None
            remote = run.remote_item(rec, base.values if base else None)
            if (
                base is not None
                and local is not None
                and move_in_progress(
                    link, local.values.get("column"), remote.values.get("column"), order
                )
            ):
                # Our own push stopped part-way: JIRA's column is not a change of JIRA's.
                values = {**remote.values, "column": base.values.get("column")}
                remote = RemoteItem(remote.key, values, remote.updated)
            pairs.append(Pair(base, local, remote))
        actions = plan(pairs)
        log.debug("Plan for a page of %d issues: %s", len(records), summarize(actions))
        return [
            Decided(rec, card, link, action)
            for rec, (link, card, _base), action in zip(records, matches, actions, strict=True)
        ]

    def _apply_page(self, run: SyncRun, decided: list[Decided]) -> None:
        """The board side of a page's plan in one transaction; the JIRA side queued."""
        report = run.report
        creates = [d for d in decided if d.action.decision is Decision.CREATE_CARD]
        new_cards = [
            (d.issue, d.action, replay(run.full_history(d.issue), run.shape())) for d in creates
        ]
        facts = run.facts()
        with self.board.writing() as uow:
            for d in decided:
                if d.action.decision is Decision.CREATE_CARD:
                    continue
                if d.action.decision is Decision.NONE:
                    report.unchanged += 1
                try:
                    with uow.conn.begin_nested():
                        revision, wrote = apply_decided(uow, facts, d)
                except UserError as exc:
                    report.errors.append(f"{d.issue.key}: {exc}")
                    log.warning("Could not apply %s to the board: %s", d.issue.key, exc)
                    continue
                if d.action.decision is Decision.RESTORE_CARD:
                    report.restored += 1
                if d.action.pull:
                    report.pulled += 1
                if wrote:
                    report.board_writes += 1
                if d.action.conflicts:
                    log.info("Conflict on %s: %s", d.issue.key, ", ".join(d.action.conflicts))
                if d.action.writes_jira and d.card is not None:
                    run.pushes[d.card.id] = PushJob(d.card.id, d.issue, d.action.push, revision)
            if new_cards:
                # A card given one of these keys by hand since the page was read
                # is matched on the next run instead of being duplicated.
                taken = sync_repo.cards_by_keys(uow.conn, [rec.key for rec, _a, _n in new_cards])
                new_cards = [c for c in new_cards if c[0].key not in taken]
                insert_new_cards(uow, new_cards)
        report.created_cards += len(new_cards)
        report.pulled += len(new_cards)
        report.board_writes += len(new_cards)

    def _match(
        self,
        conn: Connection,
        rec: IssueRecord,
        by_key: Mapping[str, sync_repo.Link],
        by_ident: Mapping[str, sync_repo.Link],
        keyed: Mapping[str, Card],
    ) -> tuple[sync_repo.Link | None, Card | None, BaseItem | None]:
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

    def _ensure_people(self, run: SyncRun, records: Iterable[IssueRecord]) -> None:
        """Assignees the board does not know yet become people.

        One who holds an issue in an active column gets a lane at once (active);
        one who only has pool or done issues comes in inactive, so the wall does
        not grow a lane per JIRA user. The run reports who was added.
        """
        kinds = {c.id: c.kind for c in run.columns}
        for rec in records:
            user = rec.assignee
            if user is None:
                continue
            column = run.statuses.column_of(rec.status_id)
            working = column is not None and kinds.get(column) is ColumnKind.ACTIVE
            known = run.people_by_user.get(user.id)
            if known is not None:
                if working and not known.active and known.name in run.report.adopted:
                    # Adopted inactive earlier in this run; now holds active work.
                    known = self.board.update_person(known.id, active=True)
                    run.people_by_user[user.id] = known
                    run.people_by_id[known.id] = known
                continue
            if run.plan is not None:
                note = f"JIRA user '{user.display_name}' would be added to the board's people."
                if note not in run.plan.notes:
                    run.plan.notes.append(note)
                continue
            person = self._adopt_person(user, active=working)
            run.people_by_user[user.id] = person
            run.people_by_id[person.id] = person
            run.report.adopted.append(person.name)

    def _adopt_person(self, user: JiraUser, *, active: bool) -> Person:
        people = self.board.people()
        for p in people:
            if not p.jira_user and user.email and (p.email or "").lower() == user.email.lower():
                return self.board.update_person(p.id, jira_user=user.id)
        names = {p.name.lower() for p in people}
        name = " ".join(user.display_name.split())[:NAME_MAX] or user.id[:NAME_MAX]
        if name.lower() in names:
            name = f"{name[: NAME_MAX - 20]} ({user.id[:15]})"
        log.info(
            "Adding JIRA user %s as %s person '%s'",
            user.id,
            "an active" if active else "an inactive",
            name,
        )
        email = user.email if user.email and len(user.email) <= EMAIL_MAX else None
        return self.board.add_person(
            name, jira_user=user.id[:JIRA_USER_MAX], email=email, active=active
        )

    # --- pushing -------------------------------------------------------------------------

    # --- creating issues from new cards ------------------------------------------------------


__all__ = [
    "ChangeKind",
    "PendingItem",
    "SyncPlan",
    "SyncReport",
    "SyncService",
    "SyncStatus",
    "card_badges",
    "card_badges_and_notes",
    "card_sync_notes",
    "check_connection",
    "list_boards",
]
