"""The JIRA adapter: the one module that imports the ``jira`` library.

It turns library calls into plain dicts and library failures into
:mod:`kanban.sync.errors`. Retries are ours, not the library's: jira 3.10.5's
``ResilientSession`` retries connection errors with a 20-60 s back-off (an
offline sync would freeze for minutes), 429s, and only those 503s that carry
``Retry-After``. We construct the client with ``max_retries=0`` and retry 429
and 503 here, waiting exactly what ``Retry-After`` asks (capped), on a
cancellable wait, while a dropped or refused connection fails at once so the
board can go on offline.

A write is taken as done only on JIRA's own answer: a success status to a
PUT or POST whose body is not JSON (a proxy's sign-in page, a cut-off body)
may never have reached JIRA, so it fails as :class:`UnconfirmedWrite` and the
change stays queued (see :func:`check_write_answer`).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from jira import JIRA, JIRAError

from kanban.sync.errors import (
    JiraAuthError,
    JiraBadResponse,
    JiraError,
    JiraNotFound,
    JiraOffline,
    JiraPermissionError,
    JiraRejected,
    JiraUnavailable,
    SyncCancelled,
)
from kanban.sync.settings import AUTH_CLOUD, JiraSettings

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_ATTEMPTS = 4
MAX_WAIT_SECONDS = 120.0
PAGE_SIZE = 100  # asked for; the server's cap (read back from the answer) wins


@dataclass(frozen=True)
class ServerInfo:
    """What ``kanban jira test`` reports."""

    url: str
    version: str
    deployment: str
    title: str
    user_display: str
    user_id: str
    time_zone: str

    @property
    def is_cloud(self) -> bool:
        return self.deployment == "Cloud"


@dataclass
class SearchStats:
    """Counts of what a search cost, for the sync summary and the benchmarks."""

    requests: int = 0
    issues: int = 0
    page_sizes: list[int] = field(default_factory=list)


def _jira_message(exc: JIRAError) -> str:
    """JIRA's own words from an error answer (errorMessages and field errors)."""
    resp = getattr(exc, "response", None)
    text = getattr(resp, "text", "") or ""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        data = None
    if isinstance(data, dict):
        parts = [str(m) for m in data.get("errorMessages") or []]
        errors = data.get("errors") or {}
        if isinstance(errors, dict):
            parts += [f"{k}: {v}" for k, v in errors.items()]
        for key in ("message", "errorMessage"):
            if data.get(key):
                parts.append(str(data[key]))
        return "; ".join(parts)
    return ""


def _retry_after(exc: JIRAError) -> float | None:
    resp = getattr(exc, "response", None)
    headers = getattr(resp, "headers", None) or {}
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare for JIRA; fall back to our back-off


class UnconfirmedWrite(ValueError):
    """A write got a success status with a body that is not JIRA's JSON."""


def check_write_answer(resp: requests.Response, *_args: Any, **_kwargs: Any) -> requests.Response:
    """A ``requests`` response hook: refuse a success answer to a write that is not JIRA's.

    JIRA answers an edit, a transition or an assignment with 204 and no body,
    and a create with JSON. The library reads neither body, so without this a
    proxy's page with status 200 would count as a change JIRA made, and the
    next pull would take JIRA's old value back over the user's.
    """
    method = (resp.request.method or "").upper() if resp.request is not None else ""
    if method not in ("PUT", "POST", "DELETE") or not 200 <= resp.status_code < 300:
        return resp
    if not resp.content.strip():
        return resp
    kind = resp.headers.get("Content-Type", "").lower()
    try:
        json.loads(resp.content)
    except ValueError as exc:
        raise UnconfirmedWrite(
            f"HTTP {resp.status_code}, but with a body that is not valid JSON"
        ) from exc
    if "html" in kind:
        raise UnconfirmedWrite(f"HTTP {resp.status_code}, but with an HTML page")
    return resp


def translate(exc: BaseException, url: str, what: str) -> JiraError:
    """Turn a library or network failure into a message naming the server and the step."""
    if isinstance(exc, JiraError):
        return exc
    if isinstance(exc, JIRAError):
        status = exc.status_code
        msg = _jira_message(exc)
        resp = getattr(exc, "response", None)
        ctype = (getattr(resp, "headers", None) or {}).get("Content-Type", "")
        said = f" JIRA said: {msg}" if msg else ""
        if status == 401:
            return JiraAuthError(
                f"JIRA at {url} refused the credentials (401) while {what}. The token may be "
                "wrong or expired: run 'kanban jira setup' (or JIRA → Connection… in the app) "
                "with a new one.",
                status=status,
                jira_message=msg,
            )
        if status == 403:
            return JiraPermissionError(
                f"JIRA at {url} denied permission (403) while {what}.{said} "
                "Ask a JIRA admin for the permission, or change the board's settings.",
                status=status,
                jira_message=msg,
            )
        if status == 404:
            return JiraNotFound(
                f"JIRA at {url} found nothing (404) while {what}.{said}",
                status=status,
                jira_message=msg,
            )
        if status == 410:
            return JiraRejected(
                f"JIRA at {url} has removed the API used while {what} (410).{said} Update the app.",
                status=status,
                jira_message=msg,
            )
        if status is not None and 400 <= status < 500 and status != 429:
            return JiraRejected(
                f"JIRA at {url} refused {what} ({status}).{said or ' It gave no reason.'}",
                status=status,
                jira_message=msg or f"HTTP {status}",
            )
        if "html" in ctype.lower() and not msg:
            return JiraUnavailable(
                f"JIRA at {url} answered with an error page (HTTP {status}) instead of data "
                f"while {what}; a proxy or the server is failing. Changes stay queued; "
                "try again later.",
                status=status,
            )
        return JiraUnavailable(
            f"JIRA at {url} is not available (HTTP {status}) while {what}.{said} "
            "Changes stay queued and are pushed on the next sync.",
            status=status,
            jira_message=msg,
        )
    if isinstance(exc, requests.exceptions.Timeout):
        return JiraUnavailable(
            f"JIRA at {url} did not answer in time while {what}. Changes stay queued; "
            "try again later or raise the timeout in the JIRA settings."
        )
    if isinstance(exc, requests.exceptions.ConnectionError):
        return JiraOffline(
            f"Cannot reach JIRA at {url} while {what} (no network or the server is down). "
            "The board works on; changes stay queued and are pushed when JIRA is back."
        )
    if isinstance(exc, UnconfirmedWrite):
        return JiraBadResponse(
            f"JIRA at {url} answered {what} with {exc}; a proxy or the server is failing, "
            "and the change may not have been made. It stays queued and is sent again on "
            "the next sync."
        )
    if isinstance(exc, ValueError):
        return JiraBadResponse(
            f"JIRA at {url} sent an answer that is not valid JSON while {what}; a proxy or "
            "the server is failing. Nothing was changed; try again later."
        )
    if isinstance(exc, requests.exceptions.RequestException):
        return JiraOffline(f"Talking to JIRA at {url} failed while {what}: {exc}.")
    raise exc


class JiraClient:
    """A connected JIRA: search, read and write issues as plain dicts.

    Args:
        settings: the board's JIRA settings.
        token: the PAT (Server/DC) or API token (Cloud).
        cancel: set it to stop at the next request or retry wait.
        max_attempts: attempts per request when JIRA asks to wait (429/503).
    """

    def __init__(
        self,
        settings: JiraSettings,
        token: str,
        *,
        cancel: threading.Event | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        max_wait: float = MAX_WAIT_SECONDS,
    ) -> None:
        self.settings = settings
        self.url = settings.url.rstrip("/")
        self.cancel = cancel or threading.Event()
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.requests = 0
        self._fields: list[dict[str, Any]] | None = None
        # Told when JIRA asks us to wait (a rate limit), so a long pause is explained.
        self.on_wait: Callable[[str], None] = lambda _text: None

        def build() -> JIRA:
            kwargs: dict[str, Any] = {
                "server": self.url,
                "max_retries": 0,
                "timeout": settings.timeout,
                "options": {"check_update": False},
            }
            if settings.auth == AUTH_CLOUD:
                kwargs["basic_auth"] = (settings.user, token)
            else:
                kwargs["token_auth"] = token
            jira = JIRA(**kwargs)
            jira._session.hooks["response"].append(check_write_answer)
            return jira

        self.jira: JIRA = self._call(build, "connecting")

    # --- the retry loop -------------------------------------------------------

    def _call(self, fn: Callable[[], T], what: str) -> T:
        attempt = 0
        while True:
            if self.cancel.is_set():
                raise SyncCancelled("The sync was cancelled; what was done so far is kept.")
            attempt += 1
            self.requests += 1
            try:
                return fn()
            except JIRAError as exc:
                status = exc.status_code
                wait = _retry_after(exc)
                if status in (429, 503) and attempt < self.max_attempts:
                    if wait is None:
                        if status == 503:
                            raise translate(exc, self.url, what) from exc
                        wait = 2.0 * 2**attempt  # 429 without Retry-After: back off
                    wait = min(wait, self.max_wait)
                    self.on_wait(
                        f"JIRA at {self.url} asked to wait ({status}) while {what}: waiting "
                        f"{wait:.0f} s before trying again (attempt {attempt} of "
                        f"{self.max_attempts}). Cancel to stop; nothing is lost."
                    )
                    log.warning(
                        "JIRA %s answered %s while %s; retrying in %.1f s (attempt %d/%d)",
                        self.url,
                        status,
                        what,
                        wait,
                        attempt,
                        self.max_attempts,
                    )
                    if self.cancel.wait(wait):
                        raise SyncCancelled(
                            "The sync was cancelled while waiting for JIRA's rate limit."
                        ) from exc
                    continue
                raise translate(exc, self.url, what) from exc
            except (requests.exceptions.RequestException, ValueError) as exc:
                raise translate(exc, self.url, what) from exc

    # --- server facts ---------------------------------------------------------

    @property
    def is_cloud(self) -> bool:
        return self.jira.deploymentType == "Cloud"

    def server_info(self) -> ServerInfo:
        info = self._call(self.jira.server_info, "reading the server info")
        me = self.myself()
        return ServerInfo(
            url=self.url,
            version=str(info.get("version", "?")),
            deployment=str(info.get("deploymentType", "Server")),
            title=str(info.get("serverTitle", "")),
            user_display=str(me.get("displayName") or me.get("name") or "?"),
            user_id=user_id(me, self.is_cloud) or "?",
            time_zone=str(me.get("timeZone") or "UTC"),
        )

    def myself(self) -> dict[str, Any]:
        return self._call(self.jira.myself, "reading the signed-in user")

    def fields(self) -> list[dict[str, Any]]:
        if self._fields is None:
            what = "reading the field list"
            answer: Any = self._call(self.jira.fields, what)
            if not isinstance(answer, list) or not all(isinstance(f, dict) for f in answer):
                raise JiraBadResponse(
                    f"JIRA at {self.url} sent something that is not a list of fields while "
                    f"{what}; a proxy or the server is failing. Nothing was changed; try "
                    "again later."
                )
            self._fields = answer
        return self._fields

    def field_id(self, name: str) -> str | None:
        """The id of a field by its display name (custom field ids differ per server)."""
        for f in self.fields():
            if str(f.get("name", "")).lower() == name.lower():
                return str(f["id"])
        return None

    def statuses(self) -> list[dict[str, Any]]:
        """Every status of the server with its category (``/rest/api/2/status``)."""

        def read() -> list[dict[str, Any]]:
            return list(self.jira._get_json("status") or [])

        return self._call(read, "reading JIRA's statuses")

    def boards(self) -> list[dict[str, Any]]:
        """Every agile board the user can see (``/rest/agile/1.0/board``, paged)."""
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            params = {"startAt": start, "maxResults": 50}

            def read(params: dict[str, int] = params) -> dict[str, Any]:
                return dict(
                    self.jira._get_json("board", params=params, base=self.jira.AGILE_BASE_URL)
                )

            page = self._call(read, "listing the agile boards")
            values = list(page.get("values") or [])
            out.extend(values)
            start += len(values)
            if page.get("isLast", True) or not values:
                return out

    def filter_jql(self, filter_id: str) -> str:
        """The JQL of a saved filter (an agile board's query is one)."""

        def read() -> dict[str, Any]:
            return dict(self.jira._get_json(f"filter/{filter_id}"))

        return str(self._call(read, f"reading filter {filter_id}").get("jql") or "")

    def board_configuration(self, board_id: int) -> dict[str, Any]:
        # The library has no helper for this agile resource (GET
        # /rest/agile/1.0/board/{id}/configuration in Atlassian's Jira Software
        # REST reference), so it goes through the library's _get_json.
        return self._call(
            lambda: self.jira._get_json(
                f"board/{board_id}/configuration", base=self.jira.AGILE_BASE_URL
            ),
            f"reading the configuration of board {board_id}",
        )

    # --- search -----------------------------------------------------------------

    def search(
        self,
        jql: str,
        fields: list[str],
        *,
        expand: str | None = None,
        stats: SearchStats | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield pages of raw issues for ``jql`` until the last page.

        Server/DC pages ``/rest/api/2/search`` by ``startAt`` and steps by the
        number of issues that came back (the server caps ``maxResults`` without
        an error; its answer shows the size it used). Cloud pages the enhanced
        search by ``nextPageToken``. The next page is fetched on a helper thread
        while the caller works on the current one, so a long pull costs about
        the time of the network, not network plus database.
        """
        stats = stats if stats is not None else SearchStats()
        what = "searching issues"
        cloud = self.is_cloud

        def fetch(cursor: Any) -> dict[str, Any]:
            if cloud:
                return self._call(
                    lambda: self.jira.enhanced_search_issues(
                        jql,
                        nextPageToken=cursor,
                        maxResults=PAGE_SIZE,
                        fields=list(fields),
                        expand=expand,
                        json_result=True,
                    ),
                    what,
                )
            return self._call(
                lambda: self.jira.search_issues(
                    jql,
                    startAt=cursor,
                    maxResults=PAGE_SIZE,
                    fields=list(fields),
                    expand=expand,
                    json_result=True,
                ),
                what,
            )

        def next_cursor(page: dict[str, Any], cursor: Any, count: int) -> Any:
            if count == 0:
                return None
            if cloud:
                token = page.get("nextPageToken")
                return None if page.get("isLast", token is None) or not token else token
            start = int(page.get("startAt") or cursor) + count
            return start if start < int(page.get("total") or 0) else None

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jira-page")
        try:
            cursor: Any = None if cloud else 0
            future: Future[dict[str, Any]] | None = pool.submit(fetch, cursor)
            while future is not None:
                page = future.result()
                issues = list(page.get("issues") or [])
                stats.requests += 1
                stats.issues += len(issues)
                stats.page_sizes.append(len(issues))
                cursor = next_cursor(page, cursor, len(issues))
                future = pool.submit(fetch, cursor) if cursor is not None else None
                yield issues
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    # --- writes -------------------------------------------------------------------

    def changelog(self, key: str) -> list[dict[str, Any]]:
        """The whole changelog of an issue, oldest first.

        Cloud pages it at ``/issue/{key}/changelog``; Server/DC returns it whole
        with the issue (``expand=changelog``). The library has no paged helper.
        """
        if not self.is_cloud:
            issue = self._call(
                lambda: self.jira.issue(key, fields="updated", expand="changelog"),
                f"reading the history of {key}",
            )
            return list((issue.raw.get("changelog") or {}).get("histories") or [])
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            params = {"startAt": start, "maxResults": 100}

            def read_page(params: dict[str, int] = params) -> dict[str, Any]:
                return dict(self.jira._get_json(f"issue/{key}/changelog", params=params))

            page = self._call(read_page, f"reading the history of {key}")
            values = list(page.get("values") or [])
            out.extend(values)
            start += len(values)
            if page.get("isLast", True) or not values or start >= int(page.get("total") or 0):
                return out

    def current_status(self, key: str) -> str | None:
        """The id of the status the issue stands at now (``GET /issue/{key}?fields=status``)."""

        def read() -> Any:
            return self.jira.issue(key, fields="status")

        issue = self._call(read, f"reading the status of {key}")
        status = ((getattr(issue, "raw", None) or {}).get("fields") or {}).get("status") or {}
        return str(status["id"]) if isinstance(status, dict) and status.get("id") else None

    def transitions(self, key: str) -> list[dict[str, Any]]:
        return self._call(lambda: self.jira.transitions(key), f"reading transitions of {key}")

    def transition(self, key: str, transition_id: str) -> None:
        self._call(
            lambda: self.jira.transition_issue(key, str(transition_id)),
            f"moving {key} (transition {transition_id})",
        )

    def assign(self, key: str, user: str | None) -> None:
        """Assign by the user's identifier: ``name`` on Server, ``accountId`` on Cloud.

        On Server the library's ``assign_issue`` finds the user by name (exact
        match first). On Cloud its user search sends the accountId as a free-text
        ``query``, which Cloud matches against names and e-mails, so the id is
        written through the issue's assignee field instead.
        """
        if self.is_cloud:
            self.update_fields(key, {"assignee": {"accountId": user} if user else None})
            return
        self._call(lambda: self.jira.assign_issue(key, user), f"assigning {key}")

    def update_fields(self, key: str, fields: dict[str, Any]) -> None:
        def run() -> None:
            issue = self.jira.issue(key, fields="updated")
            issue.update(fields=fields)

        self._call(run, f"editing {key}")

    def create_issue(self, fields: dict[str, Any]) -> tuple[str, str]:
        """Create an issue; returns ``(key, id)``. Project and type are given as dicts
        so that the library needs no extra look-ups."""
        issue = self._call(
            lambda: self.jira.create_issue(fields=fields, prefetch=False), "creating an issue"
        )
        return str(issue.key), str(issue.id)

    def set_property(self, key: str, name: str, value: Any) -> None:
        self._call(
            lambda: self.jira.add_issue_property(key, name, value),
            f"stamping {key}",
        )

    # --- comments ------------------------------------------------------------------

    def comments(self, key: str) -> list[dict[str, Any]]:
        """Every comment of an issue, oldest first (``/issue/{key}/comment``, paged)."""
        out: list[dict[str, Any]] = []
        start = 0
        while True:
            params = {"startAt": start, "maxResults": PAGE_SIZE}

            def read_page(params: dict[str, int] = params) -> dict[str, Any]:
                return dict(self.jira._get_json(f"issue/{key}/comment", params=params))

            page = self._call(read_page, f"reading the comments of {key}")
            values = list(page.get("comments") or [])
            out.extend(values)
            start += len(values)
            if not values or start >= int(page.get("total") or 0):
                return out

    def _comment_write(
        self, method: str, path: str, body: dict[str, Any] | None, what: str
    ) -> dict[str, Any]:
        # The library's Comment resource reads the comment again after each write;
        # one request each is enough, through the library's session and errors.
        def run() -> dict[str, Any]:
            url = self.jira._get_url(path)
            send = getattr(self.jira._session, method)
            resp = send(url, data=json.dumps(body)) if body is not None else send(url)
            text = getattr(resp, "text", "") or ""
            return dict(json.loads(text)) if text.strip() else {}

        return self._call(run, what)

    def add_comment(self, key: str, body: str) -> dict[str, Any]:
        """Post a comment; JIRA's answer (its ``id`` and ``updated``)."""
        return self._comment_write(
            "post", f"issue/{key}/comment", {"body": body}, f"adding a comment to {key}"
        )

    def edit_comment(self, key: str, comment_id: str, body: str) -> dict[str, Any]:
        return self._comment_write(
            "put",
            f"issue/{key}/comment/{comment_id}",
            {"body": body},
            f"editing comment {comment_id} of {key}",
        )

    def delete_comment(self, key: str, comment_id: str) -> None:
        self._comment_write(
            "delete",
            f"issue/{key}/comment/{comment_id}",
            None,
            f"deleting comment {comment_id} of {key}",
        )


def user_id(user: dict[str, Any] | None, cloud: bool) -> str | None:
    """The identifier a user is assigned by: ``accountId`` on Cloud, ``name`` on Server."""
    if not user:
        return None
    if cloud or ("accountId" in user and "name" not in user):
        return user.get("accountId")
    return user.get("name") or user.get("key")
