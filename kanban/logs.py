"""Logging set-up: everything goes to a rotating file under the log directory.

Expected errors are shown to the user as one line; the traceback of an
unexpected one is written here so a bug report can point at it.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from kanban.settings import log_dir

_configured: Path | None = None


def log_file() -> Path:
    return log_dir() / "kanban.log"


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the ``kanban`` loggers to the log file; safe to call twice."""
    global _configured
    path = log_file()
    if _configured == path:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        # A read-only home must not stop the board from starting.
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("kanban")
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    _configured = path
    return path
