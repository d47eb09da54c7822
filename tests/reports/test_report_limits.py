"""Reports judge WIP breaches by the limits that were in force, for whom was asked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kanban.domain.model import Rule, RuleMode
from kanban.services import reporting
from kanban.services.board import BoardService


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
