"""Errors of the JIRA sync, each a sentence the user can act on.

Every one says what happened, on which server or issue, and what to do. The
``retryable`` flag separates "JIRA is away, try later" (offline, 5xx, rate
limit) from "JIRA said no" (a refused transition or field), which stays queued
with JIRA's own words until the user changes something.
"""

from __future__ import annotations

from kanban.errors import UserError


class JiraError(UserError):
    """Something went wrong talking to JIRA.

    Attributes:
        status: the HTTP status, when there was an answer.
        jira_message: JIRA's own message (errorMessages / errors), if any.
        retryable: True when trying again later may work without any change.
    """

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, jira_message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.jira_message = jira_message


class JiraOffline(JiraError):
    """No connection to the server (network down, DNS, refused, dropped)."""

    retryable = True


class JiraUnavailable(JiraError):
    """The server answered but cannot serve now (5xx, rate limit, timeout, error page)."""

    retryable = True


class JiraAuthError(JiraError):
    """401: the token is missing, wrong or expired."""


class JiraPermissionError(JiraError):
    """403: the user lacks a permission the request needs."""


class JiraNotFound(JiraError):
    """404: the issue does not exist or the user may not see it."""


class JiraRejected(JiraError):
    """400/409/422: JIRA refused the request and said why."""


class JiraBadResponse(JiraError):
    """The answer was not the JSON the API promises (a proxy page, truncated body)."""

    retryable = True


class NotConfigured(UserError):
    """JIRA sync has not been set up yet."""


class SideEmpty(UserError):
    """The JQL returned nothing while the board holds many linked cards."""

    def __init__(self, jql: str, linked: int) -> None:
        self.jql = jql
        self.linked = linked
        super().__init__(
            f"JIRA returned no issues for the board's query ({jql}) although {linked} cards "
            "are linked to JIRA issues; nothing was archived. Check the JQL and your JIRA "
            "permissions (kanban jira test), or run 'kanban sync --force' if the issues "
            "really are gone."
        )


class SyncCancelled(UserError):
    """The user cancelled the sync; what was done so far is kept."""


class SyncBusy(UserError):
    """Another sync of this board is running."""
