"""The CSV import: no cell of a row is dropped without a word."""

from __future__ import annotations

import codecs
from datetime import date
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


# --- the bulk path keeps add_card's results ----------------------------------


def _stored(service: BoardService) -> list[tuple[Any, ...]]:
    """Each card and its history, without what differs between two boards (ids, times)."""
    times = {"not_ready_since", "started_at", "done_at", "column_since"}
    result = []
    for card in sorted(service.list_cards(), key=lambda c: c.title):
        (created,) = service.history(card.id)
        after = {k: v for k, v in created.after.items() if k not in times}
        assert set(created.after) - set(after) == times
        result.append(
            (
                card.title,
                card.description,
                card.column_id,
                card.person_id,
                card.owner_id,
                card.position,
                card.not_ready_reason,
                card.size_days,
                card.labels,
                card.project,
                card.due_date,
                card.jira_key,
                card.started_at is not None,
                card.done_at is not None,
                created.kind,
                created.actor,
                created.before,
                after,
                created.reason,
                created.rules,
                created.source,
            )
        )
    return result


def test_a_sheet_row_is_stored_like_a_card_typed_in(tmp_path: Path) -> None:
    typed = BoardService.open(f"sqlite:///{tmp_path / 'typed.db'}", "tester")
    sheet = BoardService.open(f"sqlite:///{tmp_path / 'sheet.db'}", "tester")
    for board in (typed, sheet):
        board.add_person("Anna Kowalski")
        board.add_card("Already there", column="Review", person="Anna")
    reason = "from the old sheet"
    typed.add_card(
        "Renew  cert\x1b[2J",
        column="Review",
        person="Anna Kowalski",
        size_days=1.5,
        labels=["tls", "web", "tls"],
        jira_key="ops-7",
        project="Certificates",
        description="Use the CA",
        due_date=date(2026, 4, 1),
    )
    typed.add_card("Expand LUN", size_days=4, not_ready_reason="shelf", override_reason=reason)
    typed.add_card("Ship it", column="Done")
    path = tmp_path / "sheet.csv"
    path.write_text(
        "Title,Person,Column,Size,Labels,Jira,Project,Description,Due,Blocked\n"
        '"Renew  cert\x1b[2J",Anna Kowalski,Review,"1,5",tls;web;tls,ops-7,Certificates,'
        "Use the CA,2026-04-01,\n"
        "Expand LUN,,,4,,,,,,shelf\n"
        "Ship it,,Done,,,,,,,\n",
        encoding="utf-8",
    )
    report = transfer.import_csv(sheet, path, override_reason=reason)
    assert report.errors == []
    assert _stored(sheet) == _stored(typed)
    typed.close()
    sheet.close()


def test_each_row_counts_against_the_wip_limits_of_the_rows_before_it(
    service: BoardService, tmp_path: Path
) -> None:
    service.add_person("Anna", wip_limit=2)
    service.update_column("Review", wip_max=2)
    service.set_rule(Rule.WIP_LIMITS, RuleMode.ENFORCE)
    service.add_card("On the board", column="Review")
    path = tmp_path / "sheet.csv"
    path.write_text(
        "Title,Column,Person\n"
        "Second review,Review,\n"
        "Third review,Review,\n"
        "Anna one,In progress,Anna\n"
        "Anna two,In progress,Anna\n"
        "Anna three,In progress,Anna\n",
        encoding="utf-8",
    )
    report = transfer.import_csv(service, path)
    lines = report.error_lines()
    assert len(lines) == 2
    assert lines[0].startswith("line 3: Card 'Third review': 'Review' would hold 3 cards")
    assert lines[1].startswith("line 6: Card 'Anna three': Anna would have 3 cards in progress")
    assert sorted(c.title for c in service.list_cards()) == [
        "Anna one",
        "Anna two",
        "On the board",
        "Second review",
    ]
    # Positions go on from the card already in the cell.
    review = [c for c in service.list_cards() if c.title in ("On the board", "Second review")]
    assert sorted(c.position for c in review) == [0, 1]
