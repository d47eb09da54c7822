"""The window's first-five-minutes and housekeeping parts, wired onto the main window.

Kept out of ``main_window.py`` (which holds the board, its filters and wall
mode) so each part has one home:

- the welcome panel over an empty board (:mod:`kanban.ui.welcome`) and its
  three actions, including the real CSV import run on the board's writer;
- Board → Rename…, Settings → Labels…, View → Archived cards…;
- Help → Getting started and Help → About.

Every change runs on the board's writer (:meth:`BoardController.run_write`), so
the board reloads after it and the window's undo covers it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMenu, QMessageBox, QWidget

from kanban.domain.words import plural
from kanban.errors import UserError
from kanban.ui.welcome import WelcomePanel, wants_welcome

if TYPE_CHECKING:
    from kanban.services.transfer import CsvReport
    from kanban.ui.main_window import MainWindow


def csv_result_text(report: CsvReport) -> str:
    """What a CSV import did, in the words ``kanban import --csv`` uses."""
    lines = [
        f"Imported {len(report.imported)} of {report.rows} rows from {report.path.name} "
        f"(read as {report.encoding})."
    ]
    if report.ignored_headers:
        lines.append(f"Ignored columns: {', '.join(report.ignored_headers)} (not a card field).")
    if report.errors:
        lines.append(
            f"{plural(len(report.errors), 'row')} were not imported; fix them and import "
            "those again:"
        )
        lines.extend(report.error_lines()[:20])
        if len(report.errors) > 20:
            lines.append(f"… and {len(report.errors) - 20} more.")
    return "\n".join(lines)


class WindowExtras(QObject):
    """Adds the menus' extra actions and the welcome panel to ``window``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller = window.controller
        self.pick_csv: Callable[[], str | None] = self._pick_csv
        self.ask_board_name: Callable[[str], str | None] = self._ask_board_name
        self._dialog: QWidget | None = None
        self.act_rename = self._action("Re&name board…", self.rename_board)
        self.act_labels = self._action("&Labels…", self.open_labels)
        self.act_archived = self._action("&Archived cards…", self.open_archived)
        self.act_guide = self._action("&Getting started", self.show_guide)
        self.act_about = self._action("&About Kanban Team Board", self.show_about)
        self._add_to("&Board", self.act_rename, first=True)
        self._add_to("&Settings", self.act_labels)
        self._add_to("&View", self.act_archived)
        self._add_to("&Help", self.act_guide, first=True)
        self._add_to("&Help", self.act_about)

        self.welcome = WelcomePanel(window.view)
        self.welcome.add_people.connect(lambda: window.open_settings("PeopleDialog"))
        self.welcome.add_card.connect(window.new_card)
        self.welcome.import_csv.connect(self.import_csv)
        self.welcome.connect_jira.connect(window.open_jira_setup)
        self.controller.board_changed.connect(self._board_changed)
        window.view.resized.connect(self.welcome.place)

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(slot)
        return action

    def _add_to(self, title: str, action: QAction, *, first: bool = False) -> None:
        for entry in self.window.menuBar().actions():
            menu = entry.menu()
            if isinstance(menu, QMenu) and entry.text() == title:
                existing = menu.actions()
                if first and existing:
                    menu.insertAction(existing[0], action)
                else:
                    menu.addAction(action)
                return
        self.window.menuBar().addMenu(title).addAction(action)

    # --- the welcome panel --------------------------------------------------------------

    def _board_changed(self) -> None:
        show = wants_welcome(self.controller.snapshot) and not self.window.wall
        if show:
            self.welcome.place()
            self.welcome.raise_()
        self.welcome.setVisible(show)

    def import_csv(self) -> None:
        """Pick a spreadsheet saved as CSV and import it, as ``kanban import --csv`` does."""
        chosen = self.pick_csv()
        if not chosen:
            return
        path = Path(chosen)
        service = self.controller.service

        def job() -> tuple[CsvReport | None, str | None]:
            from kanban.services import transfer

            try:
                return transfer.import_csv(service, path), None
            except UserError as exc:  # no title column, unreadable file...
                return None, str(exc)

        def done(outcome: tuple[CsvReport | None, str | None]) -> None:
            report, error = outcome
            text = error if report is None else csv_result_text(report)
            self.window.show_message((text or "").splitlines()[0])
            bad = report is None or bool(report.errors)
            box = QMessageBox(
                QMessageBox.Icon.Warning if bad else QMessageBox.Icon.Information,
                "CSV import",
                text or "",
                QMessageBox.StandardButton.Ok,
                self.window,
            )
            box.open()  # not exec(): the board reloads behind it
            self._dialog = box

        self.window.show_message(f"Importing {path.name}…")
        self.controller.run_write(job, f"importing {path.name}", done)

    def _pick_csv(self) -> str | None:
        name, _filter = QFileDialog.getOpenFileName(
            self.window, "Import cards from a CSV file", "", "CSV files (*.csv);;All files (*)"
        )
        return name or None

    # --- board, labels, archived ------------------------------------------------------

    def rename_board(self) -> None:
        snap = self.controller.snapshot
        current = snap.name if snap is not None else ""
        name = self.ask_board_name(current)
        if name is None or name.strip() == current:
            return
        service = self.controller.service

        def job() -> str:
            from kanban.services.board_admin import rename_board

            return rename_board(service, name)

        self.controller.run_write(
            job,
            "renaming the board",
            lambda new: self.window.show_message(f"The board is now called '{new}'."),
        )

    def _ask_board_name(self, current: str) -> str | None:
        name, ok = QInputDialog.getText(
            self.window, "Rename the board", "The board's name:", QLineEdit.EchoMode.Normal, current
        )
        return name if ok else None

    def open_labels(self) -> None:
        from kanban.ui.dialogs.labels import LabelsDialog

        dialog = LabelsDialog(self.controller.service, self.window)
        dialog.changed.connect(self.controller.reload)  # the chips take their new colours
        dialog.setModal(True)
        dialog.show()
        self._dialog = dialog

    def open_archived(self) -> None:
        from kanban.ui.dialogs.archived import ArchivedDialog

        dialog = ArchivedDialog(self.controller, self.window)
        dialog.setModal(True)
        dialog.show()
        self._dialog = dialog

    # --- help -----------------------------------------------------------------------------

    def show_guide(self) -> None:
        from kanban.ui.dialogs.help_about import GettingStartedDialog

        dialog = GettingStartedDialog(self.window)
        dialog.show()
        self._dialog = dialog

    def show_about(self) -> None:
        from kanban.services.board_admin import about_facts
        from kanban.ui.dialogs.help_about import AboutDialog

        dialog = AboutDialog(about_facts(self.controller.service), self.window)
        dialog.setModal(True)
        dialog.show()
        self._dialog = dialog
