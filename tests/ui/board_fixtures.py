"""Helpers for the board window tests: a small team board and a shown window.

Imported by the board tests (not a conftest, so the dialog tests in this
folder keep their own set-up).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPointingDevice
from PySide6.QtTest import QTest

from kanban.domain.model import Card, Person
from kanban.services.board import BoardService
from kanban.ui.main_window import MainWindow


@dataclass
class Team:
    """The board a test starts from (ids to find things again)."""

    alice: Person
    bob: Person
    pool: int
    progress: int
    review: int
    done: int
    cards: dict[str, str]  # title → card id


def build_team(service: BoardService) -> Team:
    """Two people, a pool of four cards (one not ready), work in progress for both."""
    alice = service.add_person("Alice Smith", jira_user="asmith", email="alice@example.org")
    bob = service.add_person("Bob Jones", wip_limit=3)
    cols = {c.name: c.id for c in service.columns()}
    cards: dict[str, str] = {}
    for title in ("Patch file servers", "Renew TLS certificates", "Upgrade backup agent"):
        cards[title] = service.add_card(title, labels=["ops"], project="INFRA").card.id
    cards["Rack new storage"] = service.add_card(
        "Rack new storage", not_ready_reason="waiting for rails", project="STOR"
    ).card.id
    cards["Fix DNS forwarders"] = service.add_card(
        "Fix DNS forwarders", column="In progress", person="Alice Smith", jira_key="OPS-7"
    ).card.id
    cards["Rotate backups"] = service.add_card(
        "Rotate backups", column="In progress", person="Bob Jones", labels=["backup"]
    ).card.id
    cards["Review firewall rules"] = service.add_card(
        "Review firewall rules", column="Review", person="Bob Jones"
    ).card.id
    return Team(
        alice=alice,
        bob=bob,
        pool=cols["Task pool"],
        progress=cols["In progress"],
        review=cols["Review"],
        done=cols["Done"],
        cards=cards,
    )


@pytest.fixture
def team(service: BoardService) -> Team:
    return build_team(service)


@pytest.fixture
def window(qtbot, service: BoardService, team: Team) -> Iterator[MainWindow]:
    win = MainWindow(service, me="Alice Smith")
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: win.controller.snapshot is not None)
    yield win
    win.close()


def wait_idle(qtbot, win: MainWindow) -> None:
    """Until every write and read the window started has finished and been applied."""
    ctrl = win.controller
    qtbot.waitUntil(lambda: ctrl.writer.pending == 0 and ctrl.reader.pending == 0)


def card_of(win: MainWindow, card_id: str) -> Card:
    card = win.controller.card(card_id)
    assert card is not None
    return card


def viewport_point(win: MainWindow, scene_point: QPointF) -> QPoint:
    return win.view.mapFromScene(scene_point)


def drag(qtbot, win: MainWindow, card_id: str, target: QPointF) -> None:
    """Drag a card with real mouse events through the event loop."""
    layout = win.controller.layout
    assert layout is not None
    start = viewport_point(win, layout.cards[card_id].center())
    end = viewport_point(win, target)
    vp = win.view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 6):
        point = start + (end - start) * (i / 5)
        QTest.mouseMove(vp, point)
        qtbot.wait(5)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def pinch(win: MainWindow, start: tuple[QPoint, QPoint], end: tuple[QPoint, QPoint]) -> None:
    """Two fingers on the board's viewport, moved from ``start`` to ``end`` and lifted."""
    vp = win.view.viewport()
    device = QTest.createTouchDevice(QPointingDevice.DeviceType.TouchScreen)
    QTest.touchEvent(vp, device).press(0, start[0], vp).press(1, start[1], vp).commit()
    QTest.touchEvent(vp, device).move(0, end[0], vp).move(1, end[1], vp).commit()
    QTest.touchEvent(vp, device).release(0, end[0], vp).release(1, end[1], vp).commit()
