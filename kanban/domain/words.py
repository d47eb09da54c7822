"""Counting words for the texts the board, the CLI and the reports show."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 card``, ``3 cards``, ``2 branches``: the count and the noun that fits it."""
    if count == 1:
        return f"{count} {noun}"
    ending = "es" if noun.endswith(("ch", "sh", "s", "x")) else "s"
    return f"{count} {noun}{ending}"
