"""Fixtures for the CLI tests: run ``kanban`` in-process against a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kanban.cli.main import run


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Kanban = Callable[..., Result]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "board.db"


@pytest.fixture
def kanban(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Kanban:
    """``kanban(*args)`` runs one command on ``db_path`` and returns code, stdout, stderr."""

    def invoke(*args: str, db: Path | None = None) -> Result:
        argv = [*args, "--db", str(db or db_path)]
        try:
            code = run(argv)
        except SystemExit as exc:  # argparse: --help and usage errors
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def board_state(db_path: Path) -> Callable[[], str]:
    """The whole board (cards, people, history...) as text, to prove nothing changed."""
    from kanban.services.board import BoardService
    from kanban.services.transfer import export_json

    def state() -> str:
        service = BoardService.open(f"sqlite:///{db_path}", "observer")
        try:
            return export_json(service)
        finally:
            service.close()

    return state
