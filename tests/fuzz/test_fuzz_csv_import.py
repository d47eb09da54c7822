"""Fuzz ``kanban import --csv``: random bytes, and sheets as odd as people save them.

Whatever the file holds (any bytes, a BOM of any kind, cp1252 or UTF-16,
quotes that do not balance, cells of thousands of characters, control
characters, zero-width spaces, the separator inside cells), the command ends
with a sentence and exit 0 or 1, never "unexpected error" (exit 3) or a
traceback. With ``--strict`` a refused file leaves the board exactly as it
was; without it, the board gains exactly the cards the command says it
imported.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban.services.csv_import import CSV_FIELDS

# cli(*argv) -> Outcome, from tests/fuzz/conftest.py.
Cli = Callable[..., Any]

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]

# Cells as they turn up in real sheets, and as an attacker would write them.
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        '"',
        '""',
        'a "quoted" word',
        '"unbalanced',
        "line\nbreak",
        "crlf\r\nbreak",
        "\x1b[2J\x1b[31mred",
        "\u200b\u200b",
        "\ufeff",
        "\x00",
        "\x85next line",
        "=cmd|' /C calc'!A0",
        "Anna",
        "Zed",
        "In progress",
        "Done",
        "pool",
        "OPS-1",
        "ops-2",
        "not a key",
        "1",
        "0.5",
        "1,5",
        "-5",
        "inf",
        "nan",
        "1e309",
        "2026-04-01",
        "31.12.2026",
        "next week",
        "yes",
        "tls;web|storage",
        "x" * 501,
        "y" * 5000,
    ]
)
CELL = st.one_of(ODD_TEXT, st.text(max_size=40))
HEADER_NAMES = st.sampled_from(
    [alias for aliases in CSV_FIELDS.values() for alias in aliases] + ["Colour", "", "Title"]
)


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    """A CSV file: header, rows, separator, quoting, encoding and BOM all drawn."""
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(HEADER_NAMES, min_size=1, max_size=6))
    if draw(st.booleans()):
        header = ["Title", *header]
    rows = draw(st.lists(st.lists(CELL, max_size=len(header) + 2), max_size=12))
    quote_all = draw(st.booleans())

    def line(cells: list[str]) -> str:
        if quote_all:
            return sep.join('"' + c.replace('"', '""') + '"' for c in cells)
        return sep.join(cells)  # raw: quotes and separators inside cells stay as typed

    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(line(r) for r in [header, *rows]) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(ENCODINGS))
    return draw(st.sampled_from(BOMS)) + text.encode(encoding, errors="replace")


@pytest.fixture
def board(cli: Cli, tmp_path: Path) -> Path:
    db = tmp_path / "board.db"
    assert cli("people", "add", "Anna Kowalski", "--db", str(db)).code == 0
    assert cli("add", "Already here", "--jira", "OPS-1", "--db", str(db)).code == 0
    return db


def import_once(
    cli: Cli,
    db: Path,
    data: bytes,
    strict: bool,
    fingerprint: Callable[[Path], str],
    card_count: Callable[[Path], int],
) -> None:
    sheet = db.with_name("sheet.csv")
    sheet.write_bytes(data)
    before, cards = fingerprint(db), card_count(db)
    argv = ["import", "--csv", str(sheet), "--db", str(db), *(["--strict"] if strict else [])]
    result = cli(*argv)
    result.check_no_crash(f"import --csv of {data[:120]!r}")
    if result.code == 0:
        return
    if "Imported " not in result.out:  # the file, or with --strict a row, was refused
        assert fingerprint(db) == before, result.err
    else:  # some rows were bad: exactly the good ones went in
        assert not strict, result.out
        said = result.out.split("Imported ", 1)[1].split(" ", 1)[0]
        assert card_count(db) - cards == int(said), result.out + result.err


@FUZZ
@given(data=st.binary(max_size=3000), bom=st.sampled_from(BOMS), strict=st.booleans())
def test_random_bytes_never_crash_the_import(
    cli: Cli,
    board: Path,
    fingerprint: Callable[[Path], str],
    card_count: Callable[[Path], int],
    data: bytes,
    bom: bytes,
    strict: bool,
) -> None:
    import_once(cli, board, bom + data, strict, fingerprint, card_count)


@FUZZ
@given(data=sheets(), strict=st.booleans())
def test_odd_sheets_are_imported_or_refused_in_words(
    cli: Cli,
    board: Path,
    fingerprint: Callable[[Path], str],
    card_count: Callable[[Path], int],
    data: bytes,
    strict: bool,
) -> None:
    import_once(cli, board, data, strict, fingerprint, card_count)
    # Whatever went in, the board still reads.
    listed = cli("list", "--db", str(board))
    listed.check_no_crash("list after the import")
    assert listed.code == 0, listed.err
