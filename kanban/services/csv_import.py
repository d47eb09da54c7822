"""CSV import: the cards of a spreadsheet, added in one bulk write.

Teams keep their work in spreadsheets saved as CSV. The file is decoded the
way spreadsheet programs write it (a BOM, else UTF-8, else the code page
charset-normalizer finds, cp1252 by preference), its headers are matched by
meaning (``Summary`` or ``Title``, ``Assignee`` or ``Owner``...), and each
row is checked like a card typed in: the same cleaning, limits and team rules
as :meth:`BoardService.add_card`, through :mod:`kanban.services.card_intake`.
Bad rows are reported as ``line N: reason``; with ``strict`` nothing is
imported at all.

The import is one write transaction that reads the board once (columns,
people, rules, WIP counts, the end of each cell, the JIRA keys in use), keeps
those up to date in memory while it checks the rows in order, and then inserts
every good card and its CREATED event with one executemany each. So a sheet of
100,000 rows costs about what its rows cost, not what the board holds
(``bench/bench_csv_import.py``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from kanban.domain.lookup import match_column, match_person
from kanban.domain.model import Column, ColumnKind, EventKind, Person
from kanban.domain.validation import validate_jira_key
from kanban.domain.wip import WipCount, summarize
from kanban.errors import ImportFailed, NotFound, UserError
from kanban.services.board import BoardService
from kanban.services.card_intake import (
    card_row,
    check_rules,
    clean_new_card,
    key_taken,
    lane_and_owner,
    new_card_violations,
)
from kanban.services.gcpause import gc_paused
from kanban.services.unit_of_work import UnitOfWork
from kanban.store import card_batch, repo

CSV_MAX_BYTES = 50_000_000
# The card fields an event keeps as ISO text (jsonable); the others are stored as they are.
_K = TypeVar("_K")
_TIME_FIELDS = ("not_ready_since", "due_date", "started_at", "done_at", "column_since")


def read_bytes(path: Path, what: str) -> bytes:
    """Read an input file (CSV or JSON), turning the usual mistakes into one-line errors."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"There is no file {path}; check the name and try again.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path} is a folder; give the {what} file inside it.") from None
    except OSError as exc:
        raise ImportFailed(f"Cannot read {path} ({exc.strerror}).") from exc


# Header names (normalised: lower case, words only) and the field each means.
CSV_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "summary", "name", "task", "card", "subject"),
    "person": ("person", "assignee", "owner", "assigned to", "who", "responsible"),
    "column": ("column", "status", "state", "stage", "lane"),
    "size": ("size", "days", "size days", "size in days", "estimate", "estimate days", "effort"),
    "labels": ("labels", "label", "tags", "tag"),
    "not_ready": (
        "not ready",
        "not ready reason",
        "blocked",
        "blocked reason",
        "blocker",
        "waiting for",
        "reason",
    ),
    "jira": ("jira", "key", "jira key", "issue", "issue key", "ticket"),
    "project": ("project", "epic"),
    "description": ("description", "details", "notes", "comment", "comments"),
    "due": ("due", "due date", "deadline", "due by"),
}
_HEADER_LOOKUP = {alias: name for name, aliases in CSV_FIELDS.items() for alias in aliases}
_NO = {"", "no", "n", "false", "0", "-", "none"}
_YES = {"yes", "y", "true", "x", "1"}


def _normalise_header(name: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower()).split())


@dataclass
class CsvReport:
    """The outcome of a CSV import."""

    path: Path
    rows: int = 0
    imported: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    encoding: str = "UTF-8"

    def error_lines(self) -> list[str]:
        return [f"line {line}: {reason}" for line, reason in self.errors]


class CsvRejected(ImportFailed):
    """``--strict`` found bad rows, so nothing was imported."""

    def __init__(self, report: CsvReport) -> None:
        self.report = report
        bad = len(report.errors)
        super().__init__(
            f"{bad} of {report.rows} rows in {report.path} are bad; nothing was imported "
            "(--strict). Fix those lines and import again, or drop --strict to import the "
            "good rows."
        )


# Byte order marks, longest first (the UTF-32 LE mark starts with UTF-16 LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


def decode_csv(path: Path, raw: bytes) -> tuple[str, str]:
    """The text of a spreadsheet export and the name of the encoding it was read as.

    Excel writes "CSV UTF-8" with a BOM, "Unicode text" as UTF-16 with a BOM and
    plain "CSV" in the Windows code page (cp1252 in Western Europe). So: a BOM
    first, then strict UTF-8, then charset-normalizer's best guess; among code
    pages that give the same text, cp1252 is named, being the likely one.
    """
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), name
            except UnicodeDecodeError as exc:
                raise ImportFailed(
                    f"{path} starts with a {name} mark but byte {exc.start + len(bom)} is "
                    f"not {name}; nothing was imported. Save it again as 'CSV UTF-8'."
                ) from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for files that are not UTF-8

    best = charset_normalizer.from_bytes(raw[:1_000_000]).best()
    if best is not None:
        codec = "cp1252" if "cp1252" in best.could_be_from_charset else best.encoding
        try:
            return raw.decode(codec), codec
        except UnicodeDecodeError:
            pass
    raise ImportFailed(
        f"{path} is not text in an encoding that could be recognised (tried UTF-8, UTF-16 "
        "and the usual code pages); nothing was imported. Save it as 'CSV UTF-8' in your "
        "spreadsheet program and try again."
    )


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and rows (with the line each starts on) of a spreadsheet export."""
    header, rows, _encoding, _separator = read_csv_text(path)
    return header, rows


def read_csv_text(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], str, str]:
    """:func:`read_csv`, the encoding the file was read as and its separator."""
    raw = read_bytes(path, "CSV")
    if len(raw) > CSV_MAX_BYTES:
        raise ImportFailed(f"{path} is over {CSV_MAX_BYTES // 1_000_000} MB; split it first.")
    text, encoding = decode_csv(path, raw)
    if "\x00" in text:
        raise ImportFailed(f"{path} is not a CSV text file (it holds binary data).")
    if not text.strip():
        raise ImportFailed(f"{path} is empty; a CSV file needs a header line and rows.")
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        first = sample.splitlines()[0]
        dialect = csv.excel_tab if "\t" in first else csv.excel
        if first.count(";") > first.count(","):
            dialect = _Semicolon
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        line = 1
        for record in reader:
            start, line = line, reader.line_num + 1
            if header is None:
                if any(cell.strip() for cell in record):
                    header = record
                continue
            if any(cell.strip() for cell in record):
                rows.append((start, record))
    except csv.Error as exc:
        raise ImportFailed(
            f"{path} is not valid CSV (line {reader.line_num}: {exc}); nothing was imported."
        ) from None
    return header or [], rows, encoding, dialect.delimiter


class _Semicolon(csv.excel):
    delimiter = ";"


def _map_headers(path: Path, header: list[str]) -> tuple[dict[str, int], list[str]]:
    mapping: dict[str, int] = {}
    ignored: list[str] = []
    for i, name in enumerate(header):
        key = _HEADER_LOOKUP.get(_normalise_header(name))
        if key is None:
            if name.strip():
                ignored.append(name.strip())
            continue
        if key in mapping:
            raise ImportFailed(
                f"{path}: the columns '{header[mapping[key]].strip()}' and '{name.strip()}' "
                f"both mean {key}; rename or remove one and import again."
            )
        mapping[key] = i
    if "title" not in mapping:
        found = ", ".join(f"'{h.strip()}'" for h in header if h.strip()) or "none"
        raise ImportFailed(
            f"{path} has no title column (headers found: {found}); name one 'Title' or "
            "'Summary' and import again."
        )
    return mapping, ignored


def _parse_size(text: str) -> float:
    cleaned = text.strip().lower().removesuffix("days").removesuffix("day").removesuffix("d")
    try:
        # A decimal comma is what European spreadsheets write ("1,5").
        return float(cleaned.strip().replace(",", "."))
    except ValueError:
        raise UserError(f"bad size '{text.strip()}' (give days, e.g. 1 or 0.5)") from None


def _parse_due(text: str) -> date:
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise UserError(f"bad due date '{value}' (use YYYY-MM-DD)")


def import_csv(
    service: BoardService,
    path: Path,
    *,
    strict: bool = False,
    override_reason: str | None = None,
) -> CsvReport:
    """Add one card per good row of a spreadsheet; report the bad ones.

    Args:
        strict: import nothing if any row is bad.
        override_reason: given to rules in ``warn`` mode (e.g. big cards); without
            it such rows are reported like any other bad row.

    Raises:
        ImportFailed: the file cannot be read or has no title column.
        CsvRejected: ``strict`` and some rows are bad (it carries the report).
    """
    # Hundreds of thousands of small objects and no cycles: collections would only
    # rescan a growing heap, which made the time per row grow with the sheet.
    with gc_paused():
        return _import_rows(service, path, strict, override_reason)


def _import_rows(
    service: BoardService, path: Path, strict: bool, override_reason: str | None
) -> CsvReport:
    header, records, encoding, separator = read_csv_text(path)
    mapping, ignored = _map_headers(path, header)
    report = CsvReport(path=path, rows=len(records), ignored_headers=ignored, encoding=encoding)
    keys_seen: dict[str, int] = {}
    with service.writing() as uow:
        sheet = _Sheet(uow)
        for line, record in records:

            def cell(name: str, record: list[str] = record) -> str:
                index = mapping.get(name)
                if index is None or index >= len(record):
                    return ""
                return record[index].strip()

            try:
                _check_swallowed_rows(record, separator)
                extra = [c for c in record[len(header) :] if c.strip()]
                if extra:
                    # An unquoted delimiter inside a cell: importing would cut the text.
                    raise UserError(
                        f"more cells than the header's {len(header)} (is "
                        f"'{extra[0].strip()[:30]}' part of a cell? quote cells that hold "
                        "the separator)"
                    )
                kwargs = _row_arguments(cell, sheet)
                key = kwargs.get("jira_key")
                if key in keys_seen:
                    raise UserError(f"duplicate JIRA key {key} (also on line {keys_seen[key]})")
                card_id = sheet.add(override_reason=override_reason, **kwargs)
            except UserError as exc:
                report.errors.append((line, str(exc)))
                continue
            if key:
                keys_seen[key] = line
            report.imported.append(card_id)
        if strict and report.errors:
            raise CsvRejected(report)  # nothing was written: the rows wait in memory
        sheet.write()
    return report


class _Sheet:
    """The board as the rows of one import see it, kept in memory while they are checked.

    Read once at the start of the import's transaction; every accepted row
    updates the counts, cell ends and keys here, so the next row is checked
    against the board as it will be, exactly as a card added by ``add_card``
    right after the previous one would be.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        conn = uow.conn
        self.uow = uow
        self.frame = repo.load_frame(conn)
        self.first_active = next(
            (c for c in self.frame.columns if c.kind is ColumnKind.ACTIVE), None
        )
        # The WIP counts of the whole board, kept current row by row.
        self.wip = summarize(self.frame.columns, repo.cell_counts(conn))
        self.ends = card_batch.cell_ends(conn)
        self.keys = card_batch.jira_key_titles(conn)
        self._columns = {c.id: c for c in self.frame.columns}
        self._people = {p.id: p for p in self.frame.people}
        self._names: dict[tuple[str, str], Any] = {}
        self.cards: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def person(self, ref: str) -> Person | None:
        """The person a cell names, or None (each name looked up once per sheet)."""
        return self._lookup("person", ref, lambda r: match_person(self.frame.people, r))

    def column(self, ref: str) -> Column | None:
        return self._lookup("column", ref, lambda r: match_column(self.frame.columns, r))

    def _lookup(self, kind: str, ref: str, look: Callable[[str], Any]) -> Any:
        key = (kind, ref.strip().lower())
        if key not in self._names:
            try:
                self._names[key] = look(ref)
            except NotFound:
                self._names[key] = None
        return self._names[key]

    def add(
        self,
        title: str,
        *,
        description: str = "",
        column: int | None = None,
        person: int | None = None,
        size_days: float = 1.0,
        labels: list[str] | tuple[str, ...] = (),
        project: str | None = None,
        due_date: date | None = None,
        jira_key: str | None = None,
        not_ready_reason: str | None = None,
        override_reason: str | None = None,
    ) -> str:
        """Check one row as ``add_card`` would and keep its card and event; returns the id."""
        new = clean_new_card(
            title,
            description=description,
            project=project,
            size_days=size_days,
            labels=labels,
            jira_key=jira_key,
            not_ready_reason=not_ready_reason,
        )
        at = repo.now()
        frame = self.frame
        col = frame.pool if column is None else self._columns[column]
        lane, owner_id = lane_and_owner(col, self._people[person] if person is not None else None)
        violations = new_card_violations(frame, col, lane, new.size, self.wip)
        check_rules(new.title, violations, override_reason)
        if new.jira_key and new.jira_key in self.keys:
            raise key_taken(new.jira_key, self.keys[new.jira_key])
        person_id = lane.id if lane else None
        position = self.ends.get((col.id, person_id), 0)
        values = card_row(
            new,
            card_id=repo.new_id(),
            column=col,
            person_id=person_id,
            owner_id=owner_id,
            position=position,
            due_date=due_date,
            at=at,
        )
        # The card is taken: what the next rows are checked against.
        self.ends[(col.id, person_id)] = position + 1
        self._count(col, person_id, blocked=new.not_ready_reason is not None)
        if new.jira_key:
            self.keys[new.jira_key] = new.title
        after = {name: values[name] for name in repo.CARD_FIELDS}
        for name in _TIME_FIELDS:
            if after[name] is not None:
                after[name] = repo.jsonable(after[name])
        self.cards.append(values)
        self.events.append(
            self.uow.event_row(
                values["id"],
                self.uow.new_change_id(),
                EventKind.CREATED,
                {"archived": True},
                after,
                reason=override_reason if violations else None,
                violations=violations,
                at=at,
            )
        )
        return str(values["id"])

    def _count(self, column: Column, person_id: int | None, *, blocked: bool) -> None:
        """One more live card in a cell, counted as :func:`summarize` counts it."""
        wip, b = self.wip, int(blocked)
        _bump(wip.by_column, column.id, b)
        _bump(wip.by_cell, (column.id, person_id), b)
        if column.kind is ColumnKind.ACTIVE:  # a person's WIP is their active work
            _bump(wip.by_person, person_id, b)

    def write(self) -> None:
        """Insert the cards, then their events, each table in one executemany."""
        with card_batch.roomy_cache(self.uow.conn):
            card_batch.insert_cards(self.uow.conn, self.cards)
            card_batch.insert_events(self.uow.conn, self.events)


def _bump(counts: dict[_K, WipCount], key: _K, blocked: int) -> None:
    was = counts.get(key, WipCount())
    counts[key] = WipCount(was.total + 1, was.blocked + blocked)


def _check_swallowed_rows(record: list[str], separator: str) -> None:
    """Refuse a cell that looks like it took in the rows after it.

    A quote opened and never closed makes the reader run on to the next quote,
    or to the end of the file, as one cell: its lines after the first that hold
    the separator were rows of their own. (A multi-line description without the
    separator on its later lines is fine.)
    """
    for cell in record:
        later = cell.split("\n")[1:]
        swallowed = sum(1 for text in later if separator in text)
        if swallowed:
            shown = "tab" if separator == "\t" else f"'{separator}'"
            raise UserError(
                f"a cell runs over {len(later) + 1} lines and {swallowed} of them hold the "
                f'separator {shown}: an unbalanced quote (") seems to have merged the '
                "rows after it into this one; check the quotes on this line"
            )


def _row_arguments(cell: Callable[[str], str], sheet: _Sheet) -> dict[str, Any]:
    title = cell("title")
    if not title:
        raise UserError("the title is empty")
    kwargs: dict[str, Any] = {"title": title}
    person_ref, column_ref = cell("person"), cell("column")
    if person_ref:
        person = sheet.person(person_ref)
        if person is None:
            names = ", ".join(p.name for p in sheet.frame.people) or "none yet"
            raise UserError(f"unknown person '{person_ref}' (people on the board: {names})")
        kwargs["person"] = person.id
    if column_ref:
        column = sheet.column(column_ref)
        if column is None:
            names = ", ".join(c.name for c in sheet.frame.columns)
            raise UserError(f"unknown column '{column_ref}' (columns: {names})")
        kwargs["column"] = column.id
    elif person_ref and sheet.first_active is not None:
        # Someone's name on it means someone works on it: their lane, first active column.
        kwargs["column"] = sheet.first_active.id
    size = cell("size")
    if size:
        kwargs["size_days"] = _parse_size(size)
    labels = cell("labels")
    if labels:
        kwargs["labels"] = [p for p in re.split(r"[,;|]", labels) if p.strip()]
    reason = cell("not_ready")
    if reason.lower() in _YES:
        kwargs["not_ready_reason"] = "Marked not ready in the spreadsheet"
    elif reason.lower() not in _NO:
        kwargs["not_ready_reason"] = reason
    key = cell("jira")
    if key:
        kwargs["jira_key"] = validate_jira_key(key)
    if cell("project"):
        kwargs["project"] = cell("project")
    if cell("description"):
        kwargs["description"] = cell("description")
    if cell("due"):
        kwargs["due_date"] = _parse_due(cell("due"))
    return kwargs
