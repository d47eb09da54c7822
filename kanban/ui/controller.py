"""The board's controller: loads snapshots, turns drops into service calls.

All database work runs on two serial workers (``reader`` for snapshots and the
change marker, ``writer`` for changes), so the GUI thread never waits on the
database. Another client's change is found by the cheap check :meth:`poll`
(one read transaction: :func:`kanban.store.changes.change_marker`), run on a
timer as the fallback and at once when :mod:`kanban.ui.live` hears of a commit
(:meth:`check_for_changes`); only a moved marker loads a new snapshot.

A drop is shown at once (the snapshot is updated locally the way the
service will update it) and persisted on the writer; if the service refuses,
the board is reloaded and the reason is shown beside the card. Team rules are
checked before the write too, so an enforced rule refuses without a round trip
and a warned one asks for the override reason first.

When the database cannot be reached (a server gone, a file no longer there),
a job's failure says so with ``unavailable`` and the window goes offline
(:mod:`kanban.ui.offline_banner`): no polling, every change refused at once
with a message, a drop that was on its way put back where it was stored.

Signals:
    board_changed(): a new board state is on screen.
    message(str): a line for the user (status bar, wall bar).
    refreshed(object): the time (aware datetime) the board was last checked.
    drop_persisted(str): a dragged card's move was written (card id).
    undo_state(bool, bool): whether undo / redo are possible.
    unavailable(str): the database could not be reached (the driver's reason).
"""

from __future__ import annotations

import dataclasses
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import EllipsisType
from typing import Any

from PySide6.QtCore import QObject, QRectF, QTimer, Signal

from kanban.domain import rules as rules_mod
from kanban.domain.history import UndoStep
from kanban.domain.model import BoardSnapshot, Card, Grouping
from kanban.domain.rules import Violation
from kanban.errors import ConflictError, NothingToUndo, RuleViolationError, UserError
from kanban.logs import log_file
from kanban.services.board import BoardService, ChangeResult
from kanban.services.history_text import ago, undo_question
from kanban.services.service_level import service_level
from kanban.store import availability, changes
from kanban.ui.board_data import (
    UNASSIGNED,
    BoardData,
    Filters,
    LaneKey,
    apply_local_move,
    build_board_data,
    cell_cards,
    lane_key_of,
    replace_cards,
)
from kanban.ui.fit import fit_layout, lane_pages, page_of
from kanban.ui.layout import CELL, NOT_READY, POOL, BoardLayout, Metrics, Zone, compute_layout
from kanban.ui.view import BoardView
from kanban.ui.workers import HOLD_AT_MOST_MS, SerialExecutor

log = logging.getLogger(__name__)

WALL_POLL_MS = 3000
LAPTOP_POLL_MS = 5000
FULL_LOAD_EVERY = timedelta(minutes=5)

# Asks the user for a reason; returns None when they cancel.
OverrideAsker = Callable[[Card, Sequence[Violation]], "str | None"]
BlockAsker = Callable[[Card], "str | None"]
# Asks "Undo: moved OPS-12 to In progress, 2 h ago?"; True to go ahead.
UndoConfirmer = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class DropPlan:
    """What a drop means for the service: a move, and maybe a block or unblock."""

    card: Card
    column_id: int
    person_id: int | None
    position: int | None
    move: bool
    block: bool = False
    unblock: bool = False
    # A drop into another project's lane sets the card's project (None: no project).
    project: str | None | EllipsisType = ...


def now() -> datetime:
    return datetime.now().astimezone()


class BoardController(QObject):
    """Owns the board state on screen; see the module docstring for its signals."""

    board_changed = Signal()
    message = Signal(str)
    refreshed = Signal(object)
    drop_persisted = Signal(str)
    undo_state = Signal(bool, bool)
    unavailable = Signal(str)

    def __init__(
        self,
        service: BoardService,
        view: BoardView,
        metrics: Metrics,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.view = view
        self.scene = view.board_scene
        self.metrics = metrics
        self.reader = SerialExecutor("kanban-reader", self)
        self.writer = SerialExecutor("kanban-writer", self)
        self.snapshot: BoardSnapshot | None = None
        self.data: BoardData | None = None
        self.layout: BoardLayout | None = None
        self.filters = Filters()
        self.grouping: Grouping | None = None
        self.collapsed: set[LaneKey] = set()
        self.badges: dict[str, list[str]] = {}
        self.badge_notes: dict[str, list[str]] = {}
        self.highlighted: set[str] = set()
        self.standup_since: datetime | None = None
        # Fitting the board to the view (wall mode, Fit board): its done cells
        # show what finished since ``done_since``, and a team too big for the
        # screen shows ``lane_page`` of ``lane_pages``.
        self.fit = False
        self._laid_out_width = 0.0  # the width the scrolling layout on screen is for
        self.done_since: datetime | None = None
        self.lane_page = 0
        self.lane_pages = 1
        # The wall pages lanes that do not fit; Fit board squeezes them instead.
        self.paginate = True
        self.last_refresh: datetime | None = None
        self.ask_override: OverrideAsker = _no_reason
        self.ask_block_reason: BlockAsker = _no_block_reason
        self.confirm_undo: UndoConfirmer = _no_confirmation
        # (card id, "override" | "block") → a reason typed for a drop that then
        # conflicted; the window's prompts start from it on the next try.
        self.unsaved_reasons: dict[tuple[str, str], str] = {}
        # A new card to select, scroll to and announce once a load shows it.
        self._reveal: str | None = None
        self._generation = 0
        self._loading = False
        self._reload_again = False
        self._polling = False
        # A live source heard of a change while a check, a load or a write was
        # under way: check once more when it is done, or the change waits a poll.
        self._check_again = False
        # The database cannot be reached: no checks, changes refused (set_offline).
        self.offline = False
        # Each card as last read from or written to the database: where a drop
        # that could not be saved goes back to.
        self._stored: dict[str, Card] = {}
        # When the whole board was last read (the SLE and what a card check
        # cannot see are read with it): at least every FULL_LOAD_EVERY.
        self._full_load_at: datetime | None = None
        # The board's SLE (85th percentile cycle time), read with each snapshot.
        self.sle_days: float | None = None
        # The screen may not show what is stored (a load failed or was dropped):
        # the next poll reloads even when the change marker has not moved.
        self._stale = False
        # Revisions our own writes produced, by the revision they started from.
        # Only writer jobs touch it (one at a time): a card dragged again before
        # its first move was written still holds the old revision on screen, and
        # that must not look like someone else's change.
        self._own_revisions: dict[tuple[str, int], int] = {}
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(LAPTOP_POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        view.card_dropped.connect(self.drop)
        # A drop is painted first; what can wait a frame follows the paint, or the
        # timer when no paint comes (it also releases the drop's held write).
        self._frame_pending = False
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setInterval(HOLD_AT_MOST_MS)
        self._frame_timer.timeout.connect(self._finish_frame)
        view.painted.connect(self._finish_frame)
        view.lane_toggled.connect(self.toggle_lane)
        view.archive_requested.connect(self.archive)
        view.resized.connect(self._viewport_resized)
        view.zoom_changed.connect(lambda _z: self.relayout())

    # --- loading -----------------------------------------------------------------

    def start(self) -> None:
        self.reload()
        self.poll_timer.start()

    def shutdown(self) -> None:
        self.poll_timer.stop()
        self.writer.wait()
        self.reader.wait()

    def reload(self) -> None:
        """Load a fresh snapshot on the reader; drops older than the last local change."""
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        generation = self._generation
        since = self.standup_since
        service = self.service

        def job() -> tuple[BoardSnapshot, set[str], float | None]:
            snap = service.snapshot()
            moved = service.cards_moved_since(since) if since is not None else set()
            # Once per load, here on the reader: the cards' faces mark work past it.
            return snap, moved, service_level(service)

        self.reader.submit(job, lambda result, error: self._loaded(generation, result, error))

    def _loaded(
        self,
        generation: int,
        result: tuple[BoardSnapshot, set[str], float | None] | None,
        error: BaseException | None,
    ) -> None:
        self._loading = False
        again, self._reload_again = self._reload_again, False
        if error is not None:
            self._stale = True
            self.report(error, "loading the board")
        elif generation != self._generation or self.writer.pending:
            # A local change happened meanwhile; this snapshot may predate it.
            self._stale = True
            again = again or not self.writer.pending
        elif result is not None:  # no error: the job returned its result
            snap, moved, self.sle_days = result
            self._stale = False
            self._stored = {c.id: c for c in snap.cards}
            self._full_load_at = now()
            # The stand-up highlight may have been switched off while this loaded.
            self.highlighted = moved if self.standup_since is not None else set()
            self.set_snapshot(snap)
            self._mark_refreshed()
            if self._reveal is not None:
                self._show_revealed()
        if again:
            self.reload()
        else:
            self._recheck()

    def reveal_new_card(self, card_id: str) -> None:
        """Load the board, then select the new card, scroll it into view and say so."""
        self._reveal = card_id
        self.reload()

    def _show_revealed(self) -> None:
        card_id, self._reveal = self._reveal, None
        card = self.card(card_id) if card_id else None
        if card is None or self.snapshot is None:
            return
        where = self.snapshot.column(card.column_id).name
        if card_id in self.scene.card_items:
            self.view.select(card_id)
            self.view.setFocus()
            self.message.emit(f"Added '{card.title}' to {where}; it is selected.")
        else:
            self.message.emit(f"Added '{card.title}' to {where}; the search or filters hide it.")

    def _mark_refreshed(self) -> None:
        self.last_refresh = now()
        self.refreshed.emit(self.last_refresh)

    def poll(self) -> None:
        """Check the change marker on the reader; show what another writer changed.

        When only cards changed, just those and the cells they left or joined
        are read and put into the snapshot on screen; anything else (columns,
        people, rules, many cards, a stand-up highlight, a snapshot older than
        :data:`FULL_LOAD_EVERY`) loads the whole board.
        """
        if self.offline or self._polling or self._loading or self.writer.pending:
            return
        self._polling = True
        self._check_again = False
        service, snap, generation = self.service, self.snapshot, self._generation
        whole = (
            snap is None
            or self._stale
            or self.standup_since is not None
            or self._full_load_at is None
            or now() - self._full_load_at > FULL_LOAD_EVERY
        )

        def job() -> changes.CardChanges | None:
            with service.reading() as conn:
                if whole or snap is None:
                    marker = changes.change_marker(conn)
                    moved = snap is None or marker != changes.snapshot_marker(snap)
                    return None if moved else changes.CardChanges(marker[0])
                return changes.cards_changed_since(conn, snap)

        self.reader.submit(job, lambda result, error: self._polled(snap, generation, result, error))

    def check_for_changes(self) -> None:
        """Another client committed something (a file write, a NOTIFY): check now."""
        if self.offline:
            return
        if self._polling or self._loading or self.writer.pending:
            self._check_again = True
            return
        self.poll()

    def _recheck(self) -> None:
        if self._check_again and not (self._polling or self._loading or self.writer.pending):
            self.poll()

    def _polled(
        self,
        checked: BoardSnapshot | None,
        generation: int,
        result: changes.CardChanges | None,
        error: BaseException | None,
    ) -> None:
        self._polling = False
        if error is not None:
            self.report(error, "checking the board for changes")
            return
        if result is None or self._stale:
            self.reload()
            return
        if checked is not self.snapshot or generation != self._generation or self.writer.pending:
            # A local change or a load came meanwhile: the answer is about an older board.
            self._check_again = True
        elif result:
            assert checked is not None  # a snapshot was checked, or the result is None
            self._stored.update((c.id, c) for c in result.cards)
            self.set_snapshot(changes.apply_changes(checked, result))
            self._mark_refreshed()
        else:
            self._mark_refreshed()
        self._recheck()

    def set_offline(self, offline: bool) -> None:
        """The database went away (or came back: the board reloads at once)."""
        if offline == self.offline:
            return
        self.offline = offline
        if not offline:
            self._stale = True
            self.reload()
            self.refresh_undo_state()

    def set_snapshot(self, snapshot: BoardSnapshot, *, drop: bool = False) -> None:
        self.snapshot = snapshot
        self.relayout(drop=drop)

    def relayout(self, *, drop: bool = False) -> None:
        """Lay the board out again and show it. For a ``drop`` only what shows the
        card at its new place is done before the paint; the header figures, the
        window's reaction (board_changed) and the write follow it."""
        if self.snapshot is None:
            return
        self.data = build_board_data(
            self.snapshot, self.filters, self.grouping, self.collapsed, self.done_since
        )
        if self.fit:
            # The whole board on screen (the wall, Fit board): no scrolling.
            height = self.view.visible_height()
            self.lane_pages = lane_pages(self.data, height, self.metrics) if self.paginate else 1
            if self.lane_pages > 1:
                self.data = page_of(self.data, self.lane_page, height, self.metrics)
            self.layout = fit_layout(self.data, self.view.visible_width(), height, self.metrics)
        else:
            self.lane_pages = 1
            width = self.view.visible_width()
            self.layout = compute_layout(self.data, width, self.metrics)
            if self.layout.height > self.view.visible_height():
                # The board will scroll: lay it out for the width the scroll bar
                # leaves, instead of again when the bar appears.
                narrower = width - self.view.scroll_bar_width()
                if narrower != width:
                    width = narrower
                    self.layout = compute_layout(self.data, width, self.metrics)
            self._laid_out_width = width
        current = self.view.current
        if current is not None and current not in self.layout.cards:
            current = None
            self.view.current = None
        self.scene.apply(
            self.data,
            self.layout,
            badges=self.badges,
            notes=self.badge_notes,
            highlighted=self.highlighted,
            selected=current,
            now=now(),
            sle_days=self.sle_days,
            headers_later=drop,
        )
        self._frame_pending = drop
        if drop:
            self._frame_timer.start()
        else:
            self.board_changed.emit()

    def _viewport_resized(self) -> None:
        """A new size of the view. A scrolling board depends on the width alone, so
        it is laid out again only for another width than it was made for (not when
        the scroll bar it foresaw appears); a fitted board for any new size."""
        if self.fit or abs(self.view.visible_width() - self._laid_out_width) > 0.01:
            self.relayout()

    def _finish_frame(self) -> None:
        """After the paint that showed a drop: the headers, the window, the write."""
        if self._frame_pending:
            self._frame_pending = False
            self.scene.apply_headers()
            self.board_changed.emit()
        self.writer.release()

    # --- view settings --------------------------------------------------------------

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self.relayout()

    def set_grouping(self, grouping: Grouping) -> None:
        self.grouping = grouping
        self.relayout()

    def toggle_lane(self, key: LaneKey) -> None:
        self.collapsed.symmetric_difference_update({key})
        self.relayout()

    def set_badges(
        self, badges: dict[str, list[str]], notes: dict[str, list[str]] | None = None
    ) -> None:
        """Short badge texts per card id (sync state, links), drawn in each card's footer,
        and the same in sentences (``notes``) for each card's tooltip."""
        self.badges = dict(badges)
        self.badge_notes = dict(notes or {})
        if self.layout is None:
            self.relayout()
            return
        # Badges never move a card: repaint the cards whose badges changed, no
        # relayout (the sync and the links scan each send theirs after a load).
        self.scene.set_badges(self.badges, self.badge_notes)

    def set_standup(self, since: datetime | None) -> None:
        """Highlight the cards moved since ``since`` (None: no highlight)."""
        self.standup_since = since
        if since is None:
            self.highlighted = set()
            self.relayout()
        else:
            self.reload()

    def set_poll_interval(self, msecs: int) -> None:
        self.poll_timer.setInterval(msecs)

    # --- drops -------------------------------------------------------------------------

    def card(self, card_id: str) -> Card | None:
        if self.snapshot is None:
            return None
        return next((c for c in self.snapshot.cards if c.id == card_id), None)

    def plan_drop(self, card: Card, zone: Zone, before: str | None) -> DropPlan | None:
        """Translate a drop into service terms; None when nothing would change."""
        snap = self.snapshot
        if snap is None:  # no board on screen yet: nothing to drop on
            return None
        pool_id = snap.pool.id
        grouping = self.grouping or snap.grouping
        block = unblock = False
        person_id: int | None
        project: str | None | EllipsisType = ...
        if zone.kind == POOL:
            column_id, person_id = pool_id, None
            unblock = card.not_ready
        elif zone.kind == NOT_READY:
            column_id, person_id = pool_id, None
            block = not card.not_ready
        elif zone.kind == CELL and zone.column_id is not None:
            column_id = zone.column_id
            if grouping is Grouping.PERSON:
                kind, lane_id = zone.lane or UNASSIGNED
                person_id = lane_id if kind == "person" and isinstance(lane_id, int) else None
            else:
                person_id = card.person_id
                if zone.lane and zone.lane[0] == "project" and zone.lane[1] != card.project:
                    lane_project = zone.lane[1]
                    project = lane_project if isinstance(lane_project, str) else None
            # Leaving the not-ready section means the card is ready to start.
            unblock = card.not_ready and card.column_id == pool_id
        else:  # not a zone a card can be dropped on
            return None
        position: int | None = None
        if zone.kind != CELL or grouping is Grouping.PERSON:
            others = [c.id for c in cell_cards(snap, column_id, person_id) if c.id != card.id]
            if before is not None and before in others:
                position = others.index(before)
        if zone.kind == CELL and grouping is Grouping.PROJECT and before is None:
            position = None
        same_cell = (column_id, person_id) == card.cell
        if same_cell and position is None:
            # Dropped at the end of its own cell.
            size = len(cell_cards(snap, column_id, person_id))
            move = card.position != size - 1
        else:
            move = not same_cell or position != card.position
        if project is not ...:
            move = True  # the project goes with the move, as one change
        if not (move or block or unblock):
            return None
        return DropPlan(card, column_id, person_id, position, move, block, unblock, project)

    def drop(self, card_id: str, zone: Zone, before: str | None) -> None:
        """A card was dropped on ``zone`` before the card ``before`` (None or "": at the end)."""
        before = before or None
        card = self.card(card_id)
        if card is None or self.snapshot is None:
            return
        plan = self.plan_drop(card, zone, before)
        if plan is not None and self.offline:
            self.relayout()
            self.bubble(card_id, _offline_refusal(f"'{card.title}' was not moved"))
            return
        if plan is not None and plan.project is not ... and card.jira_key:
            # A JIRA issue's project is JIRA's (the sync never pushes it): a new one
            # here would stay on the board only. The column still moves.
            self.bubble(
                card_id,
                f"'{card.title}' stays in project {card.project or '(none)'}: "
                f"{card.jira_key}'s project is set in JIRA.",
            )
            own_lane = dataclasses.replace(zone, lane=lane_key_of(card, Grouping.PROJECT))
            plan = self.plan_drop(card, own_lane, before)
        if plan is None:
            self.relayout()
            return
        override: str | None = None
        if plan.move:
            wip = self.data.wip if self.data else self.service.wip(self.snapshot)
            violations = rules_mod.check_snapshot_move(
                self.snapshot, wip, card, plan.column_id, plan.person_id
            )
            allowed, needs_reason = rules_mod.decide(violations, None)
            if not allowed and not needs_reason:
                self.relayout()
                self.bubble(card_id, _refusal(card, violations))
                return
            if needs_reason:
                override = self.ask_override(card, violations)
                if not override:
                    self.relayout()
                    return
        reason: str | None = None
        if plan.block:
            reason = self.ask_block_reason(card)
            if not reason:
                self.relayout()
                return
        self._execute(plan, override, reason)

    def _execute(self, plan: DropPlan, override: str | None, reason: str | None) -> None:
        if self.snapshot is None:  # the board went away before the drop was planned
            return
        card = plan.card
        changes: dict[str, Any] = {}
        if plan.block:
            changes.update(not_ready=True, not_ready_reason=reason)
        if plan.unblock:
            changes.update(not_ready=False, not_ready_reason=None)
        if plan.project is not ...:
            changes.update(project=plan.project)
        self._generation += 1
        self.set_snapshot(
            apply_local_move(
                self.snapshot,
                card.id,
                plan.column_id,
                plan.person_id,
                plan.position,
                now(),
                **changes,
            ),
            drop=True,
        )
        service = self.service

        def job() -> list[ChangeResult]:
            results: list[ChangeResult] = []
            start = revision = self._own_revision(card)
            if plan.move:
                # The move and the not-ready mark are one change: one undo step.
                results.append(
                    service.move_card(
                        card.id,
                        column=plan.column_id,
                        person=plan.person_id,
                        unassign=plan.person_id is None,
                        position=plan.position,
                        expected_revision=revision,
                        override_reason=override,
                        block_reason=reason if plan.block else None,
                        unblock=plan.unblock,
                        project=plan.project,
                    )
                )
            elif plan.block and reason:
                results.append(service.block(card.id, reason, expected_revision=revision))
            elif plan.unblock:
                results.append(service.unblock(card.id, expected_revision=revision))
            if results and results[-1].card.revision != start:
                self._own_revisions[(card.id, start)] = results[-1].card.revision
            return results

        # Written once the drop is on screen: see SerialExecutor.hold.
        self.writer.hold(
            job, lambda result, error: self._persisted(plan, override, result, error, reason)
        )

    def _persisted(
        self,
        plan: DropPlan,
        override: str | None,
        results: list[ChangeResult] | None,
        error: BaseException | None,
        block_reason: str | None = None,
    ) -> None:
        if error is not None:
            self._generation += 1
            if availability.is_unavailable(error):
                self._put_back(plan.card)
                self.unavailable.emit(availability.offline_reason(error))
                self.bubble(
                    plan.card.id,
                    f"Not saved: '{plan.card.title}' could not be moved, the board's database "
                    f"cannot be reached ({availability.offline_reason(error)}). It is back where "
                    "it was; move it again once the board is back online.",
                )
                self._recheck()
                return
            if (
                isinstance(error, RuleViolationError)
                and error.needs_reason
                and override is None
                and not plan.block
            ):
                # The rules changed since the board was drawn: ask now, then retry.
                reason = self.ask_override(plan.card, error.violations)  # type: ignore[arg-type]
                if reason:
                    self._execute(plan, reason, None)
                    return
            self.reload()
            if isinstance(error, ConflictError):
                # What was typed for this drop is offered again on the next try.
                kept = {"override": override, "block": block_reason}
                for kind, text in kept.items():
                    if text:
                        self.unsaved_reasons[(plan.card.id, kind)] = text
                self.bubble(
                    plan.card.id,
                    f"'{plan.card.title}' was changed by someone else; the board was reloaded. "
                    "Drag it again if it still needs to move"
                    + (" (the reason you typed is kept)." if any(kept.values()) else "."),
                )
            self.report(error, f"moving '{plan.card.title}'", card_id=plan.card.id)
            return
        if results is None or self.snapshot is None:  # no error means results
            return
        # The retry (or another drop of the card) went through: nothing is pending.
        for kind in ("override", "block"):
            self.unsaved_reasons.pop((plan.card.id, kind), None)
        written = [r.card for r in results]
        self._stored.update((c.id, c) for c in written)
        if written:
            # The board already shows the drop; the written card only adds its new
            # revision (needed by the next change), so no relayout is needed.
            self.snapshot = replace_cards(self.snapshot, written)
            for card in written:
                item = self.scene.card_items.get(card.id)
                if item is not None:
                    item.card = card
        self.drop_persisted.emit(plan.card.id)
        self.refresh_undo_state()
        self._recheck()

    def _put_back(self, dropped: Card) -> None:
        """Show ``dropped`` where the database last had it (its move was not saved)."""
        if self.snapshot is None or self.card(dropped.id) is None:
            return
        stored = self._stored.get(dropped.id, dropped)
        self.set_snapshot(
            apply_local_move(
                self.snapshot,
                stored.id,
                stored.column_id,
                stored.person_id,
                stored.position,
                now(),
                column_since=stored.column_since,
                not_ready=stored.not_ready,
                not_ready_reason=stored.not_ready_reason,
                project=stored.project,
                revision=stored.revision,
            )
        )

    def _own_revision(self, card: Card) -> int:
        """The revision to expect for ``card`` (on the writer: after our queued writes)."""
        revision = card.revision
        while (card.id, revision) in self._own_revisions:
            revision = self._own_revisions[(card.id, revision)]
        return revision

    # --- other writes ------------------------------------------------------------------

    def run_write(
        self,
        job: Callable[[], Any],
        what: str,
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """Run a change on the writer, then reload the board."""
        if self.offline:
            self.message.emit(_offline_refusal(f"Not done: {what}"))
            return
        self._generation += 1

        def finished(result: Any, error: BaseException | None) -> None:
            self._generation += 1
            if error is not None:
                self.report(error, what)
            elif done is not None:
                done(result)
            self.reload()
            self.refresh_undo_state()

        self.writer.submit(job, finished)

    def set_actor(self, actor: str) -> None:
        """Make the next changes as ``actor`` (who "I" am); undo follows at once.

        Set on the writer, so changes queued before still go out as who made them.
        """
        service = self.service

        def job() -> None:
            service.actor = actor

        self.writer.submit(job, lambda _r, _e: self.refresh_undo_state())

    def undo(self) -> None:
        """Undo my last change: named first, and confirmed (``confirm_undo``) when old.

        The change is looked up on the writer, after any write still queued (a
        drag just made is the change to take back).
        """
        self.writer.submit(self.service.next_undo, self._undo_named)

    def _undo_named(self, step: UndoStep | None, error: BaseException | None) -> None:
        if error is not None:
            self.report(error, "undoing")
            return
        if step is None:
            self.message.emit("Nothing to undo: you have made no change since the last undo.")
            return
        when = now()
        if step.needs_confirmation(when) and not self.confirm_undo(undo_question(step, when)):
            self.message.emit(f"Not undone: {step.what}.")
            return
        said = f"Undone: {step.what} ({ago(step.at, when)})."
        self.run_write(
            lambda: self.service.undo(expected=step.change_id),
            "undoing",
            lambda _r: self.message.emit(said),
        )

    def redo(self) -> None:
        self.run_write(self.service.redo, "redoing", lambda _r: self.message.emit("Redone."))

    def archive(self, card_id: str) -> None:
        card = self.card(card_id)
        if card is None:
            return
        self.run_write(
            lambda: self.service.archive(card.id, expected_revision=self._own_revision(card)),
            f"archiving '{card.title}'",
            lambda _r: self.message.emit(f"Archived '{card.title}'. Ctrl+Z brings it back."),
        )

    def refresh_undo_state(self) -> None:
        self.reader.submit(self.service.can_undo, self._undo_state_known)

    def _undo_state_known(
        self, result: tuple[bool, bool] | None, error: BaseException | None
    ) -> None:
        if error is None and result is not None:
            self.undo_state.emit(*result)

    # --- messages -------------------------------------------------------------------------

    def bubble(self, card_id: str | None, text: str) -> None:
        """Show ``text`` beside the card (or at the top of the board) for a few seconds."""
        rect = self.layout.cards.get(card_id) if self.layout and card_id else None
        if rect is None:
            top_left = self.view.mapToScene(0, 0)
            rect = QRectF(top_left.x() + 40, top_left.y() + 40, 1, 1)
        self.scene.show_bubble(rect, text)
        self.message.emit(text)

    def report(self, error: BaseException, what: str, card_id: str | None = None) -> None:
        """Tell the user about an error; an unexpected one goes to the log in full."""
        if availability.is_unavailable(error):
            # The offline banner says it once; a message per failed job would not help.
            self.unavailable.emit(availability.offline_reason(error))
            if not what.startswith(("loading", "checking")):
                self.message.emit(_offline_refusal(f"Not done: {what}"))
        elif isinstance(error, NothingToUndo):
            self.message.emit(str(error))
        elif isinstance(error, UserError):
            if card_id is not None and not isinstance(error, ConflictError):
                self.bubble(card_id, str(error))
            else:
                self.message.emit(str(error))
        else:
            log.error(
                "Unexpected error while %s:\n%s",
                what,
                "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            )
            self.message.emit(f"Unexpected error while {what}: {error}. Details in {log_file()}")


def _offline_refusal(what: str) -> str:
    return (
        f"{what}: the board is offline (its database cannot be reached), so nothing was "
        "saved. It reconnects by itself; try again when the offline banner is gone."
    )


def _refusal(card: Card, violations: Sequence[Violation]) -> str:
    reasons = "; ".join(v.message for v in violations)
    return f"Not moved: {reasons}. The board enforces this rule (Settings → Rules)."


def _no_reason(card: Card, violations: Sequence[Violation]) -> str | None:
    return None


def _no_block_reason(card: Card) -> str | None:
    return None


def _no_confirmation(question: str) -> bool:
    return False
