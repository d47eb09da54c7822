"""Reads never wait for the write lock; a write that waits says so (issue #15, defect 5).

Another process holds a write transaction on the board (a long import, say).
The board's file is in WAL mode, so every read command runs at once; a write
says what it is waiting for and, after its timeout, fails in one line.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kanban.store import db
from tests.cli.conftest import Kanban

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE board SET name = 'being replaced'")
print("holding", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@pytest.fixture
def writer(kanban: Kanban, db_path: Path) -> Iterator[None]:
    """A second process holding the board's write lock for the whole test."""
    assert kanban("add", "Replace UPS battery", "--jira", "OPS-1").code == 0
    kanban("people", "add", "Ann")
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    try:
        yield
    finally:
        proc.communicate("", timeout=10)


@pytest.mark.usefixtures("writer")
@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--json"),
        ("show", "OPS-1"),
        ("history",),
        ("people",),
        ("columns",),
        ("rules",),
        ("export",),
        ("report", "--period", "week", "--format", "json"),
    ],
    ids=lambda a: " ".join(a),
)
def test_reads_do_not_wait_for_a_writer(kanban: Kanban, args: tuple[str, ...]) -> None:
    started = time.monotonic()
    result = kanban(*args)
    assert result.code == 0, result.err
    assert time.monotonic() - started < 4  # the write lock's timeout is 5 s


@pytest.mark.usefixtures("writer")
def test_a_write_says_what_it_waits_for_and_fails_clearly(
    kanban: Kanban, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "WRITE_WAIT_SECONDS", 1.0)
    started = time.monotonic()
    result = kanban("add", "Second card")
    assert time.monotonic() - started < 4
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert "waiting" in lines[0] and "another program" in lines[0] and str(db_path) in lines[0]
    assert "unexpected" not in result.err
    assert "waited 1 s" in lines[-1] and "nothing was changed" in lines[-1]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM card").fetchone() == (1,)
