"""Keep the wall's screen on: the freedesktop ScreenSaver inhibition over D-Bus.

A wall display nobody touches for an hour must not blank. While wall mode is
on, :class:`ScreenInhibitor` asks the desktop not to start the screen saver
(``org.freedesktop.ScreenSaver.Inhibit``, which KDE, GNOME, Xfce and most
others answer on the session bus) and keeps the cookie it gets back; leaving
wall mode, and quitting, hands the cookie back (``UnInhibit``). Without a
session bus (Windows, macOS, a bare X session) or without such a service, it
logs one info line and the wall carries on.

The calls go through ``QDBusInterface``'s introspected methods, which pass the
cookie as the ``uint32`` the interface declares (PySide6 would send a plain
Python int as ``int32``, which the services refuse). They are blocking, with a
short timeout: a screen-saver service answers in a millisecond or not at all,
and this happens only when wall mode is switched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, Qt

if TYPE_CHECKING:
    from PySide6.QtDBus import QDBusConnection, QDBusInterface

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.ScreenSaver"
INTERFACE = "org.freedesktop.ScreenSaver"
# The specification's path first; some desktops only serve the older one.
PATHS = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")
APP_NAME = "Kanban Team Board"
REASON = "Wall mode: the team's board stays on screen"
CALL_TIMEOUT_MS = 2000


def session_bus() -> QDBusConnection | None:
    """The session bus, or None where QtDBus or the bus is missing."""
    try:
        from PySide6.QtDBus import QDBusConnection
    except ImportError:  # a Qt build without D-Bus (Windows, macOS)
        return None
    bus = QDBusConnection.sessionBus()
    return bus if bus.isConnected() else None


class ScreenInhibitor:
    """Inhibit the screen saver while :meth:`inhibit` holds, until :meth:`release`.

    Args:
        bus: returns the D-Bus connection to use (the session bus by default;
            tests pass a private bus). Called on the first :meth:`inhibit`, so
            a laptop that never turns the wall on never touches D-Bus.
    """

    def __init__(self, bus: Callable[[], QDBusConnection | None] = session_bus) -> None:
        self._bus = bus
        self._interface: QDBusInterface | None = None
        self.cookie: int | None = None
        self._said_unavailable = False

    @property
    def active(self) -> bool:
        return self.cookie is not None

    def inhibit(self) -> bool:
        """Ask the desktop to keep the screen on; True when it agreed."""
        if self.cookie is not None:
            return True
        interface = self._connect()
        if interface is None:
            return False
        cookie = QMetaObject.invokeMethod(
            interface,
            "Inhibit",
            Qt.ConnectionType.DirectConnection,
            Q_RETURN_ARG("uint"),
            Q_ARG(str, APP_NAME),
            Q_ARG(str, REASON),
        )
        error = interface.lastError()
        if error.isValid() or not isinstance(cookie, int):
            self._unavailable(f"the screen saver refused: {error.message() or 'no cookie'}")
            self._interface = None  # a service that comes back later is asked again
            return False
        self.cookie = cookie
        log.info("Asked the desktop to keep the screen on during wall mode")
        return True

    def release(self) -> None:
        """Let the screen saver run again (leaving wall mode, quitting); safe to repeat."""
        cookie, self.cookie = self.cookie, None
        interface = self._interface
        if cookie is None or interface is None:
            return
        QMetaObject.invokeMethod(
            interface,
            "UnInhibit",
            Qt.ConnectionType.DirectConnection,
            Q_ARG("uint", cookie),
        )
        error = interface.lastError()
        if error.isValid():
            # The service went away: the inhibition went with it.
            log.info("Could not hand the screen saver its cookie back: %s", error.message())

    def _connect(self) -> QDBusInterface | None:
        if self._interface is not None:
            return self._interface
        bus = self._bus()
        if bus is None:
            self._unavailable("there is no D-Bus session bus")
            return None
        from PySide6.QtDBus import QDBusInterface

        registered = bus.interface()
        if registered is None or not registered.isServiceRegistered(SERVICE).value():
            self._unavailable(f"no {SERVICE} service on the session bus")
            return None
        for path in PATHS:
            interface = QDBusInterface(SERVICE, path, INTERFACE, bus)
            if interface.isValid() and interface.metaObject().indexOfMethod("UnInhibit(uint)") >= 0:
                interface.setTimeout(CALL_TIMEOUT_MS)
                self._interface = interface
                return interface
        self._unavailable(f"{SERVICE} offers no Inhibit method")
        return None

    def _unavailable(self, why: str) -> None:
        # Once per run: a wall switched on and off all day must not fill the log.
        if not self._said_unavailable:
            self._said_unavailable = True
            log.info("The screen may blank during wall mode: %s", why)
