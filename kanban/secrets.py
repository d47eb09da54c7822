"""Secrets (access tokens) in the OS keyring, by service name and account.

The one place the app talks to ``keyring``: the JIRA token
(:mod:`kanban.sync.settings`) and the PR hosts' tokens (the links service) go
through it. ``keyring`` is imported inside the functions, so commands that
need no secret do not pay for loading its backends. Keyring failures become
:class:`NoKeyring` (a :class:`~kanban.errors.UserError`) with a message that
says what was not saved and what to do instead.
"""

from __future__ import annotations

import logging

from kanban.errors import UserError

log = logging.getLogger(__name__)


class NoKeyring(UserError):
    """The machine has no usable keyring backend, or the keyring refused.

    Attributes:
        reason: the keyring's own words ("" when there is no backend at all).
    """

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


def keyring_usable() -> bool:
    """Whether a real keyring backend is there (not keyring's "fail" stand-in)."""
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def get_secret(service: str, account: str) -> str | None:
    """The secret stored for ``account``, or None when there is none.

    Raises:
        NoKeyring: the keyring could not be read (``reason`` says why).
    """
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(service, account)
    except KeyringError as exc:
        raise NoKeyring(f"The keyring could not be read ({exc}).", str(exc)) from exc


def set_secret(
    service: str, account: str, secret: str, *, what: str, instead: str, check: bool = True
) -> None:
    """Store ``secret`` for ``account``.

    Args:
        what: what the messages call it, e.g. "the JIRA token".
        instead: the sentence saying what to do when it cannot be stored.
        check: refuse up front when the machine has no keyring backend.

    Raises:
        NoKeyring: no keyring backend, or the keyring refused; nothing was stored.
    """
    import keyring
    from keyring.errors import KeyringError

    if check and not keyring_usable():
        raise NoKeyring(
            f"This machine has no keyring to keep {what} in; it was not saved. {instead}"
        )
    try:
        keyring.set_password(service, account, secret)
    except KeyringError as exc:
        raise NoKeyring(
            f"The keyring refused to store {what} ({exc}); it was not saved. {instead}",
            str(exc),
        ) from exc


def delete_secret(service: str, account: str) -> bool:
    """Forget the secret of ``account``; False when there was none (or no keyring)."""
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        keyring.delete_password(service, account)
    except (PasswordDeleteError, KeyringError):
        return False
    return True
