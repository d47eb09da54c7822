"""CSV import benchmark of issue #15: the time grows linearly with the rows.

Target: 100,000 rows in under 30 s (before the fix 16,000 rows took 66 s, and
with per-row statements 8,000 rows took 48.6 s). The table gives the time per
row of each size; linear means the same time per row at 10k and at 100k, so
the last line compares the largest size's time per row with the smallest's.
The sheet looks like a team's: titles, a person on every third row (so those
cards start in an active column), sizes, labels and JIRA keys. The rules are
off so that every row goes in.
Run: `make bench` or `.venv/bin/python bench/bench_csv_import.py [ROWS ...]`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kanban.domain.model import Rule, RuleMode
from kanban.services import transfer
from kanban.services.board import BoardService

PEOPLE = ("Anna Kowalski", "Ben Okafor", "Chen Wei", "Dana Levi")


def write_sheet(path: Path, rows: int) -> None:
    lines = ["Title,Person,Size,Labels,JIRA"]
    for i in range(rows):
        person = PEOPLE[i % len(PEOPLE)] if i % 3 == 0 else ""
        lines.append(f"Task {i},{person},{1 + i % 3},ops;tls,OPS-{i + 1}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(rows: int, tmp: Path) -> tuple[float, float, int]:
    sheet = tmp / f"sheet-{rows}.csv"
    write_sheet(sheet, rows)
    svc = BoardService.open(f"sqlite:///{tmp / f'board-{rows}.db'}", "bench")
    for rule in Rule:
        svc.set_rule(rule, RuleMode.OFF)
    for name in PEOPLE:
        svc.add_person(name)
    start, cpu = time.perf_counter(), time.process_time()
    report = transfer.import_csv(svc, sheet)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    svc.close()
    if report.errors:
        raise SystemExit(f"{rows} rows: {report.error_lines()[:3]}")
    return elapsed, cpu, len(report.imported)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    # The machine may be shared: the CPU time is this process's own, the load says how busy.
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"{'rows':>8}  {'imported':>8}  {'seconds':>8}  {'cpu s':>7}  {'rows/s':>8}  {'ms/row':>7}"
    )
    per_row: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            elapsed, cpu, imported = run(rows, Path(tmp))
            per_row.append(elapsed / rows)
            print(
                f"{rows:>8,}  {imported:>8,}  {elapsed:>8.1f}  {cpu:>7.1f}  "
                f"{rows / elapsed:>8,.0f}  {1000 * elapsed / rows:>7.3f}",
                flush=True,
            )
    if len(per_row) > 1:
        print(
            f"time per row at {sizes[-1]:,} / at {sizes[0]:,}: {per_row[-1] / per_row[0]:.2f} "
            "(1.00 is linear)"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print("target: 100,000 rows in under 30 s")


if __name__ == "__main__":
    main()
