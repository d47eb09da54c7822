"""The database: SQLModel tables, engine and sessions, repositories and migrations."""

# Registers the commit listener that sends PostgreSQL's NOTIFY after every
# committed write: importing the store at all must be enough for it to hold.
from kanban.store import changes as changes
