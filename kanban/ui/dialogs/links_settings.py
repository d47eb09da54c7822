"""Settings for commits and pull requests: repositories, project keys, hosts, automation.

What to scan lives in the config file (``[links]``), host tokens in the OS
keyring, and the automation rules in the board's database (every laptop and
the wall share them). The dialog also shows how each source's last scan went.
"""

from __future__ import annotations

import logging
from pathlib import Path

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
from kanban.ui.dialogs.common import MessageBanner, em, run_safely

log = logging.getLogger(__name__)


def _cell(table: QTableWidget, row: int, col: int) -> str:
    item = table.item(row, col)
    return item.text().strip() if item is not None else ""


class LinksSettingsDialog(QDialog):
    """Where commits and pull requests come from, and what they may do on the board.

    Signals:
        changed(): settings were saved; the board rescans at once.
    """

    changed = Signal()

    def __init__(self, service: BoardService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Commits and pull requests")
        self.service = service
        self.links = LinksService(service)
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
        current = run_safely(self.banner, "reading the automation rules", self.links.automation)
        self.automation: dict[str, QCheckBox] = {}
        for rule, text in AUTOMATION_RULES.items():
            box = QCheckBox(text, self)
            box.setChecked(bool(current and current.get(rule)))
            self.automation[rule] = box
            auto_layout.addWidget(box)

        self.sources = QLabel(self)
        self.sources.setWordWrap(True)
        self._show_sources()

        form = QFormLayout()
        form.addRow("Project keys", self.keys)
        form.addRow("", self.devstatus)
        save = QPushButton("Save", self)
        save.setDefault(True)
        save.clicked.connect(self.save)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(save)
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
        """Write the settings and the automation rules; the board rescans at once."""

        def apply() -> bool:
            settings = self.collect()
            settings.save_to(self.config)
            self.config.save()
            for rule, box in self.automation.items():
                self.links.set_automation(rule, box.isChecked())
            return True

        if not run_safely(self.banner, "saving the links settings", apply):
            return False
        self.banner.show_message("Saved; the board rescans now.", "info")
        self.changed.emit()
        return True

    def _show_sources(self) -> None:
        sources = run_safely(self.banner, "reading the scan status", self.links.sources) or []
        if not sources:
            self.sources.setText("No scan yet.")
            return
        lines = []
        for s in sources:
            when = s["last_scan_at"].strftime("%Y-%m-%d %H:%M") if s["last_scan_at"] else "never"
            state = f"error: {s['last_error']}" if s["last_error"] else "ok"
            lines.append(f"{s['kind']} {s['location']}: last scan {when} UTC, {state}")
        self.sources.setText("\n".join(lines))
