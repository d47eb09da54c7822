"""Make the README screenshots: the team board, the wall and "My board".

Builds the demo board (``kanban.services.demo``) in a temporary folder, opens
the real main window on it and grabs it at a laptop size (1366×768) and, for
the wall, at 4K (3840×2160) in wall mode. Runs offscreen unless a display
platform is chosen (e.g. ``QT_QPA_PLATFORM=xcb`` under Xvfb)::

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="kanban-shots-"))
    # Never touch the user's own board, config or log.
    for name in ("KANBAN_CONFIG_DIR", "KANBAN_DATA_DIR", "KANBAN_LOG_DIR"):
        folder = tmp / name.lower()
        folder.mkdir()
        os.environ[name] = str(folder)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["KANBAN_ME"] = "Anna Kowalski"

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from kanban.services.board import BoardService
    from kanban.services.demo import fill_demo_board
    from kanban.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    service = BoardService.open(f"sqlite:///{tmp / 'demo.db'}", "Anna Kowalski")
    fill_demo_board(service)
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(window: MainWindow, msecs: int = 300) -> None:
        loop = QEventLoop()
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)
        deadline.start(msecs)
        while window.controller.snapshot is None:
            loop.processEvents()
        loop.exec()
        window.controller.relayout()
        app.processEvents()

    shots = (
        ("board.png", (1366, 768), False, False),
        ("my-board.png", (1366, 768), False, True),
        ("wall.png", (3840, 2160), True, False),
    )
    for name, (width, height), wall, my_board in shots:
        window = MainWindow(service, me="Anna Kowalski", my_board=my_board)
        window.resize(width, height)
        window.show()
        if wall:
            window.set_wall(True, full_screen=False)
            window.wall_standup.setChecked(True)
        settle(window)
        path = args.out / name
        window.grab().save(str(path))
        print(f"wrote {path} ({width}x{height})")  # noqa: T201 - a script's output
        window.close()
    service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
