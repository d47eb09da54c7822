"""The links tooltip of a card: what its summary says about pull requests."""

from __future__ import annotations


def test_the_tooltip_counts_every_open_pull_request() -> None:
    from kanban.links.model import PrState
    from kanban.services.links import LinkSummary

    # OPS-12 has two pull requests, both still open (one per repository).
    summary = LinkSummary("OPS-12", 0, 2, 0, 2, PrState.OPEN.value, 0, 0)

    (note,) = summary.notes()
    assert "one open" not in note
