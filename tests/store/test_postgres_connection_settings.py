"""Connecting to the shared board's server: the keyring's password, TLS settings, no password shown.

On the PostgreSQL server every machine of this project runs (trust
authentication: a password is accepted whatever it is, so these tests check
what the engine is given and what people are shown, not the server's check).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from kanban.errors import StorageError
from kanban.logs import setup_logging
from kanban.settings import config_path
from kanban.store import connect, db

pytestmark = pytest.mark.integration
SECRET = "Tr0ub4dor&3"


def with_user(url: str, password: str | None = None) -> str:
    return make_url(url).set(password=password).render_as_string(hide_password=False)


def write_config(body: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


def test_a_url_without_a_password_gets_the_one_kept_in_the_keyring(pg_board_url: str) -> None:
    account = connect.store_password(pg_board_url, SECRET)
    assert account == f"postgres@127.0.0.1/{make_url(pg_board_url).database}"
    engine = db.open_database(pg_board_url)
    try:
        assert engine.url.password == SECRET
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
        assert SECRET not in str(engine.url) and SECRET not in db.describe(engine.url)
    finally:
        engine.dispose()


def test_a_password_written_in_the_url_wins_over_the_keyring(pg_board_url: str) -> None:
    connect.store_password(pg_board_url, "from-the-keyring")
    engine = db.make_engine(with_user(pg_board_url, SECRET))
    assert engine.url.password == SECRET
    engine.dispose()


def test_the_default_port_is_the_same_account_and_another_port_is_not() -> None:
    assert connect.password_account("postgresql+psycopg://kanban@dbhost/board") == (
        connect.password_account("postgresql+psycopg://kanban@dbhost:5432/board")
    )
    assert connect.password_account("postgresql+psycopg://kanban@dbhost:6432/board") == (
        "kanban@dbhost:6432/board"
    )
    with pytest.raises(StorageError, match="names no user"):
        connect.password_account("postgresql+psycopg://dbhost/board")


def test_no_password_in_a_message_or_the_log_when_the_server_refuses(
    pg_board_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    log_path = setup_logging()
    missing = make_url(pg_board_url).set(database="kanban_no_such_board", password=SECRET)
    url = missing.render_as_string(hide_password=False)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StorageError) as caught:
        db.open_database(url)
    assert "kanban_no_such_board" in str(caught.value)
    assert SECRET not in str(caught.value) and "***" in str(caught.value)
    assert SECRET not in caplog.text
    for handler in logging.getLogger("kanban").handlers:
        handler.flush()
    assert SECRET not in Path(log_path).read_text(encoding="utf-8")


def test_no_password_in_the_log_of_an_upgrade(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    db.open_database(with_user(pg_url, SECRET)).dispose()
    assert "Upgraded the schema of" in caplog.text  # a new database: created from 0001
    assert SECRET not in caplog.text


def test_sslmode_and_the_ca_file_come_from_the_config_file(
    pg_board_url: str, tmp_path: Path
) -> None:
    ca = tmp_path / "company-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    write_config(f'[database]\nsslmode = "disable"\nsslrootcert = "{ca}"\n')
    engine = db.open_database(pg_board_url)
    try:
        assert engine.url.query == {"sslmode": "disable", "sslrootcert": str(ca)}
        with engine.connect() as conn:  # this server has no TLS: disable connects
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()


def test_the_url_query_wins_over_the_config_file(pg_board_url: str) -> None:
    write_config('[database]\nsslmode = "verify-full"\n')
    engine = db.open_database(f"{pg_board_url}?sslmode=disable")
    assert engine.url.query["sslmode"] == "disable"
    engine.dispose()


def test_tls_the_server_cannot_give_is_one_clear_line(pg_board_url: str) -> None:
    write_config('[database]\nsslmode = "require"\n')
    with pytest.raises(StorageError) as caught:
        db.open_database(pg_board_url)
    message = str(caught.value)
    assert message.startswith("The TLS connection to the database server")
    assert "sslmode" in message and "\n" not in message


@pytest.mark.parametrize(
    ("config", "words"),
    [
        ('[database]\nsslmode = "verify"\n', "sslmode 'verify', which PostgreSQL does not know"),
        ('[database]\nsslrootcert = "/no/such/ca.pem"\n', "/no/such/ca.pem, which does not exist"),
        ('database = "verify-full"\n', "it must be a table"),
    ],
)
def test_a_mistake_in_the_tls_settings_is_named(
    pg_board_url: str, config: str, words: str
) -> None:
    write_config(config)
    with pytest.raises(StorageError, match="config file") as caught:
        db.open_database(pg_board_url)
    assert words in str(caught.value)


def test_a_sqlite_board_ignores_the_server_settings(tmp_path: Path) -> None:
    write_config('[database]\nsslmode = "verify-full"\n')
    engine = db.open_database(f"sqlite:///{tmp_path / 'board.db'}")
    assert engine.url.query == {}
    engine.dispose()
