"""Which column stands for which JIRA status: adopting an agile board, and mapping one status.

The steps come from the pure :func:`kanban.sync.adoption.plan_adoption`; this
module applies them in one transaction (all or nothing) through the board's
own setup use cases, and only where something differs, so adopting an
unchanged board writes nothing. A column JIRA no longer has is removed only
when empty; one that holds cards is kept, and the plan says so.

:func:`map_status` puts one status in a column by hand (the connection
dialog's column picker, ``kanban jira map``), or back to its category's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from kanban.domain.model import Column, ColumnKind
from kanban.errors import InvalidInput
from kanban.services.board import BoardService, CardFilter
from kanban.sync.adoption import AdoptionPlan, plan_adoption


def adoption_plan(board: BoardService, configuration: Mapping[str, Any]) -> AdoptionPlan:
    """What adopting this configuration would change (nothing is written)."""
    cards = board.list_cards(CardFilter(include_archived=True))
    counts = Counter(c.column_id for c in cards)
    return plan_adoption(configuration, board.columns(), counts)


def adopt_board(board: BoardService, configuration: Mapping[str, Any]) -> AdoptionPlan:
    """Make the board's columns match the JIRA board; returns what was done."""
    plan = adoption_plan(board, configuration)
    if not plan.adopted:
        return plan
    claimed = {s for a in plan.adopted for s in a.jira.statuses}
    with board.batch() as b:
        current = {c.id: c for c in b.columns()}
        # Renames go through a temporary name so two columns can swap names.
        renames = [
            a
            for a in plan.adopted
            if a.column_id is not None and current[a.column_id].name != a.name
        ]
        for a in renames:
            if a.column_id is not None:
                b.update_column(a.column_id, name=f"{a.name} ~{a.column_id}")
        for a in renames:
            if a.column_id is not None:
                b.update_column(a.column_id, name=a.name)
        order: list[int] = []
        for a in plan.adopted:
            statuses = list(a.jira.statuses)
            if a.column_id is None:
                kind = a.kind if a.kind is not ColumnKind.POOL else ColumnKind.ACTIVE
                added = b.add_column(
                    a.name,
                    kind=kind,
                    wip_min=a.jira.wip_min,
                    wip_max=a.jira.wip_max,
                    jira_statuses=statuses,
                )
                order.append(added.id)
                continue
            col = current[a.column_id]
            if (
                list(map(str, col.jira_statuses)) != statuses
                or col.wip_min != a.jira.wip_min
                or col.wip_max != a.jira.wip_max
            ):
                b.update_column(
                    col.id, jira_statuses=statuses, wip_min=a.jira.wip_min, wip_max=a.jira.wip_max
                )
            order.append(col.id)
        for col in plan.removed:
            b.remove_column(col.id)
        for col, _n in plan.kept:
            # It keeps its cards; the statuses JIRA now shows elsewhere go there.
            left = [s for s in map(str, col.jira_statuses) if s not in claimed]
            if left != list(map(str, col.jira_statuses)):
                b.update_column(col.id, jira_statuses=left)
        # Kept columns sit just before done, so their cards stay in view.
        kept_ids = [col.id for col, _n in plan.kept]
        done_index = next(
            (i for i, a in enumerate(plan.adopted) if a.kind is ColumnKind.DONE), len(order)
        )
        order = order[:done_index] + kept_ids + order[done_index:]
        now = {c.id: c.order for c in b.columns()}
        for position, column_id in enumerate(order):
            if now.get(column_id) != position:
                b.update_column(column_id, position=position)
                now = {c.id: c.order for c in b.columns()}
    return plan


def map_status(
    board: BoardService, status_id: str, column: str | int | None, *, name: str = ""
) -> Column | None:
    """Make ``column`` the one column that lists this status; None: back to its category.

    Entries naming the status (instead of giving its id) go too, so exactly one
    rule places it. The next sync moves the cards in that status (a changed
    mapping makes it a full run) and records the moves as coming from JIRA.
    """
    sid = str(status_id).strip()
    if not sid:
        raise InvalidInput("Which JIRA status? Give its id or name ('kanban jira statuses').")
    same = {sid.casefold()} | ({name.casefold()} if name else set())
    with board.batch() as b:
        target = b.resolve_column(column) if column is not None else None
        for col in b.columns():
            listed = [str(s) for s in col.jira_statuses]
            kept = [s for s in listed if s.casefold() not in same]
            if target is not None and col.id == target.id:
                kept.append(sid)
            if kept != listed:
                b.update_column(col.id, jira_statuses=kept)
        return b.resolve_column(target.id) if target is not None else None
