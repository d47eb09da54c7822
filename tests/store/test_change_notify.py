"""On a shared PostgreSQL board, every committed change wakes the clients that listen.

Each test runs on a PostgreSQL database of its own (127.0.0.1:5432, trust
auth for ``postgres``), made here and dropped afterwards. A listener is the
same :class:`~kanban.store.changes.Listener` the window's thread drives.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from kanban_test_databases import terminate_backends

from kanban.errors import StorageError
from kanban.services.board import BoardService
from kanban.store import availability, changes

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def board(pg_url: str) -> Iterator[BoardService]:
    service = BoardService.open(pg_url, "tester")
    yield service
    service.close()


@pytest.fixture
def listener(board: BoardService) -> Iterator[changes.Listener]:
    listen = changes.Listener(board.engine)
    listen.connect()
    listen.wait(0)  # nothing left over from opening the board
    yield listen
    listen.close()


def test_a_committed_change_notifies_a_listening_client(
    board: BoardService, listener: changes.Listener
) -> None:
    board.add_card("Patch the file servers")
    assert listener.wait(5) >= 1


def test_a_change_in_another_process_notifies_too(
    pg_url: str, board: BoardService, listener: changes.Listener
) -> None:
    card = board.add_card("Renew TLS certificates").card
    board.add_person("Alice")
    listener.wait(1)
    moved = subprocess.run(
        [sys.executable, "-m", "kanban", "move", card.id, "In progress", "--person", "Alice",
         "--db", pg_url],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert moved.returncode == 0, moved.stderr
    assert listener.wait(5) >= 1


def test_reads_and_refused_changes_notify_nobody(
    board: BoardService, listener: changes.Listener
) -> None:
    card = board.add_card("Rotate backups").card
    assert listener.wait(5) >= 1
    board.snapshot()
    board.list_cards()
    with pytest.raises(StorageError):
        with board.writing() as uow:
            uow.write_card(card, {"title": "Rotate the backups"})
            raise StorageError("the user cancelled")  # rolled back: never committed
    assert listener.wait(0.5) == 0
    assert board.card(card.id).title == "Rotate backups"


def test_a_burst_of_commits_is_one_wake_up(board: BoardService, listener: changes.Listener) -> None:
    with board.batch() as batch:
        for n in range(20):
            batch.add_card(f"Card {n}")
    assert listener.wait(5) == 1  # one transaction, one notification
    for n in range(5):
        board.add_card(f"More {n}")
    woken = listener.wait(5)
    assert 1 <= woken <= 5


def test_the_change_marker_moves_with_changes_that_append_no_event(
    board: BoardService,
) -> None:
    with board.reading() as conn:
        before = changes.change_marker(conn)
    board.add_person("Carol")
    with board.reading() as conn:
        after = changes.change_marker(conn)
    assert after != before
    assert changes.snapshot_marker(board.snapshot()) == after


def test_a_terminated_connection_is_told_apart_and_the_next_write_goes_through(
    pg_url: str, board: BoardService, listener: changes.Listener
) -> None:
    board.add_card("Before the restart")
    terminate_backends(pg_url)
    with pytest.raises(Exception) as lost:
        while listener.wait(5):
            pass
    assert availability.is_unavailable(lost.value)
    # The pool checks a connection before handing it out: nothing is lost.
    board.add_card("After the restart")
    titles = {c.title for c in board.list_cards()}
    assert {"Before the restart", "After the restart"} <= titles
