"""Large boards for benchmarks, written straight through the repository in one transaction.

Going through BoardService card by card would take minutes for 50,000 events;
the rows written here are the same shape the service writes.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kanban.domain.model import ColumnKind, Rule, RuleMode
from kanban.services.board import BoardService
from kanban.store import db, repo


def build_board(
    path: Path, *, cards: int = 2000, people: int = 8, events: int = 50_000, seed: int = 1
) -> str:
    """Create a board database at ``path`` and return its URL."""
    url = f"sqlite:///{path}"
    rng = random.Random(seed)
    svc = BoardService.open(url, "bench")
    for rule in Rule:
        svc.set_rule(rule, RuleMode.WARN)
    person_ids = [svc.add_person(f"Person {i}", wip_limit=20).id for i in range(people)]
    columns = svc.columns()
    svc.close()
    pool = next(c for c in columns if c.kind is ColumnKind.POOL)
    now = datetime.now(UTC)
    cells: dict[tuple[int, int | None], int] = {}
    card_rows = []
    for i in range(cards):
        col = rng.choice(columns)
        person = None if col.id == pool.id else rng.choice(person_ids)
        pos = cells.get((col.id, person), 0)
        cells[(col.id, person)] = pos + 1
        created = now - timedelta(days=rng.uniform(1, 120))
        card_rows.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128))),
                "title": f"Card {i}: patch server srv{i:04d} and check the monitoring",
                "description": "",
                "column_id": col.id,
                "person_id": person,
                "position": pos,
                "not_ready": i % 17 == 0,
                "not_ready_reason": "waiting for the vendor" if i % 17 == 0 else None,
                "not_ready_since": created if i % 17 == 0 else None,
                "size_days": 1.0,
                "labels": ["linux"] if i % 2 else ["windows", "patching"],
                "project": f"P{i % 5}",
                "due_date": None,
                "jira_key": f"OPS-{i + 1}",
                "created_at": created,
                "updated_at": created,
                "started_at": None,
                "done_at": None,
                "column_since": created,
                "revision": 1,
                "archived": False,
            }
        )
    event_rows = []
    for n in range(events):
        card = card_rows[n % cards]
        event_rows.append(
            {
                "card_id": card["id"],
                "change_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "actor": f"Person {n % people}",
                "at": card["created_at"] + timedelta(hours=n // cards),
                "kind": "moved",
                "before": {"column_id": pool.id, "person_id": None, "position": 0},
                "after": {"column_id": card["column_id"], "person_id": card["person_id"]},
                "reason": None,
                "rules": None,
                "source": "local",
                "target_change": None,
            }
        )
    engine = db.open_database(url)
    with db.write_transaction(engine) as conn:
        conn.execute(repo.card_t.insert(), card_rows)
        repo.append_events(conn, events=event_rows)
    engine.dispose()
    return url


# The server every machine of the project runs (trust auth for postgres).
POSTGRES_ADMIN = os.environ.get(
    "KANBAN_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


class NoServer(Exception):
    """No PostgreSQL server to make a bench database on (the message says why)."""


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards; NoServer if none."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        lines = str(getattr(exc, "orig", exc)).strip().splitlines()
        host = make_url(POSTGRES_ADMIN).host
        reason = lines[0] if lines else type(exc).__name__
        raise NoServer(f"no PostgreSQL server at {host} ({reason})") from exc
    try:
        yield make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
