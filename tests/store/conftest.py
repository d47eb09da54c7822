"""The store tests run on SQLite and on PostgreSQL (``db_url``, ``service``)."""

from __future__ import annotations

import pytest
from kanban_test_databases import both_databases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_databases(metafunc)
