"""The board's connection health: the offline banner, reconnecting, and the clock.

:class:`ConnectionHealth` holds whether the board's database can be reached.
It goes offline when a job of the window fails because the database is gone
(the controller's ``unavailable``), when the PostgreSQL listener loses its
connection, or when the SQLite file vanishes under the file watcher. While
offline it checks, on a thread of its own, whether the database is back
(:func:`kanban.store.availability.probe`: fresh connections, a short connect
timeout) after 1, 2, 4... seconds, never more than :data:`MAX_RETRY_S` apart
and one check at a time, so a wall left offline for a night makes a check
every half minute and nothing else. When a check succeeds it goes online and
the board reloads.

:class:`OfflineBanner` says so across the top of the board for as long as it
lasts; it is not a dialog and needs no one to close it. :class:`RefreshClock`
is the "Updated 10:42:05" of the wall bar and the status bar: it turns to a
warning ("Not updated since 10:42") when the board has not been refreshed for
two poll intervals, or while the last JIRA sync failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from kanban.store import availability
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)

FIRST_RETRY_S = 1.0
MAX_RETRY_S = 30.0
WARNING_STYLE = "color: #ffb300;"
OFFLINE_STYLE = (
    "QLabel { background: #b71c1c; color: white; font-weight: bold;"
    " padding: 8px 16px; border-bottom: 2px solid #7f0000; }"
)


def _now() -> datetime:
    return datetime.now().astimezone()


class ConnectionHealth(QObject):
    """Online or offline, and the checks that bring the board back.

    Signals:
        offline_changed(bool): the database went away (True) or is back (False).

    Args:
        probe: checks the database on fresh connections; raises when it is gone.
        first_retry_s, max_retry_s: the first wait before checking again, and
            the longest (each failed check doubles the wait up to it).
    """

    offline_changed = Signal(bool)

    def __init__(
        self,
        probe: Callable[[], None],
        parent: QObject | None = None,
        *,
        first_retry_s: float = FIRST_RETRY_S,
        max_retry_s: float = MAX_RETRY_S,
    ) -> None:
        super().__init__(parent)
        self._probe_fn = probe
        self.first_retry_s = first_retry_s
        self.max_retry_s = max_retry_s
        self.offline = False
        self.reason = ""
        self.since: datetime | None = None
        self.retry_s = first_retry_s
        self.checks = 0  # checks made since the board went offline
        self._checking = False
        self._prober = SerialExecutor("kanban-health", self)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self.check_now)

    def lost(self, reason: str) -> None:
        """A job or the listener found the database gone."""
        self.reason = reason or self.reason
        if self.offline:
            return
        log.warning("The board's database cannot be reached: %s", reason)
        self.offline = True
        self.since = _now()
        self.retry_s = self.first_retry_s
        self.checks = 0
        self.offline_changed.emit(True)
        self._schedule()

    def check_now(self) -> None:
        """Check the database now (a hint that it may be back, or gone)."""
        if self._checking:
            return
        self._retry.stop()
        self._checking = True
        self._prober.submit(self._probe_fn, self._checked)

    def _checked(self, _result: object, error: BaseException | None) -> None:
        self._checking = False
        if error is None:
            if self.offline:
                log.warning("The board's database is back after %d checks", self.checks)
                self.offline = False
                self.since = None
                self.offline_changed.emit(False)
            return
        if not availability.is_unavailable(error):
            log.info("Checking the board's database failed: %r", error)
        if not self.offline:
            self.lost(availability.offline_reason(error))
            return
        self.reason = availability.offline_reason(error)
        self.checks += 1
        self.retry_s = min(self.retry_s * 2, self.max_retry_s)
        self._schedule()

    def _schedule(self) -> None:
        if not self._checking:
            self._retry.start(round(self.retry_s * 1000))

    def shutdown(self) -> None:
        self._retry.stop()
        self._prober.wait(2000)


class OfflineBanner(QLabel):
    """A red band above the board while its database cannot be reached.

    ``board`` is the board view: the band goes into its layout just above it,
    so it pushes the board down rather than hiding the column headers (or,
    where the view is in no layout, lies over its top edge).
    """

    def __init__(self, where: str, board: QWidget) -> None:
        self.board = board
        host = board.parentWidget()
        layout = host.layout() if host is not None else None
        index = layout.indexOf(board) if layout is not None else -1
        super().__init__(host if index >= 0 else board)
        self.overlay = index < 0
        if layout is not None and index >= 0 and hasattr(layout, "insertWidget"):
            layout.insertWidget(index, self)
        self.where = where
        self.setObjectName("offline")
        self.setStyleSheet(OFFLINE_STYLE)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hide()

    def show_offline(self, since: datetime, reason: str) -> None:
        self.setText(
            f"Offline since {since:%H:%M}: the board's database {self.where} cannot be "
            f"reached ({reason}). Changes are not saved until it is back; the board "
            "reconnects by itself."
        )
        self.place()
        self.show()
        self.raise_()

    def place(self) -> None:
        """Sized for the window: readable across the room on a wall, quiet on a laptop."""
        window = self.board.window()
        font = self.font()
        font.setPixelSize(max(14, round(window.height() / 50)))
        self.setFont(font)
        if self.overlay:
            width = self.board.width()
            self.setFixedWidth(width)
            self.setFixedHeight(self.heightForWidth(width) if self.text() else 0)
            self.move(0, 0)


class RefreshClock(QObject):
    """The time of the last refresh on some labels, turning to a warning when it is old.

    Args:
        labels: where the time is shown (the wall bar's, the status bar's).
        interval_ms: the poll interval now in force (the wall polls more often).
    """

    def __init__(
        self,
        labels: Sequence[QLabel],
        interval_ms: Callable[[], int],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.labels = list(labels)
        self.interval_ms = interval_ms
        self.last: datetime | None = None
        self.sync_failed = False
        self.offline = False
        self.stale = False
        # One single-shot timer, restarted by each refresh: no ticking clock.
        self._overdue = QTimer(self)
        self._overdue.setSingleShot(True)
        self._overdue.timeout.connect(self._went_stale)

    def refreshed(self, when: datetime) -> None:
        self.last = when
        self.stale = False
        self._overdue.start(2 * self.interval_ms())
        self._show()

    def set_sync_failed(self, failed: bool) -> None:
        self.sync_failed = failed
        self._show()

    def set_offline(self, offline: bool) -> None:
        self.offline = offline
        self._show()

    def _went_stale(self) -> None:
        self.stale = True
        self._show()

    @property
    def warning(self) -> bool:
        return self.stale or self.offline or self.sync_failed

    def text(self) -> str:
        if self.last is None:
            return "Not updated yet" if self.warning else "Loading…"
        if self.stale or self.offline:
            return f"Not updated since {self.last:%H:%M}"
        text = f"Updated {self.last:%H:%M:%S}"
        return f"{text} · last JIRA sync failed" if self.sync_failed else text

    def _show(self) -> None:
        text, style = self.text(), WARNING_STYLE if self.warning else ""
        for label in self.labels:
            label.setText(text)
            label.setStyleSheet(style)
