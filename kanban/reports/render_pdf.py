"""The report as a PDF (A4 or Letter), with fpdf2.

Text uses DejaVu Sans, which ships inside matplotlib, so card titles in most
scripts print without depending on the system's fonts; Chinese, Japanese and
Korean come from the system's wide-coverage font as fpdf2's fallback, and a
character no font has is a box with one log line (:mod:`kanban.reports.fonts`). Each
``Group`` (a person's section, the pool) is first laid out on a rewindable dry
run; if it would cross a page break it starts on a new page instead, so a
person's block is never cut in half (one longer than a whole page flows on).
Charts are embedded as 150-dpi images drawn by :mod:`kanban.reports.charts`,
with fixed margins where a chart's labels are known (see ``charts.Margins``).
A card's labels are filled rounded boxes in their board colours, the name on
each in the chip's ink, as many to a line as fit the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib
from fpdf import FPDF

from kanban.reports import charts, fonts
from kanban.reports.labels import Chip, Chips, rgb
from kanban.reports.layout import Block, Cell, Chart, Group, Heading, Para, Table, build_blocks
from kanban.reports.model import ReportData

PAPERS = {"a4": "A4", "letter": "Letter"}
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
FALLBACK = "Fallback"
INK = (33, 37, 41)
MUTED = (100, 106, 112)
ALERT = (176, 0, 32)
HEAD_FILL = (228, 233, 240)
HEADINGS = {1: (18.0, 0.0), 2: (14.0, 5.0), 3: (11.5, 3.0)}  # font size, space above
PARA_STYLES = {"note": "I", "alert": "B"}
TABLE_FONT = 8.5
LINE_H = 4.2
PAD = 1.2
CHIP_PAD = 0.9  # the space either side of a label's name inside its chip
CHIP_GAP = 1.0  # between two chips on a line


class ReportPDF(FPDF):
    """A page with the board name and period in the footer, and page numbers."""

    def __init__(self, paper: str, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPERS[paper])
        self.footer_text = fonts.drawable(footer_text)
        self.layouts: dict[int, _Laid] = {}  # tables wrapped once, measured and drawn
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        wide = fonts.fallback_font()
        self.has_fallback = wide is not None
        if wide is not None:
            # One face for every style: bold CJK is rare in a font, and a
            # regular glyph beats a box.
            self.add_font(FALLBACK, "", str(wide.path), collection_font_number=wide.index)
            self.set_fallback_fonts([FALLBACK], exact_match=False)
        self.set_title(footer_text)
        self.set_creator("Kanban Team Board")

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")


def render_pdf(data: ReportData, paper: str = "a4") -> bytes:
    """The whole report as PDF bytes.

    Args:
        paper: "a4" or "letter".
    """
    paper = paper.lower()
    if paper not in PAPERS:
        raise ValueError(f"unknown paper {paper!r}")
    pdf = ReportPDF(paper, f"{data.board} – {data.period.label}")
    pdf.add_page()
    for block in build_blocks(data):
        _block(pdf, block, data)
    out = pdf.output()
    return bytes(out)


def _block(pdf: ReportPDF, block: Block | object, data: ReportData) -> None:
    if isinstance(block, Group):
        _group(pdf, block, data)
    elif isinstance(block, Heading):
        _heading(pdf, block)
    elif isinstance(block, Para):
        _para(pdf, block)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Chart):
        _chart(pdf, block, data)


def _group(pdf: ReportPDF, group: Group, data: ReportData) -> None:
    # Measure first: a group that does not fit the rest of the page starts a
    # new one (unless it is already at the top: then it is longer than a page).
    at_top = pdf.y <= pdf.t_margin + 1
    if not at_top and pdf.y + _height(pdf, group) > pdf.page_break_trigger:
        pdf.add_page()
    for child in group.blocks:
        _block(pdf, child, data)


def _height(pdf: ReportPDF, group: Group) -> float:
    """The height the group's blocks will take, worked out with the same wrapping."""
    total = 0.0
    for block in group.blocks:
        if isinstance(block, Heading):
            size, gap = HEADINGS.get(block.level, (11, 2))
            pdf.set_font(FONT, "B", size)
            lines = len(_wrap(pdf, block.text, pdf.epw - 2))
            total += gap + lines * size * 0.5 + 1 + (2.8 if block.level == 2 else 0)
        elif isinstance(block, Para):
            pdf.set_font(FONT, PARA_STYLES.get(block.style, ""), 9.5)
            total += len(_wrap(pdf, block.text, pdf.epw - 2)) * 5 + 1.5
        elif isinstance(block, Table):
            total += _layout(pdf, block).height
        else:
            total += pdf.epw * charts.SIZE[1] / charts.SIZE[0] + 3
    return total


def _heading(pdf: FPDF, heading: Heading) -> None:
    size, gap = HEADINGS.get(heading.level, (11, 2))
    # A heading alone at the bottom of a page reads badly: move it on.
    if pdf.y + gap + size * 0.5 + 18 > pdf.page_break_trigger:
        pdf.add_page()
    else:
        pdf.ln(gap)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, size * 0.5, fonts.drawable(heading.text), new_x="LMARGIN", new_y="NEXT")
    if heading.level == 2:
        pdf.set_draw_color(*HEAD_FILL)
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, pdf.y + 0.8, pdf.w - pdf.r_margin, pdf.y + 0.8)
        pdf.ln(2)
    pdf.ln(1)


def _para(pdf: FPDF, para: Para) -> None:
    pdf.set_font(FONT, PARA_STYLES.get(para.style, ""), 9.5)
    colour = {"note": MUTED, "alert": ALERT}.get(para.style, INK)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, 5, fonts.drawable(para.text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


# One line of a table cell: text, or a row of label chips.
_Line = str | tuple[Chip, ...]


@dataclass(slots=True)
class _Laid:
    """A table wrapped to the page: each cell's lines and each row's height."""

    widths: list[float]
    header: list[list[_Line]]
    header_h: float
    rows: list[tuple[list[list[_Line]], float]]
    height: float


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy word wrap with the current font; over-long words are cut."""
    text = fonts.drawable(text)
    if pdf.get_string_width(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        trial = f"{current} {word}" if current else word
        if pdf.get_string_width(trial) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and pdf.get_string_width(word) > width:
            cut = len(word) - 1
            while cut > 1 and pdf.get_string_width(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text``, cut with an ellipsis until it fits ``width``."""
    text = fonts.drawable(text)
    if pdf.get_string_width(text) <= width:
        return text
    while len(text) > 1 and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _wrap_chips(pdf: FPDF, cell: Chips, width: float) -> list[_Line]:
    """The chips as many to a line as fit; a name too long for the column is cut."""
    lines: list[_Line] = []
    line: list[Chip] = []
    used = 0.0
    for chip in cell.chips:
        text = _fit(pdf, chip.text, width - 2 * CHIP_PAD)
        size = pdf.get_string_width(text) + 2 * CHIP_PAD
        if line and used + CHIP_GAP + size > width:
            lines.append(tuple(line))
            line, used = [], 0.0
        used += (CHIP_GAP if line else 0.0) + size
        line.append(Chip(text, chip.fill, chip.ink))
    if line:
        lines.append(tuple(line))
    return lines or [str(cell)]


def _wrap_cell(pdf: FPDF, cell: Cell, width: float) -> list[_Line]:
    if isinstance(cell, Chips):
        return _wrap_chips(pdf, cell, width)
    return list(_wrap(pdf, cell, width))


def _layout(pdf: ReportPDF, table: Table) -> _Laid:
    cached = pdf.layouts.get(id(table))
    if cached is not None:
        return cached
    weights = table.widths or tuple(1.0 for _ in table.headers)
    scale = pdf.epw / sum(weights)
    widths = [w * scale for w in weights]
    pdf.set_font(FONT, "B", TABLE_FONT)
    header = [_wrap_cell(pdf, h, w - 2 * PAD) for h, w in zip(table.headers, widths, strict=True)]
    header_h = max(len(c) for c in header) * LINE_H + 2 * PAD
    pdf.set_font(FONT, "", TABLE_FONT)
    rows = []
    for row in table.rows:
        cells = [_wrap_cell(pdf, c, w - 2 * PAD) for c, w in zip(row, widths, strict=True)]
        rows.append((cells, max(len(c) for c in cells) * LINE_H + 2 * PAD))
    laid = _Laid(widths, header, header_h, rows, header_h + sum(h for _c, h in rows) + 2)
    pdf.layouts[id(table)] = laid
    return laid


def _cells(pdf: ReportPDF, laid: _Laid, cells: list[list[_Line]], numeric: tuple[int, ...]) -> None:
    top, x = pdf.y, pdf.l_margin
    for i, (lines, width) in enumerate(zip(cells, laid.widths, strict=True)):
        for n, text in enumerate(lines):
            baseline = top + PAD + n * LINE_H + LINE_H / 2 + 1.05
            if isinstance(text, tuple):
                _chips(pdf, x + PAD, top + PAD + n * LINE_H, baseline, text)
            elif i in numeric:
                _text(pdf, x + width - PAD - pdf.get_string_width(text), baseline, text)
            else:
                _text(pdf, x + PAD, baseline, text)
        x += width


def _chips(pdf: ReportPDF, x: float, top: float, baseline: float, line: tuple[Chip, ...]) -> None:
    """One line of label chips: each a filled rounded box with the name in its ink."""
    for chip in line:
        width = pdf.get_string_width(chip.text) + 2 * CHIP_PAD
        pdf.set_fill_color(*rgb(chip.fill))
        pdf.rect(x, top + 0.3, width, LINE_H - 0.6, style="F", round_corners=True,
                 corner_radius=0.8)  # fmt: skip
        pdf.set_text_color(*rgb(chip.ink))
        _text(pdf, x + CHIP_PAD, baseline, chip.text)
        x += width + CHIP_GAP
    pdf.set_text_color(*INK)


def _text(pdf: ReportPDF, x: float, baseline: float, text: str) -> None:
    """``pdf.text``, with the fallback font for the runs DejaVu Sans lacks.

    fpdf2's ``text()`` (exact placement, fast) uses no fallback font, unlike
    ``cell()``; so a name in Chinese is drawn run by run.
    """
    parts = fonts.runs(text) if pdf.has_fallback else []
    if len(parts) < 2 and not (parts and parts[0][0]):
        pdf.text(x, baseline, text)
        return
    style, size = pdf.font_style, pdf.font_size_pt
    for wide, run in parts:
        pdf.set_font(FALLBACK if wide else FONT, "" if wide else style, size)
        pdf.text(x, baseline, run)
        x += pdf.get_string_width(run)
    pdf.set_font(FONT, style, size)


def _table(pdf: ReportPDF, table: Table) -> None:
    """Draw a table row by row; a row never splits, the header repeats on a new page."""
    laid = _layout(pdf, table)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(200, 205, 210)
    pdf.set_line_width(0.2)

    def header() -> None:
        pdf.set_font(FONT, "B", TABLE_FONT)
        pdf.set_fill_color(*HEAD_FILL)
        pdf.rect(pdf.l_margin, pdf.y, pdf.epw, laid.header_h, style="F")
        _cells(pdf, laid, laid.header, table.numeric)
        pdf.set_y(pdf.y + laid.header_h)
        pdf.set_font(FONT, "", TABLE_FONT)

    first = laid.rows[0][1] if laid.rows else 0
    if pdf.y + laid.header_h + first > pdf.page_break_trigger:
        pdf.add_page()
    header()
    for cells, height in laid.rows:
        if pdf.y + height > pdf.page_break_trigger:
            pdf.add_page()
            header()
        _cells(pdf, laid, cells, table.numeric)
        pdf.set_y(pdf.y + height)
        pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + pdf.epw, pdf.y)
    pdf.ln(2)


def _chart(pdf: ReportPDF, chart: Chart, data: ReportData) -> None:
    spec = next(s for s in charts.CHARTS if s.key == chart.key)
    fig = spec.draw(data, charts.SIZE)
    if fig is None:
        _para(pdf, Para(f"{spec.title}: {spec.empty}"))
        return
    if spec.margins is not None:
        charts.fix_margins(fig, spec.margins)
    width = pdf.epw
    height = width * charts.SIZE[1] / charts.SIZE[0]
    if pdf.y + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(charts.to_image(fig), x=pdf.l_margin, w=width, h=height,
              alt_text=spec.title)  # fmt: skip
    pdf.ln(3)
