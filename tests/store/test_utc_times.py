"""Times are stored as UTC whatever zone they come in, and compared as instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from kanban.services.board import BoardService


def test_backdated_times_in_another_zone_are_stored_as_that_instant(
    service: BoardService,
) -> None:
    # 12:00 at UTC+2 is 10:00 UTC; SQLite keeps no zone, so it must be converted first.
    at = datetime(2026, 1, 5, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    expected = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    card = service.add_card("Patch DC01", created_at=at).card
    assert card.created_at == expected
    moved = service.move_card(card.id, column="In progress", at=at, override_reason="test")
    assert moved.card.column_since == expected and moved.card.started_at == expected
    blocked = service.block(card.id, "waiting for the vendor", at=at)
    assert blocked.card.not_ready_since == expected
    assert [e.at for e in service.history(card.id)] == [expected] * 3


def test_moved_since_a_local_stand_up_time_compares_instants(service: BoardService) -> None:
    # The board's stand-up mode asks with local time (09:30 at UTC+2 = 07:30 UTC).
    local = timezone(timedelta(hours=2))
    card = service.add_card("Patch DC01", created_at=datetime(2026, 1, 5, 6, 0, tzinfo=UTC)).card
    service.move_card(
        card.id,
        column="In progress",
        at=datetime(2026, 1, 5, 8, 0, tzinfo=UTC),  # 10:00 local: after the stand-up
        override_reason="test",
    )
    standup = datetime(2026, 1, 5, 9, 30, tzinfo=local)
    assert service.cards_moved_since(standup) == {card.id}
    assert [e.kind.value for e in service.events(since=standup)] == ["moved"]
    assert service.events(until=standup) == service.history(card.id)[:1]
