"""Kanban Team Board: a desktop Kanban board for operations teams.

The package is layered (see docs/architecture.md): ``domain`` holds the pure rules,
``store`` the database, ``services`` the use cases that the ``ui`` and ``cli``
call, and ``sync``/``links``/``reports`` the integrations.
"""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "kanban-team-board"
APP_AUTHOR = "KanbanTeamBoard"
