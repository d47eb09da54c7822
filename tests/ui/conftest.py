"""Fixtures of the board window tests (defined in board_fixtures.py)."""

from ui.board_fixtures import team, window  # noqa: F401 - fixtures, found by name
