"""A small JSON-over-HTTP client for the PR hosts and JIRA's dev-status API.

``requests`` with one :class:`requests.Session` per client, so the many small
GETs of a scan (pages, each PR's commits, each issue's details) reuse their
connections; no cookies are kept, so every request carries only the configured
headers. The links layer stays free of the ``jira`` library (only
``kanban.sync`` may use it). Every failure becomes a :class:`HostError` whose
message names the source and says what to do: a bad token (401), a missing
repository or issue (404), a host error (5xx), an answer that is not JSON, or a
host that cannot be reached.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import logging
import ssl
import urllib.parse
from collections.abc import Mapping
from typing import Any

import requests
import requests.adapters
import requests.utils

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
    """GETs JSON from one base URL, over one reused HTTP session.

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
        self.session = _session(self.base_url)

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

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
        try:
            response = self.session.get(url, headers=self.headers, timeout=self.timeout)
            body = response.content
        except requests.RequestException as exc:
            raise HostError(
                f"{self.what}: cannot reach {self.base_url} ({_reason(exc)}). Check the "
                "address and the network; links found before are kept."
            ) from exc
        if response.status_code >= 400:
            raise self._http_error(response.status_code, body, url)
        try:
            return json.loads(body.decode("utf-8", "replace")), dict(response.headers)
        except json.JSONDecodeError as exc:
            raise HostError(
                f"{self.what}: {url} did not answer with JSON (is the address right, or is a "
                "login page or proxy in the way?). Links found before are kept."
            ) from exc

    def _http_error(self, code: int, body: bytes, url: str) -> HostError:
        detail = _error_detail(body)
        suffix = f" ({detail})" if detail else ""
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


def _session(base_url: str) -> requests.Session:
    """A session for one host that behaves as urllib did, minus a connection per request.

    The environment's proxy settings for the host are read once here (not per
    request, which costs more than the request itself on a fast network); no
    ``.netrc`` credentials or cookies are used, so only the configured headers
    authenticate; certificates are checked against the system's trust store (as
    urllib did, so an in-house CA keeps working) as well as requests' own.
    """
    session = requests.Session()
    session.trust_env = False
    session.proxies = requests.utils.get_environ_proxies(base_url)
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    adapter = _SystemTrustAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class _SystemTrustAdapter(requests.adapters.HTTPAdapter):
    """Verifies certificates with the system's default SSL context."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ssl_context"] = ssl.create_default_context()
        super().init_poolmanager(*args, **kwargs)


def _reason(exc: BaseException) -> str:
    """The network's own words for a failure (e.g. "[Errno 111] Connection refused").

    requests wraps the socket's error in urllib3's, whose text repeats the whole
    URL; the innermost OS error says it shortest.
    """
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    found: BaseException | None = None
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and not isinstance(current, requests.RequestException):
            found = current
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return str(found or exc)


def _error_detail(body: bytes) -> str:
    """The host's own error text: Bitbucket ``errors[].message``, JIRA ``errorMessages``."""
    try:
        data = json.loads(body.decode("utf-8", "replace"))
    except ValueError:
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
