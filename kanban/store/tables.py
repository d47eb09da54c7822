"""The board's own tables, as SQLAlchemy Core tables.

Alembic migrations in ``kanban/store/migrations`` are the only source of the
schema on disk; these tables describe it for queries and for autogenerate,
and a test checks that both agree (``tests/store/test_migrations.py``).

They are plain Core ``Table`` objects, not SQLModel classes: every command
and the window's first paint import this module, and building SQLModel
classes costs about 0.6 s of imports (SQLModel, pydantic, the ORM) before a
single row is read. The feature tables that load later (links, sync) are
SQLModel classes on the same ``metadata`` (:mod:`kanban.store.sqlmodel_tables`).
Python-side ``default=`` values are what a Core insert fills in when a value
is not given; list and dict columns have none and are always given.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    false,
)

# Stable constraint names make batch migrations on SQLite reproducible.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _utc(name: str, *, nullable: bool) -> Column[Any]:
    return Column(name, DateTime(timezone=True), nullable=nullable)


# The board's own settings (one row per database).
board_table = Table(
    "board",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("name", String(200), nullable=False, default="Team board"),
    Column("grouping", String(20), nullable=False, default="person"),
    Column("rules", JSON(), nullable=False),
    Column("max_card_days", Float(), nullable=False, default=2.0),
)

# A board column.
column_table = Table(
    "board_column",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("order", Integer(), nullable=False, default=0),
    Column("wip_min", Integer(), nullable=True),
    Column("wip_max", Integer(), nullable=True),
    Column("jira_statuses", JSON(), nullable=False),
    Column("waiting", Boolean(), nullable=False, default=False, server_default=false()),
)

# A team member.
person_table = Table(
    "person",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("jira_user", String(200), nullable=True),
    Column("email", String(320), nullable=True),
    Column("colour", String(9), nullable=False, default="#4e79a7"),
    Column("wip_limit", Integer(), nullable=True),
    Column("order", Integer(), nullable=False, default=0),
    Column("active", Boolean(), nullable=False, default=True),
)

# A card; ``revision`` guards every UPDATE against concurrent writers.
card_table = Table(
    "card",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(500), nullable=False),
    Column("description", String(), nullable=False, default=""),
    Column("column_id", Integer(), ForeignKey("board_column.id"), nullable=False),
    Column("person_id", Integer(), ForeignKey("person.id"), nullable=True),
    # Whose card it is; for a pool card (no lane) the person picked for it.
    Column("owner_id", Integer(), ForeignKey("person.id"), nullable=True),
    Column("position", Integer(), nullable=False, default=0),
    Column("not_ready", Boolean(), nullable=False, default=False),
    Column("not_ready_reason", String(1000), nullable=True),
    _utc("not_ready_since", nullable=True),
    Column("size_days", Float(), nullable=False, default=1.0),
    Column("labels", JSON(), nullable=False),
    Column("project", String(200), nullable=True),
    Column("due_date", Date(), nullable=True),
    Column("jira_key", String(50), nullable=True),
    _utc("created_at", nullable=False),
    _utc("updated_at", nullable=False),
    _utc("started_at", nullable=True),
    _utc("done_at", nullable=True),
    _utc("column_since", nullable=True),
    Column("revision", Integer(), nullable=False, default=1),
    Column("archived", Boolean(), nullable=False, default=False, index=True),
    Index("ix_card_cell", "column_id", "person_id", "position"),
    UniqueConstraint("jira_key", name="uq_card_jira_key"),
)

# One history event; the table is append-only.
event_table = Table(
    "event",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("card_id", String(36), ForeignKey("card.id"), nullable=False),
    Column("change_id", String(36), nullable=False),
    Column("actor", String(200), nullable=False),
    _utc("at", nullable=False),
    Column("kind", String(20), nullable=False),
    Column("before", JSON(), nullable=False),
    Column("after", JSON(), nullable=False),
    Column("reason", String(), nullable=True),
    Column("rules", String(200), nullable=True),
    Column("source", String(10), nullable=False, default="local"),
    Column("target_change", String(36), nullable=True),
    Index("ix_event_card_id", "card_id", "id"),
    Index("ix_event_actor", "actor", "source", "id"),
    Index("ix_event_at", "at"),
    Index("ix_event_change_id", "change_id"),
)

# A WIP limit set on a column or person, kept so reports judge the past fairly.
limit_change_table = Table(
    "limit_change",
    metadata,
    Column("id", Integer(), primary_key=True),
    _utc("at", nullable=False),
    Column("actor", String(200), nullable=False),
    Column("scope", String(10), nullable=False),  # column | person
    Column("target_id", Integer(), nullable=False),
    Column("before", Integer(), nullable=True),
    Column("after", Integer(), nullable=True),
)

# The colour a board gives one label; a label without a row has the default colour.
label_colour_table = Table(
    "label_colour",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("board_id", Integer(), ForeignKey("board.id"), nullable=False),
    Column("label", String(50), nullable=False),  # LABEL_MAX
    Column("colour", String(7), nullable=False),  # #rrggbb
    UniqueConstraint("board_id", "label", name="uq_label_colour_board_label"),
)


def date_or_none(value: date | str | None) -> date | None:
    """Dates come back from SQLite as date objects; JSON gives strings."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def table_of(model: Any) -> Table:
    """The Core table behind a SQLModel table class, typed.

    SQLModel's type hints do not declare ``__table__``; this is the one place
    that reaches for it, so the query modules get a typed ``Table``.
    """
    table: Table = model.__table__
    return table
