"""JIRA sync benchmarks of issue #4, against the loopback JIRA of the tests.

5,000 issues, each with a short changelog, served by ``tests/sync/fake_jira.py``
(Server style, maxResults capped at 100). Measured in one run:

- a bare loop that pages the same search with the ``jira`` library (JSON pages
  and Issue objects), the yardstick;
- the full first pull into an empty board (target ≤ 1.5× the bare loop);
- an incremental sync with nothing changed (target: one search request, < 200 ms);
- the GUI event loop during a 5,000-issue sync on the worker thread: the longest
  gap between ticks of a 5 ms timer (target < 50 ms).

Run: `.venv/bin/python bench/bench_sync.py` (or `make bench`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from jira import JIRA  # noqa: E402
from sync.fake_jira import EPIC_FIELD, FLAG_FIELD, TOKEN, FakeJira  # noqa: E402

from kanban.services.board import BoardService  # noqa: E402
from kanban.services.sync import SyncService  # noqa: E402
from kanban.sync.mapping import FieldIds  # noqa: E402
from kanban.sync.settings import AUTH_PAT, JiraSettings  # noqa: E402

ISSUES = 5_000
PATHS = [
    ["10000"],
    ["10000", "10001"],
    ["10000", "10001", "3"],
    ["10000", "10001", "3", "10002"],
    ["10000", "10001", "3", "10002", "10003"],
]


def build_fake() -> FakeJira:
    fake = FakeJira(page_cap=100).start()
    people = ["alice", "bob", "carol", None]
    for n in range(ISSUES):
        fake.add_issue(
            "OPS",
            f"Task {n}: patch host{n:04d}",
            path=PATHS[n % len(PATHS)],
            assignee=people[n % len(people)],
            labels=["linux"] if n % 3 else [],
            description=f"Host host{n:04d} needs the monthly patches.",
        )
    return fake


def settings_for(fake: FakeJira) -> JiraSettings:
    return JiraSettings(url=fake.url, auth=AUTH_PAT, jql="project = OPS", timeout=60)


def bare_loop(fake: FakeJira, json_pages: bool) -> tuple[float, int]:
    fields = FieldIds(flagged=FLAG_FIELD, epic_link=EPIC_FIELD).search_fields()
    client = JIRA(fake.url, token_auth=TOKEN, options={"check_update": False})
    start = time.perf_counter()
    if json_pages:
        n, at = 0, 0
        while True:
            page = client.search_issues(
                "(project = OPS)",
                startAt=at,
                maxResults=100,
                fields=list(fields),
                expand="changelog",
                json_result=True,
            )
            got = len(page["issues"])
            n += got
            at += got
            if not got or at >= page["total"]:
                break
    else:
        n = len(
            client.search_issues(
                "(project = OPS)", maxResults=False, fields=list(fields), expand="changelog"
            )
        )
    return time.perf_counter() - start, n


def make_service(tmp: Path, name: str) -> BoardService:
    svc = BoardService.open(f"sqlite:///{tmp / name}", "bench")
    svc.update_column("Task pool", jira_statuses=["10000", "10001"])
    svc.update_column("In progress", jira_statuses=["3"])
    svc.update_column("Review", jira_statuses=["10002"])
    svc.update_column("Done", jira_statuses=["10003"])
    return svc


def client_factory(s: JiraSettings, token: str, cancel: threading.Event):  # type: ignore[no-untyped-def]
    from kanban.sync.client import JiraClient

    return JiraClient(s, token, cancel=cancel)


def gui_probe(fake: FakeJira, tmp: Path) -> tuple[float, float, int]:
    """Longest gap between 5 ms timer ticks while a full sync runs on the worker thread."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from kanban.ui.sync_panel import SyncRunner

    app = QApplication.instance() or QApplication([])
    svc = make_service(tmp, "gui.db")
    svc.close()
    url = f"sqlite:///{tmp / 'gui.db'}"
    settings = settings_for(fake)

    def factory() -> SyncService:
        return SyncService(
            BoardService.open(url, "bench"),
            settings,
            client_factory=lambda s, _t, c: client_factory(s, TOKEN, c),
        )

    runner = SyncRunner(factory)
    clock = QElapsedTimer()
    clock.start()
    gaps: list[int] = []
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    done = threading.Event()
    result: list[object] = []
    runner.finished.connect(lambda report: (result.append(report), done.set()))
    runner.failed.connect(lambda message: (result.append(message), done.set()))
    timer.start()
    started = time.perf_counter()
    runner.start(full=True)
    while not done.is_set():
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    timer.stop()
    worst = max(gaps[1:] or [0])
    return worst, elapsed, len(gaps)


def serve() -> int:
    """Child process: build the fake JIRA, print its URL, serve until stdin closes.

    JIRA is another machine in real life; in its own process the fake's JSON
    work does not compete with the sync for this process's GIL.
    """
    fake = build_fake()
    print(fake.url, flush=True)
    sys.stdin.read()
    fake.stop()
    return 0


class _Remote:
    """The parts of FakeJira the measurements need, for a server in another process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cloud = False


def main() -> int:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    fake = _Remote(child.stdout.readline().strip())
    rows: list[tuple[str, str, str]] = []
    try:
        with tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            os.environ["KANBAN_JIRA_TOKEN"] = TOKEN
            os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
            bare_loop(fake, json_pages=True)  # warm-up: the server's first answers are slower
            bare_json, n = min(bare_loop(fake, json_pages=True) for _ in range(3))
            bare_objects, _ = bare_loop(fake, json_pages=False)
            rows.append(
                (
                    "bare loop, JSON pages (jira library), best of 3",
                    f"{bare_json:.2f} s",
                    f"{n} issues",
                )
            )
            rows.append(("bare loop, Issue objects (jira library)", f"{bare_objects:.2f} s", ""))

            svc = make_service(tmp, "board.db")
            sync = SyncService(svc, settings_for(fake))  # type: ignore[arg-type]
            start = time.perf_counter()
            report = sync.sync()
            first = time.perf_counter() - start
            rows.append(
                (
                    "full first pull (5,000 issues + history)",
                    f"{first:.2f} s",
                    f"{first / bare_json:.2f}x the JSON loop, {first / bare_objects:.2f}x the "
                    f"objects loop (target <= 1.5x); {report.created_cards} cards",
                )
            )
            start = time.perf_counter()
            again = sync.sync()
            incremental = time.perf_counter() - start
            rows.append(
                (
                    "incremental sync, nothing changed",
                    f"{incremental * 1000:.0f} ms",
                    f"{again.search_requests} search request(s), {again.requests} requests in "
                    f"all incl. connecting; {again.board_writes + again.jira_writes} writes "
                    "(target: 1 search, < 200 ms)",
                )
            )
            svc.close()
            worst, elapsed, ticks = gui_probe(fake, tmp)  # type: ignore[arg-type]
            rows.append(
                (
                    "GUI loop during a 5,000-issue sync",
                    f"{worst} ms max gap",
                    f"{ticks} ticks of a 5 ms timer over {elapsed:.1f} s (target < 50 ms)",
                )
            )
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time':>14}  notes")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>14}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(serve() if "--serve" in sys.argv else main())
