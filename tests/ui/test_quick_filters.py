"""Quick filters: blocked, mine, due soon and aging leave the right cards on the board."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kanban.domain.quick_filters import QuickFilters
from kanban.ui.board_data import Filters, build_board_data


def _shown(window) -> set[str]:
    return set(window.controller.layout.cards)


def _titles(service, ids: set[str]) -> set[str]:
    return {service.card(i).title for i in ids}


def test_blocked_shows_only_cards_marked_not_ready(qtbot, window, service, team) -> None:
    service.block(team.cards["Rotate backups"], "tape library offline")
    window.controller.reload()
    qtbot.waitUntil(lambda: window.controller.card(team.cards["Rotate backups"]).not_ready)
    window.quick_bar.blocked.click()
    assert _titles(service, _shown(window)) == {"Rack new storage", "Rotate backups"}
    window.quick_bar.blocked.click()
    assert len(_shown(window)) == 7


def test_mine_shows_my_lane_and_my_pool_cards(qtbot, window, service, team) -> None:
    service.assign(team.cards["Upgrade backup agent"], "Alice Smith")  # her pool card
    window.controller.reload()
    qtbot.waitUntil(
        lambda: window.controller.card(team.cards["Upgrade backup agent"]).owner_id is not None
    )
    window.quick_bar.mine.click()  # the window knows who "me" is: Alice
    assert _titles(service, _shown(window)) == {"Fix DNS forwarders", "Upgrade backup agent"}


def test_mine_without_knowing_who_i_am_asks_and_stays_off_when_cancelled(
    qtbot, service, team
) -> None:
    from kanban.ui.main_window import MainWindow

    win = MainWindow(service, me="nobody-here")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    asked: list[list[str]] = []
    win.ask_who_am_i = lambda names: asked.append(names) or None  # type: ignore[method-assign]
    win.quick_bar.mine.click()
    assert asked == [["Alice Smith", "Bob Jones"]]
    assert not win.quick_bar.mine.isChecked()
    assert len(win.controller.layout.cards) == 7
    win.close()


def test_due_soon_keeps_cards_due_within_three_days_or_overdue(qtbot, window, service, team):
    today = date.today()
    service.edit_card(team.cards["Patch file servers"], due_date=today + timedelta(days=2))
    service.edit_card(team.cards["Rotate backups"], due_date=today - timedelta(days=5))
    service.edit_card(team.cards["Renew TLS certificates"], due_date=today + timedelta(days=10))
    window.controller.reload()
    qtbot.waitUntil(
        lambda: window.controller.card(team.cards["Rotate backups"]).due_date is not None
    )
    window.quick_bar.due_soon.click()
    assert _titles(service, _shown(window)) == {"Patch file servers", "Rotate backups"}


def test_quick_filters_combine_with_each_other_and_the_other_filters(
    qtbot, window, service, team
) -> None:
    today = date.today()
    service.edit_card(team.cards["Fix DNS forwarders"], due_date=today)
    service.edit_card(team.cards["Rotate backups"], due_date=today)
    window.controller.reload()
    qtbot.waitUntil(
        lambda: window.controller.card(team.cards["Rotate backups"]).due_date is not None
    )
    window.quick_bar.due_soon.click()
    assert len(_shown(window)) == 2
    window.quick_bar.mine.click()  # due soon and mine
    assert _titles(service, _shown(window)) == {"Fix DNS forwarders"}
    window.quick_bar.mine.click()
    window.search.setText("backups")  # due soon and the search
    assert _titles(service, _shown(window)) == {"Rotate backups"}


def test_aging_keeps_cards_in_progress_longer_than_the_sle(service, team) -> None:
    """Pure: the board data with an SLE of 3 days keeps the card started 10 days ago."""
    import dataclasses

    now = datetime.now().astimezone()
    snap = service.snapshot()
    old, young = team.cards["Fix DNS forwarders"], team.cards["Rotate backups"]
    cards = tuple(
        dataclasses.replace(c, started_at=now - timedelta(days=10))
        if c.id == old
        else dataclasses.replace(c, started_at=now - timedelta(days=1))
        if c.id == young
        else c
        for c in snap.cards
    )
    snap = dataclasses.replace(snap, cards=cards)
    data = build_board_data(snap, Filters(quick=QuickFilters(aging=True), sle_days=3.0))
    assert {c.id for c in data.visible_cards()} == {old}
    # No SLE yet: no card counts as aging.
    data = build_board_data(snap, Filters(quick=QuickFilters(aging=True), sle_days=None))
    assert list(data.visible_cards()) == []


def test_aging_without_finished_cards_says_why_and_stays_off(qtbot, window) -> None:
    assert window.controller.sle_days is None  # nothing finished on this board
    window.quick_bar.aging.click()
    assert not window.quick_bar.aging.isChecked()
    assert "SLE" in window.statusBar().currentMessage()
    assert len(_shown(window)) == 7


def test_aging_in_the_window_uses_the_boards_sle(qtbot, window, service, team) -> None:
    # Two cards finished in 2 days each: the SLE is 2 days.
    for title in ("Patch file servers", "Renew TLS certificates"):
        cid = team.cards[title]
        service.move_card(cid, column="In progress", person="Bob Jones", override_reason="ok")
        service.move_card(cid, column="Done", override_reason="ok")
    from kanban.store import repo

    started = datetime.now().astimezone() - timedelta(days=2)
    with service.writing() as uow:
        for title in ("Patch file servers", "Renew TLS certificates"):
            card = repo.get_card(uow.conn, card_id=team.cards[title])
            uow.write_card(card, {"started_at": started})
        old = repo.get_card(uow.conn, card_id=team.cards["Fix DNS forwarders"])
        uow.write_card(old, {"started_at": started - timedelta(days=8)})
    window.controller.reload()
    qtbot.waitUntil(lambda: window.controller.sle_days is not None)
    window.quick_bar.aging.click()
    assert window.quick_bar.aging.isChecked()
    assert _titles(service, _shown(window)) == {"Fix DNS forwarders"}
