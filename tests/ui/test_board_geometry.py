"""Screen geometry at laptop, desktop and 4K wall sizes: nothing clipped, overlapping or cut.

The checks read the items' geometry and the fonts' metrics, so they hold on any
machine; a grab of the window proves that the board really paints at that size.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

from kanban.domain.model import Rule, RuleMode
from kanban.services.board import BoardService
from kanban.ui.fit import title_cap_pixels
from kanban.ui.items import BoxItem
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team, build_team

SIZES = [(1366, 768, False), (1920, 1080, False), (3840, 2160, True)]


def _busy_board(service: BoardService) -> Team:
    """The test team plus enough work to fill several rows, an over-limit lane and a long title."""
    team = build_team(service)
    service.set_rule(Rule.WIP_LIMITS, RuleMode.OFF)
    service.set_rule(Rule.CARD_SIZE, RuleMode.OFF)
    service.update_column("In progress", wip_max=3, wip_min=1)
    service.update_person(team.alice.id, wip_limit=2)
    for i in range(4):
        service.add_card(
            f"Migrate file share {i} to the new cluster and update every DFS link that points "
            "at the old one, then tell the users",
            column="In progress",
            person="Alice Smith",
            labels=["storage", "migration"],
        )
    for i in range(6):
        service.add_card(f"Pool task {i}", labels=["ops"], size_days=3 if i == 0 else 1)
    service.add_card("Done thing", column="Done", person="Bob Jones")
    return team


def _text_fits(item: BoxItem) -> bool:
    width = item.text_rect().width()
    return all(
        QFontMetricsF(font).horizontalAdvance(line) <= width + 0.5
        for line, font in zip(item.lines, item.fonts, strict=False)
    )


def _inside(inner: QRectF, outer: QRectF) -> bool:
    return outer.adjusted(-0.5, -0.5, 0.5, 0.5).contains(inner)


@pytest.mark.parametrize(("width", "height", "wall"), SIZES)
def test_board_geometry(qtbot, service: BoardService, width: int, height: int, wall: bool):
    team = _busy_board(service)
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(width, height)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    if wall:
        win.set_wall(True, full_screen=False)
        # Readable from across the room: title capitals are 1.1% of the screen's height.
        assert title_cap_pixels(win.controller.metrics, win.view.zoom) >= 0.011 * height
    qtbot.waitUntil(lambda: win.view.viewport().width() > width * 0.9)
    win.controller.relayout()
    layout, scene, data = win.controller.layout, win.scene, win.controller.data

    # The board fills the visible width: no horizontal scrolling at these sizes.
    assert layout.width <= win.view.visible_width() + 0.5

    # Every card sits inside its own cell (or the pool / not-ready section).
    zone_of: dict[str, QRectF] = {}
    for card in data.pool_cards:
        zone_of[card.id] = layout.pool_rect
    for card in data.not_ready_cards:
        zone_of[card.id] = layout.not_ready_rect
    for (column_id, lane), cards in data.cells.items():
        for card in cards:
            zone_of[card.id] = layout.cells[(column_id, lane)]
    assert set(scene.card_items) == set(zone_of)
    rects = {
        cid: QRectF(item.pos(), item.boundingRect().adjusted(3, 3, -3, -3).size())
        for cid, item in scene.card_items.items()
    }
    for card_id, rect in rects.items():
        assert _inside(rect, zone_of[card_id]), card_id
        assert _inside(rect, scene.sceneRect())

    # No two cards overlap, no two cells overlap, and the pool does not meet the lanes.
    ordered = sorted(rects.values(), key=lambda r: (r.top(), r.left()))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.top() > a.bottom():
                break
            assert not a.intersected(b).isValid() or a.intersected(b).isEmpty()
    cells = list(layout.cells.values())
    for i, a in enumerate(cells):
        for b in cells[i + 1 :]:
            overlap = a.intersected(b)
            assert overlap.isEmpty(), (a, b)
        assert (
            not a.intersected(layout.pool_rect).isValid()
            or a.intersected(layout.pool_rect).isEmpty()
        )
    pool_bottom = max((rects[c.id].bottom() for c in data.pool_cards), default=0)
    assert layout.not_ready_rect.top() >= pool_bottom
    assert _inside(layout.not_ready_rect, layout.pool_rect)
    for card in data.pool_cards:
        assert not rects[card.id].intersects(layout.not_ready_rect)

    # Header text is never cut: column names and figures, lanes' WIP, pool and not ready.
    headers: list[BoxItem] = [
        *scene.column_header_items.values(),
        scene.pool_header_item,
        scene.not_ready_header_item,
    ]
    for header in headers:
        assert _text_fits(header), header.lines
    for lane_item in scene.lane_header_items.values():
        width = lane_item.text_rect().width()
        figure_font = lane_item.fonts[1]
        assert QFontMetricsF(figure_font).horizontalAdvance(lane_item.lines[1]) <= width + 0.5
        if wall:
            assert _text_fits(lane_item), lane_item.lines

    # Over the limit is shown loud: a red header and a "OVER" marker, on lane and column.
    alice = scene.lane_header_items[("person", team.alice.id)]
    assert alice.lines[1].endswith("OVER")
    progress = scene.column_header_items[team.progress]
    assert "OVER LIMIT" in progress.lines[1]
    assert progress.background.name() == "#d32f2f"

    image = win.grab().toImage()
    assert image.width() >= width * 0.9 and not image.isNull()
