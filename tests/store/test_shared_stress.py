"""Many hands on one PostgreSQL board: four client processes at once lose nothing.

The small version of issue #14's run (``bench/bench_shared.py`` runs 10
clients x 1,000 operations): four processes, each with its own person, make
random moves, blocks and assigns on the same cards from what they last saw.
Afterwards every change a client was told it saved is in the history under its
name and nothing else is, every conflict named its card to that client, and
the board is whole (one cell per card, dense positions, WIP as recounted).
The checks are in ``tests/store/shared_board.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from store.shared_board import check_board, prepare_board, read_log, run_clients

pytestmark = pytest.mark.integration

CLIENTS = 4
OPS = 60


def test_four_clients_at_once_lose_no_change_and_keep_the_board_whole(
    pg_board_url: str, tmp_path: Path
) -> None:
    start = prepare_board(pg_board_url, cards=30)

    logs = run_clients(pg_board_url, CLIENTS, OPS, seed=14, log_dir=tmp_path, listen=True)
    verdict = check_board(pg_board_url, logs, start)

    assert verdict.problems == []
    assert verdict.ops == CLIENTS * OPS
    # The clients did get in each other's way, or the run would prove nothing.
    assert verdict.conflicts > 0
    assert verdict.changes > CLIENTS * OPS // 3
    assert verdict.changes + verdict.conflicts + verdict.refused + verdict.noops == verdict.ops
    # A fifth client, only watching, was woken for every change and showed it.
    saved = {e["change_id"] for entries in logs.values() for e in entries if e.get("change_id")}
    watched = {e["change_id"] for e in read_log(tmp_path / "listener.jsonl") if not e["final"]}
    assert saved <= watched


def test_the_checks_see_a_lost_update_and_a_broken_cell(pg_board_url: str, tmp_path: Path) -> None:
    # The harness itself: a change a client was told it saved, but which never
    # reached the history, and a card out of its slot, are both reported.
    from sqlalchemy import create_engine, text

    start = prepare_board(pg_board_url, cards=6)
    logs = run_clients(pg_board_url, 1, 5, seed=3, log_dir=tmp_path)
    logs[0].append({"outcome": "ok", "change_id": "never-written", "n": 5, "t": 0.0})
    engine = create_engine(pg_board_url)
    with engine.begin() as conn:
        # One card a slot further down its cell: a gap, or two cards on one slot.
        conn.execute(
            text("UPDATE card SET position = position + 1 WHERE id = (SELECT min(id) FROM card)")
        )
    engine.dispose()

    problems = check_board(pg_board_url, logs, start).problems

    assert any("never-written" in p and "not in the history" in p for p in problems)
    assert any("are not 0.." in p for p in problems)
