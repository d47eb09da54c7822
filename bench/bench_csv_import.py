"""CSV import benchmark of issue #15: the time grows linearly with the rows.

Target: 100,000 rows in well under 30 s (before the fix 16,000 rows took 66 s).
The sheet looks like a team's: titles, a person on every third row (so those
cards start in an active column), sizes, labels and JIRA keys. The rules are
off so that every row goes in.
Run: `make bench` or `.venv/bin/python bench/bench_csv_import.py [ROWS ...]`.
"""

from __future__ import annotations

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


def run(rows: int, tmp: Path) -> tuple[float, int]:
    sheet = tmp / f"sheet-{rows}.csv"
    write_sheet(sheet, rows)
    svc = BoardService.open(f"sqlite:///{tmp / f'board-{rows}.db'}", "bench")
    for rule in Rule:
        svc.set_rule(rule, RuleMode.OFF)
    for name in PEOPLE:
        svc.add_person(name)
    start = time.perf_counter()
    report = transfer.import_csv(svc, sheet)
    elapsed = time.perf_counter() - start
    svc.close()
    if report.errors:
        raise SystemExit(f"{rows} rows: {report.error_lines()[:3]}")
    return elapsed, len(report.imported)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [10_000, 100_000]
    print(f"{'rows':>8}  {'imported':>8}  {'seconds':>8}  {'rows/s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            elapsed, imported = run(rows, Path(tmp))
            print(
                f"{rows:>8,}  {imported:>8,}  {elapsed:>8.1f}  {rows / elapsed:>8,.0f}", flush=True
            )
    print("target: 100,000 rows in under 30 s")


if __name__ == "__main__":
    main()
