"""Many hands at once on one PostgreSQL board (issue #14, part 3), with its table.

10 client processes, each with its own person, make 1,000 random moves, blocks
and assigns each on one shared board (60 cards, 5 people with WIP limits),
acting on what they last saw as a window does; an eleventh client only
watches: it LISTENs on the board's channel and reloads the board on each
notification. Afterwards the harness of ``tests/store/shared_board.py`` checks
that no update was lost, that every conflict named its card to its client,
and the board's invariants. Printed:

- moves per second (changes saved per second of the run, and operations tried);
- conflicts, rule refusals and no-ops;
- the p50/p95/max time from a commit in one client to the watching client
  having reloaded a board that shows it (the listener's ``Listener`` plus the
  snapshot a window reloads; the scene paint itself is not included);
- whether every check held.

Needs the PostgreSQL server every machine of the project runs (127.0.0.1:5432,
trust auth for ``postgres``; ``KANBAN_TEST_POSTGRES`` names another admin URL).
It makes a database of its own and drops it afterwards.

Run: `.venv/bin/python bench/bench_shared.py [--clients 10] [--ops 1000]` (or `make bench`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from store.shared_board import (  # noqa: E402
    REFRESH_EVERY,
    check_board,
    prepare_board,
    read_log,
    run_clients,
)

from bench.fixtures import NoServer, scratch_postgres  # noqa: E402

CARDS = 60


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--ops", type=int, default=1000, help="operations per client")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    try:
        with scratch_postgres("kanban_bench") as url:
            start_event = prepare_board(url, CARDS)
            with tempfile.TemporaryDirectory() as tmp:
                logs = run_clients(
                    url, args.clients, args.ops, args.seed, Path(tmp), timeout=3600, listen=True
                )
                watched = read_log(Path(tmp) / "listener.jsonl")
            verdict = check_board(url, logs, start_event)
    except NoServer as exc:
        print(f"bench_shared: {exc}")
        return 1

    entries = [e for client in logs.values() for e in client]
    began = min(e["t"] for e in entries)
    ended = max(e["t"] for e in entries)
    seconds = max(ended - began, 1e-9)
    committed = {e["change_id"]: e["t"] for e in entries if e.get("change_id")}
    seen = {w["change_id"]: w["seen"] for w in watched if not w["final"]}
    lags = [(seen[c] - t) * 1000 for c, t in committed.items() if c in seen]
    missed = len(set(committed) - set(seen))
    moves = sum(1 for e in entries if e.get("op") == "move" and e.get("change_id"))

    rows = [
        ("clients x operations", f"{args.clients} x {args.ops:,}"),
        ("run time (first to last operation)", f"{seconds:.1f} s"),
        ("operations tried per second", f"{len(entries) / seconds:.1f}"),
        ("changes saved per second", f"{verdict.changes / seconds:.1f}"),
        ("moves saved per second", f"{moves / seconds:.1f}"),
        ("changes saved / history events", f"{verdict.changes:,} / {verdict.events:,}"),
        ("conflicts (each named its card)", f"{verdict.conflicts:,}"),
        ("refused by a rule / no-ops", f"{verdict.refused:,} / {verdict.noops:,}"),
        ("commit -> reload elsewhere, p50", f"{percentile(lags, 0.50):.0f} ms"),
        ("commit -> reload elsewhere, p95", f"{percentile(lags, 0.95):.0f} ms"),
        ("commit -> reload elsewhere, max", f"{max(lags, default=float('nan')):.0f} ms"),
        ("changes the watcher was not woken for", f"{missed:,}"),
        ("checks (lost updates, cells, WIP)", "all held" if not verdict.problems else "FAILED"),
    ]
    width = max(len(label) for label, _ in rows)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\nShared PostgreSQL board, {CARDS} cards, each client re-reading the whole board "
        f"every {REFRESH_EVERY} operations; {os.cpu_count()} CPUs, load average {load} "
        f"at the end ({time.strftime('%Y-%m-%d %H:%M')})"
    )
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 16}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    for problem in verdict.problems:
        print(f"  problem: {problem}")
    return 1 if verdict.problems or missed else 0


if __name__ == "__main__":
    sys.exit(main())
