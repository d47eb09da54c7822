"""The database: SQLModel tables, engine and sessions, repositories and migrations."""

# Register listeners on every engine, before any exists: the commit listener
# that sends PostgreSQL's NOTIFY after every committed write, and the guard of
# a SQLite file that is no longer at its path (kanban.store.availability).
from kanban.store import availability as availability
from kanban.store import changes as changes
