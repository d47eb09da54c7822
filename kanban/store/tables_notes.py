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

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    false,
)

from kanban.store.tables import metadata

# One comment on a card, written on the board or pulled from JIRA.
comment_table = Table(
    "card_comment",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("card_id", String(36), ForeignKey("card.id"), nullable=False),
    Column("author", String(200), nullable=False),
    Column("body", String(), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("deleted_at", DateTime(timezone=True), nullable=True),
    # Guards edits from two windows the way card.revision guards cards.
    Column("revision", Integer(), nullable=False, default=1),
    Column("jira_id", String(20), nullable=True),
    Column("base_body", String(), nullable=True),
    Column("jira_updated", String(40), nullable=True),
    # JIRA's side of a comment both sides changed: {"body", "updated", "author"},
    # or {"deleted": true} when JIRA deleted a comment edited here.
    Column("conflict", JSON(), nullable=True),
    Index("ix_card_comment_card_id", "card_id", "id"),
    UniqueConstraint("jira_id", name="uq_card_comment_jira_id"),
)

# One line of a card's checklist.
checklist_table = Table(
    "checklist_item",
    metadata,
    Column("id", Integer(), primary_key=True),
    Column("card_id", String(36), ForeignKey("card.id"), nullable=False),
    Column("position", Integer(), nullable=False, default=0),
    Column("text", String(500), nullable=False),
    Column("done", Boolean(), nullable=False, default=False, server_default=false()),
    Column("done_at", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_checklist_item_card_id", "card_id", "position"),
)
