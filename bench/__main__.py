"""Run every benchmark script in turn (each in its own process, so start-up is real)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    scripts = sorted(Path(__file__).parent.glob("bench_*.py"))
    names = set(sys.argv[1:])
    failed = 0
    for script in scripts:
        if names and script.stem not in names:
            continue
        print(f"\n== {script.stem} ==", flush=True)
        failed |= subprocess.call([sys.executable, str(script)])
    return failed


if __name__ == "__main__":
    sys.exit(main())
