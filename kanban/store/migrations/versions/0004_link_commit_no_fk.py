"""link_commit: no foreign key to link_source

A first scan of a large repository inserts tens of thousands of commit rows,
and checking each against link_source cost about a third of storing them.
Like link_commit_key, the rows are now removed explicitly with their source
(LinksService.forget_source deletes a source's commits before the source).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:10:00
"""

from __future__ import annotations

from alembic import op


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite cannot drop a constraint in place: batch mode rebuilds the table.
    with op.batch_alter_table("link_commit", recreate="always") as batch_op:
        batch_op.drop_constraint("fk_link_commit_source_id_link_source", type_="foreignkey")


def downgrade() -> None:
    # Commits whose source is gone would break the restored constraint: drop them
    # (and their key links) first.
    op.execute("DELETE FROM link_commit_key WHERE source_id NOT IN (SELECT id FROM link_source)")
    op.execute("DELETE FROM link_commit WHERE source_id NOT IN (SELECT id FROM link_source)")
    with op.batch_alter_table("link_commit", recreate="always") as batch_op:
        batch_op.create_foreign_key(
            "fk_link_commit_source_id_link_source",
            "link_source",
            ["source_id"],
            ["id"],
            ondelete="CASCADE",
        )
