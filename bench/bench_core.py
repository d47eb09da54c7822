"""Core benchmarks of issue #2: snapshot, move, `kanban list`, opening the database.

Targets (2,000 cards, 8 people, 50,000 events): snapshot < 50 ms; a move
(validate rules, persist, append event) < 5 ms median; `kanban list` end to
end < 0.5 s; opening and migrating an up-to-date database < 100 ms.
Run: `make bench` or `.venv/bin/python bench/bench_core.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fixtures import build_board
from kanban.domain.model import ColumnKind
from kanban.services.board import BoardService
from kanban.store import db


def timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = build_board(Path(tmp) / "bench.db")
        svc = BoardService.open(url, "bench")
        snap_ms = timed(svc.snapshot, 20)
        snap = svc.snapshot()
        active = [c.id for c in snap.columns if c.kind is not ColumnKind.POOL]
        people = [p.id for p in snap.people]
        cards = [c.id for c in snap.cards]
        n_cards = len(cards)
        moves = []
        for i in range(200):
            card_id = cards[i * 7 % len(cards)]
            start = time.perf_counter()
            svc.move_card(
                card_id,
                column=active[i % len(active)],
                person=people[i % len(people)],
                position=0,
                override_reason="benchmark",
            )
            moves.append((time.perf_counter() - start) * 1000)
        svc.close()
        db_path = url.removeprefix("sqlite:///")
        cmd = [sys.executable, "-m", "kanban", "list", "--db", db_path]
        subprocess.run(cmd, check=True, capture_output=True)  # warm the OS file cache
        list_ms = timed(lambda: subprocess.run(cmd, check=True, capture_output=True), 5)
        listed = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        assert listed.count("\n") >= n_cards, "kanban list must print every card"
        open_ms = timed(lambda: db.open_database(url).dispose(), 20)
    rows = [
        (f"board snapshot ({n_cards} cards)", statistics.median(snap_ms), max(snap_ms), 50),
        ("move card (rules+persist+event)", statistics.median(moves), max(moves), 5),
        ("`kanban list` end to end", statistics.median(list_ms), max(list_ms), 500),
        ("open + migrate up-to-date db", statistics.median(open_ms), max(open_ms), 100),
    ]
    print(f"{'measure':<36} {'median ms':>10} {'max ms':>9} {'target ms':>10}  ok")
    for name, median, worst, target in rows:
        ok = "yes" if median < target else "NO"
        print(f"{name:<36} {median:>10.1f} {worst:>9.1f} {target:>10}  {ok}")


if __name__ == "__main__":
    main()
