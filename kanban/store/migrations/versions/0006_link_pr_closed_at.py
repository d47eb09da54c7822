"""link_pr.closed_at: when a pull request was merged or declined

Reports showed a merged PR's last update as its merge time; Bitbucket Server
(closedDate) and GitHub (merged_at) say when it was merged. Existing rows get
the time on the next scan of their host.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 22:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_pr", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("link_pr", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
