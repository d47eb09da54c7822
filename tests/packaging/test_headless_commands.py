"""The commands a cron job runs need no Qt at all, so a server without X works.

Each command runs in a subprocess whose ``sitecustomize`` makes every import
of ``PySide6`` or ``shiboken6`` fail (and notes the attempt), with no display
and ``QT_QPA_PLATFORM`` unset: what a server without the X libraries sees.
The PDF report is drawn by matplotlib (Agg) and fpdf2, not by Qt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration

BLOCK_QT = """
import importlib.abc, os, sys

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6"):
            with open(os.environ["QT_IMPORT_LOG"], "a") as log:
                log.write(name + "\\n")
            raise ImportError(f"{name} is not installed on this server (test)")
        return None

sys.meta_path.insert(0, NoQt())
"""


@pytest.fixture
def headless(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCK_QT)
    log = tmp_path / "qt-imports.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")
    }
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT), str(ROOT / "tests")])
    env["QT_IMPORT_LOG"] = str(log)
    db = tmp_path / "board.db"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "kanban", *args, "--db", str(db)],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
        )  # fmt: skip
        assert not log.exists(), f"{args} imported Qt: {log.read_text()}"
        assert "Traceback" not in result.stderr, result.stderr
        return result

    assert run("demo").returncode == 0
    return run


def test_list_and_reports_run_without_qt(headless, tmp_path: Path) -> None:
    assert "TASK POOL" in headless("list").stdout
    assert headless("list", "--json").returncode == 0
    pdf = tmp_path / "status.pdf"
    result = headless("report", "--period", "week", "-o", str(pdf))
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    for suffix in ("html", "zip"):
        out = tmp_path / f"status.{suffix}"
        assert headless("report", "-o", str(out)).returncode == 0
        assert out.stat().st_size > 0


def test_sync_and_links_scan_run_without_qt(headless) -> None:
    # No JIRA and no repositories are set up: each says so in one line, exit 1, no Qt.
    sync = headless("sync")
    assert sync.returncode in (0, 1), sync.stderr
    scan = headless("links", "scan")
    assert scan.returncode in (0, 1), scan.stderr
