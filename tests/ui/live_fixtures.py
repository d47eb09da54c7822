"""Helpers for the live and offline window tests: PostgreSQL boards, another process, a cable.

- ``pg_url`` (from the database plugin, ``tests/kanban_test_databases.py``):
  a PostgreSQL database of the test's own, dropped afterwards; skipped in
  one line where no server runs, failed under CI. ``terminate_backends``
  comes from there too.
- :func:`kanban_in_another_process`: the real command line in a subprocess.
- :class:`Cable`: a loopback TCP relay in front of the server that a test can
  unplug and plug in again: a server gone for as long as the test likes,
  without stopping the one every engineer's tests share.
- :func:`shown_in`: whether the window's scene draws a card in a cell.
- ``pg_window``: a board window on ``pg_url`` with the small team board,
  polling off (every ten minutes), its listener running.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # no Qt for the command line tests that use the fixtures
    from kanban.ui.main_window import MainWindow
    from ui.board_fixtures import Team

ROOT = Path(__file__).resolve().parents[2]
# The poll timer, set so long that only the live source can show a change.
NO_POLL_MS = 600_000


def kanban_in_another_process(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    """``kanban ARGS --db DB`` as its own process (the test's folders and identity)."""
    return subprocess.run(
        [sys.executable, "-m", "kanban", *args, "--db", db],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def shown_in(window: MainWindow, card_id: str, column_id: int, person_id: int | None) -> bool:
    """Whether the scene draws the card inside the cell (column, person's lane)."""
    layout = window.controller.layout
    item = window.scene.card_items.get(card_id)
    if layout is None or item is None:
        return False
    cell = layout.cells.get((column_id, ("person", person_id)))
    return cell is not None and cell.contains(item.sceneBoundingRect().center())


class Cable:
    """A TCP relay from a port of its own to the PostgreSQL server, that can be unplugged.

    ``url(pg_url)`` is the same database through the relay. :meth:`unplug`
    refuses new connections and cuts the open ones (what a dead server or a
    pulled cable looks like to a client); :meth:`plug` takes connections again
    on the same port.
    """

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 5432)) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def url(self, pg_url: str) -> str:
        return pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{self.port}")

    def plug(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(32)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def unplug(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)
            server.close()
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _addr = server.accept()
            except OSError:
                return  # unplugged
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open |= {client, upstream}
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            source.close()  # each socket is the source of one pipe: closed once
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)


@pytest.fixture
def cable() -> Iterator[Cable]:
    relay = Cable()
    relay.plug()
    yield relay
    relay.unplug()


def open_window(qtbot: Any, service: Any) -> MainWindow:
    """A shown board window on ``service`` with its first snapshot loaded."""
    from kanban.ui.main_window import MainWindow

    win = MainWindow(service, me="Alice Smith")
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    return win


@pytest.fixture
def pg_window(qtbot: Any, pg_url: str) -> Iterator[tuple[MainWindow, Team, str]]:
    from kanban.services.board import BoardService
    from ui.board_fixtures import build_team

    service = BoardService.open(pg_url, "tester")
    team = build_team(service)
    win = open_window(qtbot, service)
    win.controller.set_poll_interval(NO_POLL_MS)
    qtbot.waitUntil(lambda: win.live.server is not None and win.live.server._thread is not None)
    yield win, team, pg_url
    win.close()
    service.close()
