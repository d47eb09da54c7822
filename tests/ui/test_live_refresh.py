"""A change made by another process shows in an open window by itself, within a second.

The window's poll timer is set to ten minutes, so what shows the change is the
live source alone: the database file's watcher on SQLite, LISTEN/NOTIFY on
PostgreSQL. The other process is the real command line (``kanban move``) or
a second BoardService in ``python -c``. ``waitUntil`` allows a few seconds
for a loaded machine; the speed itself is measured by ``bench/bench_live.py``.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team
from ui.live_fixtures import (  # noqa: F401 - fixtures, found by name
    NO_POLL_MS,
    ROOT,
    kanban_in_another_process,
    pg_window,
    shown_in,
)


def test_a_move_from_the_command_line_shows_in_the_open_window(
    qtbot, window: MainWindow, team: Team, db_url: str
) -> None:
    window.controller.set_poll_interval(NO_POLL_MS)
    card = team.cards["Patch file servers"]
    moved = kanban_in_another_process(
        "move", card, "In progress", "--person", "Bob Jones", db=db_url
    )
    assert moved.returncode == 0, moved.stderr
    qtbot.waitUntil(lambda: shown_in(window, card, team.progress, team.bob.id), timeout=5000)


def test_changes_from_a_second_service_in_another_process_keep_showing(
    qtbot, window: MainWindow, team: Team, db_url: str
) -> None:
    window.controller.set_poll_interval(NO_POLL_MS)
    card = team.cards["Rotate backups"]
    script = textwrap.dedent(
        f"""
        from kanban.services.board import BoardService
        board = BoardService.open({db_url!r}, "laptop")
        board.move_card({card!r}, column="Review")
        board.move_card({card!r}, column="Done")
        board.add_person("Carol White")
        board.close()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: shown_in(window, card, team.done, team.bob.id), timeout=5000)
    # A new person appends no event: the change marker still sees the lane.
    qtbot.waitUntil(
        lambda: "Carol White" in {p.name for p in window.controller.snapshot.people},
        timeout=5000,
    )


def test_a_move_from_the_command_line_shows_on_a_shared_postgresql_board(
    qtbot,
    pg_window: tuple[MainWindow, Team, str],  # noqa: F811
) -> None:
    window, team, url = pg_window
    card = team.cards["Renew TLS certificates"]
    moved = kanban_in_another_process(
        "move", card, "In progress", "--person", "Alice Smith", db=url
    )
    assert moved.returncode == 0, moved.stderr
    qtbot.waitUntil(lambda: shown_in(window, card, team.progress, team.alice.id), timeout=5000)
    assert window.live.server is not None
    assert window.live.server._thread is not None  # the listener runs off the GUI thread


def test_the_wall_clock_says_when_the_board_was_last_updated(
    qtbot, window: MainWindow, team: Team, db_url: str
) -> None:
    qtbot.waitUntil(lambda: window.refresh_label.text().startswith("Updated "))
    assert window.live.clock is not None
    assert not window.live.clock.warning
