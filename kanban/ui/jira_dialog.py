"""The JIRA settings dialog: server, sign-in, the team's JIRA board, the query, the statuses.

Settings go to the config file; the token goes to the OS keyring only (an
empty token field keeps the stored one). "Test connection" needs only the
address and the token; it runs on a worker thread, reports the server
version, deployment type and the signed-in user, and lists the agile boards
to choose from. The *Statuses* tab shows where each JIRA status lands, with a
column picker per status; changes are written on a worker when saved.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import Column
from kanban.errors import UserError
from kanban.logs import log_file
from kanban.services.board import BoardService
from kanban.services.sync import check_connection, list_boards
from kanban.services.sync_board_config import map_status
from kanban.services.sync_status import StatusRow, status_rows
from kanban.settings import Config
from kanban.sync.settings import (
    AUTH_CLOUD,
    AUTH_PAT,
    TOKEN_ENV,
    JiraSettings,
    NoKeyring,
    load_token,
    store_token,
)
from kanban.ui.dialogs.common import MessageBanner, em
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)


class JiraSetupDialog(QDialog):
    """Edit the board's JIRA connection; ``accept()`` saves settings and token."""

    def __init__(
        self,
        parent: QWidget | None = None,
        config: Config | None = None,
        service: BoardService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("JIRA settings")
        self.setObjectName("JiraSetupDialog")
        self.config = config or Config.load()
        self.settings = JiraSettings.load(self.config)
        self.service = service
        self._executor = SerialExecutor("jira-test", self)
        self._status_rows: list[StatusRow] = []
        self._columns: list[Column] = []
        self._saving = False

        self.banner = MessageBanner(self)
        self.url = QLineEdit(self.settings.url, self)
        self.url.setPlaceholderText("https://jira.example.com")
        self.auth = QComboBox(self)
        self.auth.addItem("Server / Data Center: personal access token", AUTH_PAT)
        self.auth.addItem("Cloud: e-mail and API token", AUTH_CLOUD)
        self.auth.setCurrentIndex(1 if self.settings.auth == AUTH_CLOUD else 0)
        self.user = QLineEdit(self.settings.user, self)
        self.user.setPlaceholderText("you@example.com (Cloud only)")
        self.token = QLineEdit(self)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        stored, note = load_token(self.settings) if self.settings.url else (None, None)
        self.token.setPlaceholderText(
            "stored in the keyring; type to replace" if stored else "paste the token"
        )
        self.jql = QPlainTextEdit(self.settings.jql, self)
        self.jql.setPlaceholderText("project = OPS AND statusCategory != Done")
        self.jql.setFixedHeight(em(self, 3.5))
        self.projects = QLineEdit(", ".join(self.settings.project_keys), self)
        self.projects.setPlaceholderText("OPS, NET (the default query uses them)")
        self.board_id = QSpinBox(self)
        self.board_id.setRange(0, 10_000_000)
        self.board_id.setSpecialValueText("none")
        self.board_id.setValue(self.settings.board_id or 0)
        self.board_id.setToolTip(
            "The team's JIRA board: its columns, statuses and WIP limits become this board's, "
            "and without a query of your own its filter chooses the issues."
        )
        self.boards = QComboBox(self)
        self.boards.addItem("Test the connection to list the JIRA boards", 0)
        self.boards.setEnabled(False)
        self.boards.currentIndexChanged.connect(self._board_chosen)
        self.create_issues = QCheckBox("Create JIRA issues from new cards", self)
        self.create_issues.setChecked(self.settings.create_issues)
        self.create_project = QLineEdit(self.settings.create_project, self)
        self.create_type = QLineEdit(self.settings.create_issue_type, self)
        self.interval = QSpinBox(self)
        self.interval.setRange(0, 24 * 60)
        self.interval.setSuffix(" min")
        self.interval.setSpecialValueText("off")
        self.interval.setValue(self.settings.interval_minutes)

        self.test_button = QPushButton("Test connection", self)
        self.test_result = QLabel("", self)
        self.test_result.setWordWrap(True)

        form = QFormLayout()
        form.addRow("JIRA address", self.url)
        form.addRow("Sign-in", self.auth)
        form.addRow("E-mail", self.user)
        form.addRow("Token", self.token)
        form.addRow(self.test_button, self.test_result)
        form.addRow("Team's JIRA board", self.boards)
        form.addRow("JIRA board id", self.board_id)
        form.addRow("Board query (JQL)", self.jql)
        form.addRow("Project keys", self.projects)
        form.addRow("", self.create_issues)
        form.addRow("Project for new issues", self.create_project)
        form.addRow("Issue type", self.create_type)
        form.addRow("Sync automatically every", self.interval)
        connection = QWidget(self)
        connection.setLayout(form)

        self.statuses = QTableWidget(0, 4, self)
        self.statuses.setHorizontalHeaderLabels(["JIRA status", "Category", "Cards", "Column"])
        self.statuses.verticalHeader().setVisible(False)
        self.statuses.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.statuses_note = QLabel(
            "A status a column lists goes there; every other status goes to the column of its "
            "category: to do → the task pool, in progress → the first active column, done → "
            "the done column. Pick a column to change it; the next sync moves the cards.",
            self,
        )
        self.statuses_note.setWordWrap(True)
        statuses_page = QWidget(self)
        statuses_layout = QVBoxLayout(statuses_page)
        statuses_layout.addWidget(self.statuses_note)
        statuses_layout.addWidget(self.statuses, 1)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(connection, "Connection")
        self.tabs.addTab(statuses_page, "Statuses")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(em(self, 44))

        self.auth.currentIndexChanged.connect(self._auth_changed)
        self.create_issues.toggled.connect(self._create_toggled)
        self.test_button.clicked.connect(self.test_connection)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._auth_changed()
        self._create_toggled()
        if note:
            self.banner.show_message(note, "warning")
        self._load_statuses()

    # --- form ------------------------------------------------------------------------

    def _auth_changed(self) -> None:
        self.user.setEnabled(self.auth.currentData() == AUTH_CLOUD)

    def _create_toggled(self) -> None:
        on = self.create_issues.isChecked()
        self.create_project.setEnabled(on)
        self.create_type.setEnabled(on)

    def form_settings(self) -> JiraSettings:
        """The settings as typed (not yet validated or saved)."""
        keys = [k.strip().upper() for k in self.projects.text().split(",") if k.strip()]
        create = self.create_issues.isChecked()
        since = self.settings.create_since
        if create and not (self.settings.create_issues and since):
            since = datetime.now(UTC).isoformat()
        return JiraSettings(
            url=self.url.text().strip().rstrip("/"),
            auth=str(self.auth.currentData()),
            user=self.user.text().strip() if self.auth.currentData() == AUTH_CLOUD else "",
            jql=self.jql.toPlainText().strip(),
            board_id=self.board_id.value() or None,
            project_keys=keys,
            create_issues=create,
            create_project=self.create_project.text().strip().upper() or (keys[0] if keys else ""),
            create_issue_type=self.create_type.text().strip() or "Task",
            create_since=since if create else "",
            interval_minutes=self.interval.value(),
            full_every_hours=self.settings.full_every_hours,
            timeout=self.settings.timeout,
        )

    # --- test connection (worker thread) ------------------------------------------------

    def test_connection(self) -> None:
        """Connect with the address and the token only, then list the JIRA boards."""
        self.banner.clear_message()
        try:
            settings = self.form_settings()
            settings.validate_connection(window=True)
        except UserError as exc:
            self.banner.show_message(str(exc))
            return
        token = self.token.text().strip() or None
        self.test_button.setEnabled(False)
        self.test_result.setText("Connecting…")

        def job() -> tuple[Any, list[dict[str, Any]] | str]:
            info = check_connection(settings, token)
            try:
                boards: list[dict[str, Any]] | str = list_boards(settings, token)
            except UserError as exc:  # no agile boards on this server, or no right to see them
                boards = str(exc)
            return info, boards

        self._executor.submit(job, self._tested)

    def _tested(self, result: Any, error: BaseException | None) -> None:
        self.test_button.setEnabled(True)
        if error is not None:
            self.test_result.setText("")
            if isinstance(error, UserError):
                self.banner.show_message(str(error))
            else:
                log.error("Unexpected error testing the JIRA connection", exc_info=error)
                self.banner.show_message(
                    f"Unexpected error while testing the connection; details in {log_file()}."
                )
            return
        info, boards = result
        self.test_result.setText(
            f"Connected: {info.title or 'JIRA'} {info.version} ({info.deployment}), "
            f"signed in as {info.user_display} [{info.user_id}]."
        )
        self._show_boards(boards)

    # --- the team's JIRA board ------------------------------------------------------

    def _show_boards(self, boards: list[dict[str, Any]] | str) -> None:
        self.boards.blockSignals(True)
        self.boards.clear()
        if isinstance(boards, str):
            self.boards.addItem(f"No JIRA boards: {boards}", 0)
            self.boards.setEnabled(False)
        else:
            self.boards.addItem("None: use the query below", 0)
            for b in boards:
                kind = f", {b['type']}" if b.get("type") else ""
                project = f" ({b['project']}{kind})" if b.get("project") else ""
                self.boards.addItem(f"{b['name']}{project}", int(b["id"]))
            self.boards.setEnabled(True)
            current = self.boards.findData(self.board_id.value())
            self.boards.setCurrentIndex(max(current, 0))
        self.boards.blockSignals(False)

    def _board_chosen(self, _index: int) -> None:
        board_id = self.boards.currentData()
        if isinstance(board_id, int):
            self.board_id.setValue(board_id)

    # --- statuses ------------------------------------------------------------------

    def _load_statuses(self) -> None:
        """Read where each status lands, on the worker (the board's database)."""
        service = self.service
        if service is None:
            self.statuses_note.setText(
                "Open this dialog from the board to see where JIRA's statuses land."
            )
            self.statuses.setEnabled(False)
            return

        def job() -> tuple[list[StatusRow], list[Column]]:
            return status_rows(service), service.columns()

        self._executor.submit(job, self._statuses_loaded)

    def _statuses_loaded(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            log.error("Reading the JIRA statuses failed", exc_info=error)
            self.statuses_note.setText(f"The statuses could not be read: {error}")
            return
        self._status_rows, self._columns = result
        table = self.statuses
        table.setRowCount(len(self._status_rows))
        if not self._status_rows:
            self.statuses_note.setText(
                "No JIRA status seen yet. After the first sync, every status is listed here "
                "with the column it lands in."
            )
        words = {"new": "To do", "indeterminate": "In progress", "done": "Done"}
        for row, status in enumerate(self._status_rows):
            table.setItem(row, 0, QTableWidgetItem(status.name))
            table.setItem(row, 1, QTableWidgetItem(words.get(status.category, "No category")))
            table.setItem(row, 2, QTableWidgetItem(str(status.issues)))
            picker = QComboBox(table)
            fallback = self._category_column(status)
            picker.addItem(
                f"By category: {fallback}" if fallback else "By category: stays where it is",
                None,
            )
            for col in self._columns:
                picker.addItem(col.name, col.id)
            if status.how is not None and status.how.value == "explicit":
                picker.setCurrentIndex(max(picker.findData(status.column_id), 0))
            table.setCellWidget(row, 3, picker)
        table.resizeColumnsToContents()

    def _category_column(self, status: StatusRow) -> str | None:
        kind = {"new": "pool", "indeterminate": "active", "done": "done"}.get(status.category)
        ordered = sorted(self._columns, key=lambda c: c.order)
        return next((c.name for c in ordered if c.kind.value == kind), None)

    def status_choices(self) -> dict[str, int | None]:
        """status id → the chosen column (None: by category), for rows the user changed."""
        changed: dict[str, int | None] = {}
        for row, status in enumerate(self._status_rows):
            picker = self.statuses.cellWidget(row, 3)
            if not isinstance(picker, QComboBox):
                continue
            chosen = picker.currentData()
            was = (
                status.column_id
                if status.how is not None and status.how.value == "explicit"
                else None
            )
            if chosen != was:
                changed[status.id] = chosen
        return changed

    # --- saving ------------------------------------------------------------------------

    def accept(self) -> None:
        if self._saving:
            return
        self.banner.clear_message()
        try:
            settings = self.form_settings()
            settings.validate(window=True)
        except UserError as exc:
            self.banner.show_message(str(exc))
            return
        token = self.token.text().strip()
        if token:
            try:
                store_token(settings, token)
            except NoKeyring as exc:
                # Saved settings are still useful; the token must come from the env.
                self.banner.show_message(
                    f"{exc} The other settings were saved; start the app with {TOKEN_ENV} set.",
                    "warning",
                )
                settings.save(self.config)
                self.settings = settings
                return
        elif not load_token(settings)[0]:
            self.banner.show_message(
                "Type the JIRA token: none is stored for this address and user."
            )
            return
        settings.save(self.config)
        self.settings = settings
        self._save_statuses()

    def _save_statuses(self) -> None:
        """Write the status choices on the worker, then close."""
        choices = self.status_choices()
        service = self.service
        if not choices or service is None:
            super().accept()
            return
        names = {s.id: s.name for s in self._status_rows}
        self._saving = True
        self.buttons.setEnabled(False)

        def job() -> None:
            for status_id, column_id in choices.items():
                map_status(service, status_id, column_id, name=names.get(status_id, ""))

        self._executor.submit(job, self._statuses_saved)

    def _statuses_saved(self, _result: Any, error: BaseException | None) -> None:
        self._saving = False
        self.buttons.setEnabled(True)
        if error is not None:
            text = (
                str(error)
                if isinstance(error, UserError)
                else (f"The status columns could not be saved; details in {log_file()}.")
            )
            if not isinstance(error, UserError):
                log.error("Saving the status columns failed", exc_info=error)
            self.banner.show_message(text)
            return
        super().accept()

    def done(self, result: int) -> None:
        self._executor.wait(0)
        super().done(result)
