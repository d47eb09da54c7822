"""On the team's PostgreSQL server: the sync and owner migrations keep the data, one sync at a time.

Every machine of this project runs PostgreSQL 15 at 127.0.0.1:5432 (trust
auth, user postgres); each test makes its own database and drops it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from kanban.store import db

psycopg = pytest.importorskip("psycopg")
ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"kanban_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server on this machine: say so instead of failing
        admin.dispose()
        pytest.skip(f"no PostgreSQL server at 127.0.0.1:5432 ({exc})")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrading_keeps_owed_pushes_and_gives_pool_cards_their_assignee(pg_url: str) -> None:
    engine = db.make_engine(pg_url)
    db.upgrade(engine, target="0006")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO board (id, name, grouping, rules, max_card_days) "
                "VALUES (1, 'Ops', 'person', '{}', 2.0)"
            )
        )
        conn.execute(
            text(
                'INSERT INTO board_column (id, name, kind, "order", jira_statuses) VALUES '
                "(1, 'Pool', 'pool', 0, '[]'), (2, 'Doing', 'active', 1, '[]')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO person (id, name, colour, "order", active, jira_user) VALUES '
                "(1, 'Bob', '#4e79a7', 0, true, 'bob')"
            )
        )
        for card_id, column, person in (("pool1", 1, None), ("lane1", 2, 1)):
            conn.execute(
                text(
                    "INSERT INTO card (id, title, description, column_id, person_id, position, "
                    "not_ready, size_days, labels, created_at, updated_at, revision, archived) "
                    "VALUES (:id, 'Task', '', :col, :person, 0, false, 1.0, '[]', now(), now(), "
                    "2, false)"
                ),
                {"id": card_id, "col": column, "person": person},
            )
        conn.execute(
            text(
                "INSERT INTO sync_link (card_id, ident, issue_key, origin, card_revision, base, "
                "info) VALUES ('pool1', 'jira:OPS-1', 'OPS-1', 'jira', -1, "
                "'{\"assignee\": \"bob\"}', '{}')"
            )
        )
    engine.dispose()

    engine = db.open_database(pg_url)
    try:
        with engine.connect() as conn:
            owners = dict(conn.execute(text("SELECT id, owner_id FROM card")).all())
            link = conn.execute(
                text("SELECT needs_push, card_revision FROM sync_link WHERE card_id = 'pool1'")
            ).one()
    finally:
        engine.dispose()
    assert owners == {"pool1": 1, "lane1": 1}  # the pool card is Bob's, as JIRA says
    assert tuple(link) == (True, 0)  # the owed push survived the -1 marker's removal


def test_one_sync_per_board_on_a_shared_server(pg_url: str) -> None:
    from kanban.sync.errors import SyncBusy
    from kanban.sync.lock import cross_process_lock

    first = db.open_database(pg_url)
    second = db.make_engine(pg_url)
    try:
        with cross_process_lock(pg_url, first):
            with pytest.raises(SyncBusy, match="Another program is syncing this board"):
                with cross_process_lock(pg_url, second):
                    pass
        with cross_process_lock(pg_url, second):  # free again once the first run ended
            pass
    finally:
        first.dispose()
        second.dispose()
