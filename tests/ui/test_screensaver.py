"""A wall stays on: wall mode inhibits the screen saver over a real D-Bus session bus and
releases it on leaving wall mode and on quitting; without the service it says so once.

Each test starts its own ``dbus-daemon --session`` and, where it needs one, a
tiny ScreenSaver service in a subprocess (Python with QtDBus) that prints every
call it gets. The window talks to that bus through a real QDBusConnection.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection

from kanban.ui.main_window import MainWindow
from kanban.ui.screensaver import ScreenInhibitor

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-daemon") is None,
    reason="dbus-daemon is not installed (Debian/Ubuntu: apt install dbus)",
)

FAKE_SERVICE = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import ClassInfo, QCoreApplication, QObject, Slot
    from PySide6.QtDBus import QDBusConnection

    @ClassInfo({"D-Bus Interface": "org.freedesktop.ScreenSaver"})
    class ScreenSaver(QObject):
        cookie = 41

        @Slot(str, str, result="uint")
        def Inhibit(self, app, reason):
            ScreenSaver.cookie += 1
            print(f"Inhibit {ScreenSaver.cookie} {app}: {reason}", flush=True)
            return ScreenSaver.cookie

        @Slot("uint")
        def UnInhibit(self, cookie):
            print(f"UnInhibit {cookie}", flush=True)

    app = QCoreApplication([])
    bus = QDBusConnection.connectToBus(sys.argv[1], "fake-screensaver")
    saver = ScreenSaver()
    bus.registerObject(
        "/org/freedesktop/ScreenSaver", saver, QDBusConnection.RegisterOption.ExportAllSlots
    )
    print("ready" if bus.registerService("org.freedesktop.ScreenSaver") else "taken", flush=True)
    app.exec()
    """
)


class Lines:
    """The lines a subprocess prints, read on a thread so a test can wait for the next one."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(
            target=lambda: [self.queue.put(s.strip()) for s in stdout], daemon=True
        ).start()

    def next(self) -> str:
        return self.queue.get(timeout=15)


@pytest.fixture
def bus_address(tmp_path: Path) -> Iterator[str]:
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert daemon.stdout is not None
        yield daemon.stdout.readline().strip()
    finally:
        daemon.terminate()
        daemon.wait(10)


@pytest.fixture
def screensaver(bus_address: str, tmp_path: Path) -> Iterator[Lines]:
    script = tmp_path / "fake_screensaver.py"
    script.write_text(FAKE_SERVICE)
    process = subprocess.Popen(
        [sys.executable, str(script), bus_address],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines = Lines(process)
    try:
        assert lines.next() == "ready"
        yield lines
    finally:
        process.terminate()
        process.wait(10)


def _connect(address: str, name: str) -> ScreenInhibitor:
    return ScreenInhibitor(lambda: QDBusConnection.connectToBus(address, name))


def test_wall_mode_keeps_the_screen_on_and_gives_it_back(
    qtbot, window: MainWindow, bus_address: str, screensaver: Lines
) -> None:
    window.inhibitor = _connect(bus_address, "kanban-wall-on-off")
    window.set_wall(True, full_screen=False)
    assert (
        screensaver.next()
        == "Inhibit 42 Kanban Team Board: Wall mode: the team's board stays on screen"
    )
    assert window.inhibitor.active
    window.set_wall(False)
    assert screensaver.next() == "UnInhibit 42"
    assert not window.inhibitor.active
    # On again, and the window closes while the wall is on: the screen is let go.
    window.set_wall(True, full_screen=False)
    assert screensaver.next().startswith("Inhibit 43 ")
    window.close()
    assert screensaver.next() == "UnInhibit 43"


def test_a_bus_without_a_screensaver_says_so_once_and_the_wall_carries_on(
    qtbot, window: MainWindow, bus_address: str, caplog
) -> None:
    window.inhibitor = _connect(bus_address, "kanban-no-service")
    with caplog.at_level(logging.INFO, logger="kanban.ui.screensaver"):
        for _ in range(3):
            window.set_wall(True, full_screen=False)
            assert window.wall_bar.isVisible()
            window.set_wall(False)
    said = [r.getMessage() for r in caplog.records if r.name == "kanban.ui.screensaver"]
    assert said == [
        "The screen may blank during wall mode: "
        "no org.freedesktop.ScreenSaver service on the session bus"
    ]


def test_no_session_bus_at_all_is_one_info_line(qtbot, window: MainWindow, caplog) -> None:
    window.inhibitor = ScreenInhibitor(lambda: None)
    with caplog.at_level(logging.INFO, logger="kanban.ui.screensaver"):
        window.set_wall(True, full_screen=False)
        window.set_wall(False)
        window.set_wall(True, full_screen=False)
    said = [r.getMessage() for r in caplog.records if r.name == "kanban.ui.screensaver"]
    assert said == ["The screen may blank during wall mode: there is no D-Bus session bus"]
    assert window.wall_bar.isVisible()
