"""Make the screenshots in docs/screenshots: the team board, "My board" and the wall.

Builds the demo board (``kanban.services.demo``) in a temporary folder, opens
the real main window on it and grabs it at a laptop size (1366×768), fitted
(View → Fit board), and in wall mode at 1920×1080 and 3840×2160. The wall is
also shown with a team of 10 and 150 open cards, and with 16 people (pages of
lanes). Runs offscreen unless a display platform is chosen (e.g.
``QT_QPA_PLATFORM=xcb`` under Xvfb)::

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
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

    def settle(window: MainWindow, msecs: int = 300, *, wait_for_badges: bool = True) -> None:
        loop = QEventLoop()
        deadline = QTimer()
        deadline.setSingleShot(True)
        deadline.timeout.connect(loop.quit)
        # The board first, then the commit badges of the background scan (but
        # not forever), then a moment for the last repaints.
        patience = time.monotonic() + 20
        while window.controller.snapshot is None or (
            wait_for_badges and not window.controller.badges and time.monotonic() < patience
        ):
            loop.processEvents()
        # Started only now: had it fired during the wait, exec() would never end.
        deadline.start(msecs)
        loop.exec()
        window.controller.relayout()
        app.processEvents()

    teams: dict[str, BoardService] = {}

    def team(people: int, open_cards: int) -> BoardService:
        """A bigger team's board, made when its first shot is taken."""
        name = f"team{people}"
        if name not in teams:
            teams[name] = BoardService.open(f"sqlite:///{tmp / name}.db", "Anna Kowalski")
            fill_big_team(teams[name], people=people, open_cards=open_cards)
        return teams[name]

    # name, board (the demo, or a team of N with M open cards), size, wall, my board, fit
    shots: tuple[tuple[str, object, tuple[int, int], bool, bool, bool], ...] = (
        ("board.png", service, (1366, 768), False, False, False),
        ("my-board.png", service, (1366, 768), False, True, False),
        ("board-fitted-1366x768.png", service, (1366, 768), False, False, True),
        ("wall.png", service, (3840, 2160), True, False, False),
        ("wall-1920x1080.png", service, (1920, 1080), True, False, False),
        ("wall-3840x2160.png", service, (3840, 2160), True, False, False),
        ("wall-10-people-1920x1080.png", (10, 150), (1920, 1080), True, False, False),
        ("wall-10-people-3840x2160.png", (10, 150), (3840, 2160), True, False, False),
        ("wall-16-people-1920x1080.png", (16, 70), (1920, 1080), True, False, False),
    )
    for name, which, (width, height), wall, my_board, fit in shots:
        board = which if isinstance(which, BoardService) else team(*which)  # type: ignore[misc]
        window = MainWindow(board, me="Anna Kowalski", my_board=my_board)
        window.resize(width, height)
        window.show()
        if wall:
            window.set_wall(True, full_screen=False)
        if fit:
            window.set_fit_board(True)
        settle(window, wait_for_badges=board is service)
        path = args.out / name
        window.grab().save(str(path))
        print(f"wrote {path} ({width}x{height})")  # noqa: T201 - a script's output
        window.close()
    for board in teams.values():
        board.close()
    service.close()
    return 0


def fill_big_team(service: object, *, people: int, open_cards: int) -> None:
    """A bigger team than the demo's: ``people`` admins and ``open_cards`` cards of ops work."""
    import random

    from kanban.domain.model import Rule, RuleMode

    rng = random.Random(12)
    service.set_rule(Rule.WIP_LIMITS, RuleMode.OFF)  # type: ignore[attr-defined]
    service.set_rule(Rule.CARD_SIZE, RuleMode.OFF)  # type: ignore[attr-defined]
    first = [
        "Aino",
        "Bruno",
        "Carla",
        "Deepak",
        "Eva",
        "Felix",
        "Grace",
        "Hugo",
        "Ines",
        "Jonas",
        "Kofi",
        "Lena",
        "Marco",
        "Nadia",
        "Omar",
        "Priya",
    ]
    last = [
        "Virtanen",
        "Costa",
        "Reyes",
        "Nair",
        "Novak",
        "Braun",
        "Okoye",
        "Laurent",
        "Silva",
        "Berg",
        "Mensah",
        "Fischer",
        "Rossi",
        "Haddad",
        "Aziz",
        "Iyer",
    ]
    names = [f"{first[i]} {last[i]}" for i in range(people)]
    for name in names:
        service.add_person(name, wip_limit=6)  # type: ignore[attr-defined]
    verbs = ["Patch", "Upgrade", "Migrate", "Renew", "Audit", "Replace", "Rebuild", "Expand"]
    things = [
        "file servers",
        "the SAN firmware",
        "TLS certificates on the proxies",
        "backup agents",
        "the DNS resolvers",
        "VMware hosts",
        "the print servers",
        "Exchange DAG nodes",
        "the Jenkins agents",
        "NFS exports for finance",
    ]
    in_lanes = open_cards // 3
    for i in range(open_cards):
        title = f"{rng.choice(verbs)} {rng.choice(things)} ({i + 1})"
        key = f"OPS-{400 + i}"
        if i < in_lanes:
            service.add_card(  # type: ignore[attr-defined]
                title,
                jira_key=key,
                person=names[i % people],
                labels=["ops"],
                column="In progress" if i % 4 else "Review",
            )
        else:
            reason = "Waiting for the vendor" if i % 11 == 0 else None
            service.add_card(title, jira_key=key, not_ready_reason=reason)  # type: ignore[attr-defined]


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
