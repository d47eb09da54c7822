"""SQLModel for the feature tables that load after start-up (links, sync).

Their classes must land in the board's one :data:`kanban.store.tables.metadata`
(so that foreign keys to ``card`` resolve and Alembic sees one schema), and
that metadata is plain SQLAlchemy so that start-up does not import SQLModel.
Importing ``SQLModel`` and ``Field`` from here instead of from ``sqlmodel``
binds the two before any class is built.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from kanban.store.tables import metadata

SQLModel.metadata = metadata

__all__ = ["Field", "SQLModel"]
