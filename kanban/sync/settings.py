"""JIRA connection settings (config file) and the token (OS keyring only).

The settings live in the config file's ``[jira]`` table, read and written
through :class:`kanban.settings.Config`. The token never goes there: it is kept
in the OS keyring (through :mod:`kanban.secrets`) under :data:`KEYRING_SERVICE`.
Where the machine has no keyring backend (a headless server), the token comes
from ``KANBAN_JIRA_TOKEN`` for that run only, and :func:`load_token` says so.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from kanban import secrets
from kanban.errors import InvalidInput
from kanban.secrets import NoKeyring as NoKeyring  # the CLI and UI catch it from here
from kanban.settings import Config

log = logging.getLogger(__name__)

KEYRING_SERVICE = "kanban-team-board/jira"
TOKEN_ENV = "KANBAN_JIRA_TOKEN"
AUTH_PAT = "pat"  # Server / Data Center personal access token, sent as Bearer
AUTH_CLOUD = "cloud"  # Cloud: e-mail + API token, sent as Basic


@dataclass
class JiraSettings:
    """What the board needs to know about its JIRA (everything but the token).

    Attributes:
        url: the server's base URL, e.g. https://jira.example.com.
        auth: "pat" (Server/DC Bearer token) or "cloud" (e-mail + API token).
        user: the Cloud e-mail (Basic auth user); empty for a PAT.
        jql: the query that defines which issues are on the board.
        board_id: optional agile board whose columns, statuses and WIP are read.
        project_keys: the projects of the default JQL and of the created issues.
        create_issues: push new local cards as new issues.
        create_project / create_issue_type: where new issues go.
        create_since: ISO time create_issues was switched on; older cards stay local.
        interval_minutes: automatic sync period in the app (0 = off).
        full_every_hours: how often a full pass looks for issues that left the JQL.
        timeout: seconds to wait for one HTTP answer.
    """

    url: str = ""
    auth: str = AUTH_PAT
    user: str = ""
    jql: str = ""
    board_id: int | None = None
    project_keys: list[str] = field(default_factory=list)
    create_issues: bool = False
    create_project: str = ""
    create_issue_type: str = "Task"
    create_since: str = ""
    interval_minutes: int = 10
    full_every_hours: float = 24.0
    timeout: float = 30.0

    @property
    def configured(self) -> bool:
        # A board adopted from JIRA may take its query from the board's filter.
        return bool(self.url and (self.effective_jql or self.board_id))

    @property
    def effective_jql(self) -> str:
        """The board's JQL: the configured one, else the default over the project keys."""
        if self.jql.strip():
            return self.jql.strip()
        if self.project_keys:
            return default_jql(self.project_keys)
        return ""

    @property
    def account(self) -> str:
        """The keyring user name the token is stored under."""
        return f"{self.url.rstrip('/')}|{self.user or 'token'}"

    @classmethod
    def load(cls, config: Config | None = None) -> JiraSettings:
        cfg = config or Config.load()
        data: dict[str, Any] = dict(cfg.extra.get("jira") or {})
        known = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known}
        if values.get("board_id") in ("", 0):
            values["board_id"] = None
        return cls(**values)

    def save(self, config: Config | None = None) -> Config:
        cfg = config or Config.load()
        data = {k: v for k, v in asdict(self).items() if v is not None}
        cfg.extra["jira"] = data
        cfg.save()
        return cfg

    def validate_connection(self, *, window: bool = False) -> None:
        """Enough to connect: the address, the sign-in (and the e-mail on Cloud).

        ``window`` words the messages for the connection dialog instead of the CLI.
        """
        if not self.url.startswith(("http://", "https://")):
            raise InvalidInput(
                f"'{self.url}' is not a JIRA address; type the base address, e.g. "
                "https://jira.example.com."
                if window
                else f"'{self.url}' is not a JIRA address; give the base URL, e.g. "
                "https://jira.example.com (kanban jira setup --url URL)."
            )
        if self.auth not in (AUTH_PAT, AUTH_CLOUD):
            raise InvalidInput(f"Unknown JIRA sign-in '{self.auth}'; use 'pat' or 'cloud'.")
        if self.auth == AUTH_CLOUD and "@" not in self.user:
            raise InvalidInput(
                "JIRA Cloud signs in with your e-mail and an API token; type your e-mail."
                if window
                else "JIRA Cloud signs in with your e-mail and an API token; give --user EMAIL."
            )

    def validate(self, *, window: bool = False) -> None:
        """Everything a sync needs; see :meth:`validate_connection` for ``window``."""
        self.validate_connection(window=window)
        if not self.effective_jql and not self.board_id:
            raise InvalidInput(
                "The board needs to know which issues it shows: type a board query (JQL), "
                "e.g. project = OPS, or project keys, or choose the team's JIRA board."
                if window
                else "The board needs a JQL query (or project keys, or a JIRA board whose "
                "filter it takes) to know which issues it shows; give --jql, e.g. "
                "'project = OPS', or --board-id N ('kanban jira boards' lists them)."
            )
        if self.create_issues and not self.create_project:
            raise InvalidInput(
                "Creating JIRA issues from new cards needs a project: type the project key "
                "for new issues."
                if window
                else "Creating JIRA issues from new cards needs a project; give "
                "--create-project KEY."
            )


def default_jql(project_keys: list[str]) -> str:
    """Not-done issues of the projects plus those resolved in the last 14 days."""
    keys = ", ".join(project_keys)
    return f"project in ({keys}) AND (statusCategory != Done OR resolved >= -14d)"


def store_token(settings: JiraSettings, token: str) -> None:
    """Save the token in the OS keyring.

    Raises:
        NoKeyring: no keyring backend; the caller tells the user to use the env var.
    """
    secrets.set_secret(
        KEYRING_SERVICE,
        settings.account,
        token,
        what="the JIRA token",
        instead=f"Set {TOKEN_ENV} in the environment of each run instead.",
    )


def load_token(settings: JiraSettings) -> tuple[str | None, str | None]:
    """The token and, when it could not come from the keyring, a note saying why.

    Returns:
        ``(token, note)``: ``note`` is set when the keyring is missing and the
        token came from (or was missing in) ``KANBAN_JIRA_TOKEN``.
    """
    env = os.environ.get(TOKEN_ENV) or None
    if not secrets.keyring_usable():
        note = f"No keyring backend on this machine; using {TOKEN_ENV} for this run only."
        return env, note
    try:
        token = secrets.get_secret(KEYRING_SERVICE, settings.account)
    except secrets.NoKeyring as exc:
        return env, f"The keyring could not be read ({exc.reason}); using {TOKEN_ENV} for this run."
    if token:
        return token, None
    if env:
        return env, f"No JIRA token in the keyring; using {TOKEN_ENV} for this run."
    return None, None


def forget_token(settings: JiraSettings) -> None:
    if not secrets.delete_secret(KEYRING_SERVICE, settings.account):
        log.info("No JIRA token to forget for %s", settings.account)
