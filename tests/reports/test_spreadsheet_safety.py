"""Reports a spreadsheet or a Markdown viewer can open safely (issue #15, defect 3)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from kanban.reports.build import build_report
from kanban.reports.export import render, write_report
from kanban.reports.model import ReportData
from kanban.reports.period import parse_period
from reports.histories import COLUMNS, PEOPLE, History, at, sample_history

NOW = at(21, 12)
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)")


def make(h: History) -> ReportData:
    return build_report(
        board="Ops team",
        columns=COLUMNS,
        people=PEOPLE,
        cards=list(h.cards.values()),
        events=h.events,
        period=parse_period("week", NOW),
        now=NOW,
    )


def hostile() -> History:
    h = sample_history()
    for i, title in enumerate(FORMULAS):
        h.create(f"f{i}", title, at(15))
    return h


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped(tmp_path: Path) -> None:
    path = write_report(make(hostile()), tmp_path / "week.zip")
    with zipfile.ZipFile(path) as zf:
        cards = rows(zf.read("cards.csv").decode("utf-8"))
        events = rows(zf.read("events.csv").decode("utf-8"))
    titles = {c["title"] for c in cards}
    for formula in FORMULAS:
        assert formula not in titles
        assert "'" + formula in titles
    for row in cards + events:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), row


def test_a_csv_file_gets_the_cards_table_and_a_zip_both(tmp_path: Path) -> None:
    data = make(sample_history())
    path = write_report(data, tmp_path / "week.csv")
    text = path.read_bytes().decode("utf-8")
    assert not zipfile.is_zipfile(path)
    assert text.startswith("\ufeffcard_id,")
    assert len(rows(text)) == len(data.cards)
    explicit = write_report(data, tmp_path / "cards.txt", "csv")
    assert explicit.read_bytes() == path.read_bytes()
    assert zipfile.is_zipfile(write_report(data, tmp_path / "week.zip"))


def test_markdown_does_not_pass_html_from_titles() -> None:
    h = sample_history()
    h.create("s1", "<script>alert(1)</script> and <img src=x onerror=alert(2)>", at(15))
    md = render(make(h), "md").decode("utf-8")
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
