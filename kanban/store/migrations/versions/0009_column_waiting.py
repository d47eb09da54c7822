"""board_column.waiting: a column where work waits (for a reviewer, a vendor)

Flow efficiency counts time in such a column as waiting, not active time.
Existing columns are not waiting columns.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: rebuilding board_column (batch mode) would trip the
    # foreign keys of the cards pointing at it.
    op.add_column(
        "board_column",
        sa.Column("waiting", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # SQLite (3.35+) drops a column that nothing references.
    op.drop_column("board_column", "waiting")
