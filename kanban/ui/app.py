"""Start the board window: options, logging, the database, the main window.

``run_gui(argv)`` is what ``kanban`` (no subcommand) calls. Start-up errors the
user can fix (not a database, a schema from a newer app, a failed migration)
are shown in a message box and the app exits with 1. Bugs anywhere later go
to the log through ``sys.excepthook`` and the user gets one line pointing at
it, while the app keeps running.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

# The data layer before Qt: once PySide6 is imported it reads the source file of
# every module imported after it (to see whether the module switches on one of
# its __feature__ options), and SQLAlchemy, the store and the services are about
# 250 modules, some 40 ms of every start.
from kanban import __version__
from kanban.errors import UserError
from kanban.logs import log_file, setup_logging
from kanban.services.board import BoardService
from kanban.settings import Config, current_actor, database_url
from kanban.store.db import describe

# isort: split
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

log = logging.getLogger("kanban.ui")

ICON_CANDIDATES = (
    Path(__file__).resolve().parents[2] / "resources" / "icons" / "kanban.svg",
    Path(__file__).resolve().parents[1] / "resources" / "icons" / "kanban.svg",
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kanban", description="The team's Kanban board.")
    parser.add_argument("--db", metavar="PATH", help="board database file or URL")
    parser.add_argument("--wall", action="store_true", help="full-screen wall display")
    parser.add_argument(
        "--me",
        nargs="?",
        const=True,
        default=None,
        metavar="NAME",
        help="open My board (optionally as NAME: a person's name, JIRA user or e-mail)",
    )
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def app_icon() -> QIcon | None:
    for path in ICON_CANDIDATES:
        if path.exists():
            return QIcon(str(path))
    return None


def _install_excepthook(app: QApplication) -> None:
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        line = f"Unexpected error: {value}. Details in {log_file()}"
        window = getattr(app, "board_window", None)
        if window is not None:
            window.show_message(line)
        else:
            sys.stderr.write(line + "\n")

    sys.excepthook = hook


def run_gui(argv: list[str]) -> int:
    """Run the board window; returns the process exit code."""
    args = parse_args(argv)
    setup_logging()
    existing = QApplication.instance()
    if existing is None:
        app = QApplication(sys.argv[:1])
    elif isinstance(existing, QApplication):
        app = existing
    else:
        raise RuntimeError("The board window needs a QApplication; a QCoreApplication runs.")
    app.setApplicationName("Kanban Team Board")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("kanban-team-board")
    icon = app_icon()
    if icon is not None:
        app.setWindowIcon(icon)
    _install_excepthook(app)

    from kanban.ui.main_window import MainWindow, show_start_error

    try:
        config = Config.load()
        url = database_url(args.db, config)
        log.info("Opening %s", describe(url))  # never the password of a server URL
        service = BoardService.open(url, current_actor(config))
    except UserError as exc:
        log.warning("Start-up failed: %s", exc)
        show_start_error(str(exc))
        return 1

    window = MainWindow(
        service,
        config=config,
        wall=args.wall,
        my_board=args.me is not None,
        me=args.me if isinstance(args.me, str) else None,
    )
    app.board_window = window  # type: ignore[attr-defined]
    if not args.wall:
        window.show()
    if args.screenshot:
        target = Path(args.screenshot)

        def shoot() -> None:
            if window.controller.snapshot is None:
                QTimer.singleShot(50, shoot)
                return
            window.grab().save(str(target))
            window.close()

        QTimer.singleShot(100, shoot)
    try:
        return app.exec()
    finally:
        window.controller.shutdown()
        service.close()
