"""Before the window starts on Linux: can Qt's xcb platform plugin load here?

Qt aborts with its own message when ``libqxcb.so`` cannot load, and that
message names one library at best (often the wrong one). ``check_display()``
reads the plugin's ELF dependencies itself (``DT_NEEDED``, following Qt's own
libraries beside it), tries to load every system library among them, and
returns one line naming those missing and the apt and dnf commands that
install them. ``kanban.main`` prints that line and exits with 1, before
anything imports Qt.

No Qt import here, and nothing but the standard library: the check must work
on exactly the machine where Qt cannot.
"""

from __future__ import annotations

import ctypes
import importlib.util
import mmap
import os
import struct
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

# soname -> (Debian/Ubuntu package, Fedora package), for what Qt's xcb plugin
# and the Qt libraries it loads need from the system.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}

# The Qt libraries the window needs besides the plugin (QtWidgets is imported
# by every window; the plugin pulls in QtGui, QtCore and QtDBus itself).
EXTRA_QT_LIBS = ("libQt6Widgets.so.6",)

Loader = Callable[[str], object]


def needed_libraries(path: Path) -> list[str]:
    """The ``DT_NEEDED`` sonames of an ELF shared object, in file order.

    A file that is not a 64- or 32-bit ELF, or one cut short, gives ``[]``.
    """
    try:
        with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _parse_needed(data)
    except (OSError, struct.error, IndexError, ValueError):
        return []


def _parse_needed(data: mmap.mmap) -> list[str]:
    if data[:4] != b"\x7fELF":
        return []
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if is64:
        e_phoff = struct.unpack_from(end + "Q", data, 0x20)[0]
        e_phentsize, e_phnum = struct.unpack_from(end + "HH", data, 0x36)
    else:
        e_phoff = struct.unpack_from(end + "I", data, 0x1C)[0]
        e_phentsize, e_phnum = struct.unpack_from(end + "HH", data, 0x2A)
    loads: list[tuple[int, int, int]] = []  # (vaddr, offset, filesz)
    dynamic: tuple[int, int] | None = None  # (offset, size)
    for i in range(e_phnum):
        at = e_phoff + i * e_phentsize
        if is64:
            p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
                end + "IIQQQQ", data, at
            )
        else:
            p_type, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
                end + "IIIII", data, at
            )
        if p_type == 1:  # PT_LOAD
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == 2:  # PT_DYNAMIC
            dynamic = (p_offset, p_filesz)
    if dynamic is None:
        return []
    entry = struct.Struct(end + ("qQ" if is64 else "iI"))
    needed: list[int] = []
    strtab_vaddr: int | None = None
    offset, size = dynamic
    for at in range(offset, offset + size, entry.size):
        tag, value = entry.unpack_from(data, at)
        if tag == 0:  # DT_NULL
            break
        if tag == 1:  # DT_NEEDED
            needed.append(value)
        elif tag == 5:  # DT_STRTAB
            strtab_vaddr = value
    if strtab_vaddr is None:
        return []
    strtab = _file_offset(strtab_vaddr, loads)
    names = []
    for index in needed:
        start = strtab + index
        stop = data.find(b"\0", start)
        if stop < 0:
            raise ValueError("unterminated string")
        names.append(data[start:stop].decode("utf-8", "replace"))
    return names


def _file_offset(vaddr: int, loads: Iterable[tuple[int, int, int]]) -> int:
    for seg_vaddr, seg_offset, filesz in loads:
        if seg_vaddr <= vaddr < seg_vaddr + filesz:
            return vaddr - seg_vaddr + seg_offset
    return vaddr  # no segment maps it: an unlinked test file, offsets are addresses


def _can_load(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(
    plugin: Path,
    qt_lib_dir: Path,
    loader: Callable[[str], bool] = _can_load,
    bundled_dirs: Iterable[Path] = (),
) -> list[str]:
    """System libraries the plugin needs (through Qt's own libraries) that do not load.

    Sonames found in ``qt_lib_dir`` are Qt's own and are followed; those in
    ``bundled_dirs`` (a PyInstaller bundle's folder) count as present; every
    other one is tried with ``loader``.
    """
    bundled = [Path(d) for d in bundled_dirs]
    missing: list[str] = []
    seen: set[str] = set()
    todo: list[Path] = [plugin, *(qt_lib_dir / name for name in EXTRA_QT_LIBS)]
    while todo:
        current = todo.pop(0)
        for soname in needed_libraries(current):
            if soname in seen:
                continue
            seen.add(soname)
            own = qt_lib_dir / soname
            if own.exists():
                todo.append(own)
            elif any((d / soname).exists() for d in bundled):
                continue
            elif not loader(soname):
                missing.append(soname)
    return missing


def install_hint(missing: Iterable[str]) -> str:
    """``apt install ...`` and ``dnf install ...`` for the missing sonames."""
    debian: list[str] = []
    fedora: list[str] = []
    for soname in missing:
        deb, rpm = PACKAGES.get(soname, (None, None))
        if deb and deb not in debian:
            debian.append(deb)
        if rpm and rpm not in fedora:
            fedora.append(rpm)
    if not debian:
        return "install them with your distribution's package manager"
    return (
        f"install them with: sudo apt install {' '.join(debian)}"
        f" (Debian, Ubuntu) or sudo dnf install {' '.join(fedora)} (Fedora)"
    )


def missing_message(missing: list[str]) -> str:
    """The one line ``kanban`` prints when the window cannot start."""
    return (
        "kanban: the board window cannot start: Qt's X11 (xcb) platform plugin needs "
        f"{', '.join(missing)}, missing on this system; {install_hint(missing)}. "
        "The commands (kanban list, report, sync...) work without them."
    )


def qt_dirs() -> tuple[Path, Path] | None:
    """(xcb plugin, Qt's lib folder) of the PySide6 that would be imported, without importing it."""
    roots: list[Path] = []
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        roots.append(Path(meipass) / "PySide6")
    try:
        spec = importlib.util.find_spec("PySide6")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        roots.extend(Path(p) for p in spec.submodule_search_locations)
    for root in roots:
        for plugin in (
            root / "Qt" / "plugins" / "platforms" / "libqxcb.so",
            root / "plugins" / "platforms" / "libqxcb.so",
        ):
            if plugin.exists():
                lib = plugin.parents[2] / "lib"
                return plugin, lib if lib.is_dir() else plugin.parents[2]
    return None


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Would Qt pick its xcb plugin here (Linux, no other platform asked for)?"""
    platform = environ.get("QT_QPA_PLATFORM", "").strip()
    if platform:
        return platform.split(";", 1)[0].split(":", 1)[0] == "xcb"
    # Qt tries Wayland first in a Wayland session and falls back to xcb.
    wayland = environ.get("XDG_SESSION_TYPE") == "wayland" or bool(environ.get("WAYLAND_DISPLAY"))
    return not wayland


def check_display(
    environ: Mapping[str, str] | None = None,
    platform: str | None = None,
    loader: Callable[[str], bool] = _can_load,
) -> str | None:
    """The line to print instead of starting the window, or None when it can start."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux") or not uses_xcb(env):
        return None
    found = qt_dirs()
    if found is None:
        return None  # no PySide6 wheel layout: let Qt speak for itself
    plugin, lib_dir = found
    meipass = getattr(sys, "_MEIPASS", None)
    bundled = [Path(meipass)] if meipass else []
    missing = missing_libraries(plugin, lib_dir, loader, bundled)
    if missing:
        return missing_message(missing)
    if not env.get("DISPLAY"):
        return (
            "kanban: the board window cannot start: no X display (DISPLAY is not set). "
            "Run it in a desktop session, or set QT_QPA_PLATFORM=offscreen for a "
            "window without a screen; the commands (kanban list, report, sync...) need none."
        )
    return None
