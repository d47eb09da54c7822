"""Every format read back the way its reader would: pypdf, html.parser, csv, json."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from kanban.errors import InvalidInput
from kanban.reports.build import build_report
from kanban.reports.export import format_for, render, write_report
from kanban.reports.model import PullRequest, ReportData
from kanban.reports.period import parse_period
from kanban.reports.render_pdf import render_pdf
from reports.histories import (
    ALICE,
    BOB,
    COLUMNS,
    DOING,
    DONE,
    PEOPLE,
    History,
    Person,
    at,
    sample_history,
)

NOW = at(21, 12)


def make(h: History, people: tuple[Person, ...] = PEOPLE, **kw: object) -> ReportData:
    return build_report(
        board="Ops team",
        columns=COLUMNS,
        people=people,
        cards=list(h.cards.values()),
        events=h.events,
        period=parse_period("week", NOW),
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )


def pdf_pages(data: ReportData, paper: str = "a4") -> list[str]:
    reader = PdfReader(io.BytesIO(render_pdf(data, paper)))
    return [page.extract_text() for page in reader.pages]


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_pdf_has_every_section_and_a_page_size_per_paper() -> None:
    data = make(sample_history())
    a4 = PdfReader(io.BytesIO(render_pdf(data, "a4")))
    pages = [page.extract_text() for page in a4.pages]
    text = "\n".join(pages)
    for phrase in (
        "Ops team – status report",
        "Alice Smith",
        "vendor call on Monday",
        "Patch web servers",
        "Order new disks",
        "waiting for quote",
        "SAN vendor only free this week",
        "Pull request links are not set up",
    ):
        assert phrase in text, phrase  # fmt: skip
    assert f"Page 1 of {len(pages)}" in pages[0]
    letter = PdfReader(io.BytesIO(render_pdf(data, "letter"))).pages[0].mediabox
    size = a4.pages[0].mediabox
    assert (round(float(size.width)), round(float(size.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_pdf_keeps_each_person_section_on_one_page() -> None:
    # Twelve people with five finished cards each: the sections cannot all fit
    # on one page, so some must move to the next page whole.
    h = History()
    people = tuple(Person(i, f"Person {i:02d}", order=i) for i in range(1, 13))
    for p in people:
        for n in range(5):
            cid = f"p{p.id}-{n}"
            h.create(cid, f"Task {n} of {p.name}", at(2))
            h.move(cid, at(16), DOING, p.id)
            h.move(cid, at(17 + n % 3), DONE)
    pages = pdf_pages(make(h, people=people))
    assert len(pages) > 2
    for p in people:
        # (The forecast section may name the person too: look for the heading.)
        holding = [i for i, text in enumerate(pages) if f"{p.name} – " in text]
        # The heading and all five of its cards are on the same single page.
        assert len(holding) == 1, (p.name, holding)
        assert all(f"Task {n} of {p.name}" in pages[holding[0]] for n in range(5))


def test_html_is_one_self_contained_page_with_inline_charts() -> None:
    html = render(make(sample_history()), "html").decode("utf-8")
    parser = Collect()
    parser.feed(html)
    # Five flow charts, the stability and WIP-age charts drawn inline; the
    # sample is too thin for a forecast: a sentence says so, with no chart.
    assert parser.tags["svg"] == 7
    assert "so no dates are given" in html
    assert "img" not in parser.tags and "script" not in parser.tags and "link" not in parser.tags
    assert parser.tags["section"] >= 3  # people and pool blocks kept together in print
    text = " ".join(parser.text)
    assert "Upgrade SAN firmware" in text and "break-inside: avoid" in text
    assert "size: A4" in html
    assert "size: letter" in render(make(sample_history()), "html", paper="letter").decode()


def test_markdown_tables_and_escaping() -> None:
    h = sample_history()
    h.create("c9", "Fix a|b pipes", at(15))
    md = render(make(h), "md").decode("utf-8")
    assert md.startswith("# Ops team – status report")
    assert "| Blocked | Reason | Since | Waiting |" in md
    assert "Fix a\\|b pipes" in md
    assert "Charts (" in md


def test_csv_zip_holds_cards_and_events_tables(tmp_path: Path) -> None:
    path = write_report(make(sample_history()), tmp_path / "week.zip")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["cards.csv", "events.csv", "forecast_trials.csv"]
        cards = list(csv.DictReader(io.StringIO(zf.read("cards.csv").decode("utf-8-sig"))))
        events = list(csv.DictReader(io.StringIO(zf.read("events.csv").decode("utf-8-sig"))))
    by_id = {row["card_id"]: row for row in cards}
    assert by_id["c1"]["cycle_days"] == "4.0" and by_id["c1"]["column"] == "Done"
    assert by_id["c3"]["not_ready"] == "yes"
    assert by_id["c4"]["not_ready_reason"] == "waiting for quote"
    moves = [e for e in events if e["card_id"] == "c1" and e["kind"] == "moved"]
    assert [(e["from_column"], e["to_column"]) for e in moves] == [
        ("Task pool", "In progress"), ("In progress", "Done"),
    ]  # fmt: skip
    assert any(e["rules"] == "wip_limits" for e in events)


def test_json_loads_with_every_section(tmp_path: Path) -> None:
    data = make(sample_history(), pull_requests=[PullRequest("c1", "Patch", merged_at=at(19))])
    loaded = json.loads(write_report(data, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert loaded["schema_version"] == 1
    assert [p["name"] for p in loaded["people"]] == [ALICE.name, BOB.name]
    assert loaded["flow"]["period_cycle"]["count"] == 2
    assert loaded["pull_requests"][0]["merged_at"] == "2026-11-19T09:00:00+00:00"
    assert loaded["period"]["label"].startswith("Week 47 of 2026")


@pytest.mark.parametrize("fmt", ["pdf", "html", "md", "csv", "json"])
def test_empty_board_renders_plain_sentences_in_every_format(fmt: str) -> None:
    payload = render(make(History()), fmt)
    if fmt == "pdf":
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(payload)).pages)
    elif fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(payload)) as zf:
            assert zf.read("cards.csv").decode("utf-8-sig").strip().startswith("card_id,")
        return
    else:
        text = payload.decode("utf-8")
    assert "The board has no cards yet" in text
    if fmt != "json":
        assert "No card was finished in this time." in text
        assert "The task pool is empty." in text


def test_format_comes_from_the_extension() -> None:
    assert format_for(Path("r.PDF")) == "pdf"
    assert format_for(Path("r.zip")) == "csv"
    assert format_for(Path("r.txt"), "md") == "md"
    assert format_for(Path("r.csv")) == "csv"  # the cards table alone (#15)
    with pytest.raises(InvalidInput, match="Cannot tell the report format"):
        format_for(Path("report"))


def test_write_failure_is_a_clear_error_and_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "missing-folder" / "r.md"
    with pytest.raises(InvalidInput, match="Cannot write the report"):
        write_report(make(History()), target)
    assert not target.parent.exists()
