"""limit_change: WIP limit changes of columns and people, for fair reports

Reports judged every past moment by today's limits; raising a limit hid the
breaches before it, lowering one invented breaches. Changes are recorded from
this revision on; earlier moments still use the first recorded limit (or the
current one when it never changed).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel.sql.sqltypes  # AutoString columns
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "limit_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("before", sa.Integer(), nullable=True),
        sa.Column("after", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_limit_change")),
    )


def downgrade() -> None:
    op.drop_table("limit_change")
