"""Tables of a card's comments and checklist.

``card_comment`` holds the discussion on a card. A deleted comment stays as a
tombstone (``deleted_at``) so that the deletion can still reach JIRA and the
history can name what was removed. For a card linked to a JIRA issue each
comment also keeps what both sides last agreed on: JIRA's comment id, the
agreed text (``base_body``) and JIRA's ``updated`` stamp at that moment, the
same three-way state ``sync_link.base`` keeps for the card's fields. When
both sides changed a comment differently, JIRA's side waits in ``conflict``
until a person chooses; neither text is dropped.

``checklist_item`` is the card's checklist, in ``position`` order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, String, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from kanban.store.tables import table_of


def _utc(nullable: bool) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class CommentRow(SQLModel, table=True):
    """One comment on a card, written on the board or pulled from JIRA."""

    __tablename__ = "card_comment"
    __table_args__ = (
        Index("ix_card_comment_card_id", "card_id", "id"),
        UniqueConstraint("jira_id", name="uq_card_comment_jira_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(foreign_key="card.id", sa_type=String(36))
    author: str = Field(max_length=200)
    body: str = Field(default="")
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    deleted_at: datetime | None = _utc(nullable=True)
    # Guards edits from two windows the way card.revision guards cards.
    revision: int = Field(default=1)
    jira_id: str | None = Field(default=None, max_length=20)
    base_body: str | None = Field(default=None)
    jira_updated: str | None = Field(default=None, max_length=40)
    # JIRA's side of a comment both sides changed: {"body", "updated", "author"},
    # or {"deleted": true} when JIRA deleted a comment edited here.
    conflict: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class ChecklistItemRow(SQLModel, table=True):
    """One line of a card's checklist."""

    __tablename__ = "checklist_item"
    __table_args__ = (Index("ix_checklist_item_card_id", "card_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: str = Field(foreign_key="card.id", sa_type=String(36))
    position: int = Field(default=0)
    text: str = Field(max_length=500)
    done: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    done_at: datetime | None = _utc(nullable=True)
    created_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))


comment_table = table_of(CommentRow)
checklist_table = table_of(ChecklistItemRow)
