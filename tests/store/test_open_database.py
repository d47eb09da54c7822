"""Opening a database: a backup that cannot be written is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban.errors import StorageError
from kanban.store import db


def _first_revision_db(path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{path}")
    db.upgrade(engine, target="0001")
    engine.dispose()


def test_a_backup_that_cannot_be_written_stops_the_upgrade_cleanly(tmp_path: Path) -> None:
    # A file name near the 255-byte limit: "<name>.bak-<time>-<rev>" is too long to create.
    path = tmp_path / ("b" * 240 + ".db")
    _first_revision_db(path)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="back") as err:
        db.open_database(f"sqlite:///{path}")
    assert "nothing was changed" in str(err.value).lower()
    assert path.read_bytes() == before
