"""Both databases, one suite: the PostgreSQL leg of the tests (a pytest plugin).

Every machine of this project runs PostgreSQL 15 at 127.0.0.1:5432 with trust
authentication for ``postgres`` (``KANBAN_TEST_POSTGRES`` names another admin
URL). The folders whose ``conftest.py`` calls :func:`both_databases` from
``pytest_generate_tests`` (store, services, sync, links) run each test that
uses ``db_url`` (or ``service``) twice: on a SQLite file, and on a PostgreSQL
database of its own. That database is a copy of one migrated template made
once per session (``CREATE DATABASE … TEMPLATE …`` takes a fraction of what
running the migrations takes) and is dropped after the test. Copying and
dropping take the server up to a second or two each on a busy machine, so
both run on worker threads: the next test's copy is made while this test
runs, and a used one is dropped while the next runs.

With no server (or no driver) the PostgreSQL leg is skipped with one line
saying why; under CI (``CI=true``) it fails instead, so it never passes
silently. A test that is about SQLite itself (file locks, WAL, PRAGMAs) says
so with ``@pytest.mark.sqlite_only(reason=...)`` and runs once. Board-window
tests (``qtbot``) stay on SQLite: the window reads through the same services.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

ADMIN_URL = os.environ.get(
    "KANBAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", "postgresql")
# Databases made here are named kanban_<kind>_<pid>_<random>, so that a later
# session can drop those of a run that was killed before it cleaned up.
_OURS = re.compile(r"^kanban_(?:tpl|t)_(\d+)_[0-9a-f]+$")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): about SQLite itself (file locks, WAL, PRAGMA); no PostgreSQL leg",
    )


def both_databases(metafunc: pytest.Metafunc) -> None:
    """``pytest_generate_tests`` of a folder whose tests run on SQLite and PostgreSQL."""
    if "db_backend" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("sqlite_only")
    if marker is not None and not (marker.kwargs.get("reason") or marker.args):
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: sqlite_only needs a reason (why it is about SQLite)"
        )
    if marker is not None or "qtbot" in metafunc.fixturenames:
        return
    metafunc.parametrize("db_backend", BACKENDS, indirect=True)


@cache
def _unavailable() -> str | None:
    """Why the PostgreSQL leg cannot run here, or None when it can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg driver is not installed (pip install -e '.[test]')"
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(ADMIN_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", exc)).strip().splitlines()
        return f"no PostgreSQL server at {engine.url.host}:{engine.url.port} ({first[0]})"
    finally:
        engine.dispose()
    return None


def require_postgres() -> None:
    """Skip the test (fail it under CI) when there is no PostgreSQL server to run on."""
    reason = _unavailable()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
        pytest.fail(f"PostgreSQL leg cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL leg skipped: {reason}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PgServer:
    """The admin connection: makes and drops the databases of this session."""

    def __init__(self) -> None:
        from sqlalchemy import create_engine

        self.admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
        self._workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pg-test-db")
        self._spare: deque[Future[str]] = deque()
        self._dropping: list[Future[None]] = []
        self.template: str | None = None

    def copy_of_template(self) -> str:
        """A new database copied from the template; the next one is started at once."""
        assert self.template is not None
        if not self._spare:
            self._spare.append(self._workers.submit(self.create, "t", self.template))
        name = self._spare.popleft().result()
        self._spare.append(self._workers.submit(self.create, "t", self.template))
        return name

    def drop_later(self, name: str) -> None:
        self._dropping.append(self._workers.submit(self.drop, name))

    def close(self) -> None:
        """Drop what is left (spare copies, the template) and wait for every drop."""
        for future in self._spare:
            self.drop(future.result())
        for dropped in self._dropping:
            dropped.result()
        self._workers.shutdown(wait=True)
        if self.template is not None:
            self.drop(self.template)
        self.admin.dispose()

    def url(self, name: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def create(self, kind: str, template: str | None = None) -> str:
        from sqlalchemy import text

        name = f"kanban_{kind}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
        clause = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        return name

    def drop(self, name: str) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_leftovers(self) -> None:
        """Drop the databases of earlier sessions whose process is gone."""
        from sqlalchemy import text

        with self.admin.connect() as conn:
            names = conn.execute(text("SELECT datname FROM pg_database")).scalars().all()
        for name in names:
            found = _OURS.match(name)
            if found and int(found.group(1)) != os.getpid() and not _pid_alive(
                int(found.group(1))
            ):
                self.drop(name)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    require_postgres()
    server = PgServer()
    server.drop_leftovers()
    yield server
    server.close()


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A database migrated to the newest schema, copied for each test."""
    from sqlalchemy import create_engine

    from kanban.store import db

    name = pg_server.create("tpl")
    pg_server.template = name  # dropped by pg_server.close(), after its copies
    # A plain engine, not db.make_engine: session fixtures run before the test's
    # isolated config folder exists, and the template needs no password or TLS.
    engine = create_engine(pg_server.url(name))
    try:
        db.upgrade(engine)
    finally:
        engine.dispose()  # a template must have no open connection when copied
    return name


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[Callable[..., str]]:
    """``pg_database(template=None)``: the URL of a new database, dropped after the test."""
    made: list[str] = []

    def make(template: str | None = None) -> str:
        if template is not None and template == pg_server.template:
            name = pg_server.copy_of_template()
        else:
            name = pg_server.create("t", template)
        made.append(name)
        return pg_server.url(name)

    yield make
    for name in made:
        pg_server.drop_later(name)


@pytest.fixture
def pg_url(pg_database: Callable[..., str]) -> str:
    """An empty PostgreSQL database of the test's own (no schema yet)."""
    return pg_database()


@pytest.fixture
def pg_board_url(pg_database: Callable[..., str], pg_template: str) -> str:
    """A PostgreSQL database of the test's own with the newest schema (no board yet)."""
    return pg_database(pg_template)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """Which database ``db_url`` is on: parametrized where :func:`both_databases` is used."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_url(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The test's board: a SQLite file in ``tmp_path``, or its own PostgreSQL database."""
    if db_backend == "postgresql":
        return str(request.getfixturevalue("pg_board_url"))
    return f"sqlite:///{tmp_path / 'board.db'}"


def terminate_backends(url: str) -> int:
    """What a server restart does to a board's clients: every connection to ``url``'s
    database dropped (``pg_terminate_backend``); how many there were."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": name},
                ).all()
            )
    finally:
        admin.dispose()
