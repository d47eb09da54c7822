"""Links benchmarks of issue #5: scanning a large repository, rescanning, badges.

A repository of 30,000 commits across 20 branches is generated with
``git fast-import`` (seconds instead of minutes of ``git commit``); four in five
messages name a key of a 2,000-card board, some name two.

Targets: the first scan takes at most 1.5x the time ``git log`` alone takes to
print the same history (shown twice: git log + parsing + key extraction, and
the whole first scan including storing rows and per-key summaries); a
rescan with no new commits < 100 ms; ``LinksService.badges()`` for 2,000 cards
from the precomputed summary table (one query).
Run: `make bench` or `.venv/bin/python bench/bench_links.py`.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fixtures import build_board
from kanban.links.gitscan import _DATE_FORMAT, _LOG_FORMAT, scan_repository
from kanban.links.keys import KeyMatcher
from kanban.services.board import BoardService
from kanban.services.links import GitRepoSetting, LinksService, LinksSettings

COMMITS = 30_000
BRANCHES = 20
CARDS = 2_000
WORDS = "fix add remove update zone dns ntp backup cron disk raid lvm vlan acl cert".split()


def generate_repo(path: Path, seed: int = 5) -> None:
    """``COMMITS`` commits over ``BRANCHES`` branches, each forked from main's history."""
    rng = random.Random(seed)
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    lines: list[bytes] = []
    per_branch = COMMITS // BRANCHES
    mark = 0
    stamp = 1_700_000_000
    main_marks: list[int] = []
    for b in range(BRANCHES):
        ref = "refs/heads/main" if b == 0 else f"refs/heads/feature/OPS-{b}-work-{b}"
        parent = rng.choice(main_marks) if main_marks else None
        for i in range(per_branch):
            mark += 1
            stamp += 37
            key = f"OPS-{rng.randint(1, CARDS)}"
            words = " ".join(rng.choice(WORDS) for _ in range(6))
            roll = rng.random()
            if roll < 0.4:
                subject = f"{key}: {words}"
            elif roll < 0.6:
                subject = f"[{key}] {words}"
            elif roll < 0.7:
                subject = f"{words} ({key}, OPS-{rng.randint(1, CARDS)})"
            elif roll < 0.8:
                subject = f"{words}\n\nRefs {key}. Checked UTF-8 and SHA-256 sums."
            else:
                subject = f"{words} per ISO-8601"
            message = f"{subject}\n\nSigned-off-by: Dev {b} <dev{b}@example.com>\n".encode()
            who = f"Dev {b} <dev{b}@example.com> {stamp} +0000".encode()
            lines += [
                f"commit {ref}\n".encode(),
                f"mark :{mark}\n".encode(),
                b"author " + who + b"\n",
                b"committer " + who + b"\n",
                f"data {len(message)}\n".encode() + message,
            ]
            if i == 0 and parent is not None:
                lines.append(f"from :{parent}\n".encode())
            lines.append(b"\n")
            if b == 0:
                main_marks.append(mark)
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input=b"".join(lines),
        check=True,
    )


def best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def git_log_alone(path: Path, to_null: bool = False, buffered: bool = False) -> None:
    """git printing the history, in the scan's format, into a pipe that is read, or /dev/null.

    The baseline is git as a user runs it: into a pipe, git flushes after every
    commit. ``buffered`` sets GIT_FLUSH=0 as the scan itself does, for reference.
    """
    env = dict(os.environ, TZ="UTC")
    if buffered:
        env["GIT_FLUSH"] = "0"
    subprocess.run(
        ["git", "-C", str(path), "log", "--all", "-z", _DATE_FORMAT, _LOG_FORMAT],
        stdout=subprocess.DEVNULL if to_null else subprocess.PIPE,
        env=env,
        check=True,
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        repo = tmp / "big"
        start = time.perf_counter()
        generate_repo(repo)
        gen_s = time.perf_counter() - start
        count = subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--all", "--count"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        branches = subprocess.run(
            ["git", "-C", str(repo), "for-each-ref", "refs/heads"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.count("\n")
        matcher = KeyMatcher(["OPS"])
        # Interleaved, best of several: the two are compared on the same machine load.
        git_runs, null_runs, buffered_runs, parse_runs = [], [], [], []
        for _ in range(5):
            git_runs.append(best(lambda: git_log_alone(repo), 1))
            null_runs.append(best(lambda: git_log_alone(repo, to_null=True), 1))
            buffered_runs.append(best(lambda: git_log_alone(repo, buffered=True), 1))
            parse_runs.append(best(lambda: scan_repository(repo, matcher), 1))
        git_ms, null_ms, parse_ms = min(git_runs), min(null_runs), min(parse_runs)
        buffered_ms = min(buffered_runs)
        settings = LinksSettings(repos=(GitRepoSetting(str(repo)),), keys=("OPS",))

        first_runs = []
        svc: BoardService | None = None
        for run in range(5):
            url = build_board(tmp / f"board{run}.db", cards=CARDS, events=2_000)
            if svc is not None:
                svc.close()
            svc = BoardService.open(url, "bench")
            links = LinksService(svc)
            start = time.perf_counter()
            report = links.scan(settings)
            first_runs.append((time.perf_counter() - start) * 1000)
            assert report.ok, report.errors
        assert svc is not None
        first_ms = min(first_runs)
        stored = report.sources[0].new_commits
        rescan_ms = best(lambda: links.scan(settings), 10)
        badges = links.badges()
        badges_ms = best(links.badges, 10)
        ratio = first_ms / git_ms
        svc.close()

    scan_ratio = parse_ms / git_ms
    rows = [
        ("repository", f"{count} commits, {branches} branches (generated in {gen_s:.1f} s)", ""),
        ("git log --all into a pipe", f"{git_ms:.0f} ms", "baseline"),
        ("git log --all > /dev/null", f"{null_ms:.0f} ms", "for reference"),
        (
            "git log, GIT_FLUSH=0 (as the scan runs it)",
            f"{buffered_ms:.0f} ms",
            f"for reference; first scan = {first_ms / buffered_ms:.2f}x this",
        ),
        (
            "scan: git log + parse + keys",
            f"{parse_ms:.0f} ms = {scan_ratio:.2f}x git log",
            "<= 1.5x " + ("OK" if scan_ratio <= 1.5 else "MISSED"),
        ),
        (
            "first scan incl. storing",
            f"{first_ms:.0f} ms = {ratio:.2f}x git log ({stored} keyed commits stored)",
            "<= 1.5x " + ("OK" if ratio <= 1.5 else "MISSED"),
        ),
        (
            "rescan, no new commits",
            f"{rescan_ms:.1f} ms",
            "< 100 ms " + ("OK" if rescan_ms < 100 else "MISSED"),
        ),
        (
            f"badges() for {CARDS} cards",
            f"{badges_ms:.1f} ms ({len(badges)} cards with badges)",
            "one query on link_summary",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    mid = max(len(r[1]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<{mid}}  {target}")


if __name__ == "__main__":
    main()
