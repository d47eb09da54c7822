"""Live: another client's change shows at once, and a lost database is noticed.

One mechanism, two sources. A window is told that something was committed and
then runs the controller's cheap change check
(:meth:`~kanban.ui.controller.BoardController.check_for_changes`), which
reloads only when the board's change marker moved:

- **SQLite** (:class:`FileWatch`): a ``QFileSystemWatcher`` on the database
  file, its write-ahead log and their folder. Every commit appends to the log;
  a checkpoint writes the file. A watched path that is replaced or deleted
  drops out of the watcher, and the log does not exist until someone opens
  the board, so the paths are added again whenever they are (back) there.
- **PostgreSQL** (:class:`ServerListen`): a thread with a connection of its own
  ``LISTEN``s on the board's channel (:class:`kanban.store.changes.Listener`;
  every committed write sends ``NOTIFY``) and emits a Qt signal; the GUI thread
  never waits on it. A lost connection is retried with backoff (capped at
  30 s) and tells :class:`~kanban.ui.offline_banner.ConnectionHealth`; after
  a reconnect the board is checked, as notifications sent meanwhile are gone.

Wake-ups are coalesced: the first one starts a short timer and the check runs
when it fires, so a burst of commits (a sync, an import) costs one check, and
one more a little later for a commit the first check came too early for.
Polling on the controller's timer stays as the fallback for anything these
miss (a watcher the file system does not support, a notification lost).

:func:`attach_live` wires all of it, with the offline banner and the
refresh clock, into a board window.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, SignalInstance
from sqlalchemy import Engine

from kanban.store import availability, changes, db
from kanban.ui.offline_banner import MAX_RETRY_S, ConnectionHealth, OfflineBanner, RefreshClock

if TYPE_CHECKING:
    from kanban.ui.controller import BoardController
    from kanban.ui.main_window import MainWindow

log = logging.getLogger(__name__)

# How long a wake-up waits for the rest of its burst before the check runs.
COALESCE_MS = 30
# A second check this long after a wake-up: a SQLite writer appends its log
# before it publishes the commit in the log's index, and a loaded machine may
# pause it in between, so the first check can come too early and find nothing.
SETTLE_MS = 150
# How long the listener thread blocks in one wait (also how soon it stops).
LISTEN_WAIT_S = 0.5


class FileWatch(QObject):
    """Watches a SQLite board's file, its write-ahead log and their folder.

    Signals:
        changed(): something was written (or a watched file came back).
        vanished(): the database file is no longer at its path.
    """

    changed = Signal()
    vanished = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.wal = path.with_name(path.name + "-wal")
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._touched)
        self.watcher.directoryChanged.connect(self._touched)
        self.rewatch()

    def rewatch(self) -> None:
        """Watch every path that is there now (cheap: a few ``stat`` calls)."""
        watched = set(self.watcher.files()) | set(self.watcher.directories())
        for path in (self.path, self.wal, self.path.parent):
            name = str(path)
            if name not in watched and path.exists():
                self.watcher.addPath(name)

    def _touched(self, _path: str) -> None:
        self.rewatch()
        if self.path.exists():
            self.changed.emit()
        else:
            self.vanished.emit()


class ServerListen(QObject):
    """``LISTEN`` on the board's channel on a thread of its own, with reconnects.

    Signals:
        changed(): another client committed a change.
        connected(): listening (again); notifications sent while it was not are lost.
        lost(str): the connection failed or dropped (the driver's reason).
    """

    changed = Signal()
    connected = Signal()
    lost = Signal(str)

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._stop = threading.Event()
        # Set to cut a backoff wait short (stopping, or the server is known to be back).
        self._kick = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kanban-listen", daemon=True)
        self._thread.start()

    def retry_now(self) -> None:
        """Reconnect now if waiting to retry (the database answered again)."""
        self._kick.set()

    def stop(self) -> None:
        self._stop.set()
        self._kick.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            # At most one wait; a connect to a host that does not answer is left
            # to time out behind (the thread is a daemon and emits nothing more).
            thread.join(LISTEN_WAIT_S * 4)

    def _emit(self, signal: SignalInstance, *args: object) -> None:
        if self._stop.is_set():
            return
        try:
            signal.emit(*args)
        except RuntimeError:  # the window went away meanwhile
            self._stop.set()

    def _sleep(self, seconds: float) -> None:
        self._kick.wait(seconds)
        self._kick.clear()

    def _run(self) -> None:
        listener = changes.Listener(self.engine)
        delay = 1.0
        while not self._stop.is_set():
            try:
                listener.connect()
            except Exception as exc:
                self._emit(self.lost, availability.offline_reason(exc))
                self._sleep(delay)
                delay = min(delay * 2, MAX_RETRY_S)
                continue
            delay = 1.0
            self._emit(self.connected)
            try:
                while not self._stop.is_set():
                    if listener.wait(LISTEN_WAIT_S):
                        self._emit(self.changed)
            except Exception as exc:
                log.info("The board listener lost its connection: %r", exc)
                self._emit(self.lost, availability.offline_reason(exc))
                self._sleep(delay)
            finally:
                listener.close()


class LiveBoard(QObject):
    """The live sources of one board window, its health and what shows it.

    Args:
        controller: the window's controller (its service's engine is watched).
    """

    def __init__(self, controller: BoardController) -> None:
        super().__init__(controller)
        self.controller = controller
        engine = controller.service.engine
        self.sqlite_file = db.sqlite_path(engine.url)
        self.health = ConnectionHealth(self._probe, self)
        self.files: FileWatch | None = None
        self.server: ServerListen | None = None
        # Set by attach_live: what the user sees of it.
        self.banner: OfflineBanner | None = None
        self.clock: RefreshClock | None = None
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(controller.check_for_changes)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(controller.check_for_changes)
        if self.sqlite_file is not None:
            availability.guard_file(engine, self.sqlite_file)
            self.files = FileWatch(self.sqlite_file, self)
            self.files.changed.connect(self.wake)
            self.files.vanished.connect(self.health.check_now)
            # A folder that was gone (a drive unmounted) is watched again once back.
            controller.refreshed.connect(lambda _when: self._rewatch())
        elif changes.Listener.supported(engine):
            self.server = ServerListen(engine, self)
            self.server.changed.connect(self.wake)
            self.server.lost.connect(self.health.lost)
            self.server.connected.connect(self._listening)
        controller.unavailable.connect(self.health.lost)
        self.health.offline_changed.connect(controller.set_offline)
        self.health.offline_changed.connect(self._back_online)

    def start(self) -> None:
        if self.server is not None:
            self.server.start()

    def shutdown(self) -> None:
        if self.server is not None:
            self.server.stop()
        self.health.shutdown()

    def wake(self) -> None:
        """Something was committed: check soon (one check for a burst)."""
        if not self._coalesce.isActive():
            self._coalesce.start()
        if not self._settle.isActive():
            self._settle.start()

    def _rewatch(self) -> None:
        if self.files is not None:
            self.files.rewatch()

    def _listening(self) -> None:
        if self.health.offline:
            self.health.check_now()
        else:
            self.wake()  # changes sent while the listener was reconnecting

    def _back_online(self, offline: bool) -> None:
        if not offline and self.server is not None:
            self.server.retry_now()

    def _probe(self) -> None:
        availability.probe(self.controller.service.engine, self.sqlite_file)


def attach_live(window: MainWindow) -> LiveBoard:
    """Make ``window``'s board live, with its offline banner and refresh clock."""
    controller = window.controller
    live = LiveBoard(controller)
    live.banner = banner = OfflineBanner(db.describe(controller.service.url), window.view)
    live.clock = clock = RefreshClock(
        [window.wall_refresh, window.refresh_label], controller.poll_timer.interval, live
    )
    controller.refreshed.connect(clock.refreshed)
    window.sync.offline_changed.connect(clock.set_sync_failed)
    window.view.resized.connect(banner.place)

    def offline_changed(offline: bool) -> None:
        clock.set_offline(offline)
        if offline and live.health.since is not None:
            banner.show_offline(live.health.since, live.health.reason)
        else:
            banner.hide()
            window.show_message("The board's database is back; the board was reloaded.")

    live.health.offline_changed.connect(offline_changed)
    live.start()
    return live
