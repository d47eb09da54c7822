"""A drop reaches the screen first; its header figures and its write follow the paint.

The wall's drop must show within one frame, so the release does only what puts
the card at its new place. These tests hold what a user sees of that: the
card is on screen at its new place before anything is written, the header
figures follow once it is painted, headers a drop did not change are not
redrawn, and the write is never lost, even by a window that never paints.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF

from kanban.services.board import BoardService
from kanban.ui.layout import CELL
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team, card_of, drag, wait_idle


def _cell_centre(win: MainWindow, column_id: int, person_id: int) -> QPointF:
    layout = win.controller.layout
    assert layout is not None
    zone = next(
        z
        for z in layout.zones
        if z.kind == CELL and z.column_id == column_id and z.lane == ("person", person_id)
    )
    return zone.rect.center()


def test_a_dropped_card_is_on_screen_at_its_new_place_before_it_is_written(
    qtbot, window: MainWindow, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Patch file servers"]
    target = _cell_centre(window, team.progress, team.alice.id)
    painted: list[tuple[bool, bool]] = []
    released: list[bool] = []
    # Connected after the controller: runs once the drop has been handled.
    window.view.card_dropped.connect(lambda *_args: released.append(True))

    class PaintWatch(QObject):
        """Looks at the board as the first paint after the release begins."""

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # Qt's name
            if event.type() == QEvent.Type.Paint and released and not painted:
                item = window.scene.card_items[card_id]
                written = service.card(card_id).column_id == team.progress
                painted.append((_in_cell(window, item, target), written))
            return False

    watch = PaintWatch()
    window.view.viewport().installEventFilter(watch)
    drag(qtbot, window, card_id, target)
    qtbot.waitUntil(lambda: bool(painted))
    window.view.viewport().removeEventFilter(watch)
    shown_in_cell, written = painted[0]
    assert shown_in_cell
    assert not written
    wait_idle(qtbot, window)
    stored_card = service.card(card_id)
    assert (stored_card.column_id, stored_card.person_id) == (team.progress, team.alice.id)
    assert card_of(window, card_id).revision == stored_card.revision


def _in_cell(win: MainWindow, item: object, target: QPointF) -> bool:
    """The card's item lies in the cell that holds ``target``."""
    layout = win.controller.layout
    assert layout is not None
    cell = next(z.rect for z in layout.zones if z.kind == CELL and z.rect.contains(target))
    return cell.contains(item.sceneBoundingRect())  # type: ignore[attr-defined]


def test_after_a_drop_the_figures_it_changed_update_and_other_headers_stay_as_drawn(
    qtbot, window: MainWindow, team: Team
) -> None:
    scene = window.scene
    pool_before = scene.pool_header_item
    assert pool_before is not None and "3 ready" in pool_before.lines
    review_header = scene.column_header_items[team.review]
    progress_before = list(scene.column_header_items[team.progress].lines)

    target = _cell_centre(window, team.progress, team.alice.id)
    drag(qtbot, window, team.cards["Patch file servers"], target)
    wait_idle(qtbot, window)
    qtbot.waitUntil(
        lambda: scene.pool_header_item is not None and "2 ready" in scene.pool_header_item.lines
    )

    assert scene.column_header_items[team.progress].lines != progress_before
    # Review's figures did not change: its header is the very item drawn before.
    assert scene.column_header_items[team.review] is review_header


def test_a_drop_in_a_window_that_never_paints_is_still_written(
    qtbot, window: MainWindow, service: BoardService, team: Team
) -> None:
    card_id = team.cards["Renew TLS certificates"]
    zone = next(
        z
        for z in window.controller.layout.zones  # type: ignore[union-attr]
        if z.kind == CELL and z.column_id == team.progress and z.lane == ("person", team.bob.id)
    )
    window.hide()  # a wall whose screen was switched off: no paint comes
    window.controller.drop(card_id, zone, None)
    wait_idle(qtbot, window)
    stored = service.card(card_id)
    assert (stored.column_id, stored.person_id) == (team.progress, team.bob.id)
    assert window.scene.pool_header_item is not None
    assert "2 ready" in window.scene.pool_header_item.lines
