"""Which board column a JIRA status lands in: explicitly, or by its status category.

A column lists the JIRA statuses it stands for (by id or by name); that
explicit mapping always wins. Every other status falls to the column of its
*status category*, which every JIRA status has: ``new`` → the task pool,
``indeterminate`` → the first active column, ``done`` → the done column. A
custom "Dev Active" or "Analysis Done" therefore shows as work in progress
from the first sync on, on every page and in the changelog replay, without
anyone mapping it first.

The categories come from JIRA's status list (read once and kept in the sync
state) and from every issue the run reads. :class:`StatusMapping` is a
``Mapping[str, int]`` from status id to column id, so the rest of the sync
asks it like a dict.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kanban.domain.model import Column, ColumnKind

CATEGORY_KIND: dict[str, ColumnKind] = {
    "new": ColumnKind.POOL,
    "indeterminate": ColumnKind.ACTIVE,
    "done": ColumnKind.DONE,
}
CATEGORY_WORDS = {"new": "to do", "indeterminate": "in progress", "done": "done"}


class MappedBy(enum.StrEnum):
    """How a status got its column."""

    EXPLICIT = "explicit"  # a column lists it
    CATEGORY = "category"  # its status category chose the column


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """A JIRA status as the board knows it."""

    id: str
    name: str
    category: str  # new | indeterminate | done ("" when JIRA gave none)

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "category": self.category}


def statuses_from_json(raw: Iterable[Mapping[str, Any]]) -> dict[str, StatusInfo]:
    """JIRA's ``/rest/api/2/status`` answer (or our cached copy) as status id → info."""
    out: dict[str, StatusInfo] = {}
    for item in raw:
        sid = str(item.get("id") or "")
        if not sid:
            continue
        category = item.get("category")
        if category is None:
            category = (item.get("statusCategory") or {}).get("key") or ""
        out[sid] = StatusInfo(sid, str(item.get("name") or sid), str(category))
    return out


class StatusMapping(Mapping[str, int]):
    """Status id → column id, explicit first, then by category.

    Args:
        columns: the board's columns, with the statuses each lists.
        known: the statuses JIRA told us about, with their categories.
    """

    def __init__(
        self, columns: Sequence[Column], known: Mapping[str, StatusInfo] | None = None
    ) -> None:
        self.columns = sorted(columns, key=lambda c: c.order)
        self.known: dict[str, StatusInfo] = dict(known or {})
        self._by_id: dict[str, int] = {}
        self._by_name: dict[str, int] = {}
        for col in self.columns:
            for entry in col.jira_statuses:
                text = str(entry).strip()
                if text:
                    self._by_id.setdefault(text, col.id)
                    self._by_name.setdefault(text.casefold(), col.id)
        self.fallback: dict[str, int] = {}
        for category, kind in CATEGORY_KIND.items():
            first = next((c for c in self.columns if c.kind is kind), None)
            if first is not None:
                self.fallback[category] = first.id

    # --- learning -------------------------------------------------------------

    def learn(self, status_id: str, name: str, category: str) -> None:
        """Note a status seen on an issue (its category may be new to us)."""
        if not status_id:
            return
        old = self.known.get(status_id)
        if old is not None and (not category or old.category == category) and old.name == name:
            return
        self.known[status_id] = StatusInfo(
            status_id,
            name or (old.name if old else status_id),
            category or (old.category if old else ""),
        )

    # --- asking ------------------------------------------------------------------

    def explicit(self, status_id: str) -> int | None:
        """The column that lists this status, by id or by name."""
        if status_id in self._by_id:
            return self._by_id[status_id]
        info = self.known.get(status_id)
        if info is not None:
            return self._by_name.get(info.name.casefold())
        return None

    def how(self, status_id: str) -> MappedBy | None:
        if self.explicit(status_id) is not None:
            return MappedBy.EXPLICIT
        info = self.known.get(status_id)
        if info is not None and info.category in self.fallback:
            return MappedBy.CATEGORY
        return None

    def column_of(self, status_id: str) -> int | None:
        col = self.explicit(status_id)
        if col is not None:
            return col
        info = self.known.get(status_id)
        if info is None:
            return None
        return self.fallback.get(info.category)

    def statuses_of(self, column_id: int) -> set[str]:
        """Every known status that lands in this column, plus the ids it lists."""
        ids = {s for s, c in self._by_id.items() if c == column_id and not _is_name(s, self)}
        ids.update(sid for sid in self.known if self.column_of(sid) == column_id)
        return ids

    def done_statuses(self) -> set[str]:
        """The known statuses of the *done* category."""
        return {sid for sid, info in self.known.items() if info.category == "done"}

    def name(self, status_id: str) -> str:
        info = self.known.get(status_id)
        return info.name if info else status_id

    def signature(self) -> list[list[Any]]:
        """What decides the mapping, to notice a change (then the next run reads everything)."""
        explicit = sorted([c.id, sorted(str(s) for s in c.jira_statuses)] for c in self.columns)
        return [explicit, sorted([k, v] for k, v in self.fallback.items())]

    # --- Mapping ------------------------------------------------------------------------

    def __getitem__(self, status_id: str) -> int:
        col = self.column_of(status_id)
        if col is None:
            raise KeyError(status_id)
        return col

    def __iter__(self) -> Iterator[str]:
        return iter({*self._by_id, *self.known})

    def __len__(self) -> int:
        return len({*self._by_id, *self.known})


def _is_name(entry: str, mapping: StatusMapping) -> bool:
    """Whether a column's entry names a status instead of giving its id."""
    return not entry.isdigit() and entry not in mapping.known
