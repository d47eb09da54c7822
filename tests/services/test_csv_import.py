"""The CSV import: no cell of a row is dropped without a word."""

from __future__ import annotations

from pathlib import Path

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
