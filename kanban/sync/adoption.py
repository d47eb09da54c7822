"""Adopting a team's JIRA agile board: what to change on our board so it matches.

A JIRA board configuration lists columns in order, each with its statuses and
WIP constraints. Adopting it gives our board the same columns, in the same
order, with the same statuses and limits: a *Backlog* column (else the first)
is the task pool, the last column is done, the rest are active. Adopting again
after the JIRA board changed renames, adds, remaps and reorders columns; a
column JIRA no longer has is removed only when it holds no card, else it is
kept and reported, so no card and no history is ever lost.

Pure: :func:`plan_adoption` takes the configuration, the board's columns and
their card counts, and returns the steps; the service applies them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kanban.domain.model import Column, ColumnKind


@dataclass(frozen=True, slots=True)
class JiraColumn:
    """One column of a JIRA board configuration."""

    name: str
    statuses: tuple[str, ...]
    wip_min: int | None = None
    wip_max: int | None = None


@dataclass(frozen=True, slots=True)
class Adopted:
    """What one JIRA column becomes: an existing column (by id) or a new one."""

    jira: JiraColumn
    kind: ColumnKind
    column_id: int | None  # None: add a column
    name: str  # the name it gets (a rename when it differs from the column's)


@dataclass
class AdoptionPlan:
    """The steps that make our board match the JIRA board, and what could not be done."""

    board_name: str = ""
    adopted: list[Adopted] = field(default_factory=list)
    removed: list[Column] = field(default_factory=list)  # empty columns JIRA no longer has
    kept: list[tuple[Column, int]] = field(default_factory=list)  # (column, its cards)

    def lines(self) -> list[str]:
        """What adopting does, one line per column, for the CLI and the dialog."""
        out: list[str] = []
        for a in self.adopted:
            statuses = ", ".join(a.jira.statuses) or "no status"
            limits = ""
            if a.jira.wip_min is not None or a.jira.wip_max is not None:
                limits = f", WIP {a.jira.wip_min or 0}–{a.jira.wip_max or '∞'}"
            role = {ColumnKind.POOL: "task pool", ColumnKind.DONE: "done"}.get(a.kind, "active")
            verb = "new column" if a.column_id is None else "column"
            out.append(f"{verb} '{a.name}' ({role}; statuses {statuses}{limits})")
        for col in self.removed:
            out.append(f"removed '{col.name}': no longer on the JIRA board, and empty")
        for col, n in self.kept:
            out.append(
                f"kept '{col.name}': no longer on the JIRA board but it holds {n} card"
                f"{'s' if n != 1 else ''}; move them, then remove the column"
            )
        return out


def jira_columns(configuration: Mapping[str, Any]) -> list[JiraColumn]:
    """The columns of a ``/rest/agile/1.0/board/{id}/configuration`` answer."""
    out = []
    raw = (configuration.get("columnConfig") or {}).get("columns") or []
    for index, col in enumerate(raw):
        statuses = tuple(str(s.get("id")) for s in col.get("statuses") or [] if s.get("id"))
        out.append(
            JiraColumn(
                name=str(col.get("name") or f"Column {index + 1}"),
                statuses=statuses,
                wip_min=_limit(col.get("min")),
                wip_max=_limit(col.get("max")),
            )
        )
    return out


def _limit(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def plan_adoption(
    configuration: Mapping[str, Any],
    columns: Sequence[Column],
    card_counts: Mapping[int, int],
) -> AdoptionPlan:
    """The steps to adopt a JIRA board; see the module docstring."""
    plan = AdoptionPlan(board_name=str(configuration.get("name") or ""))
    wanted = jira_columns(configuration)
    # Columns without statuses hold no issue in JIRA either; a Kanban board
    # with its backlog off still lists an empty "Backlog".
    wanted = [c for c in wanted if c.statuses] or wanted
    if not wanted:
        return plan
    pool_at = next((i for i, c in enumerate(wanted) if c.name.strip().casefold() == "backlog"), 0)
    done_at = len(wanted) - 1 if len(wanted) > 1 else None
    ours = sorted(columns, key=lambda c: c.order)
    free = {c.id: c for c in ours}
    taken_names = {c.name.casefold(): c.id for c in ours}
    roles: list[tuple[JiraColumn, ColumnKind]] = []
    for i, jc in enumerate(wanted):
        kind = ColumnKind.ACTIVE
        if i == pool_at:
            kind = ColumnKind.POOL
        elif i == done_at:
            kind = ColumnKind.DONE
        roles.append((jc, kind))
    matched: dict[int, int] = {}  # index in wanted → our column id

    def take(i: int, col: Column) -> None:
        matched[i] = col.id
        free.pop(col.id, None)

    # The pool and the done column keep their identity, whatever JIRA calls them.
    for i, (_jc, kind) in enumerate(roles):
        if kind in (ColumnKind.POOL, ColumnKind.DONE):
            mine = next((c for c in free.values() if c.kind is kind), None)
            if mine is not None:
                take(i, mine)
    # Then by name, then by shared statuses (a column renamed in JIRA).
    for i, (jc, kind) in enumerate(roles):
        if i in matched or kind is not ColumnKind.ACTIVE:
            continue
        same = next(
            (
                c
                for c in free.values()
                if c.kind is ColumnKind.ACTIVE and c.name.casefold() == jc.name.casefold()
            ),
            None,
        )
        if same is not None:
            take(i, same)
    for i, (jc, kind) in enumerate(roles):
        if i in matched or kind is not ColumnKind.ACTIVE:
            continue
        overlap = next(
            (
                c
                for c in free.values()
                if c.kind is ColumnKind.ACTIVE and set(map(str, c.jira_statuses)) & set(jc.statuses)
            ),
            None,
        )
        if overlap is not None:
            take(i, overlap)
    for i, (jc, kind) in enumerate(roles):
        column_id = matched.get(i)
        name = jc.name
        owner = taken_names.get(name.casefold())
        if owner is not None and owner != column_id:
            name = f"{jc.name} (JIRA)"
        taken_names[name.casefold()] = column_id if column_id is not None else -1 - i
        plan.adopted.append(Adopted(jc, kind, column_id, name))
    for col in free.values():
        n = card_counts.get(col.id, 0)
        if n:
            plan.kept.append((col, n))
        else:
            plan.removed.append(col)
    return plan
