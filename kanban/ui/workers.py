"""Run database work off the GUI thread, one job at a time, results back as signals.

Each :class:`SerialExecutor` owns a one-thread QThreadPool, so its jobs run in
the order they were submitted (writes never overtake each other). A job's
result or exception comes back to the GUI thread through a queued signal and
is handed to the job's callback there.

A job can also be held back (:meth:`SerialExecutor.hold`) until the GUI has
shown what it is about: a drop is painted first and written after, because a
write running beside the paint takes the interpreter lock from it in 5 ms
slices and pushes the drop's frame past the next refresh of the screen. The
holder releases it (the board's controller: after the paint, or after
:data:`HOLD_AT_MOST_MS` when no paint comes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any, BaseException | None], None]

# A held job waits for the paint at most this long (a few frames): a hidden
# window never paints, and a frame's wait is what holding is for, not a lost write.
HOLD_AT_MOST_MS = 50


class _Relay(QObject):
    """Lives in the GUI thread; a worker emits, the GUI thread receives.

    Signals:
        finished(object): a (callback, result, exception) tuple. One tuple rather
            than three arguments: PySide6 mishandles the reference count of a
            bare None sent through a queued ``object`` argument.
    """

    finished = Signal(object)


class SerialExecutor(QObject):
    """A queue of jobs run in order on one worker thread."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setObjectName(name)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self.pending = 0
        self._held: list[Callable[[], None]] = []

    def submit(self, job: Callable[[], Any], callback: Callback) -> None:
        self.release()  # jobs held before this one go first: writes keep their order
        self.pool.start(self._runnable(job, callback))
        self.pending += 1

    def hold(self, job: Callable[[], Any], callback: Callback) -> None:
        """Queue ``job`` like :meth:`submit`, but start it only at :meth:`release`
        (or at the next :meth:`submit` or :meth:`wait`). It counts as pending from now on."""
        self._held.append(self._runnable(job, callback))
        self.pending += 1

    def release(self) -> None:
        """Start the held jobs, in the order they were held."""
        held, self._held = self._held, []
        for run in held:
            self.pool.start(run)

    def _runnable(self, job: Callable[[], Any], callback: Callback) -> Callable[[], None]:
        relay = self._relay

        def run() -> None:
            try:
                result, error = job(), None
            except BaseException as exc:
                result, error = None, exc
            relay.finished.emit((callback, result, error))

        return run

    def _deliver(self, payload: tuple[Callback, Any, BaseException | None]) -> None:
        callback, result, error = payload
        self.pending -= 1
        callback(result, error)

    def wait(self, msecs: int = -1) -> bool:
        self.release()
        return self.pool.waitForDone(msecs)
