"""History lines as the card editor shows them, from real events of a real board."""

from __future__ import annotations

from kanban.domain.model import Rule, RuleMode, Source
from kanban.services.board import BoardService
from kanban.services.history_text import Names, describe, describe_all, newest_first


def _names(service: BoardService) -> Names:
    return Names(
        {c.id: c.name for c in service.columns()}, {p.id: p.name for p in service.people()}
    )


def test_lines_name_columns_people_reasons_and_sources(service: BoardService) -> None:
    service.add_person("Alice Smith", wip_limit=0)
    card = service.add_card("Swap UPS batteries", labels=["power"]).card
    service.move_card(card.id, column="In progress", person="Alice Smith", override_reason="urgent")
    service.edit_card(card.id, title="Swap UPS batteries in room 2", source=Source.JIRA)
    service.block(card.id, "waiting for the electrician")
    service.unblock(card.id)
    service.undo()

    lines = describe_all(service.history(card.id), _names(service))
    assert len(lines) == 6
    undo, unblocked, blocked, edited, moved, created = lines
    assert " · tester · undid a change: not ready: no → yes" in undo
    assert "not-ready reason: — → 'waiting for the electrician'" in undo
    assert unblocked.endswith("marked ready (was not ready: 'waiting for the electrician')")
    assert "marked not ready: 'waiting for the electrician'" in blocked
    assert (
        " · jira · edited: title: 'Swap UPS batteries' → 'Swap UPS batteries in room 2'"
        " · from JIRA" in edited
    )
    assert "moved: column: Task pool → In progress; person: pool (nobody) → Alice Smith" in moved
    assert "overrode: Respect WIP limits (column and person) · reason: urgent" in moved
    assert created.endswith("created in Task pool")


def test_long_text_is_clipped_and_unknown_ids_stay_readable(service: BoardService) -> None:
    service.set_rule(Rule.CARD_SIZE, RuleMode.OFF)
    card = service.add_card("Short").card
    service.edit_card(card.id, title="x" * 200, description="long " * 100, size_days=3)
    service.move_card(card.id, column="Review")
    edited, moved = (
        newest_first(service.history(card.id))[1],
        newest_first(service.history(card.id))[0],
    )
    line = describe(edited, _names(service))
    assert "description changed" in line
    assert "size: 1 day → 3 days" in line
    assert "x" * 59 + "…'" in line and "x" * 61 not in line
    # A column removed since the event still reads as something.
    assert "→ #" in describe(moved, Names({}, {}))
