"""The report as Markdown and as one self-contained HTML page.

Both walk the blocks of :mod:`kanban.reports.layout`. The HTML embeds every
chart as inline SVG (no external file, no script) and carries print CSS: A4 or
Letter page size and ``break-inside: avoid`` on each person's section, so the
page prints as well as the PDF. A card's labels are chips in their board
colours in HTML (printed in colour too) and their names in Markdown.
"""

from __future__ import annotations

import html

from kanban.reports import charts
from kanban.reports.labels import Chips
from kanban.reports.layout import Block, Cell, Chart, Group, Heading, Para, Table, build_blocks
from kanban.reports.model import ReportData

# Markdown's own marks, escaped so a title stays text (no link, no emphasis).
_MD_MARKS = str.maketrans({c: "\\" + c for c in "\\`*_[]|#"})


def _md_cell(cell: Cell) -> str:
    """Text for Markdown: HTML in it shown, not run; its marks escaped; one line."""
    text = html.escape(str(cell), quote=False)  # Markdown viewers render raw HTML
    return text.translate(_MD_MARKS).replace("\n", " ")


def render_markdown(data: ReportData) -> str:
    """GitHub-flavoured Markdown; charts are only named (they need HTML or PDF)."""
    lines: list[str] = []

    def emit(block: Block | object) -> None:
        if isinstance(block, Group):
            for child in block.blocks:
                emit(child)
        elif isinstance(block, Heading):
            lines.extend(["#" * block.level + " " + _md_cell(block.text), ""])
        elif isinstance(block, Para):
            text = _md_cell(block.text)
            if block.style == "note":
                text = f"*{text}*"
            elif block.style == "alert":
                text = f"**{text}**"
            lines.extend([text, ""])
        elif isinstance(block, Table):
            lines.append("| " + " | ".join(_md_cell(h) for h in block.headers) + " |")
            lines.append(
                "|"
                + "|".join(
                    "---:" if i in block.numeric else "---" for i in range(len(block.headers))
                )
                + "|"
            )
            for row in block.rows:
                lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
            lines.append("")
        elif isinstance(block, Chart):
            spec = next(s for s in charts.CHARTS if s.key == block.key)
            if _has_data(data, block.key):
                drawn.append(spec.title.lower())
            else:
                lines.extend([f"*{spec.title}: {spec.empty}*", ""])

    drawn: list[str] = []
    for block in build_blocks(data):
        emit(block)
    if drawn:
        lines.extend(["", f"*Charts ({', '.join(drawn)}) are in the HTML and PDF versions.*"])
    return "\n".join(lines).rstrip() + "\n"


def _has_data(data: ReportData, key: str) -> bool:
    flow = data.flow
    if key == "cfd":
        return bool(flow.days) and any(any(s.values) for s in flow.cfd)
    if key == "cycle":
        return any(r.cycle_days is not None for r in flow.finished)
    if key == "throughput":
        return any(w.finished for w in flow.throughput)
    if key == "wip":
        return bool(flow.days) and any(any(s.values) for s in flow.wip_by_person)
    fc = data.forecast
    if key == "forecast":
        return fc is not None and any(
            o.forecast == "when" and o.outcome != "later" for o in fc.trial_outcomes
        )
    if key == "stability":
        return fc is not None and any(w.arrivals or w.finished for w in fc.stability)
    if key == "wipage":
        return fc is not None and any(p.wip for p in fc.wip_age)
    return bool(flow.aging)


CSS = """
:root { color-scheme: light; }
body { font-family: "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #212529;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #e4e9f0; padding-bottom: .2rem;
     margin-top: 2rem; }
h3 { font-size: 1.08rem; margin: 1.2rem 0 .4rem; }
p.note { color: #646a70; font-style: italic; }
p.alert { color: #b00020; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .9rem; font-size: .92rem; }
th { background: #e4e9f0; text-align: left; }
th, td { padding: .25rem .5rem; border-bottom: 1px solid #d0d5da; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
span.label { display: inline-block; padding: 0 .35rem; margin: .05rem .25rem .05rem 0;
             border-radius: 4px; font-size: .85em; white-space: nowrap;
             -webkit-print-color-adjust: exact; print-color-adjust: exact; }
figure { margin: .8rem 0 1.2rem; }
figure svg { width: 100%; height: auto; }
section.keep { break-inside: avoid; page-break-inside: avoid; }
@media print {
  @page { size: PAGE_SIZE; margin: 15mm; }
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
}
"""


def _html_cell(cell: Cell) -> str:
    if not isinstance(cell, Chips):
        return html.escape(cell)
    if not cell.chips:
        return "–"
    # Each colour is #rrggbb (kanban.reports.labels.chips_for), safe in a style.
    return "".join(
        f'<span class="label" style="background:{c.fill};color:{c.ink}">'
        f"{html.escape(c.text)}</span>"
        for c in cell.chips
    )


def render_html(data: ReportData, paper: str = "a4") -> str:
    """One HTML file with inline SVG charts and print CSS for ``paper``."""
    esc = html.escape
    parts: list[str] = []

    def emit(block: Block | object) -> None:
        if isinstance(block, Group):
            parts.append('<section class="keep">')
            for child in block.blocks:
                emit(child)
            parts.append("</section>")
        elif isinstance(block, Heading):
            parts.append(f"<h{block.level}>{esc(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            cls = f' class="{block.style}"' if block.style != "normal" else ""
            parts.append(f"<p{cls}>{esc(block.text)}</p>")
        elif isinstance(block, Table):
            head = "".join(
                f"<th{' class=num' if i in block.numeric else ''}>{esc(h)}</th>"
                for i, h in enumerate(block.headers)
            )
            rows = "".join(
                "<tr>"
                + "".join(
                    f"<td{' class=num' if i in block.numeric else ''}>{_html_cell(c)}</td>"
                    for i, c in enumerate(row)
                )
                + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif isinstance(block, Chart):
            spec = next(s for s in charts.CHARTS if s.key == block.key)
            fig = spec.draw(data, charts.SIZE)
            if fig is None:
                parts.append(f"<p>{esc(spec.title)}: {esc(spec.empty)}</p>")
            else:
                parts.append(
                    f'<figure aria-label="{esc(spec.title)}">{charts.to_svg(fig)}</figure>'
                )

    for block in build_blocks(data):
        emit(block)
    page = "A4" if paper.lower() == "a4" else "letter"
    title = esc(f"{data.board} – {data.period.label}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS.replace('PAGE_SIZE', page)}</style></head><body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )
