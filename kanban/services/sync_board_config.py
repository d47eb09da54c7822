"""A JIRA agile board's configuration applied to the board: columns, statuses, WIP limits."""

from __future__ import annotations

from kanban.domain.model import ColumnKind
from kanban.services.board import BoardService
from kanban.sync.client import JiraClient


def apply_board_configuration(board: BoardService, client: JiraClient, board_id: int) -> None:
    """Columns, their status ids and WIP min/max from the JIRA agile board."""
    config = client.board_configuration(board_id)
    board_cols = [
        c for c in (config.get("columnConfig") or {}).get("columns") or [] if c.get("statuses")
    ]
    if not board_cols:
        return
    columns = board.columns()
    used: set[int] = set()
    for index, bc in enumerate(board_cols):
        name = str(bc.get("name") or f"Column {index + 1}")
        statuses = [str(s.get("id")) for s in bc.get("statuses") or [] if s.get("id")]
        match = next((c for c in columns if c.name.lower() == name.lower()), None)
        if match is None and index == 0:
            match = next(c for c in columns if c.kind is ColumnKind.POOL)
        if match is None and index == len(board_cols) - 1:
            match = next((c for c in columns if c.kind is ColumnKind.DONE), None)
        wip_min, wip_max = bc.get("min"), bc.get("max")
        if match is None or match.id in used:
            kind = ColumnKind.DONE if index == len(board_cols) - 1 else ColumnKind.ACTIVE
            match = board.add_column(
                name if all(c.name.lower() != name.lower() for c in columns) else f"{name} (JIRA)",
                kind=kind,
                position=len(columns) if kind is ColumnKind.DONE else None,
                wip_min=wip_min,
                wip_max=wip_max,
                jira_statuses=statuses,
            )
            columns = board.columns()
        elif (
            list(match.jira_statuses) != statuses
            or match.wip_min != wip_min
            or match.wip_max != wip_max
        ):
            board.update_column(match.id, jira_statuses=statuses, wip_min=wip_min, wip_max=wip_max)
        used.add(match.id)
