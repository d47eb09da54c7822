"""The main window's JIRA sync and links parts: the sync dock, preview, connection, people.

:class:`IntegrationsWindow` is the part of :class:`~kanban.ui.main_window.MainWindow`
that shows what the background integrations do: the JIRA sync panel in a
dock, the plan of a sync (*Preview sync*), the connection dialog, the people a
sync added, JIRA being offline, and the links settings. The main window
builds the watchers and the actions; these methods react to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDockWidget, QLabel, QMainWindow, QMessageBox, QWidget

from kanban.services.board import BoardService
from kanban.ui.controller import BoardController
from kanban.ui.integrations import LinksWatcher, SyncWatcher

if TYPE_CHECKING:
    from kanban.sync.preview import SyncPlan


class IntegrationsWindow(QMainWindow):
    """The sync and links side of the main window (see the module docstring)."""

    # Set up by MainWindow.__init__.
    service: BoardService
    controller: BoardController
    sync: SyncWatcher
    links: LinksWatcher
    sync_dock: QDockWidget | None
    sync_preview: QWidget | None
    people_box: QMessageBox | None
    sync_state: QLabel
    wall_sync: QLabel
    wall: bool
    _sync_prepared: bool
    _dialog: QDialog
    act_sync: QAction
    act_sync_preview: QAction
    act_sync_cancel: QAction
    act_sync_panel: QAction

    def show_message(self, text: str) -> None:
        raise NotImplementedError  # MainWindow shows it in the status bar and on the wall

    def open_settings(self, name: str) -> None:
        raise NotImplementedError  # MainWindow opens the settings dialog of that name

    def _prepare_sync(self) -> None:
        if not self._sync_prepared:
            self._sync_prepared = True
            self.sync.prepare(self._start_sync)

    def _start_sync(self) -> None:
        panel = self.sync.start()
        dock = QDockWidget("JIRA sync", self)
        dock.setObjectName("sync-dock")
        dock.setWidget(panel)
        dock.visibilityChanged.connect(self.act_sync_panel.setChecked)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        self.sync_dock = dock
        # While a sync runs, "Sync now" would do nothing: say so by greying it out,
        # and offer Cancel only then.
        runner = panel.runner
        self._sync_running(False)
        runner.started.connect(lambda: self._sync_running(True))
        for done in (runner.finished, runner.failed, runner.side_empty):
            done.connect(lambda *_args: self._sync_running(False))

    def _sync_running(self, running: bool) -> None:
        self.act_sync.setEnabled(not running)
        self.act_sync_preview.setEnabled(not running)
        self.act_sync_cancel.setEnabled(running)

    def show_sync_preview(self, plan: SyncPlan, first: bool) -> None:
        """The plan of a sync; not modal, so the board (and the wall) stays usable."""
        from kanban.ui.dialogs.sync_preview import SyncPreviewDialog

        snap = self.controller.snapshot
        names = {c.id: c.name for c in snap.columns} if snap is not None else {}
        dialog = SyncPreviewDialog(plan, first=first, column_names=names, parent=self)
        dialog.apply_requested.connect(self.sync.apply_sync)
        self.show_message(plan.summary())  # replaces "Working out what a sync would do…"
        dialog.show()
        self.sync_preview = dialog

    def toggle_sync_panel(self) -> None:
        if self.sync_dock is None:
            return
        if self.sync_dock.isVisible():
            self.sync_dock.hide()
        else:
            self.sync_dock.show()
            self.sync.panel.refresh()

    def open_jira_setup(self) -> None:
        """The JIRA connection dialog; a new sync period applies at once."""
        from kanban.ui.jira_dialog import JiraSetupDialog

        dialog = JiraSetupDialog(self, service=self.service)
        dialog.accepted.connect(self.sync.settings_changed)
        dialog.accepted.connect(self.controller.reload)  # the status columns may have changed
        dialog.setModal(True)
        dialog.show()
        self._dialog = dialog

    def _sync_offline(self, offline: bool) -> None:
        self.sync_state.setText(
            "JIRA cannot be reached: changes wait and are pushed when it is back" if offline else ""
        )
        self.sync_state.setVisible(offline)
        # The wall has no status bar: it says so in its own bar.
        self.wall_sync.setText("JIRA offline: changes wait" if offline else "")
        self.wall_sync.setVisible(offline)

    def open_links_settings(self) -> None:
        from kanban.ui.dialogs.links_settings import LinksSettingsDialog

        dialog = LinksSettingsDialog(self.service, self)
        dialog.changed.connect(self.links.scan_now)
        dialog.setModal(True)
        dialog.show()
        self._dialog = dialog

    def links_rescan(self) -> None:
        self.show_message("Scanning commits and pull requests…")
        self.links.scan_now()

    def people_added(self, names: list[str]) -> None:
        """Say once who the sync added from JIRA, and offer to edit them (never blocking)."""
        listed = ", ".join(names)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "New people from JIRA",
            f"The JIRA sync added {listed} to the board's people. Someone with work in "
            "progress gets a lane; the others appear when they start a card. Check their "
            "names, e-mail and WIP limits now?",
            parent=self,
        )
        edit = box.addButton("Edit people…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.setModal(False)
        box.buttonClicked.connect(
            lambda button: self.open_settings("PeopleDialog") if button is edit else None
        )
        if self.wall:
            QTimer.singleShot(60_000, box.close)  # a wall is never left waiting on a box
        box.show()
        self.people_box = box
        self.show_message(f"New people from JIRA: {listed}.")
