"""The board's service level expectation (SLE), for the card faces: light to import.

The window asks for it with every board load (on its reader thread), so this
module imports no report code: not the report builder (numpy, matplotlib and the
renderers would cost the window's start-up about a fifth of a second and 20 MB),
nor the report's data model; the arithmetic is the domain's.
"""

from __future__ import annotations

from datetime import datetime

from kanban.domain.cycle_time import service_level_days
from kanban.services.board import BoardService
from kanban.store import cycle_times


def service_level(service: BoardService, now: datetime | None = None) -> float | None:
    """The board's SLE in days (85th percentile cycle time, last 12 weeks), or None.

    Reads the start and done times of the finished cards alone, archived ones too:
    cheap enough for every board load.
    """
    with service.reading() as conn:
        spans = cycle_times.finished_spans(conn)
    return service_level_days(spans, now or datetime.now().astimezone())
