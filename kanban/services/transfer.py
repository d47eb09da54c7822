"""Moving a board in and out: JSON export/import and CSV import from spreadsheets.

The JSON export is the whole board (settings, columns, people, every card
including archived ones, and the full history with ids, change ids and
timestamps), so ``import`` of an export gives back the same board and a
second export is byte for byte the first. Import checks the whole file
before it writes anything, and writes in one transaction.

The CSV import takes the spreadsheets teams keep. Headers are matched by
meaning (``Summary`` or ``Title``, ``Assignee`` or ``Owner``...). Every row
goes through :meth:`BoardService.add_card`, so the board's validation and
rules apply as if the cards were typed in; bad rows are reported as
``line N: reason`` and, with ``strict``, nothing is imported at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kanban import jsontext
from kanban.domain.model import ColumnKind, EventKind, Rule, RuleMode, Source
from kanban.errors import ImportFailed, NotFound, UserError
from kanban.services.board import BoardService, validate_jira_key
from kanban.services.transfer_schema import FORMAT, FORMAT_VERSION, check_document
from kanban.store import bulk, db, repo

# The board's tables besides its one settings row, in the export's order.
_CONTENT = tuple(name for name, _table in bulk.TABLES if name != "board")
CSV_MAX_BYTES = 50_000_000


# --- JSON export -------------------------------------------------------------


def export_board(service: BoardService) -> dict[str, Any]:
    """The whole board as one JSON-ready document (one consistent read)."""
    with service.reading() as conn:
        schema = db.current_revision(conn)
        board = bulk.dump_rows(conn, "board")
        doc: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema": schema,
            "board": board[0] if board else None,
        }
        for name in _CONTENT:
            doc[name] = bulk.dump_rows(conn, name)
    return doc


def export_json(service: BoardService) -> str:
    """The export document as text; stable for the same board (no timestamps of its own)."""
    return jsontext.dumps(export_board(service))


def write_text_atomically(path: Path, text: str) -> None:
    """Write a file so that a crash leaves either the old file or the new one."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(
            f"Cannot write {path} ({exc.strerror}); check the folder exists and is writable."
        ) from exc


# --- JSON import -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What a JSON import wrote."""

    columns: int
    people: int
    cards: int
    events: int


def read_bytes(path: Path, what: str) -> bytes:
    """Read an input file, turning the usual mistakes into one-line errors."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"There is no file {path}; check the name and try again.") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path} is a folder; give the {what} file inside it.") from None
    except OSError as exc:
        raise ImportFailed(f"Cannot read {path} ({exc.strerror}).") from exc


def read_export_file(path: Path) -> dict[str, Any]:
    """Load and check the outer shape of an export file."""
    raw = read_bytes(path, "export")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(
            f"{path} is not a UTF-8 text file, so it is not a Kanban export; nothing was "
            "imported. For spreadsheets use 'kanban import --csv'."
        ) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise ImportFailed(
            f"{path} is nested too deeply to be a Kanban export (lists or objects inside "
            "each other thousands of levels deep); nothing was imported."
        ) from None
    except json.JSONDecodeError as exc:
        hint = (
            " It looks like CSV: use 'kanban import --csv FILE'." if path.suffix == ".csv" else ""
        )
        raise ImportFailed(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            f"nothing was imported.{hint}"
        ) from None
    except ValueError as exc:  # a number of over 4,300 digits
        raise ImportFailed(
            f"{path} holds a number too long to read ({exc}); nothing was imported."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed(
            f'{path} is JSON but not a Kanban board export (no "format": "{FORMAT}"); '
            "nothing was imported. Create one with 'kanban export'."
        )
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ImportFailed(f"{path} has no valid format_version; nothing was imported.")
    if version > FORMAT_VERSION:
        raise ImportFailed(
            f"{path} was exported by a newer version of Kanban (format {version}; this one "
            f"reads up to {FORMAT_VERSION}); nothing was imported. Upgrade the app."
        )
    return data


def _check_document(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Convert every table and check the links between them; raise before any write."""
    if not isinstance(data.get("board"), dict):
        raise ImportFailed("board: the board's settings are missing; nothing was imported.")
    try:
        data = check_document(data)
    except ValueError as exc:
        raise ImportFailed(
            f"The file is not a board the app can load; nothing was imported. Fix these "
            f"fields or export the board again:\n{exc}"
        ) from None
    rows = {"board": bulk.rows_from_json("board", [data["board"]])}
    # A table added later (limit_changes) may be missing from an older file: none.
    for name in _CONTENT:
        rows[name] = bulk.rows_from_json(name, data.get(name, []))

    def bad(where: str, what: str) -> ImportFailed:
        return ImportFailed(f"{where}: {what}; nothing was imported.")

    board = rows["board"][0]
    rules = board["rules"]
    if not isinstance(rules, dict):
        raise bad("board.rules", "expected an object")
    for rule, mode in rules.items():
        try:
            Rule(rule), RuleMode(mode)
        except ValueError:
            raise bad("board.rules", f"unknown rule or mode {rule}={mode}") from None
    kinds = []
    for i, col in enumerate(rows["columns"]):
        try:
            kinds.append(ColumnKind(col["kind"]))
        except ValueError:
            raise bad(f"columns[{i}].kind", f"unknown kind '{col['kind']}'") from None
        if not _is_str_list(col["jira_statuses"]):
            raise bad(f"columns[{i}].jira_statuses", "expected a list of texts")
    if kinds.count(ColumnKind.POOL) != 1:
        raise bad("columns", "a board has exactly one column of kind pool")
    _unique(rows["columns"], "id", "columns")
    _unique(rows["columns"], "name", "columns")
    _unique(rows["people"], "id", "people")
    _unique(rows["people"], "name", "people")
    _unique(rows["cards"], "id", "cards")
    _unique([c for c in rows["cards"] if c["jira_key"]], "jira_key", "cards")
    _unique(rows["events"], "id", "events")
    column_ids = {c["id"] for c in rows["columns"]}
    person_ids = {p["id"] for p in rows["people"]}
    for i, card in enumerate(rows["cards"]):
        if card["column_id"] not in column_ids:
            raise bad(f"cards[{i}].column_id", f"no column {card['column_id']} in the file")
        if card["person_id"] is not None and card["person_id"] not in person_ids:
            raise bad(f"cards[{i}].person_id", f"no person {card['person_id']} in the file")
        if not _is_str_list(card["labels"]):
            raise bad(f"cards[{i}].labels", "expected a list of texts")
    card_ids = {c["id"] for c in rows["cards"]}
    for i, change in enumerate(rows["limit_changes"]):
        if change["scope"] not in ("column", "person"):
            raise bad(f"limit_changes[{i}].scope", "expected 'column' or 'person'")
    for i, ev in enumerate(rows["events"]):
        if ev["card_id"] not in card_ids:
            raise bad(f"events[{i}].card_id", f"no card {ev['card_id']} in the file")
        try:
            EventKind(ev["kind"]), Source(ev["source"])
        except ValueError:
            raise bad(
                f"events[{i}]", f"unknown kind or source {ev['kind']}/{ev['source']}"
            ) from None
        if not isinstance(ev["before"], dict) or not isinstance(ev["after"], dict):
            raise bad(f"events[{i}]", "before and after must be objects")
    return rows


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _unique(rows: list[dict[str, Any]], key: str, table: str) -> None:
    seen: set[Any] = set()
    for i, row in enumerate(rows):
        value = row[key]
        if value in seen:
            raise ImportFailed(
                f"{table}[{i}].{key}: '{value}' appears twice; nothing was imported."
            )
        seen.add(value)


def board_is_empty(service: BoardService) -> bool:
    """True for a board with no cards, people or history (a fresh database)."""
    with db.known_errors(service.url), db.read_transaction(service.engine) as conn:
        n = bulk.counts(conn)
    return not (n["cards"] or n["people"] or n["events"])


def import_board(
    service: BoardService, data: dict[str, Any], *, replace: bool = False
) -> ImportSummary:
    """Load an export document into the board, all or nothing.

    Raises:
        ImportFailed: the document is malformed, or the board is not empty and
            ``replace`` is False. The database is unchanged in either case.
    """
    rows = _check_document(data)
    try:
        with service.writing() as uow:
            conn = uow.conn
            n = bulk.counts(conn)
            if (n["cards"] or n["people"] or n["events"]) and not replace:
                raise ImportFailed(
                    f"The board in {db.describe(service.url)} is not empty ({n['cards']} cards, "
                    f"{n['people']} people); nothing was imported. Use --replace to overwrite "
                    "it, or import into a new file with --db."
                )
            bulk.clear(conn)
            for name, _table in bulk.TABLES:
                bulk.insert_rows(conn, name, rows[name])
    except ImportFailed:
        raise
    except UserError:
        raise
    except Exception as exc:  # integrity errors the checks above did not foresee
        if type(exc).__module__.startswith("sqlalchemy"):
            raise ImportFailed(
                f"The file does not fit the database ({getattr(exc, 'orig', exc)}); "
                "nothing was imported."
            ) from exc
        raise
    return ImportSummary(
        len(rows["columns"]), len(rows["people"]), len(rows["cards"]), len(rows["events"])
    )


def replace_board(service: BoardService, fill: Callable[[BoardService], None]) -> None:
    """Clear the board and ``fill`` it again, all in one transaction.

    If the fill fails or is interrupted, the old board is still there.
    """
    with service.batch() as board:
        with board.writing() as uow:
            bulk.clear(uow.conn)
            repo.seed_board(uow.conn)  # the default columns and settings of a new board
        fill(board)


def clear_board(service: BoardService) -> BoardService:
    """Delete everything and return a service on the fresh default board."""
    with service.writing() as uow:
        bulk.clear(uow.conn)
        repo.seed_board(uow.conn)
    return BoardService(service.engine, service.actor, service.url)


# --- CSV import --------------------------------------------------------------

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
    header, records, encoding, separator = read_csv_text(path)
    mapping, ignored = _map_headers(path, header)
    report = CsvReport(path=path, rows=len(records), ignored_headers=ignored, encoding=encoding)
    resolved: dict[tuple[str, str], Any] = {}

    def cached(kind: str, ref: str, look: Callable[[str], Any]) -> Any:
        key = (kind, ref.strip().lower())
        if key not in resolved:
            try:
                resolved[key] = look(ref)
            except NotFound:
                resolved[key] = None
        return resolved[key]

    keys_seen: dict[str, int] = {}
    with service.batch() as board:
        first_active = next((c for c in board.columns() if c.kind is ColumnKind.ACTIVE), None)
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
                kwargs = _row_arguments(cell, board, cached, first_active)
                key = kwargs.get("jira_key")
                if key in keys_seen:
                    raise UserError(f"duplicate JIRA key {key} (also on line {keys_seen[key]})")
                result = board.add_card(
                    kwargs.pop("title"), override_reason=override_reason, **kwargs
                )
            except UserError as exc:
                report.errors.append((line, str(exc)))
                continue
            if key:
                keys_seen[key] = line
            report.imported.append(result.card.id)
        if strict and report.errors:
            raise CsvRejected(report)  # leaving the batch by an error rolls it all back
    return report


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


def _row_arguments(
    cell: Callable[[str], str],
    service: BoardService,
    cached: Callable[[str, str, Callable[[str], Any]], Any],
    first_active: Any,
) -> dict[str, Any]:
    title = cell("title")
    if not title:
        raise UserError("the title is empty")
    kwargs: dict[str, Any] = {"title": title}
    person_ref, column_ref = cell("person"), cell("column")
    if person_ref:
        person = cached("person", person_ref, service.resolve_person)
        if person is None:
            names = ", ".join(p.name for p in service.people()) or "none yet"
            raise UserError(f"unknown person '{person_ref}' (people on the board: {names})")
        kwargs["person"] = person.id
    if column_ref:
        column = cached("column", column_ref, service.resolve_column)
        if column is None:
            names = ", ".join(c.name for c in service.columns())
            raise UserError(f"unknown column '{column_ref}' (columns: {names})")
        kwargs["column"] = column.id
    elif person_ref and first_active is not None:
        # Someone's name on it means someone works on it: their lane, first active column.
        kwargs["column"] = first_active.id
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
