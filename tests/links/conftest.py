"""Fixtures for the links tests: real git repositories and loopback HTTP hosts.

``GitRepo`` drives the real ``git`` with fixed identities and dates, so tests
build histories (branches, merges, force pushes, odd encodings) in tmp_path.
``Loopback`` is an ``http.server`` on 127.0.0.1 in a thread that answers from
a route table, standing in for Bitbucket Server and JIRA's dev-status API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kanban_test_databases import both_databases

from links.helpers import GitRepo, Loopback


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Each test that uses the board runs on SQLite and on PostgreSQL.
    both_databases(metafunc)


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], GitRepo]:
    def make(name: str = "repo") -> GitRepo:
        return GitRepo(tmp_path / name)

    return make


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    server = Loopback()
    yield server
    server.close()
