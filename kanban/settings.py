"""Where the app keeps its files, and the few settings that live outside the board.

The database URL is resolved in this order: ``--db`` on the command line,
``KANBAN_DATABASE_URL``, ``database_url`` in the config file, then SQLite in
platformdirs' user data directory. The config file is TOML under platformdirs'
config directory (``KANBAN_CONFIG_DIR`` moves it, which tests use). Secrets
never go here: they live in the OS keyring.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from kanban import APP_AUTHOR, APP_NAME
from kanban.errors import UserError


def config_dir() -> Path:
    override = os.environ.get("KANBAN_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def data_dir() -> Path:
    override = os.environ.get("KANBAN_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    override = os.environ.get("KANBAN_LOG_DIR")
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass
class Config:
    """The contents of the config file; unknown keys are kept as they are."""

    database_url: str | None = None
    me: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or config_path()
        if not path.exists():
            return cls()
        import tomllib  # only a config file that exists is parsed (a fresh install has none)

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UserError(
                f"Cannot read the config file {path} ({exc.strerror}); fix its permissions "
                "or move it away."
            ) from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UserError(
                f"The config file {path} is not valid TOML ({exc}); fix or delete it."
            ) from exc
        database_url, me = data.pop("database_url", None), data.pop("me", None)
        for key, value in (("database_url", database_url), ("me", me)):
            if value is not None and not isinstance(value, str):
                raise UserError(
                    f"The config file {path} gives {key} = {value!r}; it must be text in "
                    'quotes (e.g. database_url = "/path/board.db"). Fix or delete it.'
                )
        return cls(database_url=database_url, me=me, extra=data)

    def save(self, path: Path | None = None) -> None:
        path = path or config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = dict(self.extra)
        if self.database_url:
            data["database_url"] = self.database_url
        if self.me:
            data["me"] = self.me
        import tomli_w  # only a save needs it; every command reads the config

        tmp = path.with_suffix(".tmp")
        tmp.write_text(tomli_w.dumps(data), encoding="utf-8")
        tmp.replace(path)


def default_database_path() -> Path:
    return data_dir() / "board.db"


def database_url(cli_value: str | None = None, config: Config | None = None) -> str:
    """Resolve the SQLAlchemy URL of the board's database."""
    if cli_value is not None and not cli_value.strip():
        # Usually a script's unset variable: falling back would change the personal board.
        raise UserError("--db was given empty; give a database file or URL, or leave --db out.")
    value = cli_value or os.environ.get("KANBAN_DATABASE_URL")
    base = Path.cwd()
    if not value:
        value = (config or Config.load()).database_url
        # A relative path in the config file means beside the config file, so the
        # menu-started GUI and a CLI run from any folder open the same board.
        base = config_dir()
    if not value:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" in value:
        return value
    return f"sqlite:///{(base / Path(value).expanduser()).resolve()}"


def os_user() -> str:
    """The operating system's user name, the default identity of "me"."""
    import getpass  # with termios: a millisecond that a command reading no "me" saves

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def current_actor(config: Config | None = None) -> str:
    """Who is making changes: the configured "me", else the OS user."""
    env = os.environ.get("KANBAN_ME")
    if env:
        return env
    cfg = config or Config.load()
    return cfg.me or os_user()
