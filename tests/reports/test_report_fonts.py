"""Names in Chinese characters: no missing-glyph warnings, and the PDF prints them.

Where the system has a font with wide coverage (Noto Sans CJK, Droid Sans
Fallback, ...), the charts and the PDF take the glyphs DejaVu Sans lacks from
it. Where it has none, the characters become boxes with one log line that
says which font to install, never a warning per glyph.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator

import pytest
from pypdf import PdfReader

from kanban.reports import charts, fonts
from kanban.reports.build import build_report
from kanban.reports.model import ReportData
from kanban.reports.period import parse_period
from kanban.reports.render_pdf import render_pdf
from kanban.reports.render_text import render_html
from reports.histories import COLUMNS, DOING, DONE, REVIEW, History, Person, at

WANG = Person(1, "王小明", wip_limit=2, order=0, colour="#4e79a7")
LI = Person(2, "李华", wip_limit=2, order=1, colour="#f28e2b")
NOW = at(21, 12)


def cjk_report() -> ReportData:
    h = History()
    h.create("c1", "更换 web01 证书", at(2), project="WEB")
    h.create("c2", "备份轮换", at(10))
    h.create("c3", "升级存储固件", at(12))
    h.create("c4", "整理 DNS 区域", at(14))
    h.move("c1", at(16), DOING, WANG.id)
    h.move("c2", at(16, 10), DOING, LI.id, actor="李华")
    h.move("c2", at(17), REVIEW, actor="李华")
    h.move("c1", at(19), DONE)
    h.move("c2", at(20), DONE)
    h.move("c3", at(18), DOING, WANG.id)
    return build_report(
        board="运维团队",
        columns=COLUMNS,
        people=(WANG, LI),
        cards=list(h.cards.values()),
        events=h.events,
        period=parse_period("week", NOW),
        now=NOW,
    )


def glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def render_everything(data: ReportData) -> bytes:
    """The PDF, the HTML (charts as SVG) and every chart as a PNG, as the app makes them."""
    pdf = render_pdf(data)
    render_html(data)
    for spec in charts.CHARTS:
        fig = spec.draw(data, charts.SIZE)
        if fig is not None:
            charts.to_png(fig)
    return pdf


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_chinese_names_draw_without_warnings_and_print_in_the_pdf(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = cjk_report()
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = render_everything(data)

    assert glyph_warnings(caught) == []
    assert not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    if fonts.fallback_font() is None:
        pytest.skip(
            "no font with Chinese characters on this system (install fonts-noto-cjk); "
            "the fallback without one is tested below"
        )
    text = pdf_text(pdf)
    for name in ("王小明", "李华", "更换 web01 证书", "运维团队"):
        assert name in text, name
    assert fonts.BOX not in text


@pytest.fixture
def no_wide_font() -> Iterator[None]:
    """A system with DejaVu Sans only: the probe finds none of the wide fonts."""
    saved = fonts.CANDIDATES
    fonts.CANDIDATES = ()
    fonts.reset()
    try:
        yield
    finally:
        fonts.CANDIDATES = saved
        fonts.reset()


@pytest.mark.usefixtures("no_wide_font")
def test_without_a_wide_font_names_become_boxes_with_one_line_saying_what_to_install(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = cjk_report()
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdf = render_everything(data)
        fonts.drawable("李华")  # the next report: nothing new to say

    assert glyph_warnings(caught) == []
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(said) == 1, said
    assert "fonts-noto-cjk" in said[0] and "运" in said[0]
    text = pdf_text(pdf)
    assert fonts.BOX * 3 in text  # 王小明, as three boxes
    assert "web01" in text  # what DejaVu has is printed as it is
