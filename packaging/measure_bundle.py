"""The built bundle's size and start-up time against ``python -m kanban``, as a table.

    make dist && .venv/bin/python packaging/measure_bundle.py [--runs 5]

Start-up is the wall time of ``--version`` (the command line up to its first
answer): the frozen binary against ``python -m kanban`` of the venv this runs
in, the median of ``--runs`` runs after one unmeasured warm-up each (so both
start from a warm disk cache and Python's bytecode cache is written). The CPU
time (user + system) of the same runs is printed too: on a shared, loaded
machine it moves much less than the wall time.
``PYTHONDONTWRITEBYTECODE`` is removed from the timed processes' environment,
so the venv's ``__pycache__`` is used as an installed app would use it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
MIB = 1024 * 1024


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def startup(command: list[str], runs: int) -> tuple[float, float, float, float]:
    """Median, fastest and slowest wall time of ``command``, and its median CPU time (s)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times, cpu = [], []
    for n in range(runs + 1):
        began, began_cpu = time.perf_counter(), _children_cpu()
        subprocess.run(command, check=True, capture_output=True, env=env, cwd=ROOT)
        if n:  # the first run only warms the caches
            times.append(time.perf_counter() - began)
            cpu.append(_children_cpu() - began_cpu)
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    args = parser.parse_args()
    name = "kanban.exe" if sys.platform == "win32" else "kanban"
    binary = DIST / "kanban" / name
    if not binary.exists():
        print(f"No bundle at {binary}: run `make dist` first.", file=sys.stderr)  # noqa: T201
        return 1
    archives = sorted(DIST.glob("kanban-team-board-*.tar.gz")) + sorted(DIST.glob("*.zip"))
    rows = [("bundle dist/kanban/", f"{folder_size(binary.parent) / MIB:.0f} MiB", "", "")]
    rows += [(f"archive {a.name}", f"{a.stat().st_size / MIB:.0f} MiB", "", "") for a in archives]
    for label, command in (
        ("bundle --version", [str(binary), "--version"]),
        ("python -m kanban --version", [sys.executable, "-m", "kanban", "--version"]),
    ):
        median, low, high, cpu = startup(command, args.runs)
        rows.append((label, f"{median * 1000:.0f} ms", f"{low * 1000:.0f}–{high * 1000:.0f} ms",
                     f"{cpu * 1000:.0f} ms"))  # fmt: skip
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'value':>9}  {f'range of {args.runs}':>15}  CPU")  # noqa: T201
    for what, value, spread, cpu_time in rows:
        print(f"{what:<{width}}  {value:>9}  {spread:>15}  {cpu_time}")  # noqa: T201
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    if load is not None:
        print(f"load average {load[0]:.1f} on {os.cpu_count()} cores")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
