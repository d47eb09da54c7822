"""A command run as its own process leaves everything closed when it exits.

The command line skips the cycle collector's passes at exit (they only slowed
the prompt's return); these tests show that the board file, the log and the
output are complete and closed all the same.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kanban.cli.main import run


def kanban_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kanban", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
        check=False,
    )


def test_a_command_process_closes_the_board_and_writes_its_log(
    tmp_path: Path, isolated_dirs: Path
) -> None:
    board = tmp_path / "boards" / "board.db"
    added = kanban_process("add", "Patch web01", "--jira", "OPS-7", "--db", str(board))
    assert added.returncode == 0, added.stderr
    # SQLite removes its write-ahead log and shared-memory files when the last
    # connection closes: none left means the process closed the board.
    assert sorted(p.name for p in board.parent.iterdir()) == ["board.db"]
    log = (isolated_dirs / "log" / "kanban.log").read_text(encoding="utf-8")
    assert f"Upgraded the schema of {board}" in log
    listed = kanban_process("list", "--db", str(board))
    assert listed.returncode == 0 and "OPS-7" in listed.stdout


def test_a_command_process_prints_all_of_a_long_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = tmp_path / "board.db"
    assert run(["demo", "--db", str(board)]) == 0
    capsys.readouterr()
    assert run(["list", "--db", str(board)]) == 0
    in_process = capsys.readouterr().out
    listed = kanban_process("list", "--db", str(board))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == in_process and len(listed.stdout.splitlines()) > 50
