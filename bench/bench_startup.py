"""Start-up against the platform, measured in one run (issue #13).

Two ratios, each of processes started the way a user starts them:

- ``kanban`` (the installed command) from process start to the first painted
  board at 5,000 cards, against a bare PySide6 process that starts and paints
  5,000 items of a QGraphicsScene: target at most 2x;
- ``kanban list`` at 2,000 cards against ``python -c "import sqlalchemy"``:
  target at most 1.5x.

Each process runs without ``PYTHONDONTWRITEBYTECODE`` (a user's machine keeps
its .pyc files), once to warm the caches and then ``RUNS`` times; the table
shows the medians of wall time and of CPU time (user + system; on a busy
machine the wall time says more about the other processes than about ours).
Qt runs offscreen. Run: ``.venv/bin/python bench/bench_startup.py`` (``make
bench`` runs it too; ``BENCH_RUNS=N`` for another number of runs).
``python -X importtime`` on the same commands shows where the time goes.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fixtures import build_board  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))

# Both window processes report the same moment: the first paint of a view
# showing the items has finished (a posted event runs once the paint is over).
_PAINT_WATCH = """
import sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QGraphicsView

START = float(sys.argv[1])


class PaintWatch(QObject):
    def __init__(self, app, ready):
        super().__init__()
        self.app, self.ready, self.done = app, ready, False

    def eventFilter(self, obj, event):
        if (
            not self.done
            and event.type() == QEvent.Type.Paint
            and isinstance(obj.parent(), QGraphicsView)
            and self.ready()
        ):
            self.done = True
            self.app.postEvent(self, QEvent(QEvent.Type.User))
        return False

    def event(self, event):
        if event.type() == QEvent.Type.User:
            cpu = time.process_time()  # this process's CPU since it started
            print(f"{time.time() - START:.4f} {self.ready()} {cpu:.4f}", flush=True)
            self.app.quit()
            return True
        return super().event(event)
"""

BARE = (
    _PAINT_WATCH
    + """
from PySide6.QtCore import QRectF
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem

app = QApplication(sys.argv[:1])
scene = QGraphicsScene()
brush, pen = QBrush(QColor("#fff8dc")), QPen(QColor("#888888"))
items = []
for i in range(5000):
    x, y = (i % 40) * 190.0, (i // 40) * 70.0
    rect = scene.addRect(QRectF(x, y, 180, 60), pen, brush)
    text = QGraphicsSimpleTextItem(f"Card {i}: patch server srv{i:04d}", rect)
    text.setPos(x + 6, y + 6)
    items.append(rect)
view = QGraphicsView(scene)
view.resize(1920, 1080)
watch = PaintWatch(app, lambda: len(items))
app.installEventFilter(watch)
view.show()
app.exec()
"""
)

# The app's own modules first, in the order ``kanban`` imports them (its data
# layer before Qt), then the watch, which needs Qt.
KANBAN = (
    "import kanban.ui.app\n"
    + _PAINT_WATCH
    + """
app = QApplication(sys.argv[:1])


def drawn():
    window = getattr(app, "board_window", None)
    return len(window.scene.card_items) if window is not None else 0


watch = PaintWatch(app, drawn)
app.installEventFilter(watch)
from kanban.main import main

main(["--db", sys.argv[2]])
"""
)


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["KANBAN_ME"] = "bench"
    for name in ("CONFIG", "DATA", "LOG"):
        path = home / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[f"KANBAN_{name}_DIR"] = str(path)
    env.pop("KANBAN_DATABASE_URL", None)
    return env


def _painted(code: str, env: dict[str, str], *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) from process start to the first paint."""
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, repr(start), *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    if len(out) < 3 or int(out[1]) == 0:
        raise RuntimeError(f"the process painted no items: {out}")
    return float(out[0]), float(out[2])


def _run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _median(measure: Callable[[], tuple[float, float]], runs: int = RUNS) -> tuple[float, float]:
    """Median wall and median CPU seconds of ``runs`` runs after one warm-up run."""
    measure()  # warm: .pyc files written, files in the page cache
    samples = [measure() for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def kanban_command() -> list[str]:
    """The installed ``kanban`` script beside this interpreter, else ``python -m kanban``."""
    script = Path(sys.executable).with_name("kanban")
    return [str(script)] if script.exists() else [sys.executable, "-m", "kanban"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = _env(home)
        url5k = build_board(home / "b5k.db", cards=5000, events=5000)
        url2k = build_board(home / "b2k.db", cards=2000, events=5000)
        bare = _median(lambda: _painted(BARE, env))
        board = _median(lambda: _painted(KANBAN, env, url5k))
        sqlalchemy = _median(lambda: _run([sys.executable, "-c", "import sqlalchemy"], env))
        listing = _median(lambda: _run([*kanban_command(), "list", "--db", url2k], env))

    def ms(pair: tuple[float, float]) -> tuple[str, str]:
        return f"{pair[0] * 1000:.0f} ms", f"{pair[1] * 1000:.0f} ms"

    def ratio(a: tuple[float, float], b: tuple[float, float]) -> tuple[str, str]:
        return f"{a[0] / b[0]:.2f}x", f"{a[1] / b[1]:.2f}x"

    rows = [
        ("bare PySide6: start → 5,000 scene items painted", *ms(bare), ""),
        ("kanban: start → first painted board, 5,000 cards", *ms(board), ""),
        ("  ratio", *ratio(board, bare), "≤ 2x"),
        ('python -c "import sqlalchemy"', *ms(sqlalchemy), ""),
        ("kanban list, 2,000 cards", *ms(listing), ""),
        ("  ratio", *ratio(listing, sqlalchemy), "≤ 1.5x"),
    ]
    width = max(len(r[0]) for r in rows)
    # CPU time is what a busy machine does not inflate: read it when the load is high.
    load = os.getloadavg()[0]
    print(f"median of {RUNS} runs; load average {load:.1f} on {os.cpu_count()} CPUs")
    print(f"{'measure'.ljust(width)}  {'wall':>9}  {'CPU':>9}  target")
    for name, wall, cpu, target in rows:
        print(f"{name.ljust(width)}  {wall:>9}  {cpu:>9}  {target}")


if __name__ == "__main__":
    main()
