"""One JIRA sync per board across processes: the wall's timer and a cron job never overlap."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.store import db
from kanban.sync.errors import SyncBusy
from sync.fake_jira import FakeJira

HOLD_LOCK = """
import fcntl, sys
handle = open(sys.argv[1], "a+")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


@pytest.mark.sqlite_only(
    reason="the file lock beside a SQLite board; on PostgreSQL the advisory lock "
    "(tests/store/test_postgres_upgrade.py::test_one_sync_per_board_on_a_shared_server)"
)
def test_a_second_process_syncing_the_same_board_is_turned_away(
    fake: FakeJira, service: BoardService, sync: SyncService, db_url: str
) -> None:
    fake.add_issue("OPS", "Patch web01")
    path = db.sqlite_path(db_url)
    assert path is not None
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path.with_name(path.name + ".sync-lock"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "locked"
        with pytest.raises(SyncBusy, match="Another program is syncing this board"):
            sync.sync()
        assert service.list_cards() == []
    finally:
        assert other.stdin is not None
        other.stdin.close()
        other.wait(timeout=30)
    sync.sync()
    assert [c.jira_key for c in service.list_cards()] == ["OPS-1"]
