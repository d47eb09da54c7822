"""Tables of the JIRA sync: the agreed state per linked card, open problems, runs.

``sync_link`` is the status database of the sync (vdirsyncer's ``status``): one
row per card linked to a JIRA issue, holding the values of the synced fields
both sides last agreed on (``base``). ``sync_item`` keeps what a sync could not
finish for a card: a push JIRA refused (queued, with JIRA's own message) or a
field both sides changed differently (a conflict). ``sync_run`` logs each run;
``sync_meta`` keeps small facts learned from the server (field ids, workflow).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, String, UniqueConstraint, false

from kanban.store.sqlmodel_tables import Field, SQLModel
from kanban.store.tables import table_of


class SyncLinkRow(SQLModel, table=True):
    """A card linked to a JIRA issue and the state both sides last agreed on."""

    __tablename__ = "sync_link"

    card_id: str = Field(primary_key=True, foreign_key="card.id", sa_type=String(36))
    # Stable identity of the pair: "jira:<KEY>" for issues pulled from JIRA,
    # "card:<uuid>" for cards pushed as new issues (the uuid is stamped on the issue).
    ident: str = Field(max_length=80, sa_column_kwargs={"unique": True})
    issue_key: str | None = Field(default=None, max_length=50, sa_column_kwargs={"unique": True})
    issue_id: str | None = Field(default=None, max_length=20)
    origin: str = Field(default="jira", max_length=10)
    issue_updated: str | None = Field(default=None, max_length=40)
    card_revision: int = Field(default=0)
    # The card holds a change the sync still owes JIRA (set when a pull pass
    # decides a push, cleared once the push went through): the next run looks
    # at this card again even if this one stops before pushing.
    needs_push: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    base: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    info: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    synced_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )


class SyncItemRow(SQLModel, table=True):
    """One field of one card that a sync could not settle: queued push or conflict."""

    __tablename__ = "sync_item"
    __table_args__ = (UniqueConstraint("card_id", "field", name="uq_sync_item_card_field"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(foreign_key="card.id", sa_type=String(36), index=True)
    field: str = Field(max_length=20)
    kind: str = Field(max_length=10)
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message: str | None = Field(default=None)
    attempts: int = Field(default=0)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


class SyncRunRow(SQLModel, table=True):
    """One sync run: when, what kind, how it ended and what it did."""

    __tablename__ = "sync_run"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    mode: str = Field(max_length=12)
    status: str = Field(max_length=12)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message: str | None = Field(default=None)


class SyncMetaRow(SQLModel, table=True):
    """Small facts learned from the JIRA server (field ids, time zone, workflow edges)."""

    __tablename__ = "sync_meta"

    key: str = Field(primary_key=True, max_length=100)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


sync_link_table = table_of(SyncLinkRow)
sync_item_table = table_of(SyncItemRow)
sync_run_table = table_of(SyncRunRow)
sync_meta_table = table_of(SyncMetaRow)
