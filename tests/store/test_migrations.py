"""Schema migrations: from the first revision with data, backups, failures and newer files.

The upgrade from the first revision runs on SQLite and on PostgreSQL (a
database of the test's own, ``pg_url``); the rest is about SQLite files.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from kanban.errors import MigrationFailed, SchemaTooNew, StorageError
from kanban.services.board import BoardService
from kanban.store import db
from kanban.store.schema import metadata

FIRST = "0001"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return f"sqlite:///{tmp_path / 'old.db'}"


def make_first_revision_db(url: str) -> None:
    """A database at the first schema revision, holding a small real board."""
    engine = db.make_engine(url)
    db.upgrade(engine, target=FIRST)
    with db.write_transaction(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO board (id, name, grouping, rules, max_card_days) "
                "VALUES (1, 'Ops', 'person', '{\"move_right_only\": \"enforce\"}', 2.0)"
            )
        )
        conn.execute(
            text(
                'INSERT INTO board_column (id, name, kind, "order", jira_statuses) VALUES '
                "(1, 'Pool', 'pool', 0, '[]'), (2, 'Doing', 'active', 1, '[\"3\"]'), "
                "(3, 'Done', 'done', 2, '[]')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO person (id, name, colour, "order", active, wip_limit) '
                "VALUES (1, 'Alice', '#4e79a7', 0, true, 2)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO card (id, title, description, column_id, person_id, position, "
                "not_ready, size_days, labels, created_at, updated_at, revision, archived, "
                "jira_key) VALUES ('c1', 'Patch web01', '', 2, 1, 0, false, 1.0, '[\"linux\"]', "
                "'2026-10-01 09:00:00', '2026-10-02 09:00:00', 3, false, 'OPS-1')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO event (card_id, change_id, actor, at, kind, before, after, source) "
                "VALUES ('c1', 'x1', 'alice', '2026-10-02 09:00:00', 'moved', "
                "'{\"column_id\": 1}', '{\"column_id\": 2}', 'local')"
            )
        )
    engine.dispose()


def test_schema_head_constant_matches_the_migration_scripts() -> None:
    assert db.SCHEMA_HEAD == db.script_head()


def test_upgrade_from_first_revision_keeps_data_and_matches_models(
    empty_url: str, tmp_path: Path
) -> None:
    url = empty_url
    make_first_revision_db(url)
    engine = db.open_database(url)
    with engine.connect() as conn:
        assert db.current_revision(conn) == db.script_head()
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == [], f"models and migrated schema differ: {diff}"
    board = BoardService(engine, "tester", url)
    card = board.card("OPS-1")
    assert (card.title, card.revision, card.labels) == ("Patch web01", 3, ("linux",))
    assert board.rules().modes[next(iter(board.rules().modes))] is not None
    assert [e.kind.value for e in board.history("OPS-1")] == ["moved"]
    board.close()
    backups = list(tmp_path.glob("old.db.bak-*"))
    if db.script_head() != FIRST and db.sqlite_path(url) is not None:
        assert len(backups) == 1


def test_opening_an_up_to_date_database_makes_no_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    db.open_database(url).dispose()
    db.open_database(url).dispose()
    assert list(tmp_path.glob("b.db.bak-*")) == []


def test_database_from_a_newer_app_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db.open_database(f"sqlite:///{path}").dispose()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(SchemaTooNew, match="newer version of Kanban"):
        db.open_database(f"sqlite:///{path}")
    assert digest(path) == before


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my meeting notes, not a database\n" * 200)
    before = digest(path)
    with pytest.raises(StorageError, match="not a Kanban database"):
        db.open_database(f"sqlite:///{path}")
    assert digest(path) == before


def test_another_apps_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE songs (title TEXT)")
    con.commit()
    con.close()
    with pytest.raises(StorageError, match="not a Kanban board"):
        db.open_database(f"sqlite:///{path}")


def test_failed_migration_restores_the_original(tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = db.script_head()
    (scripts / "versions" / "9000_broken.py").write_text(
        f'"""A migration that fails half way."""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n\n"
        f"revision = '9000'\ndown_revision = '{head}'\nbranch_labels = None\ndepends_on = None\n\n"
        "def upgrade():\n"
        "    op.add_column('card', sa.Column('half_done', sa.Integer()))\n"
        "    op.execute('UPDATE card SET title = NULL')\n"
        "    raise RuntimeError('disk went away')\n\n"
        "def downgrade():\n    pass\n"
    )
    path = tmp_path / "board.db"
    url = f"sqlite:///{path}"
    board = BoardService.open(url, "tester")
    board.add_card("Keep me")
    board.close()
    with pytest.raises(MigrationFailed, match="original was restored"):
        db.open_database(url, script_location=scripts)
    con = sqlite3.connect(path)
    columns = [row[1] for row in con.execute("PRAGMA table_info(card)")]
    titles = [row[0] for row in con.execute("SELECT title FROM card")]
    version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    con.close()
    assert "half_done" not in columns
    assert titles == ["Keep me"]
    assert version == head
    assert list(tmp_path.glob("board.db.bak-*")), "the backup copy is kept for the user"
