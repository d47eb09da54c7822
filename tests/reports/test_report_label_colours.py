"""The reports show each card's labels in the colours the board gave them.

A board in a real database: a card in progress labelled ``storage`` (coloured
dark purple on the board) and ``tls`` (no colour, the default chip), and a card
in the pool labelled ``storage``. The report's HTML draws chips in those
colours, the PDF draws the names on boxes filled with them, Markdown and the
CSV name the labels and the JSON carries the colours.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import zipfile

from pypdf import PdfReader

from kanban.reports.export import render
from kanban.reports.labels import DEFAULT_FILL, DEFAULT_INK
from kanban.reports.model import ReportData
from kanban.reports.render_text import render_html, render_markdown
from kanban.services.board import BoardService
from kanban.services.labels import set_label_colour
from kanban.services.reporting import report

PURPLE = "#6a1b9a"  # dark: the name on it is white


def labelled_board(service: BoardService) -> ReportData:
    service.add_person("Alice Smith")
    card = service.add_card("Grow the SAN pool", labels=["storage", "tls"]).card
    service.move_card(card.id, column="In progress", person="Alice Smith")
    service.add_card("Order new disks", labels=["storage"])
    service.add_card("Tidy the wiki")
    set_label_colour(service, "storage", PURPLE)
    return report(service, period="week")


class Rows(html.parser.HTMLParser):
    """Each table row of the page: its cells' text and its label chips' styles."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, object]] = []
        self._chip: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append({"text": "", "chips": []})
        elif tag == "span" and ("class", "label") in attrs:
            self._chip = dict(attrs).get("style") or ""

    def handle_data(self, data: str) -> None:
        if not self.rows:
            return
        row = self.rows[-1]
        row["text"] = f"{row['text']}{data}|"
        if self._chip is not None:
            row["chips"].append((data, self._chip))  # type: ignore[attr-defined]
            self._chip = None


def test_html_shows_each_label_as_a_chip_in_its_colour(service: BoardService) -> None:
    page = render_html(labelled_board(service))
    rows = Rows()
    rows.feed(page)
    doing = next(r for r in rows.rows if "Grow the SAN pool" in str(r["text"]))
    assert doing["chips"] == [
        ("storage", f"background:{PURPLE};color:#ffffff"),
        ("tls", f"background:{DEFAULT_FILL};color:{DEFAULT_INK}"),
    ]
    pool = next(r for r in rows.rows if "Order new disks" in str(r["text"]))
    assert pool["chips"] == [("storage", f"background:{PURPLE};color:#ffffff")]
    assert "<th>Labels</th>" in page
    assert "print-color-adjust: exact" in page  # the chips print in colour too


def pdf_drawing(pdf: bytes) -> list[tuple[str, object]]:
    """What the pages draw, in order: each fill colour set (0–255) and each text run."""
    drawn: list[tuple[str, object]] = []

    def operator(op: bytes, args: list[object], cm: object, tm: object) -> None:
        if op == b"rg":
            drawn.append(("fill", tuple(round(float(a) * 255) for a in args)))  # type: ignore[arg-type]

    def text(run: str, cm: object, tm: object, font: object, size: object) -> None:
        if run.strip():
            drawn.append(("text", run.strip()))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return drawn


def test_pdf_draws_the_label_names_on_boxes_of_their_colour(service: BoardService) -> None:
    drawn = pdf_drawing(render(labelled_board(service), "pdf"))
    texts = [value for kind, value in drawn if kind == "text"]
    assert "Labels" in texts
    purple = (0x6A, 0x1B, 0x9A)
    # Each chip is its box's fill, then the white name, then the text: the
    # colours set between the run before a label's name and the name itself.
    for name, fill in (("storage", purple), ("tls", (0xE3, 0xF2, 0xFD))):
        hits = [i for i, (kind, value) in enumerate(drawn) if (kind, value) == ("text", name)]
        assert hits, f"{name} is not in the PDF's text"
        for i in hits:
            before = i - 1
            while before >= 0 and drawn[before][0] != "text":
                before -= 1
            fills = [value for _kind, value in drawn[before + 1 : i]]
            assert fill in fills, (name, fills)
    assert len([t for t in texts if t == "storage"]) == 2  # the card in progress and the pool's


def test_markdown_csv_and_json_name_the_labels_and_json_has_their_colours(
    service: BoardService,
) -> None:
    data = labelled_board(service)
    markdown = render_markdown(data)
    doing = next(line for line in markdown.splitlines() if "Grow the SAN pool" in line)
    assert "| storage, tls |" in doing

    archive = zipfile.ZipFile(io.BytesIO(render(data, "csv")))
    cards = list(csv.DictReader(io.StringIO(archive.read("cards.csv").decode("utf-8-sig"))))
    by_title = {c["title"]: c["labels"] for c in cards}
    assert by_title["Grow the SAN pool"] == "storage; tls"
    assert by_title["Tidy the wiki"] == ""

    document = json.loads(render(data, "json"))
    assert document["label_colours"] == {"storage": PURPLE}
    (card,) = [c for c in document["cards"] if c["title"] == "Grow the SAN pool"]
    assert card["labels"] == ["storage", "tls"]


def test_a_board_without_labels_has_no_labels_column(service: BoardService) -> None:
    service.add_person("Alice Smith")
    card = service.add_card("Tidy the wiki").card
    service.move_card(card.id, column="In progress", person="Alice Smith")
    page = render_html(report(service, period="week"))
    assert "Tidy the wiki" in page
    assert "Labels" not in page and 'class="label"' not in page
