"""Fixtures for the sync tests: a loopback JIRA, settings and a token in the test keyring."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kanban_test_databases import both_databases

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.sync.settings import AUTH_CLOUD, AUTH_PAT, JiraSettings, store_token
from sync.fake_jira import TOKEN, FakeJira


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Each test that uses the board runs on SQLite and on PostgreSQL.
    both_databases(metafunc)


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    server = FakeJira().start()
    yield server
    server.stop()


@pytest.fixture
def cloud_fake() -> Iterator[FakeJira]:
    server = FakeJira(cloud=True).start()
    yield server
    server.stop()


def make_settings(fake: FakeJira, **overrides: object) -> JiraSettings:
    settings = JiraSettings(
        url=fake.url,
        auth=AUTH_CLOUD if fake.cloud else AUTH_PAT,
        user="alice@example.com" if fake.cloud else "",
        jql="project = OPS",
        timeout=5.0,
        full_every_hours=24.0,
    )
    for name, value in overrides.items():
        setattr(settings, name, value)
    settings.save()
    store_token(settings, TOKEN)
    return settings


@pytest.fixture
def settings(fake: FakeJira) -> JiraSettings:
    return make_settings(fake)


@pytest.fixture
def sync(service: BoardService, settings: JiraSettings) -> SyncService:
    return SyncService(service, settings)


def map_default_columns(service: BoardService) -> None:
    """Pool ← Backlog + Selected, In progress ← In Progress, Review, Done (by status id)."""
    service.update_column("Task pool", jira_statuses=["10000", "10001"])
    service.update_column("In progress", jira_statuses=["3"])
    service.update_column("Review", jira_statuses=["10002"])
    service.update_column("Done", jira_statuses=["10003"])
