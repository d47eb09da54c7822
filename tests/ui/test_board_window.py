"""The board window with a real database: drag and drop, rules, undo, keys, wall refresh."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from kanban.domain.model import EventKind, Rule, RuleMode
from kanban.services.board import BoardService
from kanban.ui.layout import CELL, NOT_READY, POOL
from ui.board_fixtures import Team, card_of, drag, wait_idle


def lane(team: Team, who: str) -> tuple[str, object]:
    return ("person", getattr(team, who).id)


def test_mouse_drag_from_pool_to_a_lane_is_persisted(qtbot, window, service, team) -> None:
    card_id = team.cards["Patch file servers"]
    target = window.controller.layout.cells[(team.progress, lane(team, "alice"))]
    drag(qtbot, window, card_id, target.center())
    wait_idle(qtbot, window)
    stored = service.card(card_id)
    assert (stored.column_id, stored.person_id) == (team.progress, team.alice.id)
    # The scene shows it in its new cell.
    item = window.scene.card_items[card_id]
    assert target.contains(item.sceneBoundingRect().center())


def test_drop_before_a_card_reorders_the_cell(qtbot, window, service, team) -> None:
    first, second = team.cards["Patch file servers"], team.cards["Upgrade backup agent"]
    rect = window.controller.layout.cards[first]
    drag(qtbot, window, second, rect.topLeft() + (rect.bottomLeft() - rect.topLeft()) * 0.5)
    wait_idle(qtbot, window)
    assert service.card(second).position == 0
    assert service.card(first).position == 1


def test_model_level_drops_between_lanes_columns_and_not_ready(qtbot, window, service, team):
    ctrl = window.controller
    zones = {(z.kind, z.column_id, z.lane): z for z in ctrl.layout.zones}
    card_id = team.cards["Rotate backups"]

    ctrl.drop(card_id, zones[(CELL, team.review, lane(team, "alice"))], None)
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert (card.column_id, card.person_id) == (team.review, team.alice.id)

    # Into Not ready: the card goes back to the pool, blocked with the reason asked for.
    ctrl.ask_override = lambda card, violations: "sent back by review"
    ctrl.ask_block_reason = lambda card: "waiting for tape library"
    ctrl.drop(card_id, zones[(NOT_READY, team.pool, None)], None)
    wait_idle(qtbot, window)
    card = service.card(card_id)
    assert card.column_id == team.pool and card.not_ready
    assert card.not_ready_reason == "waiting for tape library"
    assert card_id in [c.id for c in ctrl.data.not_ready_cards]

    # One undo takes the whole drop back: in review again, and ready.
    ctrl.undo()
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.review)
    assert not service.card(card_id).not_ready
    ctrl.redo()
    qtbot.waitUntil(lambda: service.card(card_id).not_ready)
    wait_idle(qtbot, window)
    ctrl.reload()
    wait_idle(qtbot, window)

    # Out of Not ready into the pool: ready again.
    ctrl.drop(card_id, zones[(POOL, team.pool, None)], None)
    wait_idle(qtbot, window)
    assert not service.card(card_id).not_ready


def test_enforced_rule_refuses_with_a_message_beside_the_card(qtbot, window, service, team):
    service.update_person(team.alice.id, wip_limit=1)
    service.set_rule(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    window.controller.reload()
    wait_idle(qtbot, window)
    card_id = team.cards["Renew TLS certificates"]
    zone = next(
        z
        for z in window.controller.layout.zones
        if z.lane == lane(team, "alice") and z.column_id == team.progress
    )
    window.controller.drop(card_id, zone, None)
    wait_idle(qtbot, window)
    assert service.card(card_id).column_id == team.pool
    bubbles = window.scene.bubbles
    assert bubbles and "limit of 1" in bubbles[-1].text
    card_rect = window.controller.layout.cards[card_id]
    assert abs(bubbles[-1].rect.top() - card_rect.top()) < 1  # beside the card


def test_warned_rule_asks_for_a_reason_kept_in_history(qtbot, window, service, team) -> None:
    service.update_person(team.alice.id, wip_limit=1)
    window.controller.reload()
    wait_idle(qtbot, window)
    asked: list[str] = []

    def ask(card, violations):
        asked.extend(v.message for v in violations)
        return "production outage, agreed with the lead"

    window.controller.ask_override = ask
    card_id = team.cards["Renew TLS certificates"]
    target = window.controller.layout.cells[(team.progress, lane(team, "alice"))]
    drag(qtbot, window, card_id, target.center())
    wait_idle(qtbot, window)
    assert asked and "limit of 1" in asked[0]
    assert service.card(card_id).person_id == team.alice.id
    moved = [e for e in service.history(card_id) if e.kind is EventKind.MOVED]
    assert moved[-1].reason == "production outage, agreed with the lead"
    assert "wip_limits" in moved[-1].rules


def test_cancelled_override_leaves_the_card(qtbot, window, service, team) -> None:
    service.update_person(team.alice.id, wip_limit=1)
    window.controller.reload()
    wait_idle(qtbot, window)
    window.controller.ask_override = lambda card, violations: None
    card_id = team.cards["Renew TLS certificates"]
    target = window.controller.layout.cells[(team.progress, lane(team, "alice"))]
    drag(qtbot, window, card_id, target.center())
    wait_idle(qtbot, window)
    assert service.card(card_id).column_id == team.pool


def test_undo_and_redo_with_the_keyboard(qtbot, window, service, team) -> None:
    card_id = team.cards["Patch file servers"]
    target = window.controller.layout.cells[(team.review, lane(team, "bob"))]
    drag(qtbot, window, card_id, target.center())
    wait_idle(qtbot, window)
    assert service.card(card_id).column_id == team.review
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(window.act_undo.isEnabled)
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.pool)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: card_of(window, card_id).column_id == team.pool)
    QTest.keyClick(
        window.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.review)


def test_delete_archives_and_undo_restores(qtbot, window, service, team) -> None:
    card_id = team.cards["Upgrade backup agent"]
    window.view.setFocus()
    window.view.select(card_id)
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: service.card(card_id).archived)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: card_id not in window.scene.card_items)
    window.controller.undo()
    qtbot.waitUntil(lambda: not service.card(card_id).archived)


def test_arrow_keys_move_between_cards_and_enter_opens(qtbot, window, team) -> None:
    view = window.view
    view.setFocus()
    start = team.cards["Fix DNS forwarders"]  # Alice, In progress
    view.select(start)
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.current == team.cards["Rotate backups"]  # Bob's lane below
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.current == team.cards["Review firewall rules"]
    QTest.keyClick(view, Qt.Key.Key_Left)
    QTest.keyClick(view, Qt.Key.Key_Left)
    current = card_of(window, view.current)
    assert current.column_id == team.pool  # into the pool on the left
    with qtbot.waitSignal(view.card_activated) as opened:
        QTest.keyClick(view, Qt.Key.Key_Return)
    assert opened.args == [view.current]
    dialog = getattr(window, "_dialog", None)
    if dialog is not None:
        dialog.close()


def test_my_board_shows_only_my_lane_and_the_pool(qtbot, window, team) -> None:
    assert window.me is not None and window.me.id == team.alice.id
    window.my_board_button.setChecked(True)
    data = window.controller.data
    assert [lane.title for lane in data.lanes] == ["Alice Smith"]
    shown = set(window.scene.card_items)
    assert team.cards["Fix DNS forwarders"] in shown
    assert team.cards["Patch file servers"] in shown
    assert team.cards["Rack new storage"] in shown
    assert team.cards["Rotate backups"] not in shown
    window.my_board_button.setChecked(False)
    assert team.cards["Rotate backups"] in window.scene.card_items


def test_search_filters_the_cards(qtbot, window, team) -> None:
    qtbot.keyClicks(window.search, "tls")
    assert set(window.scene.card_items) == {team.cards["Renew TLS certificates"]}


def test_collapsing_a_lane_hides_its_cards(qtbot, window, team) -> None:
    header = window.controller.layout.lane_headers[lane(team, "bob")]
    QTest.mouseClick(
        window.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        window.view.mapFromScene(header.center()),
    )
    assert team.cards["Rotate backups"] not in window.scene.card_items
    assert team.cards["Fix DNS forwarders"] in window.scene.card_items


def test_wall_refreshes_with_a_change_from_another_process(qtbot, window, db_url, team) -> None:
    window.set_wall(True, full_screen=False)
    window.controller.set_poll_interval(100)
    card_id = team.cards["Upgrade backup agent"]
    script = textwrap.dedent(
        f"""
        from kanban.services.board import BoardService
        svc = BoardService.open({db_url!r}, "someone-else")
        svc.move_card({card_id!r}, column="Review", person="Bob Jones")
        svc.close()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    qtbot.waitUntil(lambda: card_of(window, card_id).column_id == team.review, timeout=10_000)
    cell = window.controller.layout.cells[(team.review, lane(team, "bob"))]
    qtbot.waitUntil(lambda: card_id in window.scene.card_items)
    assert cell.contains(window.scene.card_items[card_id].sceneBoundingRect().center())
    assert window.wall_refresh.text().startswith("Updated ")


def test_wall_shows_undo_button_after_a_drag(qtbot, window, service, team) -> None:
    window.set_wall(True, full_screen=False)
    card_id = team.cards["Patch file servers"]
    target = window.controller.layout.cells[(team.review, lane(team, "bob"))]
    drag(qtbot, window, card_id, target.center())
    qtbot.waitUntil(window.undo_button.isVisible)
    qtbot.mouseClick(window.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.pool)


def test_since_standup_highlights_moved_cards(qtbot, window, service: BoardService, team):
    card_id = team.cards["Patch file servers"]
    service.move_card(card_id, column="In progress", person="Bob Jones")
    window.controller.reload()
    window.wall_standup.setChecked(True)
    qtbot.waitUntil(lambda: card_id in window.controller.highlighted)
    wait_idle(qtbot, window)
    assert window.scene.card_items[card_id].highlighted
    assert not window.scene.card_items[team.cards["Rotate backups"]].highlighted


def test_a_card_in_progress_past_the_sle_is_marked(qtbot, window, service: BoardService, team):
    from datetime import timedelta

    from kanban.services.reporting import local_now

    start = local_now() - timedelta(days=12)
    # Three cards that each took two days: the board's SLE is two days.
    for title in ("Patch file servers", "Renew TLS certificates", "Upgrade backup agent"):
        card_id = team.cards[title]
        service.move_card(card_id, column="In progress", person="Bob Jones", at=start)
        service.move_card(card_id, column="Done", at=start + timedelta(days=2))
    late = service.add_card("Migrate the old NAS").card.id
    service.move_card(late, column="In progress", person="Alice Smith", at=start)
    window.controller.reload()
    qtbot.waitUntil(lambda: late in window.scene.card_items)
    wait_idle(qtbot, window)
    assert window.controller.sle_days is not None
    assert abs(window.controller.sle_days - 2) < 0.01
    items = window.scene.card_items
    assert items[late].past_sle
    assert "Past the board" in items[late].toolTip()
    # Started just now, and a finished card: no mark.
    assert not items[team.cards["Rotate backups"]].past_sle
    done = team.cards["Patch file servers"]
    assert done not in items or not items[done].past_sle
