"""label_colour: the colour a board gives each label (cards, reports, export)

A label with no row keeps the default chip colour, so existing boards look
as before until someone picks colours in the Labels dialog or with
``kanban labels set``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # AutoString columns, as the tables declare them
from alembic import op


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label_colour",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("colour", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"], ["board.id"], name=op.f("fk_label_colour_board_id_board")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_colour")),
        sa.UniqueConstraint("board_id", "label", name="uq_label_colour_board_label"),
    )


def downgrade() -> None:
    op.drop_table("label_colour")
