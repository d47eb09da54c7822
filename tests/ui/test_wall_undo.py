"""Undo on the wall: the offer after a drop names the card and lasts until my next change or
30 s; the history button lists my recent changes, and a tap undoes back to one of them."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from kanban.services.board import BoardService
from kanban.ui import wall_undo
from kanban.ui.main_window import MainWindow
from kanban.ui.touch import touch_target_px
from ui.board_fixtures import Team, drag, wait_idle


def _tap(widget: QWidget) -> None:
    """A finger tap in the middle of ``widget`` (Qt turns it into a click)."""
    device = QTest.createTouchDevice(QPointingDevice.DeviceType.TouchScreen)
    window = widget.window().windowHandle()
    point = widget.mapTo(widget.window(), QPoint(widget.width() // 2, widget.height() // 2))
    QTest.touchEvent(window, device).press(0, point, window).commit()
    QTest.touchEvent(window, device).release(0, point, window).commit()


def _wall(qtbot, window: MainWindow) -> MainWindow:
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.height() == 1080)
    window.set_wall(True, full_screen=False)
    wait_idle(qtbot, window)
    return window


def _drop_in_review(qtbot, window: MainWindow, team: Team, title: str, who: str = "bob") -> str:
    card_id = team.cards[title]
    person = team.bob if who == "bob" else team.alice
    cell = window.controller.layout.cells[(team.review, ("person", person.id))]
    drag(qtbot, window, card_id, cell.center())
    wait_idle(qtbot, window)
    return card_id


def test_after_a_drop_the_wall_offers_undo_naming_the_card(
    qtbot, window, service: BoardService, team: Team
) -> None:
    _wall(qtbot, window)
    card_id = _drop_in_review(qtbot, window, team, "Patch file servers")
    offer = window.wall_undo.offer_button
    qtbot.waitUntil(offer.isVisible)
    assert offer.text() == "Undo: moved 'Patch file servers' to Review, Bob Jones"
    assert offer.height() >= touch_target_px(1080)
    messages: list[str] = []
    window.controller.message.connect(messages.append)
    _tap(offer)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.pool)
    assert not offer.isVisible()
    qtbot.waitUntil(lambda: bool(messages))
    assert messages[-1] == "Undone: moved 'Patch file servers' to Review, Bob Jones (just now)."


def test_the_offer_goes_after_its_time(qtbot, window, team: Team, monkeypatch) -> None:
    assert wall_undo.OFFER_MS == 30_000
    monkeypatch.setattr(wall_undo, "OFFER_MS", 200)
    _wall(qtbot, window)
    _drop_in_review(qtbot, window, team, "Patch file servers")
    offer = window.wall_undo.offer_button
    qtbot.waitUntil(offer.isVisible)
    qtbot.waitUntil(lambda: not offer.isVisible())
    assert window.wall_undo.offered is None


def test_my_next_change_replaces_or_withdraws_the_offer(
    qtbot, window, service: BoardService, team: Team
) -> None:
    _wall(qtbot, window)
    _drop_in_review(qtbot, window, team, "Patch file servers")
    offer = window.wall_undo.offer_button
    qtbot.waitUntil(offer.isVisible)
    # A second drop: the offer is for it now.
    _drop_in_review(qtbot, window, team, "Renew TLS certificates", "alice")
    qtbot.waitUntil(lambda: "Renew TLS certificates" in offer.text())
    # Another kind of change (archiving a card): nothing to offer for it here.
    window.controller.archive(team.cards["Upgrade backup agent"])
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: not offer.isVisible())
    assert service.card(team.cards["Renew TLS certificates"]).column_id == team.review


def test_the_history_lists_my_changes_and_a_tap_undoes_back_to_one(
    qtbot, window, service: BoardService, team: Team
) -> None:
    _wall(qtbot, window)
    first, second = team.cards["Patch file servers"], team.cards["Renew TLS certificates"]
    service.move_card(first, column="In progress", person="Alice Smith")
    service.move_card(second, column="Review", person="Bob Jones")
    service.block(team.cards["Upgrade backup agent"], "waiting for the vendor")
    history = window.wall_undo.history_button
    assert history.isVisible() and history.height() >= touch_target_px(1080)
    _tap(history)
    panel = window.wall_undo.panel
    qtbot.waitUntil(panel.isVisible)
    texts = [row.text().splitlines()[0] for row in panel.rows]
    assert texts[:3] == [
        "marked 'Upgrade backup agent' not ready",
        "moved 'Renew TLS certificates' to Review, Bob Jones",
        "moved 'Patch file servers' to In progress, Alice Smith",
    ]
    assert "also undoes the newer change above" in panel.rows[1].text()
    assert all(row.height() >= touch_target_px(1080) for row in panel.rows)
    messages: list[str] = []
    window.controller.message.connect(messages.append)
    _tap(panel.rows[1])
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(second).column_id == team.pool)
    assert not service.card(team.cards["Upgrade backup agent"]).not_ready
    assert service.card(first).column_id == team.progress  # older: kept
    assert not panel.isVisible()
    qtbot.waitUntil(lambda: bool(messages))
    assert messages[-1] == (
        "Undone 2 changes, back to before: moved 'Renew TLS certificates' to Review, "
        "Bob Jones (just now)."
    )


def test_the_history_undoes_nothing_when_my_changes_moved_on(
    qtbot, window, service: BoardService, team: Team
) -> None:
    _wall(qtbot, window)
    card_id = team.cards["Patch file servers"]
    service.move_card(card_id, column="In progress", person="Alice Smith")
    window.wall_undo.open_history()
    panel = window.wall_undo.panel
    qtbot.waitUntil(panel.isVisible)
    # Meanwhile I change something from my laptop: the list is out of date.
    service.move_card(card_id, column="Review", person="Bob Jones")
    messages: list[str] = []
    window.controller.message.connect(messages.append)
    _tap(panel.rows[0])
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: bool(messages))
    assert messages[-1].startswith("Nothing was undone: your last change is not the one shown")
    assert service.card(card_id).column_id == team.review


def test_the_history_is_not_modal_and_closes_itself(
    qtbot, window, service: BoardService, team: Team, monkeypatch
) -> None:
    monkeypatch.setattr(wall_undo, "PANEL_IDLE_MS", 200)
    _wall(qtbot, window)
    # Someone who has changed nothing here yet (the team's cards are the fixture's).
    window.controller.set_actor("Carol")
    window.wall_undo.open_history()
    panel = window.wall_undo.panel
    qtbot.waitUntil(panel.isVisible)
    assert panel.empty.text() == "Nothing of yours to undo on this board."
    assert panel.rows == []
    # The board still takes a drag while the list is open.
    card_id = _drop_in_review(qtbot, window, team, "Patch file servers")
    assert service.card(card_id).column_id == team.review
    qtbot.waitUntil(lambda: not panel.isVisible())


def test_the_laptop_keeps_its_undo_and_shows_no_wall_buttons(
    qtbot, window, service: BoardService, team: Team
) -> None:
    card_id = _drop_in_review(qtbot, window, team, "Patch file servers")
    assert not window.wall_undo.offer_button.isVisible()
    assert not window.wall_undo.history_button.isVisible()
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.pool)
