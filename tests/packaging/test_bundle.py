"""Smoke test of the built PyInstaller bundle (``make dist-test``).

Runs the frozen binary with an empty environment (no PATH, no PYTHONPATH or
PYTHONHOME, no venv), so nothing of an installed Python can help it:
``--version``, ``demo`` on a scratch database, ``report -o x.pdf``, and the
window started offscreen, painting a screenshot of the demo board.

Skipped unless ``KANBAN_BUNDLE`` names the binary, as ``make dist-test`` does
(after ``make dist``): ``make test`` (and so CI) runs every other test first,
then builds the bundle and runs this file against it. With ``KANBAN_BUNDLE``
set, a missing bundle fails.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "kanban.exe" if sys.platform == "win32" else "kanban"
BUNDLE = Path(os.environ.get("KANBAN_BUNDLE") or ROOT / "dist" / "kanban" / NAME).absolute()

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        "KANBAN_BUNDLE" not in os.environ,
        reason="the built bundle is tested by `make dist-test` (KANBAN_BUNDLE=dist/kanban/kanban)",
    ),
]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {"HOME": str(home), "LANG": "C.UTF-8", "KANBAN_ME": "tester"}
    for name in ("KANBAN_CONFIG_DIR", "KANBAN_DATA_DIR", "KANBAN_LOG_DIR"):
        path = home / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    if sys.platform == "win32":
        env["SYSTEMROOT"] = os.environ.get("SYSTEMROOT", r"C:\Windows")
    env.update(extra)
    return env


def frozen(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BUNDLE), *args],
        capture_output=True, text=True, env=clean_env(home, **extra), cwd=home, timeout=180,
    )  # fmt: skip


def png_colours(path: Path) -> int:
    """How many different bytes the PNG's pixel data holds (1 for a blank image)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat = 8, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += 12 + length
    return len(set(zlib.decompress(idat)))


def test_the_bundle_is_self_contained() -> None:
    assert BUNDLE.exists(), f"no bundle at {BUNDLE}: run make dist"
    internal = BUNDLE.parent / "_internal"
    assert (
        any(internal.glob("libpython3*"))
        or any(internal.glob("python3*.dll"))
        or (sys.platform == "darwin")
    )
    assert (internal / "kanban" / "store" / "migrations" / "versions").is_dir()
    assert (internal / "kanban" / "resources" / "icons" / "kanban.svg").exists()


def test_version(tmp_path: Path) -> None:
    from kanban import __version__

    result = frozen(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"kanban {__version__}"


def test_demo_report_and_window(tmp_path: Path) -> None:
    db = tmp_path / "scratch.db"
    demo = frozen(tmp_path, "demo", "--db", str(db))
    assert demo.returncode == 0, demo.stderr
    listing = frozen(tmp_path, "list", "--db", str(db))
    assert listing.returncode == 0 and "TASK POOL" in listing.stdout, listing.stderr

    pdf = tmp_path / "x.pdf"
    report = frozen(tmp_path, "report", "--db", str(db), "-o", str(pdf))
    assert report.returncode == 0, report.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000

    shot = tmp_path / "board.png"
    window = frozen(
        tmp_path, "--db", str(db), "--screenshot", str(shot), QT_QPA_PLATFORM="offscreen"
    )
    assert window.returncode == 0, window.stderr
    assert shot.exists(), window.stderr
    assert png_colours(shot) > 16  # painted: cards, lanes and text, not one flat colour
