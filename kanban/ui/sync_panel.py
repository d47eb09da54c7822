"""The JIRA sync panel and the runner that syncs on a worker thread.

:class:`SyncRunner` runs :meth:`SyncService.sync` on a Python worker thread
(the ``jira`` library blocks), with progress and cancel, and reports back
through queued signals: the GUI thread never waits on the network.
:class:`SyncPanel` lists what a sync left to do (pushes JIRA refused, with its
reason, and conflicts, with both values) and offers retry, revert, keep mine
and keep JIRA's. Both get a ``service_factory`` that opens a fresh
:class:`SyncService` (its own database connection) inside the worker.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.sync_states import ItemKind, Keep
from kanban.errors import UserError
from kanban.logs import log_file
from kanban.services.sync import PendingItem, SyncReport, SyncService, SyncStatus
from kanban.sync.errors import JiraOffline, SideEmpty
from kanban.ui.dialogs.common import MessageBanner, em
from kanban.ui.sync_text import (
    SYNC_FIELD_NAMES,
    can_revert,
    is_conflict,
    state_word,
    synced_value,
)
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)

ServiceFactory = Callable[[], SyncService]

_frozen = False


def _freeze_heap_once() -> None:
    """Move the app's long-lived objects out of the garbage collector's reach.

    A full collection scans every tracked object and holds the GIL while it
    does: with the board, Qt wrappers and the sync's libraries loaded, that is
    50-120 ms during which the GUI thread cannot run. Freezing the heap once,
    when the first sync starts, keeps later collections to what is new.
    """
    global _frozen
    if not _frozen:
        gc.freeze()
        _frozen = True


class SyncRunner(QObject):
    """One sync at a time on a worker thread.

    Signals:
        started(): a sync began.
        progressed(int, int, str): done, total (-1 when unknown), what it is doing.
        finished(object): the :class:`SyncReport` of a successful run.
        failed(str, bool): the reason in words, and whether JIRA was unreachable
            (offline: show the banner, changes wait in the queue).
        side_empty(str): JIRA returned no issues while many cards are linked;
            nothing was archived. Ask the user, then ``start(force=True)``.
    """

    started = Signal()
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str, bool)
    side_empty = Signal(str)

    def __init__(self, service_factory: ServiceFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._factory = service_factory
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, *, force: bool = False, full: bool | None = None) -> bool:
        """Start a sync; False when one is already running (the timer just skips a beat)."""
        if self.running:
            return False
        _freeze_heap_once()
        self._cancel = threading.Event()
        cancel = self._cancel
        self.started.emit()

        def work() -> None:
            service: SyncService | None = None
            try:
                service = self._factory()
                report = service.sync(
                    force=force,
                    full=full,
                    cancel=cancel,
                    progress=lambda d, t, m: self.progressed.emit(d, -1 if t is None else t, m),
                )
                self.finished.emit(report)
            except SideEmpty as exc:
                self.side_empty.emit(str(exc))
            except UserError as exc:
                self.failed.emit(str(exc), isinstance(exc, JiraOffline))
            except Exception:
                log.exception("Unexpected error during the JIRA sync")
                self.failed.emit(
                    f"Unexpected error during the JIRA sync; details in {log_file()}.", False
                )
            finally:
                if service is not None:
                    service.close()

        self._thread = threading.Thread(target=work, name="jira-sync", daemon=True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        """Stop at the next request or retry wait; what was done so far is kept."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running


class AutoSync(QObject):
    """Starts a sync every ``minutes`` (the wall display's heartbeat); 0 switches it off.

    A tick while a sync still runs is skipped, never queued behind it.
    """

    def __init__(self, runner: SyncRunner, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._tick)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.timer.stop()
        if minutes > 0:
            self.timer.start(minutes * 60_000)

    def _tick(self) -> None:
        self.runner.start()


class SyncPanel(QWidget):
    """Queued pushes and conflicts, with the actions that settle them.

    Signals:
        board_changed(): a revert, a resolution or a sync changed the board;
            the main window reloads it.
    """

    board_changed = Signal()

    COLUMNS = ("Issue", "Card", "Field", "State", "Board", "JIRA", "Why")

    def __init__(self, service_factory: ServiceFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("SyncPanel")
        self._factory = service_factory
        self._items: list[PendingItem] = []
        self._asking = False
        self._executor = SerialExecutor("sync-panel", self)
        self.runner = SyncRunner(service_factory, self)

        self.banner = MessageBanner(self)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.table.setMinimumHeight(em(self, 8))

        self.sync_button = QPushButton("Sync now", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.retry_button = QPushButton("Retry", self)
        self.revert_button = QPushButton("Revert on the board", self)
        self.mine_button = QPushButton("Keep mine", self)
        self.jira_button = QPushButton("Keep JIRA's", self)
        self.retry_button.setToolTip("Push the queued changes again now")
        self.revert_button.setToolTip(
            "Put the card back to what JIRA has; the queued push is dropped"
        )
        self.mine_button.setToolTip("The board's value wins; it is pushed to JIRA")
        self.jira_button.setToolTip("JIRA's value wins; the card takes it")

        buttons = QHBoxLayout()
        for b in (
            self.sync_button,
            self.cancel_button,
            self.retry_button,
            self.revert_button,
            self.mine_button,
            self.jira_button,
        ):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.sync_button.clicked.connect(lambda: self.sync_now())
        self.retry_button.clicked.connect(lambda: self.sync_now())
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.revert_button.clicked.connect(self._revert)
        self.mine_button.clicked.connect(lambda: self._resolve(Keep.MINE))
        self.jira_button.clicked.connect(lambda: self._resolve(Keep.JIRA))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.runner.started.connect(self._on_started)
        self.runner.progressed.connect(self._on_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.runner.side_empty.connect(self._on_side_empty)
        self._update_buttons()

    # --- loading -------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the list and the status line off the GUI thread."""

        def job() -> tuple[list[PendingItem], SyncStatus]:
            service = self._factory()
            try:
                return service.pending(), service.status()
            finally:
                service.close()

        self._executor.submit(job, self._loaded)

    def _loaded(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self._show_error(error, "loading the sync queue")
            return
        items, status = result
        self._items = list(items)
        self._show_status(status)
        self.table.setRowCount(len(self._items))
        for row, item in enumerate(self._items):
            cells = (
                item.issue_key or "(new)",
                item.card_title,
                SYNC_FIELD_NAMES.get(item.field, item.field),
                state_word(item),
                synced_value(item.local),
                synced_value(item.remote),
                item.message or "",
            )
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                cell.setData(Qt.ItemDataRole.UserRole, row)
                self.table.setItem(row, col, cell)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _show_status(self, status: SyncStatus) -> None:
        if not status.configured:
            self.status.setText("JIRA sync is not set up: JIRA → Connection…")
            return
        last = status.last_run
        when = f"{last.started_at:%Y-%m-%d %H:%M} UTC" if last else "never"
        self.status.setText(
            f"Last sync: {when}"
            + (f" ({last.status})" if last else "")
            + f". Waiting: {status.pending} changed card(s), {status.queued} refused, "
            f"{status.conflicts} in conflict."
        )
        if status.offline:
            self.banner.show_message(
                "JIRA cannot be reached. The board works on; changes wait and are pushed "
                "when JIRA is back.",
                "warning",
            )

    def selected(self) -> PendingItem | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self._items[row] if 0 <= row < len(self._items) else None

    def _update_buttons(self) -> None:
        item = self.selected()
        busy = self.runner.running
        self.sync_button.setEnabled(not busy)
        queued = any(i.kind == ItemKind.QUEUED for i in self._items)
        self.retry_button.setEnabled(not busy and queued)
        self.revert_button.setEnabled(not busy and item is not None and can_revert(item))
        conflict = not busy and item is not None and is_conflict(item)
        self.mine_button.setEnabled(conflict)
        self.jira_button.setEnabled(conflict)

    # --- actions ---------------------------------------------------------------------

    def sync_now(self, *, force: bool = False) -> bool:
        self.banner.clear_message()
        return self.runner.start(force=force)

    def _resolve(self, keep: str) -> None:
        item = self.selected()
        if item is None:
            return

        def job() -> str:
            service = self._factory()
            try:
                return service.resolve(item.card_id, item.field, keep)
            finally:
                service.close()

        self._executor.submit(job, self._after_action)

    def _revert(self) -> None:
        item = self.selected()
        if item is None:
            return

        def job() -> str:
            service = self._factory()
            try:
                return service.revert(item.card_id, item.field)
            finally:
                service.close()

        self._executor.submit(job, self._after_action)

    def _after_action(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self._show_error(error, "settling the sync item")
        else:
            self.banner.show_message(str(result), "info")
            self.board_changed.emit()
            # A resolution takes effect with the next sync: run it now.
            self.runner.start()
        self.refresh()

    # --- runner signals ------------------------------------------------------------------

    def _on_started(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.setEnabled(True)
        self._update_buttons()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        else:
            self.progress.setRange(0, 0)
        self.progress.setFormat(message)
        self.progress.setToolTip(message)

    def _on_finished(self, report: SyncReport) -> None:
        self.progress.hide()
        self.cancel_button.setEnabled(False)
        level = "warning" if report.errors or report.conflicted else "info"
        self.banner.show_message(" ".join([report.summary(), *report.advice(window=True)]), level)
        if report.board_writes:
            self.board_changed.emit()
        self.refresh()

    def _on_failed(self, message: str, offline: bool) -> None:
        self.progress.hide()
        self.cancel_button.setEnabled(False)
        self.banner.show_message(message, "warning" if offline else "error")
        self.refresh()

    def _on_side_empty(self, message: str) -> None:
        self.progress.hide()
        self.cancel_button.setEnabled(False)
        self.banner.show_message(message, "warning")
        if self._asking:
            # The question is still open (the timer synced again meanwhile):
            # one box on the wall, not one more every few minutes.
            return
        self._asking = True
        try:
            confirmed = self.confirm_archive(message)
        finally:
            self._asking = False
        if confirmed:
            self.runner.start(force=True)
        self._update_buttons()

    def confirm_archive(self, message: str) -> bool:
        """Ask before archiving every linked card (tests replace this)."""
        answer = QMessageBox.question(
            self,
            "JIRA returned no issues",
            f"{message}\n\nArchive the linked cards anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _show_error(self, error: BaseException, what: str) -> None:
        if isinstance(error, UserError):
            self.banner.show_message(str(error))
        else:
            log.error("Unexpected error while %s", what, exc_info=error)
            self.banner.show_message(f"Unexpected error while {what}; details in {log_file()}.")
