"""The whole schema: every table module, for Alembic and for whole-board operations.

``kanban.store.tables`` holds the board's own tables and is all that the
everyday commands import; the links, sync and notes tables load only where they are
used (they cost about 30 ms of every CLI start). Code that needs every table,
such as migrations, the schema test and clearing a board, imports this module.
"""

from __future__ import annotations

from kanban.store import (  # noqa: F401 - registers their tables
    tables_links,
    tables_notes,
    tables_sync,
)
from kanban.store.tables import metadata

__all__ = ["metadata"]
