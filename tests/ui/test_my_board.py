"""My board: the lanes shown are those of who I am, and follow a change of it."""

from __future__ import annotations


def test_changing_who_i_am_updates_my_board_at_once(qtbot, window, team) -> None:
    from kanban.ui.dialogs.settings import MeDialog

    window.my_board_button.setChecked(True)
    assert [lane.title for lane in window.controller.data.lanes] == ["Alice Smith"]
    window.open_settings("MeDialog")
    dialog = window._dialog
    assert isinstance(dialog, MeDialog)
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData("Bob Jones"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.me is not None and window.me.id == team.bob.id)
    qtbot.waitUntil(lambda: [lane.title for lane in window.controller.data.lanes] == ["Bob Jones"])
    assert team.cards["Rotate backups"] in window.scene.card_items
    assert team.cards["Fix DNS forwarders"] not in window.scene.card_items


def test_changing_who_i_am_records_my_next_move_as_me_and_undo_follows(
    qtbot, window, service, team, monkeypatch
) -> None:
    from kanban.domain.model import EventKind

    monkeypatch.delenv("KANBAN_ME")  # who I am comes from Settings → Who am I alone
    window.open_settings("MeDialog")
    dialog = window._dialog
    dialog.choose("Bob Jones")
    dialog.save_button.click()
    card_id = team.cards["Patch file servers"]
    window.controller.archive(card_id)
    qtbot.waitUntil(lambda: service.card(card_id).archived)
    archived = [e for e in service.history(card_id) if e.kind is EventKind.ARCHIVED]
    assert [e.actor for e in archived] == ["Bob Jones"]
    # Undo acts as Bob too: his archive is the change it takes back.
    qtbot.waitUntil(window.act_undo.isEnabled)
    window.controller.undo()
    qtbot.waitUntil(lambda: not service.card(card_id).archived)
    undo = [e for e in service.history(card_id) if e.kind is EventKind.UNDO]
    assert [e.actor for e in undo] == ["Bob Jones"]


def test_turning_on_my_board_scrolls_to_my_lane(qtbot, window, service, team) -> None:
    from ui.board_fixtures import wait_idle

    for n in range(60):
        service.add_card(f"Pool card {n}")
    window.controller.reload()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: len(window.scene.card_items) > 60)
    bar = window.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    view_top = bar.value()
    window.my_board_button.setChecked(True)
    header = window.controller.layout.lane_headers[("person", team.alice.id)]
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    assert visible.intersects(header), (view_top, header, visible)


def test_my_board_asks_who_i_am_when_nobody_matches(qtbot, service, team, monkeypatch) -> None:
    from kanban.settings import Config
    from kanban.ui.main_window import MainWindow

    monkeypatch.setenv("KANBAN_ME", "nobody-here")
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(var, "nobody-here")
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    assert win.me is None
    offered: list[list[str]] = []
    answers: list[str | None] = [None, "Bob Jones"]
    win.ask_who_am_i = lambda names: offered.append(names) or answers.pop(0)

    win.my_board_button.setChecked(True)  # cancelled: My board stays off
    assert offered == [["Alice Smith", "Bob Jones"]]
    assert not win.my_board_button.isChecked()

    win.my_board_button.setChecked(True)
    assert win.my_board_button.isChecked()
    assert Config.load().me == "Bob Jones"
    assert [lane.title for lane in win.controller.data.lanes] == ["Bob Jones"]
    win.close()
