"""Shared fixtures: every test gets its own folders, database and identity.

Nothing a test does may touch the developer's real board, config or keyring,
so the platformdirs locations are pointed into ``tmp_path``. Qt runs
offscreen, which is also set in the Makefile for subprocesses.

``db_url`` (from the plugin ``tests/kanban_test_databases.py``) is a SQLite
file in ``tmp_path``; in the folders that run on both databases (their
``conftest.py`` calls ``both_databases``) it is also a PostgreSQL database of
the test's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["kanban_test_databases"]


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for name, sub in (
        ("KANBAN_CONFIG_DIR", "config"),
        ("KANBAN_DATA_DIR", "data"),
        ("KANBAN_LOG_DIR", "log"),
    ):
        path = home / sub
        path.mkdir(parents=True)
        monkeypatch.setenv(name, str(path))
    monkeypatch.setenv("KANBAN_ME", "tester")
    monkeypatch.delenv("KANBAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("KANBAN_JIRA_TOKEN", raising=False)
    # A keyring that lives in memory: tests never read or write the OS keyring.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "kanban_test_keyring.MemoryKeyring")
    return home


@pytest.fixture
def service(db_url: str) -> Iterator[object]:
    from kanban.services.board import BoardService

    svc = BoardService.open(db_url, "tester")
    yield svc
    svc.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
