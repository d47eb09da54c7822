"""The wall shows the whole team at once, readable from across the room.

At 1920×1080 and 3840×2160 every person's lane, the task pool and the Not
ready section lie inside the viewport without scrolling: for the demo board
(6 people), for 10 people with 150 open cards, and a team too big for one
screen shows pages of lanes that rotate and hold while someone touches the
board. Title capitals are at least 1.1% of the screen's height.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication, QStyleOptionGraphicsItem

from kanban.domain.model import Rule, RuleMode
from kanban.services.board import BoardService
from kanban.services.demo import fill_demo_board
from kanban.ui import palette
from kanban.ui.fit import title_cap_pixels
from kanban.ui.layout import Face
from kanban.ui.main_window import MainWindow
from kanban.ui.wall import start_of_week

WALL_SIZES = [(1920, 1080), (3840, 2160)]


def _team(service: BoardService, people: int, open_cards: int) -> None:
    """``people`` people; ``open_cards`` cards: a third in progress or review, the rest pooled."""
    service.set_rule(Rule.WIP_LIMITS, RuleMode.OFF)
    service.set_rule(Rule.CARD_SIZE, RuleMode.OFF)
    names = [f"Person {chr(65 + i)} Example" for i in range(people)]
    for name in names:
        service.add_person(name, wip_limit=4)
    in_lanes = open_cards // 3
    for i in range(open_cards):
        if i < in_lanes:
            service.add_card(
                f"Lane task {i}: patch the hosts of cluster {i} and check the backups",
                column="In progress" if i % 3 else "Review",
                person=names[i % people],
                labels=["linux"],
            )
        else:
            service.add_card(
                f"Pool task {i}: upgrade the firmware of rack {i}",
                not_ready_reason="Waiting for the vendor's firmware" if i % 9 == 0 else None,
            )


def _wall(qtbot, service: BoardService, width: int, height: int) -> MainWindow:
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(width, height)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    win.set_wall(True, full_screen=False)
    qtbot.waitUntil(lambda: win.view.viewport().height() > height * 0.8)
    win.controller.relayout()
    QApplication.processEvents()
    return win


def _on_screen(win: MainWindow, rect: QRectF) -> bool:
    seen = win.view.mapFromScene(rect).boundingRect()
    return win.view.viewport().rect().adjusted(-1, -1, 1, 1).contains(seen)


def _assert_everything_at_once(win: MainWindow) -> None:
    layout, data = win.controller.layout, win.controller.data
    assert layout is not None and data is not None
    assert win.controller.lane_pages == 1
    assert len(layout.lane_rects) == len(data.lanes)
    for key, rect in layout.lane_rects.items():
        assert _on_screen(win, rect), f"lane {key} is cut off"
    for name, rect in (
        ("task pool", layout.pool_rect),
        ("pool header", layout.pool_header),
        ("not ready", layout.not_ready_rect),
        ("not ready header", layout.not_ready_header),
    ):
        assert _on_screen(win, rect), f"{name} is cut off"
    for rect in layout.column_headers.values():
        assert _on_screen(win, rect)
    # Nothing to scroll to.
    assert win.view.verticalScrollBar().maximum() == 0
    assert win.view.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize(("width", "height"), WALL_SIZES)
def test_demo_board_shows_every_lane_the_pool_and_not_ready(qtbot, service, width, height):
    fill_demo_board(service)
    win = _wall(qtbot, service, width, height)
    _assert_everything_at_once(win)
    layout = win.controller.layout
    # The demo's 6 people all have a lane, and every open card is on screen.
    assert len(layout.lane_rects) == 6
    assert layout.lanes_capped == 0 and layout.pool_capped == 0


@pytest.mark.parametrize(("width", "height"), WALL_SIZES)
def test_ten_people_and_150_open_cards_fit(qtbot, service, width, height):
    _team(service, people=10, open_cards=150)
    win = _wall(qtbot, service, width, height)
    _assert_everything_at_once(win)
    assert len(win.controller.layout.lane_rects) == 10
    # Denser faces, never smaller text.
    layout = win.controller.layout
    assert layout.pool_metrics.face is not Face.FULL
    # A lane squeezed to one row still shows a card of each cell it has cards in.
    data = win.controller.data
    for (_column, _lane), cards in data.cells.items():
        if cards:
            assert any(c.id in layout.cards for c in cards)


def test_cards_left_out_are_counted_on_the_board(qtbot, service):
    _team(service, people=10, open_cards=150)
    win = _wall(qtbot, service, 1920, 1080)
    layout = win.controller.layout
    hidden = layout.pool_capped
    if hidden:
        notes = [text for _rect, text in layout.notes.values() if "more" in text]
        counted = sum(int(text.split()[1]) for text in notes if text.startswith("+ "))
        assert counted >= hidden
    shown = set(layout.cards)
    data = win.controller.data
    everything = {c.id for c in data.visible_cards()}
    assert len(everything - shown) == layout.lanes_capped + layout.pool_capped


@pytest.mark.parametrize(("width", "height"), WALL_SIZES)
def test_titles_are_readable_from_three_metres(qtbot, service, width, height):
    fill_demo_board(service)
    win = _wall(qtbot, service, width, height)
    zoom = win.view.zoom
    m = win.controller.layout.metrics
    title_caps = title_cap_pixels(m, zoom)
    assert title_caps >= 0.011 * height  # 12 px at 1080, 24 px at 2160
    # Names, WIP figures and column headers are larger than titles.
    for font in (m.lane_font, m.header_figure_font, m.header_font):
        assert QFontMetricsF(font).capHeight() * zoom > title_caps
    # The faces the fit chose use the same title font.
    assert win.controller.layout.pool_metrics.title_font.pixelSize() == m.title_font.pixelSize()


def test_a_team_too_big_for_the_screen_rotates_pages_of_lanes(qtbot, service):
    _team(service, people=16, open_cards=48)
    win = _wall(qtbot, service, 1920, 1080)
    controller = win.controller
    assert controller.lane_pages >= 2
    assert win.wall_page.isVisible()
    assert win.wall_page.text().startswith(f"Lanes page 1 of {controller.lane_pages}")
    _assert_everything_at_once_on_a_page(win)
    first = set(controller.layout.lane_rects)

    win.wall_board.next_page()
    second = set(controller.layout.lane_rects)
    assert second and not (first & second)
    assert win.wall_page.text().startswith("Lanes page 2 of")
    _assert_everything_at_once_on_a_page(win)

    # A touch holds the page: the rotation waits while someone is at the board.
    press = QMouseEvent(
        QEvent.Type.MouseButtonPress,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    win.wall_board.eventFilter(win.view.viewport(), press)
    assert win.wall_board.paused
    assert "held" in win.wall_page.text()
    win.wall_board.next_page()
    assert set(controller.layout.lane_rects) == second


def _assert_everything_at_once_on_a_page(win: MainWindow) -> None:
    layout = win.controller.layout
    for rect in (*layout.lane_rects.values(), layout.pool_rect, layout.not_ready_rect):
        assert _on_screen(win, rect)
    assert win.view.verticalScrollBar().maximum() == 0


def test_done_shows_this_weeks_cards_and_counts_the_rest(qtbot, service):
    fill_demo_board(service)
    win = _wall(qtbot, service, 1920, 1080)
    data = win.controller.data
    week = start_of_week(win.controller.done_since)
    assert win.controller.done_since == week
    done = [c for c in data.columns if c.kind.value == "done"][0]
    for lane in data.lanes:
        for card in data.cells.get((done.id, lane.key), []):
            assert card.done_at is not None and card.done_at >= week
    assert sum(n for (col, _l), n in data.done_hidden.items() if col == done.id) > 0
    # Back on the laptop, done cells show their latest cards again.
    win.set_wall(False)
    assert win.controller.done_since is None and not win.controller.fit


def test_a_blocked_card_in_a_lane_has_a_red_band_and_its_reason(qtbot, service):
    fill_demo_board(service)
    card = next(
        c
        for c in service.snapshot().cards
        if c.person_id is not None
        and c.done_at is None
        and c.column_id != service.snapshot().pool.id
    )
    service.block(card.id, "Waiting for the change window on Friday")
    win = _wall(qtbot, service, 1920, 1080)
    item = win.scene.card_items[card.id]
    assert item.m.face in (Face.COMPACT, Face.LINE)
    rect = item.boundingRect()
    image = QImage(int(rect.width()) + 1, int(rect.height()) + 1, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.translate(-rect.left(), -rect.top())
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
    band = image.pixelColor(int(image.width() / 2), int(-rect.top() + 3))
    assert band == palette.BLOCKED_RED
    # The reason is painted in dark red, in title-sized bold text.
    reds = sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(image.height() // 2, image.height())
        if image.pixelColor(x, y).red() > 100
        and image.pixelColor(x, y).green() < 60
        and image.pixelColor(x, y).blue() < 60
    )
    assert reds > 20
