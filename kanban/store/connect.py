"""What a server database URL becomes before connecting: its password and its TLS settings.

A board on a PostgreSQL server is named by a URL such as
``postgresql+psycopg://kanban@dbhost/board``. The password need not be in it
(where it would sit in the config file, the shell history and the process
list): ``kanban db password`` keeps it in the OS keyring under the URL's
``user@host/database`` (:func:`password_account`), and :func:`resolve` puts it
back into the URL the engine connects with. Nothing shown to a person ever
holds it: :func:`shown` is the URL with the password masked, which
``kanban.store.db.describe`` and every message use.

TLS is libpq's: ``sslmode`` and ``sslrootcert`` (the CA file) come from the
URL's query, else from ``[database]`` in the config file, else from libpq's own
defaults (``PGSSLMODE``, ``~/.postgresql/root.crt``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from kanban import secrets
from kanban.errors import StorageError
from kanban.settings import Config

log = logging.getLogger(__name__)

# The keyring service under which database passwords are kept.
KEYRING_SERVICE = "kanban-team-board/database"
# The config file's table for the connection settings of a server database.
CONFIG_SECTION = "database"
# libpq's values for sslmode, weakest first.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mariadb": 3306}


def is_server_url(url: URL) -> bool:
    """Whether the URL names a database server (not a SQLite file)."""
    return not url.drivername.startswith("sqlite")


def shown(url: str | URL) -> str:
    """The URL as it may be shown or logged: the password replaced by ``***``."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.render_as_string(hide_password=True)


def password_account(url: str | URL) -> str:
    """The keyring account of the URL's password: ``user@host/database``.

    The port is part of it only when it is not the backend's default, so
    ``…@dbhost/board`` and ``…@dbhost:5432/board`` share one password.

    Raises:
        StorageError: the URL names no user, host or database.
    """
    parsed = make_url(url) if isinstance(url, str) else url
    missing = [
        what
        for what, value in (
            ("user", parsed.username),
            ("host", parsed.host),
            ("database", parsed.database),
        )
        if not value
    ]
    if missing:
        raise StorageError(
            f"The database URL {shown(parsed)} names no {' and no '.join(missing)}; a password "
            "is kept for a user on a server's database. Give a URL such as "
            "postgresql+psycopg://kanban@dbhost/board."
        )
    host = parsed.host or ""
    default_port = _DEFAULT_PORTS.get(parsed.get_backend_name())
    if parsed.port is not None and parsed.port != default_port:
        host = f"{host}:{parsed.port}"
    return f"{parsed.username}@{host}/{parsed.database}"


def store_password(url: str | URL, password: str) -> str:
    """Keep ``password`` in the OS keyring for the URL's user, server and database.

    Returns:
        the keyring account it was stored under (``user@host/database``).

    Raises:
        StorageError: the URL names no user, host or database.
        NoKeyring: no keyring, or it refused; nothing was stored.
    """
    account = password_account(url)
    secrets.set_secret(
        KEYRING_SERVICE,
        account,
        password,
        what=f"the database password of {account}",
        instead="Put it in ~/.pgpass (libpq reads it) or in PGPASSWORD instead.",
    )
    return account


def forget_password(url: str | URL) -> bool:
    """Remove the URL's password from the keyring; False when none was stored."""
    return secrets.delete_secret(KEYRING_SERVICE, password_account(url))


def keyring_password(url: URL) -> str | None:
    """The password kept for the URL's account, or None (none kept, or no keyring).

    A keyring that cannot be read is not fatal: libpq may still find the
    password in ``~/.pgpass`` or ``PGPASSWORD``, and if not, the server's refusal
    says what is wrong.
    """
    try:
        account = password_account(url)
    except StorageError:
        return None
    try:
        return secrets.get_secret(KEYRING_SERVICE, account)
    except secrets.NoKeyring as exc:
        log.info("No database password from the keyring for %s: %s", account, exc.reason)
    except Exception as exc:  # a broken backend (say, PYTHON_KEYRING_BACKEND naming no module)
        # must not keep the board closed when libpq may find the password itself.
        log.warning("The keyring failed reading the password of %s: %r", account, exc)
    return None


def config_section(config: Config | None = None) -> dict[str, Any] | None:
    """The ``[database]`` table of the config file (None when there is none).

    Raises:
        StorageError: ``database`` is there but not a table.
    """
    section = (config or Config.load()).extra.get(CONFIG_SECTION)
    if section is not None and not isinstance(section, dict):
        raise StorageError(
            f"The config file gives {CONFIG_SECTION} = {section!r}; it must be a table "
            f'([{CONFIG_SECTION}] with sslmode = "verify-full" and the like). Fix it.'
        )
    return section


def tls_settings(url: URL, config_section: dict[str, Any] | None) -> dict[str, str]:
    """``sslmode`` and ``sslrootcert`` for a PostgreSQL URL: its query, else the config.

    Raises:
        StorageError: an unknown sslmode, or a CA file that is not there.
    """
    section = config_section or {}
    settings: dict[str, str] = {}
    for key in ("sslmode", "sslrootcert"):
        value = url.query.get(key)
        if isinstance(value, tuple):  # given twice in the query: libpq takes the last
            value = value[-1]
        where = f"The database URL {shown(url)}"
        if value is None and section.get(key) is not None:
            value = section[key]
            where = f"The config file's [{CONFIG_SECTION}] table"
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise StorageError(
                f"{where} gives {key} = {value!r}; it must be text such as "
                f"{'verify-full' if key == 'sslmode' else '/etc/ssl/certs/company-ca.pem'}."
            )
        value = value.strip()
        if key == "sslmode" and value not in SSL_MODES:
            raise StorageError(
                f"{where} gives sslmode '{value}', which PostgreSQL does not know; use one of "
                f"{', '.join(SSL_MODES)} (verify-full checks the server's certificate and name)."
            )
        if key == "sslrootcert" and value != "system":
            path = Path(value).expanduser()
            if not path.is_file():
                raise StorageError(
                    f"{where} gives the CA file (sslrootcert) {path}, which does not exist or "
                    "is not a file; give the path of the certificate that signed the "
                    "server's, or 'system' for the system's trusted CAs."
                )
            value = str(path)
        settings[key] = value
    return settings


def tls_failure(exc: BaseException, where: str) -> str | None:
    """One line for a connection that failed over TLS (or for want of it), else None."""
    reason = str(getattr(exc, "orig", exc)).strip()
    lowered = reason.lower()
    if "ssl" not in lowered and "certificate" not in lowered:
        return None
    lines = [line.strip() for line in reason.splitlines() if line.strip()]
    first = lines[0] if lines else reason
    return (
        f"The TLS connection to the database server {where} failed ({first}); nothing was "
        "changed. Check sslmode and sslrootcert (in the URL, or in [database] of the config "
        "file) against the server's certificate (README: 'Shared board on PostgreSQL')."
    )


def resolve(url: str | URL, config_section: dict[str, Any] | None = None) -> URL:
    """The URL an engine connects with: keyring password and TLS settings filled in.

    A SQLite URL comes back as it is. Only an absent password is filled: one
    written in the URL wins over the keyring.

    Raises:
        StorageError: bad TLS settings (see :func:`tls_settings`).
    """
    parsed = make_url(url) if isinstance(url, str) else url
    if not is_server_url(parsed):
        return parsed
    if parsed.password is None and parsed.username:
        password = keyring_password(parsed)
        if password is not None:
            parsed = parsed.set(password=password)
    if parsed.get_backend_name() == "postgresql":
        tls = tls_settings(parsed, config_section)
        if tls:
            parsed = parsed.update_query_dict(tls)
    return parsed
