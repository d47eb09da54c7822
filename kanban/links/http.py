"""A small JSON-over-HTTP client for the PR hosts and JIRA's dev-status API.

Plain ``urllib`` keeps the links layer free of the ``jira`` library (only
``kanban.sync`` may use it) and of extra dependencies. Every failure becomes a
:class:`HostError` whose message names the source and says what to do: a bad
token (401), a missing repository or issue (404), a host error (5xx), an
answer that is not JSON, or a host that cannot be reached.
"""

from __future__ import annotations

import base64
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from kanban.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 20.0


class HostError(UserError):
    """A PR host or JIRA answered in a way the scan cannot use.

    Attributes:
        status: the HTTP status, or None when no answer came.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def bearer(token: str | None) -> dict[str, str]:
    """Headers for a personal/HTTP access token (Bitbucket, JIRA DC, GitHub)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def basic(user: str, secret: str) -> dict[str, str]:
    """Headers for Basic auth (JIRA Cloud: e-mail and API token)."""
    raw = base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
    return {"Authorization": f"Basic {raw}"}


class JsonClient:
    """GETs JSON from one base URL.

    Args:
        base_url: e.g. ``https://bitbucket.example.com``.
        what: how messages name this source, e.g. "Bitbucket repository OPS/infra".
        headers: auth headers (see :func:`bearer`, :func:`basic`).
        timeout: seconds per request.
    """

    def __init__(
        self,
        base_url: str,
        what: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.what = what
        self.headers = {"Accept": "application/json", **dict(headers or {})}
        self.timeout = timeout

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        url = path if "://" in path else f"{self.base_url}/{path.lstrip('/')}"
        if params:
            query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
            url = f"{url}{'&' if '?' in url else '?'}{query}"
        return url

    def get(
        self, path: str, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, Mapping[str, str]]:
        """GET ``path``; returns the decoded JSON and the response headers.

        Raises:
            HostError: on any failure, with a message naming ``self.what``.
        """
        url = self.url(path, params)
        request = urllib.request.Request(url, headers=self.headers, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
                headers = dict(response.headers.items())
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc, url) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise HostError(
                f"{self.what}: cannot reach {self.base_url} ({reason}). Check the address and "
                "the network; links found before are kept."
            ) from exc
        try:
            return json.loads(body.decode("utf-8", "replace")), headers
        except json.JSONDecodeError as exc:
            raise HostError(
                f"{self.what}: {url} did not answer with JSON (is the address right, or is a "
                "login page or proxy in the way?). Links found before are kept."
            ) from exc

    def _http_error(self, exc: urllib.error.HTTPError, url: str) -> HostError:
        detail = _error_detail(exc)
        suffix = f" ({detail})" if detail else ""
        code = exc.code
        if code == 401:
            msg = (
                f"{self.what}: the host refused the credentials (401){suffix}. Store a valid "
                "token with 'kanban links token'."
            )
        elif code == 403:
            msg = f"{self.what}: access denied (403){suffix}. The token lacks read permission."
        elif code == 404:
            msg = (
                f"{self.what}: not found (404) at {url}{suffix}. Check the project, repository "
                "or address in the links settings."
            )
        elif code == 429:
            msg = f"{self.what}: the host asks to slow down (429); try the scan again later."
        elif code >= 500:
            msg = (
                f"{self.what}: the host failed with {code}{suffix}; try again later. "
                "Links found before are kept."
            )
        else:
            msg = f"{self.what}: the host answered {code}{suffix}."
        return HostError(msg, code)


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The host's own error text: Bitbucket ``errors[].message``, JIRA ``errorMessages``."""
    try:
        data = json.loads(exc.read().decode("utf-8", "replace"))
    except (ValueError, OSError):
        return ""
    if not isinstance(data, dict):
        return ""
    messages: list[str] = []
    for item in data.get("errors") or []:
        if isinstance(item, dict) and item.get("message"):
            messages.append(str(item["message"]))
    messages.extend(str(m) for m in data.get("errorMessages") or [] if m)
    if isinstance(data.get("message"), str):
        messages.append(data["message"])
    return "; ".join(messages)[:300]
