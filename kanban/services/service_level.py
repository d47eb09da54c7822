"""The board's service level expectation (SLE), for the card faces: light to import.

The window asks for it with every board load, so this module imports only the
pure flow code, not the report builder (numpy, matplotlib and the renderers
would cost the window's start-up about a fifth of a second and 20 MB).
"""

from __future__ import annotations

from datetime import datetime

from kanban.reports.flow import service_level_days
from kanban.services.board import BoardService
from kanban.store import repo


def service_level(service: BoardService, now: datetime | None = None) -> float | None:
    """The board's SLE in days (85th percentile cycle time, last 12 weeks), or None.

    Reads the cards alone, archived ones too: cheap enough for every board load.
    """
    with service.reading() as conn:
        cards = repo.list_cards(conn, include_archived=True)
    return service_level_days(cards, now or datetime.now().astimezone())
