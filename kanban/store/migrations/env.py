"""Alembic environment: runs the migrations on the connection the app hands in.

The URL never comes from an ini file; ``kanban.store.db`` passes its own
connection through ``config.attributes`` so migrations share its pragmas.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from kanban.store.schema import metadata

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("no connection or sqlalchemy.url given to Alembic")
        with create_engine(url).begin() as own:
            _run(own)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
