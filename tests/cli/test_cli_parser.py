"""The CLI builds only the parser of the command it runs, and still knows them all."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from kanban.cli import main as cli


def test_every_command_has_its_owner_module_listed() -> None:
    registered: dict[str, str] = {}
    for name in cli.COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(name).register(sub, cli.common_parser())
        registered.update(dict.fromkeys(sub.choices, name))
    assert registered == cli.COMMAND_OWNERS


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["list"], "list"),
        (["--db", "x.db", "move", "OPS-1", "Done"], "move"),
        (["--db=x.db", "sync", "--json"], "sync"),
        (["--help"], None),
        ([], None),
    ],
)
def test_the_command_is_found_past_the_global_options(argv: list[str], command: str) -> None:
    assert cli.command_in(argv) == command


def test_kanban_list_loads_only_the_card_commands(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    code = (
        "import sys; from kanban.cli.main import run; "
        f"code = run(['list', '--db', {str(db)!r}]); "
        "print(sorted(m for m in sys.modules if m.startswith('kanban.cli.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = out.strip().splitlines()[-1]
    assert "kanban.cli.cards" in loaded
    for other in ("report", "links", "jira", "data", "team"):
        assert f"kanban.cli.{other}'" not in loaded


def test_help_and_unknown_commands_still_list_every_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        cli.run(["--help"])
    listing = capsys.readouterr().out
    for command in ("list", "people", "export", "report", "links", "sync"):
        assert command in listing
    with pytest.raises(SystemExit):
        cli.run(["lst"])
    assert "invalid choice: 'lst'" in capsys.readouterr().err
