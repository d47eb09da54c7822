"""The PostgreSQL leg can never pass silently: skipped in one line here, a failure under CI.

Runs pytest on a one-test folder that uses the plugin of the suite
(``tests/kanban_test_databases.py``) with the admin URL pointing at a port
where no server listens.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
TESTS = Path(__file__).resolve().parents[1]
NOWHERE = "postgresql+psycopg://postgres@127.0.0.1:9/postgres"  # the discard port


def run_pytest(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    (folder / "conftest.py").write_text(
        'pytest_plugins = ["kanban_test_databases"]\n'
        "from kanban_test_databases import both_databases\n\n"
        "def pytest_generate_tests(metafunc):\n"
        "    both_databases(metafunc)\n"
    )
    (folder / "test_board.py").write_text(
        "def test_a_board(db_url):\n    assert db_url\n"
    )
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    environment = {k: v for k, v in os.environ.items() if k != "CI"}
    environment.update(PYTHONPATH=path, KANBAN_TEST_POSTGRES=NOWHERE, **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_server_the_leg_is_skipped_with_one_line_saying_why(tmp_path: Path) -> None:
    result = run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.splitlines()[-1]
    assert "1 passed" in summary and "1 skipped" in summary
    skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skipped) == 1
    assert "PostgreSQL leg skipped: no PostgreSQL server at 127.0.0.1:9" in skipped[0]


def test_under_ci_a_missing_server_fails_the_run(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PostgreSQL leg cannot run under CI=true" in result.stdout
    summary = result.stdout.splitlines()[-1]
    assert "1 passed" in summary and "1 error" in summary
