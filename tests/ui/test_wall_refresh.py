"""The wall follows changes it did not make, and never keeps showing a failed write."""

from __future__ import annotations

from kanban.domain.model import Rule, RuleMode
from kanban.errors import StorageError
from kanban.services.board import BoardService
from kanban.ui.layout import CELL
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team, build_team, card_of, wait_idle


def test_wall_picks_up_people_columns_and_rules_changed_elsewhere(
    qtbot, window, db_url: str, team: Team
) -> None:
    window.set_wall(True, full_screen=False)
    window.controller.set_poll_interval(50)
    wait_idle(qtbot, window)
    other = BoardService.open(db_url, "someone-else")  # the CLI on a laptop: its own engine
    try:
        carol = other.add_person("Carol White")
        other.update_column("In progress", wip_max=1)
        other.set_rule(Rule.MOVE_RIGHT_ONLY, RuleMode.ENFORCE)
    finally:
        other.close()

    def caught_up() -> bool:
        snap = window.controller.snapshot
        return (
            snap is not None
            and any(p.id == carol.id for p in snap.people)
            and snap.column(team.progress).wip_max == 1
            and snap.rules.mode(Rule.MOVE_RIGHT_ONLY) is RuleMode.ENFORCE
        )

    qtbot.waitUntil(caught_up, timeout=10_000)
    assert ("person", carol.id) in window.controller.layout.lane_headers


class FlakyBoard(BoardService):
    """A real board whose database can be made unreachable, as a lost network share is."""

    down = False

    def _check(self) -> None:
        if self.down:
            raise StorageError(f"Cannot reach the board database {self.url}: check the share.")

    def snapshot(self):  # type: ignore[no-untyped-def]
        self._check()
        return super().snapshot()

    def move_card(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._check()
        return super().move_card(*args, **kwargs)


def test_a_drop_that_failed_while_the_database_was_away_is_undone_on_screen(
    qtbot, db_url: str
) -> None:
    service = FlakyBoard.open(db_url, "tester")
    team = build_team(service)
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    win.controller.set_poll_interval(50)
    card_id = team.cards["Patch file servers"]
    lane = ("person", team.bob.id)
    zone = next(
        z
        for z in win.controller.layout.zones
        if z.kind == CELL and z.column_id == team.review and z.lane == lane
    )
    service.down = True
    win.controller.drop(card_id, zone, None)
    assert card_of(win, card_id).column_id == team.review  # shown at once
    # The write fails, and so does the reload that should put the card back.
    qtbot.waitUntil(lambda: "Cannot reach" in win.wall_message.text())
    wait_idle(qtbot, win)
    service.down = False
    # The share is back: the next check must notice the screen is not what is stored.
    qtbot.waitUntil(lambda: card_of(win, card_id).column_id == team.pool, timeout=10_000)
    assert service.card(card_id).column_id == team.pool
    win.close()
    service.close()
