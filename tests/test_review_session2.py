"""Review of the session's board, wall, report and sync changes: failing tests.

Each test showed a bug a user would meet, on a real SQLite board through the
real services; all pass since the fixes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ui import board_fixtures
from ui.board_fixtures import wait_idle

from kanban.domain.model import Rule, RuleMode
from kanban.services import reporting
from kanban.services.board import BoardService

# The board window fixtures of tests/ui, for the reason prompt test below.
team = board_fixtures.team
window = board_fixtures.window


def _rules_off(service: BoardService) -> None:
    for rule in Rule:
        service.set_rule(rule, RuleMode.OFF)


def test_a_people_filtered_report_survives_another_persons_limit_change(
    service: BoardService,
) -> None:
    _rules_off(service)
    service.add_person("Alice Smith", wip_limit=2)
    service.add_person("Bob Jones", wip_limit=2)
    service.update_person("Alice Smith", wip_limit=3)  # the lead raises Alice's limit
    start = datetime.now(UTC) + timedelta(seconds=1)
    card = service.add_card("Patch web servers", created_at=start).card
    service.move_card(
        card.id, column="In progress", person="Alice Smith", at=start + timedelta(minutes=1)
    )

    # Reports > People: Bob only (the CLI's 'kanban report --person "Bob Jones"').
    data = reporting.report(
        service, period="week", people=["Bob Jones"], now=start + timedelta(hours=1)
    )

    assert [p.name for p in data.people] == ["Bob Jones"]
    assert [b for b in data.flow.breaches if b.scope == "person"] == []


def test_a_report_survives_a_removed_column_that_had_a_limit(service: BoardService) -> None:
    _rules_off(service)
    service.add_column("Staging")
    service.update_column("Staging", wip_max=1)
    start = datetime.now(UTC) + timedelta(seconds=1)
    card = service.add_card("Patch web servers", created_at=start).card
    service.move_card(card.id, column="Staging", at=start + timedelta(minutes=1))
    service.move_card(card.id, column="In progress", at=start + timedelta(minutes=2))
    service.remove_column("Staging")  # empty now, so the team may remove it

    data = reporting.report(service, period="week", now=start + timedelta(hours=1))

    assert data.flow.breaches == ()


def test_a_new_column_is_not_judged_by_a_removed_columns_limit(service: BoardService) -> None:
    _rules_off(service)
    old = service.add_column("Staging")
    service.update_column("Staging", wip_max=1)
    service.remove_column("Staging")
    new = service.add_column("Testing")  # no WIP limit at all
    assert new.id == old.id and new.wip_max is None  # SQLite hands the id out again
    start = datetime.now(UTC) + timedelta(seconds=1)
    for n in range(3):
        card = service.add_card(f"Patch host {n}", created_at=start).card
        service.move_card(card.id, column="Testing", at=start + timedelta(minutes=n + 1))

    data = reporting.report(service, period="week", now=start + timedelta(hours=1))

    # A column without a limit cannot be over it.
    assert [b for b in data.flow.breaches if b.name == "Testing"] == []


def test_the_tooltip_counts_every_open_pull_request() -> None:
    from kanban.links.model import PrState
    from kanban.services.links import LinkSummary

    # OPS-12 has two pull requests, both still open (one per repository).
    summary = LinkSummary("OPS-12", 0, 2, 0, 2, PrState.OPEN.value, 0, 0)

    (note,) = summary.notes()
    assert "one open" not in note


def test_a_kept_reason_is_only_offered_for_the_retry(qtbot, window, service, team) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from kanban.ui.layout import CELL, NOT_READY
    from kanban.ui.override import ReasonDialog

    card_id = team.cards["Patch file servers"]
    service.edit_card(card_id, title="Patch file servers FS01-FS04")  # someone else
    controller = window.controller
    controller.ask_block_reason = lambda card: "waiting for the storage team"
    controller.ask_override = lambda card, violations: "agreed at stand-up"  # never a modal
    zone = next(z for z in controller.layout.zones if z.kind == NOT_READY)
    controller.drop(card_id, zone, None)  # conflicts: the reason is kept for the retry
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: controller.card(card_id).title.endswith("FS04"))

    # The retry is a different drop: the storage team answered, Alice starts it.
    lane = next(
        z
        for z in controller.layout.zones
        if z.kind == CELL and z.column_id == team.progress and z.lane == ("person", team.alice.id)
    )
    controller.drop(card_id, lane, None)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: service.card(card_id).column_id == team.progress)

    # Days later the card waits again: the prompt must not offer the old reason.
    shown: list[str] = []

    def read_and_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):
            QTimer.singleShot(20, read_and_cancel)
            return
        shown.append(dialog.reason.text())
        dialog.reject()

    QTimer.singleShot(0, read_and_cancel)
    assert window._ask_block(service.card(card_id)) is None
    assert shown == [""]
