"""Owned pool cards on the board: the person filter finds them, My board shows my pool."""

from __future__ import annotations

from kanban.services.board import BoardService
from kanban.ui.board_data import Filters, build_board_data


def test_my_board_shows_my_pool_cards_first_then_unowned_ones(service: BoardService) -> None:
    alice = service.add_person("Alice")
    bob = service.add_person("Bob")
    service.add_card("Free for anyone")
    theirs = service.add_card("Bob's next").card
    mine = service.add_card("Alice's next").card
    service.assign(theirs.id, "Bob")
    service.assign(mine.id, "Alice")

    data = build_board_data(service.snapshot(), Filters(my_board=True, me_id=alice.id))

    assert [c.title for c in data.pool_cards] == ["Alice's next", "Free for anyone"]
    everyone = build_board_data(service.snapshot())
    assert len(everyone.pool_cards) == 3
    by_bob = build_board_data(service.snapshot(), Filters(person_id=bob.id))
    assert [c.title for c in by_bob.pool_cards] == ["Bob's next"]
    # Searching by a name finds the pool cards of that owner too.
    by_text = build_board_data(service.snapshot(), Filters(text="bob"))
    assert [c.title for c in by_text.pool_cards] == ["Bob's next"]
