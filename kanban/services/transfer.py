"""Moving a board in and out: JSON export/import and CSV import from spreadsheets.

The JSON export is the whole board (settings, columns, people, every card
including archived ones, and the full history with ids, change ids and
timestamps), so ``import`` of an export gives back the same board and a
second export is byte for byte the first. Import checks the whole file
before it writes anything, and writes in one transaction.

The CSV import of spreadsheets lives in :mod:`kanban.services.csv_import`;
its entry points are re-exported here (``import_csv``, ``CsvReport``,
``CsvRejected``), the one place the front ends import from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kanban import jsontext
from kanban.domain.model import ColumnKind, EventKind, Rule, RuleMode, Source
from kanban.errors import ImportFailed, UserError
from kanban.services.board import BoardService
from kanban.services.csv_import import (
    CSV_FIELDS,
    CSV_MAX_BYTES,
    CsvRejected,
    CsvReport,
    decode_csv,
    import_csv,
    read_bytes,
    read_csv,
    read_csv_text,
)
from kanban.services.transfer_schema import FORMAT, FORMAT_VERSION, check_document
from kanban.store import bulk, db, repo

__all__ = [
    "CSV_FIELDS",
    "CSV_MAX_BYTES",
    "CsvRejected",
    "CsvReport",
    "ImportSummary",
    "board_is_empty",
    "clear_board",
    "decode_csv",
    "export_board",
    "export_json",
    "import_board",
    "import_csv",
    "read_bytes",
    "read_csv",
    "read_csv_text",
    "read_export_file",
    "replace_board",
    "write_text_atomically",
]

# The board's tables besides its one settings row, in the export's order.
_CONTENT = tuple(name for name, _table in bulk.TABLES if name != "board")


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
    """Write a file so that a crash leaves either the old file or the new one.

    The text is written as it is: ``newline=""`` turns off the text layer's
    ``\\n`` → ``os.linesep`` translation, which on Windows made an export differ
    from the same export on Linux and doubled a CSV's ``\\r\\n`` to ``\\r\\r\\n``.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            out.write(text)
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
    for name in ("comments", "checklist_items"):
        _unique(rows[name], "id", name)
        for i, row in enumerate(rows[name]):
            if row["card_id"] not in card_ids:
                raise bad(f"{name}[{i}].card_id", f"no card {row['card_id']} in the file")
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
