"""A window whose database goes away says so, saves nothing, loses nothing, and comes back.

The database goes away for real: a SQLite board's folder is moved away (what
an unmounted network drive looks like), a PostgreSQL server's connections are
terminated (what a restart does), or the cable to the server is pulled (a
loopback relay in front of the server, ``Cable``, stops answering). The shared
server itself is never stopped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from kanban_test_databases import terminate_backends
from PySide6.QtCore import QPointF

from kanban.services.board import BoardService
from kanban.ui.dialogs.card_editor import CardEditorDialog
from kanban.ui.layout import CELL
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team, build_team, drag, wait_idle
from ui.live_fixtures import (  # noqa: F401 - fixtures, found by name
    NO_POLL_MS,
    Cable,
    cable,
    kanban_in_another_process,
    open_window,
    pg_window,
    shown_in,
)

# Reconnecting backs off 1, 2, 4... s: a few checks must fit in the wait.
BACK_WITHIN_MS = 20_000


def banner_shown(win: MainWindow) -> bool:
    return win.live.banner is not None and win.live.banner.isVisible()


def messages_of(win: MainWindow) -> list[str]:
    said: list[str] = []
    win.controller.message.connect(said.append)
    return said


def zone_of(win: MainWindow, column_id: int, person_id: int) -> object:
    layout = win.controller.layout
    assert layout is not None
    return next(
        z
        for z in layout.zones
        if z.kind == CELL and z.column_id == column_id and z.lane == ("person", person_id)
    )


@pytest.fixture
def share(tmp_path: Path) -> Path:
    """The folder of the board, as on a wall PC's network drive."""
    folder = tmp_path / "share"
    folder.mkdir()
    return folder


@pytest.fixture
def share_window(qtbot, share: Path) -> Iterator[tuple[MainWindow, Team, Path]]:
    service = BoardService.open(f"sqlite:///{share / 'board.db'}", "tester")
    team = build_team(service)
    win = open_window(qtbot, service)
    yield win, team, share
    win.close()
    service.close()


def test_a_board_whose_drive_goes_away_shows_offline_and_comes_back_with_changes_made_meanwhile(
    qtbot, share_window: tuple[MainWindow, Team, Path]
) -> None:
    window, team, share = share_window
    window.controller.set_poll_interval(300)
    away = share.with_name("share-unmounted")
    os.rename(share, away)
    qtbot.waitUntil(lambda: banner_shown(window), timeout=BACK_WITHIN_MS)
    assert "cannot be reached" in window.live.banner.text()
    # The clock stops saying "Updated" once two poll intervals went by without one.
    qtbot.waitUntil(lambda: window.wall_refresh.text().startswith("Not updated since"))
    assert window.live.clock is not None and window.live.clock.warning

    # A laptop changes the board on the file server meanwhile.
    card = team.cards["Patch file servers"]
    moved = kanban_in_another_process(
        "move", card, "Review", "--person", "Bob Jones", db=str(away / "board.db")
    )
    assert moved.returncode == 0, moved.stderr
    assert not (share / "board.db").exists()  # nothing made an empty board at the old path

    os.rename(away, share)
    qtbot.waitUntil(lambda: not banner_shown(window), timeout=BACK_WITHIN_MS)
    qtbot.waitUntil(
        lambda: shown_in(window, card, team.review, team.bob.id), timeout=BACK_WITHIN_MS
    )
    qtbot.waitUntil(lambda: window.wall_refresh.text().startswith("Updated "))


def test_a_drop_while_offline_is_refused_and_the_card_stays_where_it_is_stored(
    qtbot, share_window: tuple[MainWindow, Team, Path]
) -> None:
    window, team, share = share_window
    said = messages_of(window)
    os.rename(share, share.with_name("share-unmounted"))
    qtbot.waitUntil(lambda: banner_shown(window), timeout=BACK_WITHIN_MS)
    card = team.cards["Upgrade backup agent"]
    target = window.controller.layout.cells[(team.progress, ("person", team.alice.id))]
    drag(qtbot, window, card, QPointF(target.center()))
    wait_idle(qtbot, window)
    assert not shown_in(window, card, team.progress, team.alice.id)
    assert window.controller.card(card).column_id == team.pool
    assert any("was not moved" in s and "nothing was saved" in s for s in said)


def test_a_drop_on_its_way_when_the_file_goes_is_put_back_and_reported_not_saved(
    qtbot, share_window: tuple[MainWindow, Team, Path]
) -> None:
    window, team, share = share_window
    assert window.live.files is not None
    # A file system that tells nothing (NFS does not report other machines' writes):
    # the window learns that the file is gone only from the failed write.
    watcher = window.live.files.watcher
    watcher.removePaths(watcher.files() + watcher.directories())
    window.live.files.rewatch = lambda: None  # type: ignore[method-assign]
    said = messages_of(window)
    card = team.cards["Rotate backups"]
    os.rename(share, share.with_name("share-unmounted"))
    window.controller.drop(card, zone_of(window, team.review, team.alice.id), None)
    assert shown_in(window, card, team.review, team.alice.id)  # shown at once, as always
    wait_idle(qtbot, window)
    assert shown_in(window, card, team.progress, team.bob.id)  # back where it is stored
    assert any(s.startswith("Not saved: 'Rotate backups' could not be moved") for s in said)
    qtbot.waitUntil(lambda: banner_shown(window), timeout=BACK_WITHIN_MS)
    os.rename(share.with_name("share-unmounted"), share)
    qtbot.waitUntil(lambda: not banner_shown(window), timeout=BACK_WITHIN_MS)
    stored = window.service.card(card)
    assert (stored.column_id, stored.person_id) == (team.progress, team.bob.id)


def test_a_server_restart_shows_offline_then_reconnects_and_reloads_by_itself(
    qtbot,
    pg_window: tuple[MainWindow, Team, str],  # noqa: F811
) -> None:
    window, team, url = pg_window
    qtbot.wait(300)  # the listener is connected
    assert terminate_backends(url) >= 1
    qtbot.waitUntil(lambda: banner_shown(window), timeout=BACK_WITHIN_MS)
    card = team.cards["Renew TLS certificates"]
    moved = kanban_in_another_process("move", card, "In progress", "--person", "Bob Jones", db=url)
    assert moved.returncode == 0, moved.stderr
    qtbot.waitUntil(lambda: not banner_shown(window), timeout=BACK_WITHIN_MS)
    qtbot.waitUntil(
        lambda: shown_in(window, card, team.progress, team.bob.id), timeout=BACK_WITHIN_MS
    )
    # And it is live again: the next change from elsewhere shows without a poll.
    moved = kanban_in_another_process("move", card, "Review", "--person", "Bob Jones", db=url)
    assert moved.returncode == 0, moved.stderr
    qtbot.waitUntil(
        lambda: shown_in(window, card, team.review, team.bob.id), timeout=BACK_WITHIN_MS
    )


@pytest.fixture
def cabled_window(
    qtbot,
    pg_url: str,
    cable: Cable,  # noqa: F811
) -> Iterator[tuple[MainWindow, Team, Cable]]:
    service = BoardService.open(cable.url(pg_url), "tester")
    team = build_team(service)
    win = open_window(qtbot, service)
    win.controller.set_poll_interval(NO_POLL_MS)
    qtbot.waitUntil(lambda: win.live.server is not None and win.live.server._thread is not None)
    yield win, team, cable
    win.close()
    service.close()


def test_with_the_server_unreachable_edits_are_refused_and_kept_until_it_is_back(
    qtbot, cabled_window: tuple[MainWindow, Team, Cable]
) -> None:
    window, team, relay = cabled_window
    card = team.cards["Fix DNS forwarders"]
    editor = CardEditorDialog(window.service, card)
    qtbot.addWidget(editor)
    qtbot.waitUntil(lambda: editor.loaded)
    said = messages_of(window)

    relay.unplug()
    qtbot.waitUntil(lambda: banner_shown(window), timeout=BACK_WITHIN_MS)
    # A drop: refused at once, the card where it is stored.
    target = window.controller.layout.cells[(team.review, ("person", team.alice.id))]
    drag(qtbot, window, card, QPointF(target.center()))
    wait_idle(qtbot, window)
    assert shown_in(window, card, team.progress, team.alice.id)
    assert any("was not moved" in s for s in said)
    # The editor's save: refused with the reason, the dialog open with what was typed.
    editor.title_edit.setText("Fix the DNS forwarders on both sites")
    saved: list[bool] = []
    editor.write_finished.connect(saved.append)
    assert editor.save()
    qtbot.waitUntil(lambda: bool(saved), timeout=BACK_WITHIN_MS)
    assert saved == [False]
    assert "Cannot reach the database server" in editor.banner.text()
    assert "nothing was changed" in editor.banner.text()
    assert editor.title_edit.text() == "Fix the DNS forwarders on both sites"

    relay.plug()
    qtbot.waitUntil(lambda: not banner_shown(window), timeout=BACK_WITHIN_MS)
    assert editor.save()  # the same edit, once more: now it is stored
    qtbot.waitUntil(lambda: len(saved) == 2, timeout=BACK_WITHIN_MS)
    assert saved[-1] is True
    assert window.service.card(card).title == "Fix the DNS forwarders on both sites"
    # Live again: the window hears of the editor's save through the server.
    qtbot.waitUntil(
        lambda: window.controller.card(card).title == "Fix the DNS forwarders on both sites",
        timeout=5000,
    )
    drag(qtbot, window, card, QPointF(target.center()))
    wait_idle(qtbot, window)
    stored = window.service.card(card)
    assert (stored.column_id, stored.person_id) == (team.review, team.alice.id)


def test_the_wall_clock_warns_while_the_last_jira_sync_failed(
    qtbot, share_window: tuple[MainWindow, Team, Path]
) -> None:
    window, _team, _share = share_window
    qtbot.waitUntil(lambda: window.wall_refresh.text().startswith("Updated "))
    window.sync.offline_changed.emit(True)  # what the sync watcher says when a sync fails
    assert "last JIRA sync failed" in window.wall_refresh.text()
    assert window.live.clock is not None and window.live.clock.warning
    assert "ffb300" in window.wall_refresh.styleSheet()
    window.sync.offline_changed.emit(False)
    assert not window.live.clock.warning
    assert window.wall_refresh.styleSheet() == ""


def test_a_night_offline_checks_at_a_capped_pace_with_one_timer_and_no_dialog(qtbot) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kanban.store.availability import FileGone
    from kanban.ui.offline_banner import ConnectionHealth

    calls: list[int] = []

    def still_gone() -> None:
        calls.append(1)
        raise FileGone("unable to open database file: /mnt/wall/board.db is no longer at its path")

    # The real backoff, scaled down a thousandfold: 1 ms doubling up to 30 ms.
    health = ConnectionHealth(still_gone, first_retry_s=0.001, max_retry_s=0.03)
    changes: list[bool] = []
    health.offline_changed.connect(changes.append)
    health.lost("server closed the connection unexpectedly")
    qtbot.waitUntil(lambda: len(calls) >= 60, timeout=20_000)
    assert health.offline and changes == [True]  # said once, not once per check
    assert health.retry_s == 0.03  # capped
    assert len(health.findChildren(QTimer)) == 1  # the one retry timer, reused
    assert QApplication.activeModalWidget() is None
    assert "is its drive or share mounted?" in health.reason
    health.shutdown()
