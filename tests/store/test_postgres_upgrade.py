"""On the team's PostgreSQL server: upgrades keep the data and run once, one sync at a time.

Every machine of this project runs PostgreSQL 15 at 127.0.0.1:5432 (trust
auth, user postgres); ``pg_url`` is an empty database of the test's own
(``tests/kanban_test_databases.py``), dropped afterwards. The upgrade from the
first revision with the autogenerate comparison is in ``test_migrations.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from kanban.errors import MigrationFailed
from kanban.services.board import BoardService
from kanban.store import db

pytestmark = pytest.mark.integration
TESTS = Path(__file__).resolve().parents[1]


def board_at_0006(url: str) -> None:
    """A board stamped at schema 0006: a pool card whose JIRA issue is Bob's, a lane card."""
    engine = db.make_engine(url)
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


def owners_and_owed_push(url: str) -> tuple[dict[str, int], tuple[bool, int]]:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            owners = dict(conn.execute(text("SELECT id, owner_id FROM card")).all())
            link = conn.execute(
                text("SELECT needs_push, card_revision FROM sync_link WHERE card_id = 'pool1'")
            ).one()
    finally:
        engine.dispose()
    return owners, (bool(link[0]), int(link[1]))


def test_upgrading_keeps_owed_pushes_and_gives_pool_cards_their_assignee(pg_url: str) -> None:
    board_at_0006(pg_url)
    db.open_database(pg_url).dispose()
    owners, owed = owners_and_owed_push(pg_url)
    assert owners == {"pool1": 1, "lane1": 1}  # the pool card is Bob's, as JIRA says
    assert owed == (True, 0)  # the owed push survived the -1 marker's removal


# One client starting: everything imported first, so that both clients reach
# the upgrade at the same moment, once the test creates the "go" file.
CLIENT = """
import logging, sys, time
from pathlib import Path
import alembic.command, alembic.script  # noqa: F401  (loaded before the start signal)
from kanban.store import db
logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s")
Path(sys.argv[2] + ".ready-" + sys.argv[3]).touch()
while not Path(sys.argv[2]).exists():
    time.sleep(0.002)
engine = db.open_database(sys.argv[1])
with engine.connect() as conn:
    print(db.current_revision(conn))
engine.dispose()
"""


def start_two_clients(
    url: str, tmp_path: Path, released: Callable[[list[subprocess.Popen[str]]], None] | None = None
) -> list[tuple[int, str, str]]:
    """Start two clients on ``url``, release them together; their exit codes and output.

    ``released`` runs right after the release, while the clients run.
    """
    go = tmp_path / "go"
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    clients = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, url, str(go), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in (1, 2)
    ]
    try:
        for n, client in enumerate(clients, start=1):
            ready = Path(f"{go}.ready-{n}")
            while not ready.exists() and client.poll() is None:
                time.sleep(0.01)
        go.touch()
        if released is not None:
            released(clients)
        outputs = [client.communicate(timeout=120) for client in clients]
    finally:
        for client in clients:
            client.kill()
    return [(c.returncode, out, err) for c, (out, err) in zip(clients, outputs, strict=True)]


def lock_waits(url: str) -> list[str]:
    """What the sessions on the database are waiting for: 'relation', 'advisory'..."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return sorted(
                conn.execute(
                    text(
                        "SELECT wait_event FROM pg_stat_activity WHERE datname = "
                        "current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalars()
            )
    finally:
        engine.dispose()


def test_two_clients_starting_at_once_on_an_old_schema_migrate_it_once(
    pg_url: str, tmp_path: Path
) -> None:
    board_at_0006(pg_url)
    # A reader holds sync_link, which the first migration alters, until both
    # clients are inside their upgrade: so they truly overlap, on any machine.
    reader = create_engine(pg_url)
    holder = reader.connect()
    holder.execute(text("SELECT count(*) FROM sync_link"))
    seen: list[list[str]] = []

    def hold_until_both_wait(clients: list[subprocess.Popen[str]]) -> None:
        try:
            while all(c.poll() is None for c in clients):
                waits = lock_waits(pg_url)
                if len(waits) >= 2:
                    seen.append(waits)
                    break
                time.sleep(0.05)
        finally:
            holder.rollback()
            holder.close()
            reader.dispose()

    results = start_two_clients(pg_url, tmp_path, hold_until_both_wait)
    for code, out, err in results:
        assert code == 0, err
        assert out.split() == [db.SCHEMA_HEAD]
    upgraded = sorted(err.count("Upgraded the schema") for _code, _out, err in results)
    assert upgraded == [0, 1], results  # one migrated, the other found it done
    # The one that did not migrate waited on the migration lock, not on a table.
    assert seen == [["advisory", "relation"]], (seen, results)
    owners, owed = owners_and_owed_push(pg_url)
    assert owners == {"pool1": 1, "lane1": 1}
    assert owed == (True, 0)
    engine = db.make_engine(pg_url)
    with engine.connect() as conn:
        boards = conn.execute(text("SELECT count(*) FROM board")).scalar()
        columns = conn.execute(text("SELECT count(*) FROM board_column")).scalar()
    engine.dispose()
    assert (boards, columns) == (1, 2)  # the existing board, not seeded again


def test_two_clients_starting_at_once_on_an_empty_database_make_one_board(
    pg_url: str, tmp_path: Path
) -> None:
    for code, _out, err in start_two_clients(pg_url, tmp_path):
        assert code == 0, err
    board = BoardService.open(pg_url, "tester")
    names = [c.name for c in board.columns()]
    board.close()
    assert names == ["Task pool", "In progress", "Review", "Done"]  # seeded once


def test_a_failed_upgrade_is_rolled_back_whole(pg_url: str, tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = db.script_head()
    (scripts / "versions" / "9000_broken.py").write_text(
        f'"""A migration that fails half way."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f"revision = '9000'\ndown_revision = '{head}'\nbranch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n"
        "    op.add_column('card', sa.Column('half_done', sa.Integer()))\n"
        "    op.execute(\"UPDATE card SET title = 'lost'\")\n"
        "    raise RuntimeError('disk went away')\n\n"
        "def downgrade():\n    pass\n"
    )
    board = BoardService.open(pg_url, "tester")
    board.add_card("Keep me")
    board.close()
    with pytest.raises(MigrationFailed, match="rolled back and nothing was changed"):
        db.open_database(pg_url, script_location=scripts)
    engine = db.make_engine(pg_url)
    with engine.connect() as conn:
        titles = conn.execute(text("SELECT title FROM card")).scalars().all()
        version = db.current_revision(conn)
        columns = [c["name"] for c in db.inspect(conn).get_columns("card")]
    engine.dispose()
    assert titles == ["Keep me"] and version == head and "half_done" not in columns


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
