"""The layout of ``kanban list``: columns line up in a terminal whatever the titles hold."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

Kanban = Callable[..., Any]


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pool_rows(out: str) -> tuple[str, list[str]]:
    """The header line and the card lines of the TASK POOL table."""
    lines = out.split("TASK POOL")[1].split("\n\n")[0].splitlines()[1:]
    return lines[0], lines[2:]


TITLES = (
    "Patch web01",
    "サーバー更新",  # wide: two columns per character
    "Überprüfung der Zertifikate",  # not ASCII, but one column per character
    "証明書の更新とロードバランサーの設定を確認する作業を行う予定です",  # wider than the column
    "Renew the certificates of every load balancer in the data centre",  # ASCII, too long
)


def test_list_aligns_columns_by_display_width_with_wide_titles(kanban: Kanban) -> None:
    for title in TITLES:
        assert kanban("add", title, "--size", "1.5").code == 0
    header, rows = pool_rows(kanban("list").out)
    assert len(rows) == len(TITLES)
    size_at = display_width(header[: header.index("SIZE")])
    for row in rows:
        # Every SIZE cell starts under its header, however wide the title before it.
        assert display_width(row[: row.index("1.5d")]) == size_at, row
    title_at = display_width(header[: header.index("TITLE")])
    cut = [row[title_at:] for row in rows if "…" in row]
    assert len(cut) == 2  # the two long titles, each cut with an ellipsis to fit the column
    for cell in cut:
        kept = cell[: cell.index("…")]
        assert any(title.startswith(kept) for title in TITLES[3:]) and len(kept) > 10
        assert display_width(kept + "…") <= size_at - title_at - 2


def test_list_keeps_short_titles_whole(kanban: Kanban) -> None:
    kanban("add", "サーバー更新", "--jira", "OPS-7")
    kanban("add", "Patch web01")
    _, rows = pool_rows(kanban("list").out)
    assert any("サーバー更新  " in r and "OPS-7" in r for r in rows)
    assert any("Patch web01  " in r for r in rows)
    assert not any("…" in r for r in rows)
