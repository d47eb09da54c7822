"""The board keeps itself true: commit badges from a background scan, and the Reports view."""

from __future__ import annotations

from pathlib import Path

from links.helpers import GitRepo
from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.settings import Config
from kanban.ui.integrations import BadgeBoard, CardBadges
from kanban.ui.main_window import MainWindow


def test_badges_from_sources_are_merged_per_card_jira_state_first() -> None:
    seen: list[tuple[dict[str, list[str]], dict[str, list[str]]]] = []
    board = BadgeBoard(lambda texts, notes: seen.append((texts, notes)))
    board.update("links", CardBadges({"a": ["PR open 1/2"]}, {"a": ["1 of 2 approved"]}))
    queued = CardBadges({"a": ["⟳ queued"], "b": ["⚠ conflict"]}, {"b": ["Conflict on title: …"]})
    board.update("sync", queued)
    board.update("sync", queued)  # unchanged: no repaint
    assert seen[-1] == (
        {"a": ["⟳ queued", "PR open 1/2"], "b": ["⚠ conflict"]},
        {"a": ["1 of 2 approved"], "b": ["Conflict on title: …"]},
    )
    assert len(seen) == 2


def test_board_shows_commit_badges_found_by_its_background_scan(
    qtbot: QtBot, service: BoardService, tmp_path: Path
) -> None:
    card = service.add_card("Rotate backup keys", jira_key="OPS-9").card
    repo = GitRepo(tmp_path / "configs")
    repo.commit("[OPS-9] rotate keys on backup01")
    repo.commit("OPS-9: and on backup02")
    config = Config.load()
    config.extra["links"] = {"repos": [{"path": str(repo.path)}], "keys": ["OPS"]}
    config.save()

    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    try:
        qtbot.waitUntil(
            lambda: "2 commits" in win.controller.badges.get(card.id, []), timeout=15_000
        )
        qtbot.waitUntil(lambda: card.id in win.scene.card_items)
        assert "2 commits naming OPS-9" in win.scene.card_items[card.id].toolTip()
    finally:
        win.close()


def test_reports_view_opens_from_the_board(qtbot: QtBot, window: MainWindow) -> None:
    window.act_reports.trigger()
    view = window._reports
    qtbot.waitUntil(lambda: view.isVisible())
    assert view.windowTitle() == "Reports"
    view.close()
