"""Paths through a JIRA workflow: which transitions take an issue to a status.

JIRA only lists the transitions available from an issue's *current* status,
and reading a whole workflow needs admin rights. So the sync learns the graph
as it goes (edges from every transitions list it reads and from the status
changes in changelogs, persisted in ``sync_meta``) and searches it breadth
first. A move from "Backlog" to "Done" thus becomes Backlog → In Progress →
Done when no single transition exists.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping


class StatusGraph:
    """Known status → status edges of one workflow (learned, never complete)."""

    def __init__(self, edges: Mapping[str, Iterable[str]] | None = None) -> None:
        self.edges: dict[str, set[str]] = {k: set(v) for k, v in (edges or {}).items()}

    def add(self, src: str | None, dst: str | None) -> bool:
        """Record an edge; returns True if it was new."""
        if not src or not dst or src == dst:
            return False
        known = self.edges.setdefault(src, set())
        if dst in known:
            return False
        known.add(dst)
        return True

    def replace_from(self, src: str, dsts: Iterable[str]) -> None:
        """The live list of a status's transitions is the truth for that status."""
        self.edges[src] = {d for d in dsts if d and d != src}

    def to_json(self) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in sorted(self.edges.items()) if v}


def find_path(
    start: str,
    targets: Iterable[str],
    edges: Mapping[str, Iterable[str]],
    avoid: Iterable[str] = (),
) -> list[str] | None:
    """The shortest list of statuses to pass from ``start`` to any of ``targets``.

    Returns ``[]`` when ``start`` already is a target, None when no known path
    exists. The list ends in the target and does not include ``start``. The
    path never passes through a status in ``avoid`` (it may end in one that is
    a target).
    """
    goal = set(targets)
    blocked = set(avoid) - goal
    if start in goal:
        return []
    previous: dict[str, str] = {}
    queue = deque([start])
    seen = {start}
    while queue:
        node = queue.popleft()
        # Sorted so that the same graph always gives the same path.
        for nxt in sorted(edges.get(node, ())):
            if nxt in seen or nxt in blocked:
                continue
            seen.add(nxt)
            previous[nxt] = node
            if nxt in goal:
                path = [nxt]
                while path[-1] in previous and previous[path[-1]] != start:
                    path.append(previous[path[-1]])
                return list(reversed(path))
            queue.append(nxt)
    return None
