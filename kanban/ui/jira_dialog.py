"""The JIRA settings dialog: server, sign-in, the board's query, and "Test connection".

Settings go to the config file; the token goes to the OS keyring only (an
empty token field keeps the stored one). "Test connection" runs on a worker
thread and reports the server version, deployment type and the signed-in user.
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
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kanban.errors import UserError
from kanban.logs import log_file
from kanban.services.sync import check_connection
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

    def __init__(self, parent: QWidget | None = None, config: Config | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("JIRA settings")
        self.setObjectName("JiraSetupDialog")
        self.config = config or Config.load()
        self.settings = JiraSettings.load(self.config)
        self._executor = SerialExecutor("jira-test", self)

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
        form.addRow("Board query (JQL)", self.jql)
        form.addRow("Project keys", self.projects)
        form.addRow("Agile board id", self.board_id)
        form.addRow("", self.create_issues)
        form.addRow("Project for new issues", self.create_project)
        form.addRow("Issue type", self.create_type)
        form.addRow("Sync automatically every", self.interval)
        form.addRow(self.test_button, self.test_result)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(em(self, 32))

        self.auth.currentIndexChanged.connect(self._auth_changed)
        self.create_issues.toggled.connect(self._create_toggled)
        self.test_button.clicked.connect(self.test_connection)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._auth_changed()
        self._create_toggled()
        if note:
            self.banner.show_message(note, "warning")

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
        self.banner.clear_message()
        try:
            settings = self.form_settings()
            settings.validate()
        except UserError as exc:
            self.banner.show_message(str(exc))
            return
        token = self.token.text().strip() or None
        self.test_button.setEnabled(False)
        self.test_result.setText("Connecting…")
        self._executor.submit(lambda: check_connection(settings, token), self._tested)

    def _tested(self, info: Any, error: BaseException | None) -> None:
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
        self.test_result.setText(
            f"Connected: {info.title or 'JIRA'} {info.version} ({info.deployment}), "
            f"signed in as {info.user_display} [{info.user_id}]."
        )

    # --- saving ------------------------------------------------------------------------

    def accept(self) -> None:
        self.banner.clear_message()
        try:
            settings = self.form_settings()
            settings.validate()
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
        super().accept()

    def done(self, result: int) -> None:
        self._executor.wait(0)
        super().done(result)
