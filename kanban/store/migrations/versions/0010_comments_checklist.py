"""card_comment and checklist_item: a card's comments (synced with JIRA) and checklist

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # AutoString columns, as the tables declare them
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("jira_id", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("base_body", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("jira_updated", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("conflict", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"], ["card.id"], name=op.f("fk_card_comment_card_id_card")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_comment")),
        sa.UniqueConstraint("jira_id", name="uq_card_comment_jira_id"),
    )
    op.create_index("ix_card_comment_card_id", "card_comment", ["card_id", "id"], unique=False)
    op.create_table(
        "checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["card_id"], ["card.id"], name=op.f("fk_checklist_item_card_id_card")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_item")),
    )
    op.create_index(
        "ix_checklist_item_card_id", "checklist_item", ["card_id", "position"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_checklist_item_card_id", table_name="checklist_item")
    op.drop_table("checklist_item")
    op.drop_index("ix_card_comment_card_id", table_name="card_comment")
    op.drop_table("card_comment")
