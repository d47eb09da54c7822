"""What the fuzz tests share: the real command line in-process, and a board's fingerprint.

The fuzz tests feed the ways data comes in from outside (CSV, a JSON export,
JIRA's answers) with random and mutated input, and check what a user would
see: the command never ends in "unexpected error" (exit 3), never prints a
traceback, and a refused command leaves the database exactly as it was.
Their Hypothesis settings are bounded (a fixed number of examples,
derandomized so CI runs the same cases each time) to keep the suite near a
minute.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from kanban.cli.main import EXIT_BUG, run


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def check_no_crash(self, what: str) -> None:
        """No exit 3, no traceback: whatever the input, the user gets a sentence."""
        text = self.out + self.err
        assert self.code != EXIT_BUG, f"{what}: unexpected error\n{self.err[-2000:]}"
        assert "Traceback" not in text, f"{what}: traceback printed\n{text[-2000:]}"
        assert self.code in (0, 1), f"{what}: exit {self.code}\n{self.err[-2000:]}"


Cli = Callable[..., Outcome]


@pytest.fixture
def cli() -> Cli:
    """``cli(*argv)`` runs one ``kanban`` command in this process, capturing its output."""

    def invoke(*argv: str) -> Outcome:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = run(list(argv))
            except SystemExit as exc:  # argparse
                code = int(exc.code or 0)
        return Outcome(code, out.getvalue(), err.getvalue())

    return invoke


@pytest.fixture
def fingerprint() -> Callable[[Path], str]:
    return board_fingerprint


@pytest.fixture
def card_count() -> Callable[[Path], int]:
    return cards_in


def board_fingerprint(db: Path) -> str:
    """A hash of every row of every table: equal means the board was not changed."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        for table in tables:
            digest.update(table.encode())
            # Sorted: some tables have no rowid, and equal content is what matters.
            for text in sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"')):
                digest.update(text.encode())
    return digest.hexdigest()


def cards_in(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT count(*) FROM card").fetchone()[0])
