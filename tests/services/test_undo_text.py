"""How an undo names the change it is about to take back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kanban.services.board import BoardService
from kanban.services.history_text import ago, undo_question


def test_the_question_names_the_change_and_how_long_ago(service: BoardService) -> None:
    service.add_person("Bob Jones")
    card = service.add_card("Patch hosts", jira_key="OPS-12").card
    at = datetime.now(UTC) - timedelta(minutes=3, seconds=10)
    service.move_card(card.id, column="In progress", person="Bob Jones", at=at)
    step = service.next_undo()
    assert step is not None
    assert step.what == "moved OPS-12 to In progress, Bob Jones"
    assert undo_question(step, now=at + timedelta(minutes=3, seconds=10)) == (
        "Undo: moved OPS-12 to In progress, Bob Jones, 3 min ago?"
    )


def test_a_block_with_its_move_is_named_as_one_change(service: BoardService) -> None:
    card = service.add_card("Rack storage", column="In progress").card
    service.move_card(
        card.id, column="Task pool", block_reason="waiting for rails", override_reason="blocked"
    )
    step = service.next_undo()
    assert step is not None
    assert step.what == "moved 'Rack storage' to Task pool and marked it not ready"


def test_ages_read_like_people_say_them() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert ago(now - timedelta(seconds=20), now) == "just now"
    assert ago(now - timedelta(minutes=59), now) == "59 min ago"
    assert ago(now - timedelta(hours=2, minutes=5), now) == "2 h ago"
    assert ago(now - timedelta(days=3), now) == "3 days ago"
