"""Benchmark the status report on a big board: 2,000 cards and 50,000 events.

Run:  QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_reports.py

Prints one table: each step's best time of a few runs against its target.
The board is generated in one transaction through kanban.store.repo (26 weeks
of history: cards created, started, sent back and forth, blocked, finished),
in a temporary SQLite file that is removed afterwards.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kanban.domain.model import ColumnKind
from kanban.reports.period import parse_period
from kanban.reports.render_pdf import render_pdf
from kanban.services import reporting
from kanban.services.board import BoardService
from kanban.store import db, repo

CARDS = 2_000
EVENTS = 50_000
NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def _event(
    events: list[dict[str, object]],
    cid: str,
    at: datetime,
    kind: str,
    before: dict[str, object],
    after: dict[str, object],
    rules: str | None = None,
) -> None:
    events.append({
        "card_id": cid, "change_id": str(uuid.uuid4()), "actor": "bench",
        "at": at, "kind": kind, "before": before, "after": after,
        "reason": "bench override" if rules else None, "rules": rules,
        "source": "local", "target_change": None,
    })  # fmt: skip


def generate(service: BoardService, rng: random.Random) -> int:
    """Fill the board with CARDS cards and exactly EVENTS events; returns the event count."""
    columns = service.columns()
    pool = next(c for c in columns if c.kind is ColumnKind.POOL)
    active = [c for c in columns if c.kind is ColumnKind.ACTIVE]
    done = next(c for c in columns if c.kind is ColumnKind.DONE)
    people = [service.add_person(f"Person {i:02d}", wip_limit=3) for i in range(12)]
    start = NOW - timedelta(weeks=26)
    per_card = EVENTS // CARDS
    cards: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    for n in range(CARDS):
        cid = str(uuid.uuid4())
        at = start + timedelta(minutes=rng.randrange(0, 26 * 7 * 24 * 60 - 60 * 24 * 20))
        created = at
        col, person, blocked, reason = pool.id, None, False, None
        started = done_at = None

        _event(events, cid, at, "created", {"archived": True},
              {"column_id": col, "person_id": None, "not_ready": False,
               "archived": False})  # fmt: skip
        for _step in range(per_card - 1):
            at += timedelta(hours=rng.uniform(1, 30))
            roll = rng.random()
            if roll < 0.15:
                blocked = not blocked
                reason = "waiting for a vendor" if blocked else None
                kind = "blocked" if blocked else "unblocked"
                _event(events, cid, at, kind, {"not_ready": not blocked},
                       {"not_ready": blocked, "not_ready_reason": reason})  # fmt: skip
                continue
            if col == pool.id:
                target, person = active[0].id, rng.choice(people).id
                started = started or at
            elif col == done.id:
                target = active[-1].id  # reopened
                done_at = None
            else:
                index = [c.id for c in active].index(col)
                target = active[index + 1].id if index + 1 < len(active) else done.id
                if roll > 0.9:
                    target = active[0].id  # sent back
            if target == done.id:
                done_at = at
            rules = "wip_limits" if rng.random() < 0.01 else None
            _event(
                events,
                cid,
                at,
                "moved",
                {"column_id": col},
                {"column_id": target, "person_id": person},
                rules,
            )
            col = target
        cards.append({
            "id": cid, "title": f"Bench card {n}", "description": "", "column_id": col,
            "person_id": person, "position": n, "not_ready": blocked,
            "not_ready_reason": reason, "not_ready_since": at if blocked else None,
            "size_days": 1.0, "labels": [], "project": f"P{n % 5}", "due_date": None,
            "jira_key": None, "created_at": created, "updated_at": at, "started_at": started,
            "done_at": done_at, "column_since": at, "revision": per_card, "archived": False,
        })  # fmt: skip
    # A real board appends events as they happen, so ids follow time.
    events.sort(key=lambda e: e["at"])  # type: ignore[arg-type, return-value]
    with db.write_transaction(service.engine) as conn:
        for row in cards:
            repo.insert_card(conn, values=row)
        repo.append_events(conn, events=events)
    return len(events)


def best(fn: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000, result


def main() -> None:
    rng = random.Random(6)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        service = BoardService.open(url, "bench")
        t0 = time.perf_counter()
        n_events = generate(service, rng)
        gen_ms = (time.perf_counter() - t0) * 1000
        period = parse_period("month", NOW)

        read_ms, history = best(lambda: reporting.read_history(service))
        build_ms, data = best(
            lambda: reporting.make_report(history, period=period, now=NOW),  # type: ignore[arg-type]
            runs=5,
        )
        total_ms, _ = best(lambda: reporting.report(service, period="month", now=NOW))
        pdf_ms, pdf = best(lambda: render_pdf(data, "a4"), runs=2)  # type: ignore[arg-type]

        from PySide6.QtWidgets import QApplication

        from kanban.ui.reports_view import ReportsView

        app = QApplication.instance() or QApplication([])
        opens, readies = [], []
        for _ in range(3):
            t0 = time.perf_counter()
            view = ReportsView(service, now=NOW)
            view.show()
            app.processEvents()
            opens.append((time.perf_counter() - t0) * 1000)
            ready: list[float] = []
            view.report_ready.connect(lambda _d, r=ready: r.append(time.perf_counter()))
            while not ready:
                app.processEvents()
                time.sleep(0.005)
            readies.append((ready[0] - t0) * 1000)
            view.close()
            view.deleteLater()
            app.processEvents()
        service.close()

    rows = [
        ("board generated (one transaction)", gen_ms, None),
        ("read cards + events from SQLite", read_ms, None),
        ("report data, pure (build_report)", build_ms, 300),
        ("report data, end to end (read + build)", total_ms, None),
        (f"PDF with all charts ({len(pdf):,} bytes)", pdf_ms, 3000),  # type: ignore[arg-type]
        ("Reports view opens (shown, filters usable)", min(opens), 500),
        ("Reports view: report and charts on screen", min(readies), None),
    ]
    print(f"\nStatus report benchmark: {CARDS:,} cards, {n_events:,} events, period = month\n")
    print(f"{'step':<46} {'ms':>9} {'target':>9}  ok")
    print("-" * 72)
    for name, ms, target in rows:
        mark = "" if target is None else ("yes" if ms < target else "NO")
        print(f"{name:<46} {ms:9.0f} {('< ' + str(target)) if target else '':>9}  {mark}")


if __name__ == "__main__":
    main()
