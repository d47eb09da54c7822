"""Keeps the board true by itself: background rescans of git and PR hosts, and card badges.

The scans run on their own worker thread (``SerialExecutor("links")``) so they
never queue behind the board's own writes or block the GUI thread. Badges from
several sources (links, JIRA sync) are merged per card before they reach the
board controller, each with longer notes for the card's tooltip (why a push to
JIRA waits, how many reviewers approved).
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kanban.errors import UserError
from kanban.services.board import BoardService
from kanban.settings import Config
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)

LINKS_SCAN_MS = 120_000
# Dev-status costs several HTTP requests per open card: ask JIRA less often.
DEVSTATUS_EVERY_S = 15 * 60


@dataclass(frozen=True)
class CardBadges:
    """What one source says about cards: short badge texts, and sentences for tooltips."""

    texts: dict[str, list[str]]
    notes: dict[str, list[str]] = field(default_factory=dict)


class BadgeBoard:
    """Merges badge texts and tooltip notes from several sources into one dict per card.

    Args:
        apply: receives the merged ``{card_id: [text, ...]}`` and
            ``{card_id: [note, ...]}`` (the controller's ``set_badges``).
    """

    def __init__(self, apply: Callable[[dict[str, list[str]], dict[str, list[str]]], None]) -> None:
        self._apply = apply
        self._sources: dict[str, CardBadges] = {}

    def update(self, source: str, badges: CardBadges) -> None:
        if self._sources.get(source) == badges:
            return
        self._sources[source] = badges
        texts: dict[str, list[str]] = {}
        notes: dict[str, list[str]] = {}
        # Most telling first: a card too narrow for all its badges keeps the first.
        for name in sorted(self._sources, key=_source_rank):
            for card_id, items in self._sources[name].texts.items():
                texts.setdefault(card_id, []).extend(items)
            for card_id, items in self._sources[name].notes.items():
                notes.setdefault(card_id, []).extend(items)
        self._apply(texts, notes)


# The order of the badges on a card face: JIRA's state, then commits and PRs,
# then comments and checklists.
BADGE_SOURCES = ("sync", "links", "notes")


def _source_rank(name: str) -> tuple[int, str]:
    return (BADGE_SOURCES.index(name) if name in BADGE_SOURCES else len(BADGE_SOURCES), name)


class LinksWatcher(QObject):
    """Rescans the configured repositories and PR hosts on a timer, off the GUI thread.

    Signals:
        badges_changed(object): a :class:`CardBadges` after each scan.
        message(str): a source that failed (named, with what to do).
        board_moved(): an automation rule moved cards; the board should reload.
    """

    badges_changed = Signal(object)
    message = Signal(str)
    board_moved = Signal()

    def __init__(
        self, service: BoardService, parent: QObject | None = None, interval_ms: int = LINKS_SCAN_MS
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.executor = SerialExecutor("links", self)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.scan_now)
        self._closing = False
        self._busy = False
        self._last_devstatus = 0.0
        self._reported: set[str] = set()

    def start(self) -> None:
        """Show the badges already known at once, then scan now and on the timer."""
        self.executor.submit(self._badges_job, self._badges_done)
        self.scan_now()
        self.timer.start()

    def shutdown(self) -> None:
        self._closing = True
        self.timer.stop()
        self.executor.wait(5000)

    def scan_now(self) -> None:
        if self._busy or self._closing:
            return
        self._busy = True
        due = time.monotonic() - self._last_devstatus >= DEVSTATUS_EVERY_S
        self.executor.submit(lambda: self._scan_job(due), self._scan_done)

    def _badges_job(self) -> CardBadges:
        from kanban.services.links import LinksService

        return CardBadges(*LinksService(self.service).badges_with_notes())

    def _badges_done(self, result: Any, error: BaseException | None) -> None:
        if error is None and result is not None:
            self.badges_changed.emit(result)

    def _scan_job(self, devstatus_due: bool) -> tuple[Any, CardBadges] | None:
        from kanban.services.links import (
            LinksService,
            LinksSettings,
            devstatus_client_from_config,
        )

        config = Config.load()
        settings = LinksSettings.from_config(config)
        links = LinksService(self.service)
        devstatus = devstatus_client_from_config(config) if devstatus_due else None
        # JIRA set up with its own JQL gives no project keys: then there is nothing
        # to ask its development panel about, and no failure to tell the user.
        if not (settings.repos or settings.bitbucket or settings.github) and not (
            devstatus and settings.keys
        ):
            return None, CardBadges(*links.badges_with_notes())
        if devstatus is not None:
            self._last_devstatus = time.monotonic()
        report = links.scan(settings, devstatus=devstatus, cancel=lambda: self._closing)
        return report, CardBadges(*links.badges_with_notes())

    def _scan_done(self, result: Any, error: BaseException | None) -> None:
        self._busy = False
        if self._closing:
            return
        if error is not None:
            log.error("Scanning commits and pull requests failed", exc_info=error)
            text = f"Scanning commits and pull requests failed: {error}"
            # Said once until it recovers, like a failing source below.
            if text not in self._reported:
                self.message.emit(text)
            self._reported = {text}
            return
        report, badges = result
        self.badges_changed.emit(badges)
        if report is None:
            return
        # A failing source is said once until it recovers, not every two minutes.
        errors = set(report.errors)
        for text in sorted(errors - self._reported):
            self.message.emit(text)
        self._reported = errors
        if any(outcome.outcome == "moved" for outcome in report.automation):
            self.board_moved.emit()


class SyncWatcher(QObject):
    """The board's JIRA sync: the panel, the timer and the card badges.

    Created after the board is on screen, because it loads the ``jira``
    library; the panel's runner is the only thing that syncs, one run at a time.

    Signals:
        badges_changed(object): a :class:`CardBadges`: linked, queued, conflict, with
            the issue, its JIRA status and what waits (JIRA's reason) as notes.
        message(str): what a sync did, or why it failed (offline: changes wait).
        board_changed(): a sync or a resolution wrote to the board.
        offline_changed(bool): JIRA became unreachable, or reachable again.
        people_added(list): names of people a sync added from JIRA's assignees.
        preview_ready(object, bool): a :class:`~kanban.sync.preview.SyncPlan`, and
            whether it is the first sync of this board (then nothing syncs until
            the user applies it).
    """

    badges_changed = Signal(object)
    message = Signal(str)
    board_changed = Signal()
    offline_changed = Signal(bool)
    preview_ready = Signal(object, bool)
    people_added = Signal(list)

    def __init__(self, service: BoardService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.executor = SerialExecutor("sync-badges", self)
        # Previews talk to JIRA: they must not hold up the badges' queue.
        self.previewer = SerialExecutor("sync-preview", self)
        self.panel: Any = None
        self.auto: Any = None
        self.offline = False
        self.has_run = True  # read on the worker in prepare()
        self.previewing = False

    def prepare(self, ready: Callable[[], None]) -> None:
        """Import the sync modules (the jira library, ~100 ms) on the worker, then call ``ready``.

        ``ready`` runs on the GUI thread, where the panel is built with nothing
        left to import.
        """

        def job() -> bool:
            for module in ("kanban.services.sync", "kanban.ui.sync_panel"):
                importlib.import_module(module)
            from kanban.services.sync import SyncService

            return SyncService(self.service).has_run()

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                log.error("Reading the sync state failed", exc_info=error)
            self.has_run = bool(result) if error is None else True
            ready()

        self.executor.submit(job, done)

    def start(self) -> Any:
        """Build the sync panel (returned, for a dock) and start the timer if JIRA is set up."""
        from kanban.services.sync import SyncService
        from kanban.ui.sync_panel import AutoSync, SyncPanel

        url, actor = self.service.url, self.service.actor
        self.panel = SyncPanel(lambda: SyncService.open(url, actor))
        runner = self.panel.runner
        runner.finished.connect(self._finished)
        runner.failed.connect(self._failed)
        self.panel.board_changed.connect(self.board_changed)
        self.panel.board_changed.connect(self.refresh_badges)
        self.auto = AutoSync(runner, self._auto_minutes(), self)
        self.refresh_badges()
        return self.panel

    def _auto_minutes(self) -> int:
        """The auto-sync period; none before the first sync, which the user sees first."""
        from kanban.sync.settings import JiraSettings

        settings = JiraSettings.load(Config.load())
        if not settings.configured or not self.has_run:
            return 0
        return settings.interval_minutes

    @property
    def configured(self) -> bool:
        from kanban.sync.settings import JiraSettings

        return JiraSettings.load(Config.load()).configured

    def settings_changed(self) -> None:
        """After the connection dialog: follow the new sync period at once."""
        from kanban.sync.settings import JiraSettings

        settings = JiraSettings.load(Config.load())
        if self.auto is not None:
            self.auto.set_minutes(self._auto_minutes())
        if settings.configured and not self.has_run and self.panel is not None:
            # A newly connected board: show what the first sync would do.
            self.preview(first=True)

    def sync_now(self) -> bool:
        """Sync now (the user asked: no preview first)."""
        if self.panel is None:
            return False
        if not self.configured:
            self.message.emit("JIRA is not set up yet: use JIRA → Connection… first.")
            return False
        return bool(self.panel.sync_now())

    def apply_sync(self) -> bool:
        """Run the sync a preview showed (the user chose "Sync now" in it)."""
        if self.panel is None:
            return False
        return bool(self.panel.sync_now())

    def preview(self, *, first: bool = False) -> bool:
        """Work out what a sync would do, on a worker; ``preview_ready`` brings the plan."""
        if self.panel is None:
            return False
        if not self.configured:
            self.message.emit("JIRA is not set up yet: use JIRA → Connection… first.")
            return False
        if self.previewing:
            return False
        self.previewing = True
        url, actor = self.service.url, self.service.actor
        self.message.emit("Working out what a sync would do…")

        def job() -> Any:
            from kanban.services.sync import SyncService

            svc = SyncService.open(url, actor)
            try:
                return svc.preview()
            finally:
                svc.close()

        def done(result: Any, error: BaseException | None) -> None:
            self.previewing = False
            if error is not None:
                text = (
                    str(error)
                    if isinstance(error, UserError)
                    else ("The sync preview failed unexpectedly; the details are in the log file.")
                )
                if not isinstance(error, UserError):
                    log.error("Sync preview failed", exc_info=error)
                self.message.emit(text)
                return
            self.preview_ready.emit(result, first)

        self.previewer.submit(job, done)
        return True

    def cancel(self) -> None:
        if self.panel is not None:
            self.panel.runner.cancel()

    def refresh_badges(self) -> None:
        def job() -> CardBadges:
            from kanban.services.sync import card_badges_and_notes

            badges, notes = card_badges_and_notes(self.service)
            return CardBadges(
                {cid: [text] for cid, text in badges.items()},
                {cid: note.split("\n") for cid, note in notes.items()},
            )

        self.executor.submit(job, self._badges_done)

    def _badges_done(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            log.error("Reading the sync state failed", exc_info=error)
            return
        self.badges_changed.emit(result)

    def _set_offline(self, offline: bool) -> None:
        if offline != self.offline:
            self.offline = offline
            self.offline_changed.emit(offline)

    def _finished(self, report: Any) -> None:
        self._set_offline(False)
        if report.adopted:
            self.people_added.emit(list(report.adopted))
        if not self.has_run:
            self.has_run = True  # the first sync is done: the timer may sync from now on
            if self.auto is not None:
                self.auto.set_minutes(self._auto_minutes())
        self.message.emit(report.summary())
        # board_changed comes from the panel, which handles the same report:
        # emitting it here too reloaded the whole board twice per sync.
        if not report.board_writes:
            self.refresh_badges()

    def _failed(self, text: str, offline: bool) -> None:
        self._set_offline(offline)
        self.message.emit(text)
        self.refresh_badges()

    def shutdown(self) -> None:
        if self.auto is not None:
            self.auto.set_minutes(0)
        if self.panel is not None:
            self.panel.runner.cancel()
            self.panel.runner.wait(5)
        self.executor.wait(5000)
