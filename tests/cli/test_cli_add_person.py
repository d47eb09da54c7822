"""`kanban add --person NAME`: a person's name means the card is started in their lane."""

from __future__ import annotations

from typing import Any

Kanban = Any


def test_add_with_a_person_starts_the_card_in_their_lane(kanban: Kanban) -> None:
    assert kanban("people", "add", "Ann").code == 0
    result = kanban("add", "Patch DC01", "--person", "Ann", "--json")
    assert result.code == 0, result.err
    card = result.json()
    # Like 'assign' and the CSV import: a person's name means the card is started.
    assert card["person"] == "Ann"
    assert card["column"] == "In progress"
