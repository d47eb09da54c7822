"""A clear start on Linux: missing X libraries are named, with the command that installs them.

The check reads the xcb plugin's ELF dependencies and tries to load each
system library. These tests hide libraries from it three ways: a loader that
refuses some names, a fake plugin built here, and (end to end) a
``sitecustomize`` that makes ``ctypes.CDLL`` refuse them in a real ``kanban``.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from kanban import platform_check as pc

HIDDEN = ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1")
ROOT = Path(__file__).resolve().parents[2]


def fake_elf(path: Path, needed: list[str]) -> Path:
    """A minimal 64-bit little-endian ELF shared object with these DT_NEEDED entries."""
    strtab = b"\0"
    offsets = []
    for name in needed:
        offsets.append(len(strtab))
        strtab += name.encode() + b"\0"
    header_size, phdr_size = 64, 56
    strtab_at = header_size + 2 * phdr_size
    dynamic_at = strtab_at + len(strtab) + (-len(strtab)) % 8
    entries = [(1, off) for off in offsets] + [(5, strtab_at), (0, 0)]
    dynamic = b"".join(struct.pack("<qQ", tag, value) for tag, value in entries)
    total = dynamic_at + len(dynamic)
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH", 3, 62, 1, 0, header_size, 0, 0, header_size, phdr_size, 2, 0, 0, 0
    )
    load = struct.pack("<IIQQQQQQ", 1, 4, 0, 0, 0, total, total, 0x1000)
    dyn = struct.pack("<IIQQQQQQ", 2, 4, dynamic_at, dynamic_at, dynamic_at, len(dynamic), 0, 8)
    body = header + load + dyn + strtab + bytes(dynamic_at - strtab_at - len(strtab)) + dynamic
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


def test_needed_libraries_of_a_fake_plugin(tmp_path: Path) -> None:
    plugin = fake_elf(tmp_path / "libqxcb.so", ["libQt6XcbQpa.so.6", "libxcb-icccm.so.4"])
    assert pc.needed_libraries(plugin) == ["libQt6XcbQpa.so.6", "libxcb-icccm.so.4"]


def test_not_an_elf_file_needs_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty.so").write_bytes(b"")
    (tmp_path / "text.so").write_text("not a library")
    assert pc.needed_libraries(tmp_path / "empty.so") == []
    assert pc.needed_libraries(tmp_path / "text.so") == []
    assert pc.needed_libraries(tmp_path / "absent.so") == []


def test_hidden_libraries_are_found_through_qts_own_libraries(tmp_path: Path) -> None:
    # The plugin needs Qt's XcbQpa, which needs the xcb utility libraries (as in PySide6).
    lib = tmp_path / "Qt" / "lib"
    plugin = fake_elf(
        tmp_path / "Qt" / "plugins" / "platforms" / "libqxcb.so",
        ["libQt6XcbQpa.so.6", "libxcb.so.1", "libc.so.6"],
    )
    fake_elf(lib / "libQt6XcbQpa.so.6", ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libc.so.6"])
    fake_elf(lib / "libQt6Widgets.so.6", ["libxcb-keysyms.so.1"])
    tried: list[str] = []

    def loader(name: str) -> bool:
        tried.append(name)
        return name not in HIDDEN

    assert sorted(pc.missing_libraries(plugin, lib, loader)) == sorted(HIDDEN)
    assert "libQt6XcbQpa.so.6" not in tried  # Qt's own library is read, not loaded
    assert tried.count("libc.so.6") == 1


def test_a_bundled_library_counts_as_present(tmp_path: Path) -> None:
    plugin = fake_elf(tmp_path / "libqxcb.so", ["libxcb-cursor.so.0"])
    (tmp_path / "bundle").mkdir()
    (tmp_path / "bundle" / "libxcb-cursor.so.0").write_bytes(b"")
    assert (
        pc.missing_libraries(plugin, tmp_path / "lib", lambda _: False, [tmp_path / "bundle"]) == []
    )


def test_the_message_names_libraries_and_both_install_commands() -> None:
    line = pc.missing_message(list(HIDDEN))
    assert "\n" not in line
    for name in HIDDEN:
        assert name in line
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in line
    assert "sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms" in line


def test_an_unknown_library_still_gets_a_hint() -> None:
    assert "package manager" in pc.missing_message(["libweird.so.3"])


@pytest.mark.parametrize(
    ("env", "xcb"),
    [
        ({}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, False),
        ({"XDG_SESSION_TYPE": "x11"}, True),
    ],
)
def test_only_an_xcb_start_is_checked(env: dict[str, str], xcb: bool) -> None:
    assert pc.uses_xcb(env) is xcb


def test_other_systems_are_not_checked() -> None:
    assert pc.check_display({}, platform="win32", loader=lambda _: False) is None
    assert pc.check_display({}, platform="darwin", loader=lambda _: False) is None


needs_pyside_wheel = pytest.mark.skipif(
    not sys.platform.startswith("linux") or pc.qt_dirs() is None,
    reason="needs PySide6's Linux wheel (Qt/plugins/platforms/libqxcb.so)",
)


@needs_pyside_wheel
def test_the_real_xcb_plugin_with_libraries_hidden() -> None:
    line = pc.check_display(
        {"DISPLAY": ":0"}, loader=lambda name: name not in HIDDEN and pc._can_load(name)
    )
    assert line is not None
    for name in HIDDEN:
        assert name in line
    assert "apt install" in line and "dnf install" in line


@needs_pyside_wheel
def test_the_real_xcb_plugin_reads_its_dependencies() -> None:
    found = pc.qt_dirs()
    assert found is not None
    needed = pc.needed_libraries(found[0])
    assert "libQt6XcbQpa.so.6" in needed and "libxcb.so.1" in needed


def run_kanban(tmp_path: Path, env_changes: dict[str, str | None], hide: tuple[str, ...] = ()):
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(
        "import ctypes\n"
        f"HIDDEN = {hide!r}\n"
        "class CDLL(ctypes.CDLL):\n"
        "    def __init__(self, name, *args, **kwargs):\n"
        "        if name in HIDDEN:\n"
        "            raise OSError(name + ': cannot open shared object file')\n"
        "        super().__init__(name, *args, **kwargs)\n"
        "ctypes.CDLL = CDLL\n"
    )
    env = dict(os.environ)
    for key in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE", "DISPLAY"):
        env.pop(key, None)
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT)])
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "kanban", "--db", str(tmp_path / "b.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_pyside_wheel
@pytest.mark.integration
def test_kanban_says_which_libraries_are_missing_and_exits(tmp_path: Path) -> None:
    result = run_kanban(tmp_path, {"DISPLAY": ":99"}, HIDDEN)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert all(name in lines[0] for name in HIDDEN)
    assert "sudo apt install" in lines[0]
    assert "qt.qpa" not in result.stderr and "Aborted" not in result.stderr
    assert not (tmp_path / "b.db").exists()  # nothing was started


@needs_pyside_wheel
@pytest.mark.integration
def test_kanban_without_a_display_says_so(tmp_path: Path) -> None:
    result = run_kanban(tmp_path, {})
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "DISPLAY" in result.stderr and "QT_QPA_PLATFORM=offscreen" in result.stderr
