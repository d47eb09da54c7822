"""The database: SQLModel tables, engine and sessions, repositories and migrations."""
