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
    link_demo_commits(service, tmp / "configs")
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(window: MainWindow, msecs: int = 300) -> None:
        loop = QEventLoop()
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)
        deadline.start(msecs)
        # The board first, then the commit badges of the background scan.
        while window.controller.snapshot is None or not window.controller.badges:
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


def link_demo_commits(service: object, repo: Path) -> None:
    """A real git repository whose commits name some cards in flight, as the team's would.

    The board's own background scan then finds them, so the screenshots show
    real commit badges.
    """
    import subprocess

    from kanban.domain.model import ColumnKind
    from kanban.settings import Config

    snap = service.snapshot()  # type: ignore[attr-defined]
    active = {c.id for c in snap.columns if c.kind is ColumnKind.ACTIVE}
    keys = [c.jira_key for c in snap.cards if c.column_id in active and c.jira_key][:6]
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="Anna Kowalski",
        GIT_AUTHOR_EMAIL="anna@example.com",
        GIT_COMMITTER_NAME="Anna Kowalski",
        GIT_COMMITTER_EMAIL="anna@example.com",
    )
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env)
    for n, key in enumerate(keys):
        for step in range(1 + n % 3):
            message = f"{key}: config change {step + 1}"
            subprocess.run(
                ["git", "-C", str(repo), "commit", "-q", "--allow-empty", "-m", message],
                check=True,
                env=env,
            )
    config = Config.load()
    config.extra["links"] = {"repos": [{"path": str(repo)}], "keys": ["OPS"]}
    config.save()


if __name__ == "__main__":
    sys.exit(main())
