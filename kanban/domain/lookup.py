"""Finding the column or person a user named: by id, name, JIRA user, e-mail or prefix.

Pure: the board's use cases, the CLI and imports resolve references the same
way, and an unknown one raises :class:`~kanban.errors.NotFound` naming what
the board has.
"""

from __future__ import annotations

from collections.abc import Sequence

from kanban.domain.model import Column, ColumnKind, Person
from kanban.errors import NotFound


def match_column(columns: Sequence[Column], ref: str | int) -> Column:
    """The column ``ref`` names: its id (or id as text), its name, or "pool"."""
    for col in columns:
        if col.id == ref or (isinstance(ref, str) and ref.isdigit() and col.id == int(ref)):
            return col
    if isinstance(ref, str):
        wanted = ref.strip().lower()
        for col in columns:
            if col.name.lower() == wanted:
                return col
        if wanted in ("pool", "task pool"):
            for col in columns:
                if col.kind is ColumnKind.POOL:
                    return col
    names = ", ".join(f"'{c.name}'" for c in columns)
    raise NotFound(f"No column '{ref}'. The board's columns are {names}.")


def match_person(people: Sequence[Person], ref: str | int) -> Person:
    """The person ``ref`` names: id, name, JIRA user, e-mail, or a unique name prefix."""
    for p in people:
        if p.id == ref or (isinstance(ref, str) and ref.isdigit() and p.id == int(ref)):
            return p
    if isinstance(ref, str):
        wanted = ref.strip().lower()
        if not wanted:
            # "" would equal the empty JIRA user or e-mail of whoever has none.
            raise NotFound("No person given: name a person, JIRA user or e-mail.")
        for p in people:
            if wanted in (
                p.name.lower(),
                (p.jira_user or "").lower(),
                (p.email or "").lower(),
            ):
                return p
        starts = [p for p in people if p.name.lower().startswith(wanted)]
        if len(starts) == 1:
            return starts[0]
    names = ", ".join(f"'{p.name}'" for p in people) or "none yet"
    raise NotFound(
        f"No person '{ref}'. People on this board: {names}. Add one with 'kanban people add'."
    )
