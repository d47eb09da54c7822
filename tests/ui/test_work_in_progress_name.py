"""The board and the status report count work in progress one way, under one name."""

from __future__ import annotations

from kanban.domain.wip import WIP_NAME
from kanban.reports.render_text import render_markdown
from kanban.services import reporting
from kanban.services.board import BoardService


def test_board_header_and_report_show_the_same_work_in_progress(
    qtbot, window, service: BoardService, team
) -> None:
    # In progress (Alice, Bob) and Review (Bob) are both active columns: 3 cards.
    assert WIP_NAME == "Work in progress"
    corner = window.scene.corner_item
    assert corner is not None
    assert f"{WIP_NAME} 3" in corner.lines

    report = render_markdown(reporting.report(service, period="week"))
    assert f"| {WIP_NAME} now | 3 (0 blocked) |" in report
    assert "In progress now" not in report
