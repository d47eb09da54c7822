"""Run database work off the GUI thread, one job at a time, results back as signals.

Each :class:`SerialExecutor` owns a one-thread QThreadPool, so its jobs run in
the order they were submitted (writes never overtake each other). A job's
result or exception comes back to the GUI thread through a queued signal and
is handed to the job's callback there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any, BaseException | None], None]


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

    def submit(self, job: Callable[[], Any], callback: Callback) -> None:
        self.pending += 1
        relay = self._relay

        def run() -> None:
            try:
                result, error = job(), None
            except BaseException as exc:
                result, error = None, exc
            relay.finished.emit((callback, result, error))

        self.pool.start(run)

    def _deliver(self, payload: tuple[Callback, Any, BaseException | None]) -> None:
        callback, result, error = payload
        self.pending -= 1
        callback(result, error)

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)
