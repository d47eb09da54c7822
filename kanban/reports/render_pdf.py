"""The report as a PDF (A4 or Letter), with fpdf2.

Text uses DejaVu Sans, which ships inside matplotlib, so card titles in any
script print correctly without depending on the system's fonts. Each
``Group`` (a person's section, the pool) is first laid out on a rewindable dry
run; if it would cross a page break it starts on a new page instead, so a
person's block is never cut in half (one longer than a whole page flows on).
Charts are embedded as 150-dpi PNGs drawn by :mod:`kanban.reports.charts`.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace

from kanban.reports import charts
from kanban.reports.layout import Block, Chart, Group, Heading, Para, Table, build_blocks
from kanban.reports.model import ReportData

PAPERS = {"a4": "A4", "letter": "Letter"}
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (100, 106, 112)
ALERT = (176, 0, 32)
HEAD_FILL = (228, 233, 240)


class ReportPDF(FPDF):
    """A page with the board name and period in the footer, and page numbers."""

    def __init__(self, paper: str, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPERS[paper])
        self.footer_text = footer_text
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
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


def _block(pdf: FPDF, block: Block | object, data: ReportData) -> None:
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


def _group(pdf: FPDF, group: Group, data: ReportData) -> None:
    at_top = pdf.y <= pdf.t_margin + 1
    if not at_top:
        with pdf.offset_rendering() as dry:
            for child in group.blocks:
                _block(pdf, child, data)
        if dry.page_break_triggered:
            pdf.add_page()
    for child in group.blocks:
        _block(pdf, child, data)


def _heading(pdf: FPDF, heading: Heading) -> None:
    size = {1: 18, 2: 14, 3: 11.5}.get(heading.level, 11)
    gap = {1: 0, 2: 5, 3: 3}.get(heading.level, 2)
    # A heading alone at the bottom of a page reads badly: move it on.
    if pdf.y + gap + size * 0.5 + 18 > pdf.page_break_trigger:
        pdf.add_page()
    else:
        pdf.ln(gap)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, size * 0.5, heading.text, new_x="LMARGIN", new_y="NEXT")
    if heading.level == 2:
        pdf.set_draw_color(*HEAD_FILL)
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, pdf.y + 0.8, pdf.w - pdf.r_margin, pdf.y + 0.8)
        pdf.ln(2)
    pdf.ln(1)


def _para(pdf: FPDF, para: Para) -> None:
    style = "I" if para.style == "note" else ("B" if para.style == "alert" else "")
    pdf.set_font(FONT, style, 9.5)
    colour = {"note": MUTED, "alert": ALERT}.get(para.style, INK)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, 5, para.text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _table(pdf: FPDF, table: Table) -> None:
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(200, 205, 210)
    pdf.set_line_width(0.2)
    aligns = tuple("RIGHT" if i in table.numeric else "LEFT" for i in range(len(table.headers)))
    with pdf.table(
        col_widths=table.widths or None,
        text_align=aligns,
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL),
        line_height=4.6,
        padding=1.2,
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=1,
    ) as t:
        t.row(table.headers)
        for row in table.rows:
            t.row(row)
    pdf.ln(2)


def _chart(pdf: FPDF, chart: Chart, data: ReportData) -> None:
    spec = next(s for s in charts.CHARTS if s.key == chart.key)
    fig = spec.draw(data, charts.SIZE)
    if fig is None:
        _para(pdf, Para(f"{spec.title}: {spec.empty}"))
        return
    width = pdf.epw
    height = width * charts.SIZE[1] / charts.SIZE[0]
    if pdf.y + height > pdf.page_break_trigger:
        pdf.add_page()
    pdf.image(io.BytesIO(charts.to_png(fig)), x=pdf.l_margin, w=width, h=height,
              alt_text=spec.title)  # fmt: skip
    pdf.ln(3)
