"""A card's pull requests say when they were merged, in the editor and in `kanban show`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kanban.cli.cards import _print_links
from kanban.ui.dialogs.card_text import links_html

# Noon UTC: the same calendar day in every time zone from -11 to +11.
MERGED = {
    "state": "MERGED",
    "closed": datetime(2026, 11, 20, 12, tzinfo=UTC),
    "title": "OPS-1: zone file",
    "approvals": "2/2",
    "reviewers": [{"name": "Bob", "approved": True}],
    "url": "https://bitbucket.example/pr/7",
}
OPEN = {**MERGED, "state": "OPEN", "closed": None, "approvals": "1/2", "title": "OPS-1: more"}


def test_the_editor_shows_the_merge_day_of_a_merged_pull_request() -> None:
    text = links_html({"pull_requests": [MERGED, OPEN]}, "OPS-1")
    assert "PR merged 2026-11-20</b>" in text
    assert "PR open</b>" in text


def test_kanban_show_prints_the_merge_day(capsys: pytest.CaptureFixture[str]) -> None:
    _print_links({"pull_requests": [MERGED, OPEN]})
    lines = capsys.readouterr().out.splitlines()
    merged = next(line for line in lines if "zone file" in line)
    assert merged.split()[:3] == ["MERGED", "2026-11-20", "2/2"]
    opened = next(line for line in lines if "more" in line)
    assert opened.split()[:2] == ["OPEN", "1/2"]
