"""The CSV import: no cell of a row is dropped without a word."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from kanban.domain.model import Rule, RuleMode
from kanban.services import transfer
from kanban.services.board import BoardService


def test_a_row_with_more_cells_than_the_header_is_reported_not_cut(
    service: BoardService, tmp_path: Path
) -> None:
    path = tmp_path / "titles.csv"
    # An unquoted comma in a one-column list of titles splits the title in two.
    path.write_text("Summary\nReboot srv1\nCheck backup, then restore\n", encoding="utf-8")
    report = transfer.import_csv(service, path)
    assert [line for line, _reason in report.errors] == [3]
    assert "quote" in report.errors[0][1]
    assert [c.title for c in service.list_cards()] == ["Reboot srv1"]


def test_trailing_empty_cells_are_fine(service: BoardService, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Title,Size\nPatch DC01,1,,\n", encoding="utf-8")
    report = transfer.import_csv(service, path)
    assert report.errors == [] and len(report.imported) == 1


# --- encodings: how Excel on Windows saves a sheet ---------------------------


def test_a_cp1252_sheet_is_read_and_says_so(service: BoardService, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    # Excel's plain "CSV" on a Western Windows: cp1252, where é is 0xE9 and € is 0x80.
    raw = "Title;Size\nCafé budget 300 €;1\nRésumé for Zoë;2\n".encode("cp1252")
    assert b"\xe9" in raw and b"\x80" in raw
    path.write_bytes(raw)
    report = transfer.import_csv(service, path)
    assert report.errors == [] and report.encoding == "cp1252"
    assert sorted(c.title for c in service.list_cards()) == [
        "Café budget 300 €",
        "Résumé for Zoë",
    ]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_sheet_with_a_bom_is_read(
    service: BoardService, tmp_path: Path, codec: str
) -> None:
    path = tmp_path / "unicode.txt"
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    # Excel's "Unicode text": UTF-16 with a BOM, cells separated by tabs.
    path.write_bytes(bom + "Title\tSize\nCafé €\t1\n日本語のカード\t1\n".encode(codec))
    report = transfer.import_csv(service, path)
    assert report.errors == [] and report.encoding == "UTF-16"
    assert sorted(c.title for c in service.list_cards()) == ["Café €", "日本語のカード"]


def test_utf8_with_and_without_a_bom_is_named_utf8(service: BoardService, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_bytes(codecs.BOM_UTF8 + "Title\nCafé\n".encode())
    assert transfer.import_csv(service, path).encoding == "UTF-8"
    path.write_bytes("Title\nZoë\n".encode())
    assert transfer.import_csv(service, path).encoding == "UTF-8"


# --- an unbalanced quote -----------------------------------------------------


def test_an_unbalanced_quote_is_reported_on_its_line(service: BoardService, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(
        'Title,Size\nFirst,1\n"Second, the quote is not closed,1\nThird,1\nFourth,1\n',
        encoding="utf-8",
    )
    report = transfer.import_csv(service, path)
    lines = report.error_lines()
    assert len(lines) == 1 and lines[0].startswith("line 3: ")
    assert "check the quotes" in lines[0]
    assert [c.title for c in service.list_cards()] == ["First"]


def test_an_unbalanced_quote_with_strict_imports_nothing(
    service: BoardService, tmp_path: Path
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text('Title;Size\nFirst;1\n"Second;1\nThird;1\n', encoding="utf-8")
    with pytest.raises(transfer.CsvRejected) as caught:
        transfer.import_csv(service, path, strict=True)
    assert caught.value.report.error_lines()[0].startswith("line 3: ")
    assert service.list_cards() == []


def test_a_quoted_multi_line_description_is_not_a_swallowed_row(
    service: BoardService, tmp_path: Path
) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(
        'Title,Description\nPatch,"Step one\nstep two\nthen reboot"\nNext,\n', encoding="utf-8"
    )
    report = transfer.import_csv(service, path)
    assert report.errors == [] and len(report.imported) == 2


# --- linear time -------------------------------------------------------------


def test_two_thousand_rows_keep_their_order_and_cells(
    service: BoardService, tmp_path: Path
) -> None:
    service.add_person("Anna")
    path = tmp_path / "big.csv"
    rows = [f"Task {i},{'Anna' if i % 4 == 0 else ''},OPS-{i + 1}" for i in range(2000)]
    path.write_text("Title,Person,JIRA\n" + "\n".join(rows) + "\n", encoding="utf-8")
    for rule in Rule:
        service.set_rule(rule, RuleMode.OFF)
    report = transfer.import_csv(service, path)
    assert report.errors == [] and len(report.imported) == 2000
    cards = service.list_cards()
    cells: dict[tuple[int, int | None], list[Any]] = {}
    for card in cards:
        cells.setdefault((card.column_id, card.person_id), []).append(card)
    for cell in cells.values():  # positions dense, in the sheet's order
        assert [c.position for c in cell] == list(range(len(cell)))
        numbers = [int(c.title.split()[1]) for c in cell]
        assert numbers == sorted(numbers)
    # A key already on the board is still refused, in any case.
    path.write_text("Title,JIRA\nAgain,ops-7\n", encoding="utf-8")
    again = transfer.import_csv(service, path)
    assert again.error_lines() == [
        "line 2: OPS-7 is already on card 'Task 6'; a JIRA key links one card."
    ]
