"""Starting the board: options, and a clear message on a database it cannot use."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kanban.ui.app import parse_args, run_gui


def test_options() -> None:
    args = parse_args(["--db", "x.db", "--wall", "--me"])
    assert (args.db, args.wall, args.me) == ("x.db", True, True)
    assert parse_args(["--me=alice"]).me == "alice"
    assert parse_args([]).me is None


def test_a_file_that_is_not_a_database_shows_a_message_and_exits_1(qapp, tmp_path: Path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a board\n" * 100)
    seen: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.done(0)
        else:
            QTimer.singleShot(20, close_box)

    QTimer.singleShot(20, close_box)
    assert run_gui(["--db", str(bogus)]) == 1
    assert seen and str(bogus) in seen[0]
    assert bogus.read_text().startswith("these are my notes")
