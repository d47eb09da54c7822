"""Writing a report to a file: format by name or by file extension.

Formats:
    md    Markdown text.
    html  one self-contained page (inline SVG charts, print CSS).
    pdf   A4 or Letter.
    csv   for spreadsheets. A ``.zip`` file holds ``cards.csv`` (every card in
          scope with its flow figures) and ``events.csv`` (the period's history);
          with a forecast, ``forecast_trials.csv`` summarises its trials: each
          finish date (and each card count) and how many trials ended there,
          with the cumulative share. Any other name (``report.csv``) gets the
          cards table alone, as CSV. The CSVs are UTF-8 with a byte-order mark
          so Excel reads accented names correctly; dates are ISO 8601 in UTC.
          A text cell that a spreadsheet would run as a formula (starting with
          ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
          ``'``, the OWASP rule against CSV injection. A card's labels are one
          cell, ``tls; web``.
    json  the whole report data (``schema_version`` says its shape); each card
          carries its labels, and ``label_colours`` the board's colours.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kanban import jsontext
from kanban.errors import InvalidInput
from kanban.reports.model import CardRecord, EventRecord, ReportData, TrialOutcome

FORMATS = ("pdf", "html", "md", "csv", "json")
EXTENSIONS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".zip": "csv",
    ".csv": "csv",
    ".json": "json",
}


def format_for(path: Path, explicit: str | None = None) -> str:
    """The format to write: the one asked for, else the one the extension names.

    Raises:
        InvalidInput: no format given and the extension names none.
    """
    if explicit:
        fmt = explicit.lower()
        if fmt not in FORMATS:
            raise InvalidInput(f"Unknown report format '{explicit}'; use {', '.join(FORMATS)}.")
        return fmt
    named = EXTENSIONS.get(path.suffix.lower())
    if named is None:
        raise InvalidInput(
            f"Cannot tell the report format from '{path.name}'; end the name with "
            ".pdf, .html, .md, .csv (the cards table), .zip (every CSV table) or .json."
        )
    return named


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def to_jsonable(data: ReportData) -> dict[str, Any]:
    def convert(obj: Any) -> Any:
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            return {f.name: convert(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if isinstance(obj, tuple | list):
            return [convert(v) for v in obj]
        if isinstance(obj, dict):
            return {str(k): convert(v) for k, v in obj.items()}
        return _plain(obj)

    converted: dict[str, Any] = convert(data)  # a dataclass converts to a dict
    return converted


def render_json(data: ReportData) -> str:
    return jsontext.dumps(to_jsonable(data))


# What a spreadsheet takes for the start of a formula (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, quoted with a leading ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(rows: tuple[Any, ...], cls: type) -> str:
    buf = io.StringIO()
    names = [f.name for f in dataclasses.fields(cls)]
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        values = []
        for name in names:
            value = getattr(row, name)
            if isinstance(value, float):
                value = round(value, 3)
            elif isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, tuple):  # a card's labels: one cell
                value = "; ".join(value)
            values.append("" if value is None else spreadsheet_safe(_plain(value)))
        writer.writerow(values)
    return "\ufeff" + buf.getvalue()


def render_csv_zip(data: ReportData) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("cards.csv", _csv(data.cards, CardRecord).encode("utf-8"))
        zf.writestr("events.csv", _csv(data.events, EventRecord).encode("utf-8"))
        if data.forecast is not None:
            trials = _csv(data.forecast.trial_outcomes, TrialOutcome)
            zf.writestr("forecast_trials.csv", trials.encode("utf-8"))
    return buf.getvalue()


def render_cards_csv(data: ReportData) -> bytes:
    """The cards table alone, as one CSV file."""
    return _csv(data.cards, CardRecord).encode("utf-8")


def render(data: ReportData, fmt: str, paper: str = "a4") -> bytes:
    """The report in ``fmt`` as bytes ready to write (CSV: the .zip of every table)."""
    if fmt == "pdf":
        from kanban.reports.render_pdf import render_pdf

        return render_pdf(data, paper)
    if fmt == "html":
        from kanban.reports.render_text import render_html

        return render_html(data, paper).encode("utf-8")
    if fmt == "md":
        from kanban.reports.render_text import render_markdown

        return render_markdown(data).encode("utf-8")
    if fmt == "csv":
        return render_csv_zip(data)
    if fmt == "json":
        return render_json(data).encode("utf-8")
    raise InvalidInput(f"Unknown report format '{fmt}'; use {', '.join(FORMATS)}.")


def write_report(data: ReportData, path: Path, fmt: str | None = None, paper: str = "a4") -> Path:
    """Render and write atomically (a temp file renamed over), so a failure leaves no half file."""
    fmt = format_for(path, fmt)
    if fmt == "csv" and path.suffix.lower() != ".zip":
        payload = render_cards_csv(data)  # one table fits one CSV file
    else:
        payload = render(data, fmt, paper)
    tmp = path.with_name(f".{path.name}.part")
    try:
        tmp.write_bytes(payload)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(
            f"Cannot write the report to '{path}': {exc.strerror or exc}. "
            "Choose a folder you can write to."
        ) from exc
    return path
