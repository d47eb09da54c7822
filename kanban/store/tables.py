"""The database schema as SQLModel tables.

Alembic migrations in ``kanban/store/migrations`` are the only source of the
schema on disk; these classes describe it for queries and for autogenerate,
and a test checks that both agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

# Stable constraint names make batch migrations on SQLite reproducible.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def _utc_column(nullable: bool) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class BoardRow(SQLModel, table=True):
    """The board's own settings (one row per database)."""

    __tablename__ = "board"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="Team board", max_length=200)
    grouping: str = Field(default="person", max_length=20)
    rules: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    max_card_days: float = Field(default=2.0)


class ColumnRow(SQLModel, table=True):
    """A board column."""

    __tablename__ = "board_column"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=10)
    order: int = Field(default=0)
    wip_min: int | None = Field(default=None)
    wip_max: int | None = Field(default=None)
    jira_statuses: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    waiting: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class PersonRow(SQLModel, table=True):
    """A team member."""

    __tablename__ = "person"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, sa_column_kwargs={"unique": True})
    jira_user: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    colour: str = Field(default="#4e79a7", max_length=9)
    wip_limit: int | None = Field(default=None)
    order: int = Field(default=0)
    active: bool = Field(default=True)


class CardRow(SQLModel, table=True):
    """A card; ``revision`` guards every UPDATE against concurrent writers."""

    __tablename__ = "card"
    __table_args__ = (
        Index("ix_card_cell", "column_id", "person_id", "position"),
        UniqueConstraint("jira_key", name="uq_card_jira_key"),
    )

    id: str = Field(primary_key=True, sa_type=String(36))
    title: str = Field(max_length=500)
    description: str = Field(default="")
    column_id: int = Field(foreign_key="board_column.id")
    person_id: int | None = Field(default=None, foreign_key="person.id")
    # Whose card it is; for a pool card (no lane) the person picked for it.
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    position: int = Field(default=0)
    not_ready: bool = Field(default=False)
    not_ready_reason: str | None = Field(default=None, max_length=1000)
    not_ready_since: datetime | None = _utc_column(nullable=True)
    size_days: float = Field(default=1.0)
    labels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    project: str | None = Field(default=None, max_length=200)
    due_date: date | None = Field(default=None)
    jira_key: str | None = Field(default=None, max_length=50)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    started_at: datetime | None = _utc_column(nullable=True)
    done_at: datetime | None = _utc_column(nullable=True)
    column_since: datetime | None = _utc_column(nullable=True)
    revision: int = Field(default=1)
    archived: bool = Field(default=False, index=True)


class EventRow(SQLModel, table=True):
    """One history event; the table is append-only."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_card_id", "card_id", "id"),
        Index("ix_event_actor", "actor", "source", "id"),
        Index("ix_event_at", "at"),
        Index("ix_event_change_id", "change_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(foreign_key="card.id", sa_type=String(36))
    change_id: str = Field(sa_type=String(36))
    actor: str = Field(max_length=200)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    kind: str = Field(max_length=20)
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    reason: str | None = Field(default=None)
    rules: str | None = Field(default=None, max_length=200)
    source: str = Field(default="local", max_length=10)
    target_change: str | None = Field(default=None, sa_type=String(36))


class LimitChangeRow(SQLModel, table=True):
    """A WIP limit set on a column or person, kept so reports judge the past fairly."""

    __tablename__ = "limit_change"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=200)
    scope: str = Field(max_length=10)  # column | person
    target_id: int
    before: int | None = Field(default=None)
    after: int | None = Field(default=None)


class LabelColourRow(SQLModel, table=True):
    """The colour a board gives one label; a label without a row has the default colour."""

    __tablename__ = "label_colour"
    __table_args__ = (UniqueConstraint("board_id", "label", name="uq_label_colour_board_label"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: int = Field(foreign_key="board.id")
    label: str = Field(max_length=50)  # LABEL_MAX
    colour: str = Field(max_length=7)  # #rrggbb


def date_or_none(value: date | str | None) -> date | None:
    """Dates come back from SQLite as date objects; JSON gives strings."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a table model, typed.

    SQLModel's type hints do not declare ``__table__``; this is the one place
    that reaches for it, so the query modules get a typed ``Table``.
    """
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


board_table = table_of(BoardRow)
column_table = table_of(ColumnRow)
person_table = table_of(PersonRow)
card_table = table_of(CardRow)
event_table = table_of(EventRow)
limit_change_table = table_of(LimitChangeRow)
label_colour_table = table_of(LabelColourRow)
