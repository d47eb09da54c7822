"""Small input cases: id prefixes with wildcard characters, sizes, config-relative paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban.errors import InvalidInput, NotFound, RuleViolationError
from kanban.services.board import BoardService
from kanban.settings import Config, config_dir, database_url


def test_wildcards_in_a_card_reference_match_nothing_but_themselves(service: BoardService) -> None:
    service.add_card("One")
    service.add_card("Two")
    with pytest.raises(NotFound):
        service.card("____")  # four "any character" wildcards if passed to LIKE raw
    with pytest.raises(NotFound):
        service.card("%%%%")


def test_size_below_a_tenth_of_a_day_is_refused(service: BoardService) -> None:
    with pytest.raises(InvalidInput, match="between 0.1 and 365"):
        service.add_card("Tiny", size_days=0.05)
    assert service.add_card("Small", size_days=0.1).card.size_days == 0.1


def test_enforced_rule_says_how_to_relax_it_from_the_cli_too(service: BoardService) -> None:
    service.set_rule("move_right_only", "enforce")
    card = service.add_card("Patch").card
    service.move_card(card.id, column="Review")
    with pytest.raises(RuleViolationError, match="kanban rules set"):
        service.move_card(card.id, column="In progress", override_reason="x")


def test_relative_database_path_in_the_config_file_is_beside_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(database_url="team/board.db")
    monkeypatch.chdir(tmp_path)
    expected = (config_dir() / "team" / "board.db").resolve()
    assert database_url(None, config) == f"sqlite:///{expected}"
    # On the command line a relative path is relative to where you are, as usual.
    assert database_url("here.db", config) == f"sqlite:///{(tmp_path / 'here.db').resolve()}"
