"""Settings for commits and pull requests: repositories, project keys, hosts, automation.

What to scan lives in the config file (``[links]``), host tokens in the OS
keyring, and the automation rules in the board's database (every laptop and
the wall share them). The dialog also shows how each source's last scan went.

The database is read and written on the dialog's worker, never on the GUI
thread (issue #10): the automation rules and the scan status are shown when
they arrive (``loaded``), and a save's automation rules are written there
(``write_finished``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kanban.errors import InvalidInput
from kanban.links.keys import clean_project_keys
from kanban.links.model import AUTOMATION_RULES
from kanban.links.settings import BitbucketSetting, GitHubSetting, GitRepoSetting, LinksSettings
from kanban.secrets import NoKeyring
from kanban.services.board import BoardService
from kanban.services.links import LinksService, set_host_token
from kanban.settings import Config
from kanban.ui.dialogs.common import MessageBanner, em, run_safely, show_failure
from kanban.ui.dialogs.settings_jobs import Step, StepsOutcome, run_read, run_steps
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)


def _cell(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item is not None else ""


class LinksSettingsDialog(QDialog):
    """Where commits and pull requests come from, and what they may do on the board.

    Signals:
        changed(): settings were saved; the board rescans at once.
        write_finished(bool): a save came back from the worker: True when stored.
    """

    changed = Signal()
    write_finished = Signal(bool)

    def __init__(self, service: BoardService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Commits and pull requests")
        self.service = service
        self.links = LinksService(service)
        self._automation_read = False
        self._sources_read = False
        self._busy = False
        self._executor = SerialExecutor("links-settings", self)
        self.config = Config.load()
        settings = LinksSettings.from_config(self.config)
        self.banner = MessageBanner(self)

        repos_box = QGroupBox("Local git repositories (all branches are read)")
        self.repo_list = QListWidget(self)
        for repo in settings.repos:
            self.repo_list.addItem(repo.path)
        self.repo_path = QLineEdit(self)
        self.repo_path.setPlaceholderText("/path/to/repository")
        browse = QPushButton("Browse…", self)
        browse.clicked.connect(self._browse)
        add_repo = QPushButton("Add", self)
        add_repo.clicked.connect(self.add_repo)
        remove_repo = QPushButton("Remove", self)
        remove_repo.clicked.connect(self._remove_repo)
        row = QHBoxLayout()
        for w in (self.repo_path, browse, add_repo, remove_repo):
            row.addWidget(w)
        repos_layout = QVBoxLayout(repos_box)
        repos_layout.addWidget(self.repo_list)
        repos_layout.addLayout(row)

        self.keys = QLineEdit(", ".join(settings.keys), self)
        self.keys.setPlaceholderText("OPS, INFRA (default: the JIRA connection's projects)")
        self.devstatus = QCheckBox("Also read JIRA's development panel (dev-status)", self)
        self.devstatus.setChecked(settings.devstatus)

        self.bitbucket = self._host_table(
            ("Bitbucket Server URL", "Project", "Repository"),
            [(b.url, b.project, b.repo) for b in settings.bitbucket],
        )
        self.github = self._host_table(
            ("GitHub repository (owner/name)", "API URL"),
            [(g.repo, g.api) for g in settings.github],
        )
        hosts_box = QGroupBox("Pull request hosts (tokens are kept in the OS keyring)")
        hosts = QVBoxLayout(hosts_box)
        for label, table, kind in (
            ("Bitbucket Server", self.bitbucket, "bitbucket"),
            ("GitHub", self.github, "github"),
        ):
            hosts.addWidget(QLabel(label, self))
            hosts.addWidget(table)
            buttons = QHBoxLayout()
            add = QPushButton("Add", self)
            add.clicked.connect(lambda _=False, t=table: t.insertRow(t.rowCount()))
            remove = QPushButton("Remove", self)
            remove.clicked.connect(lambda _=False, t=table: t.removeRow(t.currentRow()))
            token = QPushButton("Token…", self)
            token.clicked.connect(lambda _=False, t=table, k=kind: self._ask_token(t, k))
            for b in (add, remove, token):
                buttons.addWidget(b)
            buttons.addStretch(1)
            hosts.addLayout(buttons)

        auto_box = QGroupBox("Automation (each off by default; the board's rules still apply)")
        auto_layout = QVBoxLayout(auto_box)
        self.automation: dict[str, QCheckBox] = {}
        for rule, text in AUTOMATION_RULES.items():
            box = QCheckBox(text, self)
            box.setEnabled(False)  # until the stored rules arrive
            self.automation[rule] = box
            auto_layout.addWidget(box)

        self.sources = QLabel("Reading the scan status…", self)
        self.sources.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Project keys", self.keys)
        form.addRow("", self.devstatus)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(repos_box)
        layout.addLayout(form)
        layout.addWidget(hosts_box)
        layout.addWidget(auto_box)
        layout.addWidget(self.sources)
        layout.addLayout(bottom)
        self.resize(em(self, 48), em(self, 44))
        self._update_buttons()
        links = self.links
        self._executor.submit(lambda: run_read(links.automation), self._automation_arrived)
        self._executor.submit(lambda: run_read(links.sources), self._sources_arrived)

    @property
    def loaded(self) -> bool:
        """The automation rules and the scan status came back from the worker."""
        return self._automation_read and self._sources_read

    @property
    def busy(self) -> bool:
        """A save's automation rules are being written on the worker."""
        return self._busy

    @property
    def idle(self) -> bool:
        return self.loaded and self._executor.pending == 0

    def _update_buttons(self) -> None:
        # Saving before the stored rules are shown would write the unchecked boxes.
        self.save_button.setEnabled(self._automation_read and not self._busy)

    def _automation_arrived(
        self, outcome: StepsOutcome[dict[str, bool]] | None, error: BaseException | None
    ) -> None:
        self._automation_read = True
        current = outcome.items if outcome is not None else None
        if current is None:
            load_error = outcome.load_error if outcome is not None else error
            show_failure(self.banner, "reading the automation rules", load_error or RuntimeError())
        for rule, box in self.automation.items():
            box.setChecked(bool(current and current.get(rule)))
            box.setEnabled(True)
        self._update_buttons()

    def _sources_arrived(
        self, outcome: StepsOutcome[list[dict[str, object]]] | None, error: BaseException | None
    ) -> None:
        self._sources_read = True
        sources = outcome.items if outcome is not None else None
        if sources is None:
            load_error = outcome.load_error if outcome is not None else error
            show_failure(self.banner, "reading the scan status", load_error or RuntimeError())
        self._show_sources(sources or [])

    def _host_table(self, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> QTableWidget:
        table = QTableWidget(len(rows), len(headers), self)
        table.setHorizontalHeaderLabels(list(headers))
        # Every column shares the width, so no header is cut at laptop size.
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().hide()
        table.setMinimumHeight(em(self, 5))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(value))
        return table

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Git repository")
        if path:
            self.repo_path.setText(path)
            self.add_repo()

    def add_repo(self) -> None:
        """Add the typed path; a folder that is not a git repository is refused here."""
        path = self.repo_path.text().strip()
        if not path:
            return
        folder = Path(path).expanduser()
        if not (folder / ".git").exists() and not (folder / "HEAD").exists():
            self.banner.show_message(
                f"{folder} is not a git repository (no .git inside). Choose the folder you "
                "cloned, the one that holds .git."
            )
            return
        if path not in self._repo_paths():
            self.repo_list.addItem(str(folder))
        self.repo_path.clear()
        self.banner.clear_message()

    def _remove_repo(self) -> None:
        for item in self.repo_list.selectedItems():
            self.repo_list.takeItem(self.repo_list.row(item))

    def _repo_paths(self) -> list[str]:
        return [self.repo_list.item(i).text() for i in range(self.repo_list.count())]

    def _ask_token(self, table: QTableWidget, kind: str) -> None:
        row = table.currentRow()
        location = _cell(table, row, 0) if row >= 0 else ""
        if not location:
            self.banner.show_message("Select the host's row first, then set its token.")
            return
        token, ok = QInputDialog.getText(
            self, "Access token", f"Token for {location}:", QLineEdit.EchoMode.Password
        )
        if ok and token:
            self.store_token(kind, location, token)

    def store_token(self, kind: str, location: str, token: str) -> bool:
        try:
            set_host_token(kind, location, token)
        except NoKeyring as exc:
            self.banner.show_message(
                f"The token for {location} was not saved: this computer has no usable OS "
                f"keyring ({exc.reason}). Install a keyring service (e.g. GNOME Keyring) and "
                "try again."
            )
            return False
        self.banner.show_message(f"Token for {location} saved in the OS keyring.", "info")
        return True

    def collect(self) -> LinksSettings:
        """The settings as the dialog shows them; rows missing a field are refused."""
        bitbucket = []
        for r in range(self.bitbucket.rowCount()):
            url, project, repo = (_cell(self.bitbucket, r, c) for c in range(3))
            if not (url or project or repo):
                continue
            if not (url.startswith(("http://", "https://")) and project and repo):
                raise InvalidInput(
                    f"Bitbucket row {r + 1} needs a URL starting with https://, a project key "
                    "and a repository slug."
                )
            bitbucket.append(BitbucketSetting(url.rstrip("/"), project, repo))
        github = []
        for r in range(self.github.rowCount()):
            repo, api = _cell(self.github, r, 0), _cell(self.github, r, 1)
            if not repo:
                continue
            if repo.count("/") != 1:
                raise InvalidInput(f"GitHub row {r + 1}: write the repository as owner/name.")
            github.append(GitHubSetting(repo, api or "https://api.github.com"))
        previous = LinksSettings.from_config(self.config)
        return LinksSettings(
            repos=tuple(GitRepoSetting(p) for p in self._repo_paths()),
            keys=clean_project_keys(self.keys.text().replace(";", ",").split(",")),
            bitbucket=tuple(bitbucket),
            github=tuple(github),
            devstatus=self.devstatus.isChecked(),
            columns=previous.columns,
        )

    def save(self) -> bool:
        """Write the settings, then the automation rules on the worker; the board rescans.

        The settings are checked and written to the config file at once (a
        file, no database); False when a row is refused, the automation rules
        are not shown yet, or a save is on its way. ``changed`` and
        ``write_finished`` follow when the automation rules are stored.
        """
        if self._busy or not self._automation_read:
            return False

        def write_config() -> bool:
            settings = self.collect()
            settings.save_to(self.config)
            self.config.save()
            return True

        if not run_safely(self.banner, "saving the links settings", write_config):
            return False
        links = self.links

        def setter(rule: str, on: bool) -> Callable[[], object]:
            return lambda: links.set_automation(rule, on)

        steps = [
            Step("saving the links settings", setter(rule, box.isChecked()))
            for rule, box in self.automation.items()
        ]
        self._busy = True
        self._update_buttons()
        self._executor.submit(lambda: run_steps(steps), self._saved)
        return True

    def _saved(self, outcome: StepsOutcome[None] | None, error: BaseException | None) -> None:
        self._busy = False
        self._update_buttons()
        if outcome is None or not outcome.complete:
            failed = outcome.error if outcome is not None else error
            show_failure(self.banner, "saving the links settings", failed or RuntimeError())
            self.write_finished.emit(False)
            return
        self.banner.show_message("Saved; the board rescans now.", "info")
        self.changed.emit()
        self.write_finished.emit(True)

    def _show_sources(self, sources: list[dict[str, Any]]) -> None:
        if not sources:
            self.sources.setText("No scan yet.")
            return
        lines = []
        for s in sources:
            when = s["last_scan_at"].strftime("%Y-%m-%d %H:%M") if s["last_scan_at"] else "never"
            state = f"error: {s['last_error']}" if s["last_error"] else "ok"
            lines.append(f"{s['kind']} {s['location']}: last scan {when} UTC, {state}")
        self.sources.setText("\n".join(lines))
