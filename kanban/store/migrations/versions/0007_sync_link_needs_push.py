"""sync_link.needs_push: an explicit "a push is owed" flag

Before, a link whose card still had a change to push was marked by setting its
``card_revision`` to -1, so the next run looked at the card again. The flag
says the same thing in its own column; the revision keeps its meaning (the
card's revision when both sides last agreed). Rows marked -1 become
``needs_push`` with revision 0, which the next run reads as "look again".

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 03:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_link", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_push", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE sync_link SET needs_push = TRUE, card_revision = 0 WHERE card_revision = -1"
    )


def downgrade() -> None:
    op.execute("UPDATE sync_link SET card_revision = -1 WHERE needs_push")
    with op.batch_alter_table("sync_link", schema=None) as batch_op:
        batch_op.drop_column("needs_push")
