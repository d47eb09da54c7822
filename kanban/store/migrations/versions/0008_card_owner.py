"""card.owner_id: whose card it is, also while it sits in the task pool

A pool card had no person, so "what is in my pool?" had no answer and a JIRA
To Do issue lost its assignee. ``owner_id`` is the person of the card's lane,
and for a pool card the person picked for it. Existing cards get their lane's
person; a linked pool card gets the JIRA assignee both sides last agreed on,
when that user is one of the board's people.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 03:40:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A plain ADD COLUMN with its named reference: rebuilding "card" (batch
        # mode) would trip the foreign keys of the events and links pointing at it.
        op.execute(
            "ALTER TABLE card ADD COLUMN owner_id INTEGER "
            "CONSTRAINT fk_card_owner_id_person REFERENCES person (id)"
        )
    else:
        op.add_column("card", sa.Column("owner_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_card_owner_id_person"), "card", "person", ["owner_id"], ["id"]
        )
    op.execute("UPDATE card SET owner_id = person_id WHERE person_id IS NOT NULL")
    bind = op.get_bind()
    people = {
        str(user): pid
        for pid, user in bind.execute(
            sa.text("SELECT id, jira_user FROM person WHERE jira_user IS NOT NULL")
        )
    }
    rows = bind.execute(
        sa.text(
            "SELECT card.id, sync_link.base FROM card "
            "JOIN board_column ON board_column.id = card.column_id "
            "JOIN sync_link ON sync_link.card_id = card.id "
            "WHERE board_column.kind = 'pool' AND card.owner_id IS NULL"
        )
    ).all()
    for card_id, base in rows:
        agreed = json.loads(base) if isinstance(base, str | bytes) else (base or {})
        owner = people.get(str(agreed.get("assignee"))) if agreed.get("assignee") else None
        if owner is not None:
            bind.execute(
                sa.text("UPDATE card SET owner_id = :owner WHERE id = :card"),
                {"owner": owner, "card": card_id},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_card_owner_id_person"), "card", type_="foreignkey")
    # SQLite (3.35+) drops a column that only references another table.
    op.drop_column("card", "owner_id")
