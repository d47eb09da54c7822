"""Touch, zoom, conflicts, badges, the help overlay and the dialogs wired to the board."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from kanban.services.board import BoardService
from kanban.ui.layout import NOT_READY
from ui.board_fixtures import Team, pinch, wait_idle


def _touch_drag(window, start: QPoint, end: QPoint) -> None:
    device = QTest.createTouchDevice()
    vp = window.view.viewport()
    QTest.touchEvent(vp, device).press(0, start, vp).commit()
    for i in range(1, 6):
        point = start + (end - start) * (i / 5)
        QTest.touchEvent(vp, device).move(0, point, vp).commit()
    QTest.touchEvent(vp, device).release(0, end, vp).commit()


def test_touch_drag_moves_a_card(qtbot, window, service: BoardService, team: Team) -> None:
    card_id = team.cards["Renew TLS certificates"]
    layout = window.controller.layout
    start = window.view.mapFromScene(layout.cards[card_id].center())
    end = window.view.mapFromScene(layout.cells[(team.review, ("person", team.bob.id))].center())
    _touch_drag(window, start, end)
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert (card.column_id, card.person_id) == (team.review, team.bob.id)


def test_pinch_and_ctrl_wheel_zoom(qtbot, window) -> None:
    view = window.view
    pinch(window, (QPoint(300, 300), QPoint(400, 300)), (QPoint(250, 300), QPoint(450, 300)))
    assert view.zoom > 1.5
    zoomed = view.zoom
    event = QWheelEvent(
        QPointF(300, 300),
        QPointF(view.mapToGlobal(QPoint(300, 300))),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom < zoomed


def test_conflict_reloads_and_tells_the_user(qtbot, window, service: BoardService, team) -> None:
    card_id = team.cards["Patch file servers"]
    # Someone else edits the card after the board was drawn.
    service.edit_card(card_id, title="Patch file servers FS01-FS04")
    zone = next(z for z in window.controller.layout.zones if z.column_id == team.review)
    window.controller.drop(card_id, zone, None)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.controller.card(card_id).title.endswith("FS04"))
    assert service.card(card_id).column_id == team.pool  # nothing overwritten
    assert any("changed by someone else" in b.text for b in window.scene.bubbles)


def test_a_conflicting_drop_into_not_ready_keeps_the_typed_reason(
    qtbot, window, service: BoardService, team
) -> None:
    card_id = team.cards["Patch file servers"]
    service.edit_card(card_id, title="Patch file servers FS01-FS04")  # someone else
    window.controller.ask_block_reason = lambda card: "waiting for the storage team"
    zone = next(z for z in window.controller.layout.zones if z.kind == NOT_READY)
    window.controller.drop(card_id, zone, None)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.controller.card(card_id).title.endswith("FS04"))
    assert not service.card(card_id).not_ready
    assert any("the reason you typed is kept" in b.text for b in window.scene.bubbles)
    # The window's prompt starts from it on the next try (and only once).
    assert window.controller.unsaved_reasons == {(card_id, "block"): "waiting for the storage team"}


def test_badges_are_drawn_on_cards_and_explained_in_the_tooltip(qtbot, window, team) -> None:
    card_id = team.cards["Fix DNS forwarders"]
    window.controller.set_badges(
        {card_id: ["⟳ queued", "PR open 1/2"]},
        {card_id: ["Not pushed (assignee): user is not assignable", "1 of 2 reviewers approved"]},
    )
    item = window.scene.card_items[card_id]
    assert tuple(item.badges) == ("⟳ queued", "PR open 1/2")
    assert "Not pushed (assignee): user is not assignable" in item.toolTip()
    assert "1 of 2 reviewers approved" in item.toolTip()
    window.scene.card_items[card_id].update()
    window.view.viewport().repaint()


def test_help_overlay_lists_the_shortcuts(qtbot, window) -> None:
    window.act_help.trigger()
    assert window.view.help.isVisible()
    for key in ("Enter", "Delete", "F11", "Ctrl+Z"):
        assert key in window.view.help.text()
    QTest.keyClick(window.view, Qt.Key.Key_Escape)
    assert not window.view.help.isVisible()


def test_new_card_from_the_pool_plus(qtbot, window, service: BoardService) -> None:
    from kanban.ui.dialogs.card_editor import CardEditorDialog

    plus = window.controller.layout.add_button.center()
    QTest.mouseClick(
        window.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        window.view.mapFromScene(plus),
    )
    dialog = window._dialog
    assert isinstance(dialog, CardEditorDialog)
    before = len(service.list_cards())
    dialog.saved.emit(service.add_card("Made in the editor").card.id)
    qtbot.waitUntil(
        lambda: any(c.title == "Made in the editor" for c in window.controller.data.pool_cards)
    )
    assert len(service.list_cards()) == before + 1
    dialog.close()


def test_settings_change_reloads_the_board(qtbot, window, service: BoardService, team) -> None:
    window.act_people.trigger()
    dialog = window._dialog
    service.update_person(team.bob.id, name="Robert Jones")
    dialog.changed.emit()
    qtbot.waitUntil(lambda: "Robert Jones" in [lane.title for lane in window.controller.data.lanes])
    dialog.close()


def test_f11_toggles_wall_mode(qtbot, window) -> None:
    window.activateWindow()
    window.view.setFocus()
    window.act_wall.trigger()
    assert window.wall and not window.menuBar().isVisible() and window.wall_bar.isVisible()
    window.act_wall.trigger()
    assert not window.wall and window.menuBar().isVisible()


def test_project_lanes_take_drops_by_column(qtbot, window, service: BoardService, team) -> None:
    from kanban.domain.model import Grouping

    window.group_box.setCurrentIndex(window.group_box.findData(Grouping.PROJECT))
    assert window.controller.data.grouping is Grouping.PROJECT
    card_id = team.cards["Fix DNS forwarders"]  # Alice's, no project
    zone = next(
        z
        for z in window.controller.layout.zones
        if z.column_id == team.review and z.lane == ("project", None)
    )
    window.controller.drop(card_id, zone, None)
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert (card.column_id, card.person_id) == (team.review, team.alice.id)


def test_a_drop_into_another_project_lane_sets_the_project_in_one_change(
    qtbot, window, service: BoardService, team
) -> None:
    from kanban.domain.model import Grouping

    service.add_card("Harden SSH", column="In progress", person="Bob Jones", project="INFRA")
    window.controller.reload()
    wait_idle(qtbot, window)
    window.group_box.setCurrentIndex(window.group_box.findData(Grouping.PROJECT))
    wait_idle(qtbot, window)
    card_id = team.cards["Rotate backups"]  # Bob's, in progress, no project, no JIRA key
    zone = next(
        z
        for z in window.controller.layout.zones
        if z.column_id == team.progress and z.lane == ("project", "INFRA")
    )
    window.controller.drop(card_id, zone, None)
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert (card.project, card.column_id, card.person_id) == (
        "INFRA",
        team.progress,
        team.bob.id,
    )
    assert window.controller.card(card_id).project == "INFRA"  # shown at once, too
    window.controller.undo()  # one step takes the project back
    qtbot.waitUntil(lambda: service.card(card_id).project is None)
    assert service.card(card_id).column_id == team.progress


def test_a_jira_cards_project_stays_jiras_when_dropped_in_another_project_lane(
    qtbot, window, service: BoardService, team
) -> None:
    from kanban.domain.model import Grouping

    service.add_card("Harden SSH", column="In progress", person="Bob Jones", project="INFRA")
    window.controller.reload()
    wait_idle(qtbot, window)
    window.group_box.setCurrentIndex(window.group_box.findData(Grouping.PROJECT))
    wait_idle(qtbot, window)
    card_id = team.cards["Fix DNS forwarders"]  # OPS-7, no project
    zone = next(
        z
        for z in window.controller.layout.zones
        if z.column_id == team.review and z.lane == ("project", "INFRA")
    )
    window.controller.drop(card_id, zone, None)
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert (card.column_id, card.project) == (team.review, None)  # moved; project kept
    assert any("OPS-7's project is set in JIRA" in b.text for b in window.scene.bubbles)


def test_under_minimum_column_is_marked(qtbot, window, service: BoardService, team) -> None:
    service.update_column("Review", wip_min=3)
    window.controller.reload()
    qtbot.waitUntil(lambda: "UNDER MIN" in window.scene.column_header_items[team.review].lines[1])
    header = window.scene.column_header_items[team.review]
    assert header.lines[1] == "1 · min 3 · UNDER MIN"
    assert header.background.name() == "#f9a825"


def test_unexpected_errors_go_to_the_log_with_one_line_shown(qtbot, window, monkeypatch):
    import sys

    from kanban.logs import log_file, setup_logging
    from kanban.ui.app import _install_excepthook

    setup_logging()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app = QApplication.instance()
    monkeypatch.setattr(app, "board_window", window, raising=False)
    _install_excepthook(app)
    try:
        raise ValueError("boom in a slot")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert "Traceback" in log_file().read_text() and "boom in a slot" in log_file().read_text()
    assert window.statusBar().currentMessage().startswith("Unexpected error: boom in a slot")


def test_column_headers_stay_in_view_when_scrolling(qtbot, window, service, team) -> None:
    for i in range(12):
        service.add_card(
            f"Extra work {i}", column="In progress", person="Bob Jones", override_reason="test"
        )
    window.controller.reload()
    qtbot.waitUntil(
        lambda: len(window.controller.data.cells[(team.progress, ("person", team.bob.id))]) == 13
    )
    bar = window.view.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    top = window.view.mapToScene(0, 0).y()
    header = window.scene.column_header_items[team.progress]
    assert abs(header.sceneBoundingRect().top() + 3 - top) < 2
    # A press on the header row does not grab the card under it.
    point = window.view.mapFromScene(header.sceneBoundingRect().center())
    QTest.mousePress(
        window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    QTest.mouseRelease(
        window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    assert window.view._press is None


def test_double_click_opens_the_card_editor(qtbot, window, team) -> None:
    from kanban.ui.dialogs.card_editor import CardEditorDialog

    card_id = team.cards["Rotate backups"]
    point = window.view.mapFromScene(window.controller.layout.cards[card_id].center())
    QTest.mouseDClick(
        window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    assert isinstance(window._dialog, CardEditorDialog)
    assert window._dialog.isVisible()
    window._dialog.close()


def test_on_the_wall_a_reason_is_typed_on_the_screen_keyboard(
    qtbot, window, service: BoardService, team
) -> None:
    from kanban.ui.override import ReasonDialog

    window.set_wall(True, full_screen=False)
    card = service.card(team.cards["Patch file servers"])
    seen: list[ReasonDialog] = []

    def type_on_screen() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            QTimer.singleShot(20, type_on_screen)
            return
        seen.append(dialog)
        assert dialog.keyboard is not None
        for label in "ups":
            qtbot.mouseClick(dialog.keyboard.keys[label], Qt.MouseButton.LeftButton)
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, type_on_screen)
    assert window._ask_block(card) == "ups"
    assert len(seen) == 1
    window.set_wall(False)
