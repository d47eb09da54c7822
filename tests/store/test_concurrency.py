"""Two processes writing the same card: the second write fails and overwrites nothing."""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import sys
from pathlib import Path

import pytest

from kanban.errors import ConflictError
from kanban.services.board import BoardService

pytestmark = pytest.mark.integration


def _edit_with_revision(url: str, card_id: str, title: str, revision: int, barrier, results):  # type: ignore[no-untyped-def]
    svc = BoardService.open(url, f"proc-{title}")
    barrier.wait(timeout=30)
    try:
        svc.edit_card(card_id, title=title, expected_revision=revision)
        results.put(("ok", title))
    except ConflictError as exc:
        results.put(("conflict", str(exc)))
    finally:
        svc.close()


def test_second_of_two_simultaneous_writers_gets_a_conflict(db_url: str) -> None:
    svc = BoardService.open(db_url, "tester")
    card = svc.add_card("Replace UPS battery").card
    svc.close()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [
        ctx.Process(
            target=_edit_with_revision,
            args=(db_url, card.id, title, card.revision, barrier, results),
        )
        for title in ("wall", "laptop")
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    outcomes = sorted(results.get(timeout=5) for _ in procs)
    kinds = [kind for kind, _ in outcomes]
    assert kinds == ["conflict", "ok"]
    winner = next(text for kind, text in outcomes if kind == "ok")
    conflict_message = next(text for kind, text in outcomes if kind == "conflict")
    # The card is named as it is now, after the winning write.
    assert f"'{winner}'" in conflict_message and "Reload" in conflict_message
    check = BoardService.open(db_url, "tester")
    final = check.card(card.id)
    check.close()
    assert final.title == winner and final.revision == card.revision + 1


def test_wall_edit_after_a_laptop_change_is_refused(db_url: str, tmp_path: Path) -> None:
    wall = BoardService.open(db_url, "wall")
    card = wall.add_card("Renew wildcard certificate").card
    shown_revision = card.revision
    script = (
        "import sys\nfrom kanban.services.board import BoardService\n"
        "s = BoardService.open(sys.argv[1], 'laptop')\n"
        "s.edit_card(sys.argv[2], title='Renew wildcard cert (ordered)')\n"
    )
    subprocess.run([sys.executable, "-c", script, db_url, card.id], check=True, timeout=60)
    with pytest.raises(ConflictError, match="changed by someone else"):
        wall.edit_card(card.id, title="Renew cert", expected_revision=shown_revision)
    assert wall.card(card.id).title == "Renew wildcard cert (ordered)"
    wall.close()
