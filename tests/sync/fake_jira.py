"""A stateful JIRA on 127.0.0.1 for the sync tests: the real ``jira`` library talks to it.

It implements the parts of the REST API the app uses, with the JSON shapes of
Atlassian's public references: the Jira Data Center platform REST API
(https://developer.atlassian.com/server/jira/platform/rest/v10000/), the Jira
Cloud platform REST API v2/v3
(https://developer.atlassian.com/cloud/jira/platform/rest/v3/) and the Jira
Software agile REST API (https://docs.atlassian.com/jira-software/REST/9.13.0/
and https://developer.atlassian.com/cloud/jira/software/rest/): serverInfo for
Server and Cloud, myself, the field list (with a Flagged field), search
(Server: startAt/maxResults/total with a maxResults cap; Cloud: enhanced
search with nextPageToken, and 410 Gone on the old endpoint), issue
get/create/edit, transitions over a multi-step workflow, assignee (Server
``name``, Cloud ``accountId``), user search, changelog, agile board
configuration, issue properties and comments (list, add, edit, delete, and
the ``comment`` field of an issue, which a search may cut short). Faults are
injected on demand: any status with a body and headers, an HTML error page,
malformed JSON, a slow answer (served in full once the delay is over, as a
server that was only late), a dropped connection and a refused transition (a
workflow validator saying no).
:meth:`FakeJira.idle` waits until no request is being answered, so a test sees
what a late answer did.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "s3cret-token"
FLAG_FIELD = "customfield_10021"
EPIC_FIELD = "customfield_10014"

# id, name, category key
STATUSES: dict[str, tuple[str, str]] = {
    "10000": ("Backlog", "new"),
    "10001": ("Selected for Development", "new"),
    "3": ("In Progress", "indeterminate"),
    "10002": ("Review", "indeterminate"),
    "10003": ("Done", "done"),
    "10004": ("Parked", "indeterminate"),
    # A custom workflow's statuses, as teams name them (no column lists them by default).
    "10010": ("Dev Active", "indeterminate"),
    "10011": ("Dev Done", "indeterminate"),
    "10012": ("Test", "indeterminate"),
    "10013": ("Analysis Done", "indeterminate"),
    "10014": ("Closed", "done"),
    # JIRA's "No Category" (undefined): a status the board cannot place.
    "10099": ("Limbo", "undefined"),
}
CATEGORY = {
    "new": {"id": 2, "key": "new", "name": "To Do", "colorName": "blue-gray"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "name": "In Progress",
        "colorName": "yellow",
    },
    "done": {"id": 3, "key": "done", "name": "Done", "colorName": "green"},
    "undefined": {"id": 1, "key": "undefined", "name": "No Category", "colorName": "medium-gray"},
}
# transition id, name, from status, to status: Backlog → Selected → In Progress → Review → Done
WORKFLOW: list[tuple[str, str, str, str]] = [
    ("11", "Select", "10000", "10001"),
    ("21", "Start progress", "10001", "3"),
    ("31", "Submit for review", "3", "10002"),
    ("41", "Approve", "10002", "10003"),
    ("51", "Back to backlog", "10001", "10000"),
    ("61", "Reopen", "10003", "10000"),
    ("71", "Rework", "10002", "3"),
]


def jira_time(at: datetime) -> str:
    """JIRA's format: millisecond precision and a ±hhmm offset."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}+0000"


@dataclass
class User:
    name: str
    display: str
    email: str
    account_id: str
    active: bool = True  # False: deactivated in JIRA, still on old issues

    def json(self, base: str, cloud: bool) -> dict[str, Any]:
        if cloud:
            return {
                "self": f"{base}/rest/api/2/user?accountId={self.account_id}",
                "accountId": self.account_id,
                "displayName": self.display,
                "emailAddress": self.email,
                "active": self.active,
                "timeZone": "UTC",
                "accountType": "atlassian",
            }
        return {
            "self": f"{base}/rest/api/2/user?username={self.name}",
            "name": self.name,
            "key": f"JIRAUSER{abs(hash(self.name)) % 100000}",
            "emailAddress": self.email,
            "displayName": self.display,
            "active": self.active,
            "timeZone": "UTC",
        }

    def ident(self, cloud: bool) -> str:
        return self.account_id if cloud else self.name


@dataclass
class FakeIssue:
    id: int
    key: str
    project: str
    summary: str
    status: str = "10000"
    description: str | None = None
    labels: list[str] = field(default_factory=list)
    assignee: str | None = None  # user name
    flagged: bool = False
    issuetype: str = "Task"
    priority: str = "Medium"
    epic: str | None = None
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated: datetime = field(default_factory=lambda: datetime.now(UTC))
    histories: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    # Fields left out of the issue's JSON altogether (JIRA omits some instead of null).
    missing: set[str] = field(default_factory=set)
    # The issue's comments: {"id", "body", "author" (user name), "created", "updated"}.
    comments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    kind: str = "status"  # status | html | malformed | slow | drop | refuse
    delay: float = 0.0


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout tests) leaves a broken pipe: expected here.
        return


class FakeJira:
    """The server's state; ``url`` is where the library should connect.

    Args:
        cloud: answer as JIRA Cloud (accountId users, enhanced search, 410 on /search).
        page_cap: the server's maxResults cap (read back by clients).
    """

    def __init__(self, *, cloud: bool = False, page_cap: int = 50) -> None:
        self.cloud = cloud
        self.page_cap = page_cap
        self.lock = threading.RLock()
        self.issues: dict[str, FakeIssue] = {}
        self.users: dict[str, User] = {}
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, str, dict[str, list[str]]]] = []
        self.next_id = 10000
        self.counters: dict[str, int] = {}
        self.board_columns: list[dict[str, Any]] = []
        self.boards: list[dict[str, Any]] = [
            {"id": 7, "name": "OPS board", "type": "kanban", "project": "OPS"},
            {"id": 8, "name": "NET board", "type": "scrum", "project": "NET"},
            {"id": 9, "name": "Storage", "type": "kanban", "project": "STO"},
        ]
        self.board_filter_jql = "project = OPS ORDER BY Rank ASC"
        self.clock_offset = timedelta(0)
        self.allowed_transitions: set[str] | None = None  # None: the whole workflow
        self.changelog_cap: int | None = None  # embedded changelog cut to this many
        self.comment_cap: int | None = None  # comments embedded in a search cut to this many
        self.next_comment_id = 20000
        self.in_flight = 0  # requests being answered now (a slow one may outlive its client)
        self._settled = threading.Condition(self.lock)
        self.add_user("alice", "Alice Admin", "alice@example.com")
        self.add_user("bob", "Bob Builder", "bob@example.com")
        self.add_user("carol", "Carol Network", "carol@example.com")
        self.me = self.users["alice"]
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- life cycle ---------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeJira:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- state helpers for tests ------------------------------------------------------

    def now(self) -> datetime:
        return datetime.now(UTC) + self.clock_offset

    def add_user(self, name: str, display: str, email: str, *, active: bool = True) -> User:
        user = User(
            name, display, email, f"5b10ac8d82e05b22cc7d{len(self.users):04d}", active=active
        )
        self.users[name] = user
        return user

    def user_id(self, name: str) -> str:
        return self.users[name].ident(self.cloud)

    def add_issue(
        self,
        project: str,
        summary: str,
        *,
        status: str = "10000",
        path: list[str] | None = None,
        assignee: str | None = None,
        labels: list[str] | None = None,
        description: str | None = None,
        flagged: bool = False,
        created: datetime | None = None,
        step: timedelta = timedelta(hours=3),
        epic: str | None = None,
    ) -> FakeIssue:
        """Add an issue; ``path`` lists the statuses it went through, as history."""
        with self.lock:
            self.next_id += 1
            n = self.counters.get(project, 0) + 1
            self.counters[project] = n
            created = created or self.now() - timedelta(days=5)
            issue = FakeIssue(
                id=self.next_id,
                key=f"{project}-{n}",
                project=project,
                summary=summary,
                status=(path or [status])[0],
                description=description,
                labels=list(labels or []),
                assignee=assignee,
                flagged=flagged,
                created=created,
                updated=created,
                epic=epic,
            )
            at = created
            for dst in (path or [])[1:]:
                at = at + step
                self._history(issue, [self._item("status", issue.status, dst)], at)
                issue.status = dst
            if not path:
                issue.status = status
            issue.updated = max(at, created)
            self.issues[issue.key] = issue
            return issue

    def _item(self, name: str, src: str | None, dst: str | None) -> dict[str, Any]:
        def text(v: str | None) -> str | None:
            if v is None:
                return None
            if name == "status":
                return STATUSES[v][0]
            return v

        item = {
            "field": name,
            "fieldtype": "jira" if name != "Flagged" else "custom",
            "from": src,
            "fromString": text(src),
            "to": dst,
            "toString": text(dst),
        }
        if self.cloud:
            item["fieldId"] = name
        return item

    def _history(self, issue: FakeIssue, items: list[dict[str, Any]], at: datetime) -> None:
        issue.histories.append(
            {
                "id": str(10000 + sum(len(i.histories) for i in self.issues.values()) + 1),
                "author": self.me.json(self.url, self.cloud),
                "created": jira_time(at),
                "items": items,
            }
        )

    def touch(self, issue: FakeIssue, items: list[dict[str, Any]]) -> None:
        at = self.now()
        if items:
            self._history(issue, items, at)
        issue.updated = at

    def edit(self, key: str, **changes: Any) -> None:
        """Change an issue as a JIRA user would (status, summary, assignee, flag...)."""
        with self.lock:
            issue = self.issues[key]
            items = []
            for name, value in changes.items():
                old = getattr(issue, name)
                if old == value:
                    continue
                setattr(issue, name, value)
                label = {"flagged": "Flagged"}.get(name, name)
                items.append(self._item(label, _s(old), _s(value)))
            self.touch(issue, items)

    def add_comment(self, key: str, body: str, *, author: str = "alice") -> str:
        """A comment written in JIRA by ``author``; returns its id."""
        with self.lock:
            issue = self.issues[key]
            self.next_comment_id += 1
            at = jira_time(self.now())
            issue.comments.append(
                {
                    "id": str(self.next_comment_id),
                    "body": body,
                    "author": author,
                    "created": at,
                    "updated": at,
                }
            )
            self.touch(issue, [])
            return str(self.next_comment_id)

    def edit_comment(self, key: str, comment_id: str, body: str) -> None:
        with self.lock:
            issue = self.issues[key]
            comment = next(c for c in issue.comments if c["id"] == comment_id)
            comment["body"] = body
            comment["updated"] = jira_time(self.now())
            self.touch(issue, [])

    def delete_comment(self, key: str, comment_id: str) -> None:
        with self.lock:
            issue = self.issues[key]
            issue.comments = [c for c in issue.comments if c["id"] != comment_id]
            self.touch(issue, [])

    def comment_json(self, issue: FakeIssue, comment: dict[str, Any]) -> dict[str, Any]:
        author = self.users[comment["author"]].json(self.url, self.cloud)
        return {
            "self": f"{self.url}/rest/api/2/issue/{issue.id}/comment/{comment['id']}",
            "id": comment["id"],
            "author": author,
            "body": comment["body"],
            "updateAuthor": author,
            "created": comment["created"],
            "updated": comment["updated"],
        }

    def fail(
        self,
        method: str,
        path: str,
        status: int = 500,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
        kind: str = "status",
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``times`` matching requests with a fault."""
        with self.lock:
            self.faults.append(
                Fault(method, re.compile(path), status, body, headers or {}, times, kind, delay)
            )

    def idle(self, timeout: float = 15.0) -> None:
        """Wait until no request is being answered (a slow answer has been applied)."""
        with self._settled:
            if not self._settled.wait_for(lambda: self.in_flight == 0, timeout):
                raise TimeoutError(f"{self.in_flight} requests still being answered")

    def writes(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p, _q in self.requests if m in ("POST", "PUT", "DELETE")]

    def count(self, method: str, path_part: str) -> int:
        return sum(1 for m, p, _q in self.requests if m == method and path_part in p)

    # --- rendering ----------------------------------------------------------------------

    def issue_json(
        self, issue: FakeIssue, fields: list[str] | None, expand: str, *, search: bool = False
    ) -> dict[str, Any]:
        name, cat = STATUSES[issue.status]
        all_fields: dict[str, Any] = {
            "summary": issue.summary,
            "description": issue.description,
            "status": {
                "self": f"{self.url}/rest/api/2/status/{issue.status}",
                "id": issue.status,
                "name": name,
                "description": "",
                "iconUrl": f"{self.url}/images/icons/statuses/generic.png",
                "statusCategory": {
                    "self": f"{self.url}/rest/api/2/statuscategory/x",
                    **CATEGORY[cat],
                },
            },
            "assignee": self.users[issue.assignee].json(self.url, self.cloud)
            if issue.assignee
            else None,
            "labels": list(issue.labels),
            "priority": {
                "self": f"{self.url}/rest/api/2/priority/3",
                "name": issue.priority,
                "id": "3",
            },
            "issuetype": {
                "self": f"{self.url}/rest/api/2/issuetype/3",
                "id": "3",
                "name": issue.issuetype,
                "subtask": False,
            },
            "project": {
                "self": f"{self.url}/rest/api/2/project/1",
                "id": "10000",
                "key": issue.project,
                "name": issue.project,
            },
            "created": jira_time(issue.created),
            "updated": jira_time(issue.updated),
            "resolutiondate": jira_time(issue.updated) if cat == "done" else None,
            FLAG_FIELD: [
                {
                    "self": f"{self.url}/rest/api/2/customFieldOption/10019",
                    "value": "Impediment",
                    "id": "10019",
                }
            ]
            if issue.flagged
            else None,
            EPIC_FIELD: issue.epic,
            "watches": {"watchCount": 1},
            "comment": self._comment_field(issue, search),
        }
        for name in issue.missing:
            all_fields.pop(name, None)
        wanted = fields or ["*all"]
        if any(f in ("*all", "*navigable") for f in wanted):
            chosen = all_fields
        else:
            chosen = {k: v for k, v in all_fields.items() if k in wanted}
        out: dict[str, Any] = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog",
            "id": str(issue.id),
            "self": f"{self.url}/rest/api/2/issue/{issue.id}",
            "key": issue.key,
            "fields": chosen,
        }
        if "changelog" in expand:
            shown = issue.histories
            if self.changelog_cap is not None and search:
                shown = issue.histories[-self.changelog_cap :]
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(shown),
                "total": len(issue.histories),
                "histories": list(shown),
            }
        return out

    def _comment_field(self, issue: FakeIssue, search: bool) -> dict[str, Any]:
        shown = issue.comments
        if self.comment_cap is not None and search:
            shown = issue.comments[: self.comment_cap]
        return {
            "comments": [self.comment_json(issue, c) for c in shown],
            "maxResults": len(shown),
            "total": len(issue.comments),
            "startAt": 0,
        }

    def find(self, ref: str) -> FakeIssue | None:
        if ref in self.issues:
            return self.issues[ref]
        for issue in self.issues.values():
            if str(issue.id) == ref:
                return issue
        return None

    # --- JQL -----------------------------------------------------------------------------

    def matching(self, jql: str) -> list[FakeIssue]:
        pred = JqlParser(jql, self).parse()
        return sorted((i for i in self.issues.values() if pred(i)), key=lambda i: (i.project, i.id))

    # --- HTTP ----------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out without a 40 ms stall

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self, method: str) -> None:
                with fake.lock:
                    fake.in_flight += 1
                try:
                    self._answer(method)
                finally:
                    with fake.lock:
                        fake.in_flight -= 1
                        fake._settled.notify_all()

            def _answer(self, method: str) -> None:
                parsed = urlparse(self.path)
                query = parse_qs(parsed.query, keep_blank_values=True)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with fake.lock:
                    fake.requests.append((method, parsed.path, query))
                    fault = fake._take_fault(method, parsed.path)
                if fault is not None and self._fault(fault):
                    return
                if not fake._authorized(self.headers.get("Authorization", "")):
                    self._send(401, None)
                    return
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    self._send(400, {"errorMessages": ["Bad JSON"], "errors": {}})
                    return
                with fake.lock:
                    status, payload = fake.route(method, parsed.path, query, body)
                self._send(status, payload)

            def _fault(self, fault: Fault) -> bool:
                if fault.kind == "slow":
                    time.sleep(fault.delay)
                    return False
                if fault.kind == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return True
                if fault.kind == "html":
                    data = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
                    self.send_response(fault.status)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return True
                if fault.kind == "refuse":
                    # JIRA's answer when a workflow condition or validator refuses a transition.
                    self._send(
                        400,
                        fault.body
                        or {
                            "errorMessages": [
                                "It seems that you have tried to perform a workflow operation "
                                "(Submit for review) that is not valid for the current state of "
                                "this issue: Root cause is required."
                            ],
                            "errors": {},
                        },
                    )
                    return True
                if fault.kind == "malformed":
                    data = b'{"issues": [{"key": "OPS-1", "fields": {'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return True
                self._send(fault.status, fault.body, fault.headers)
                return True

            def _send(
                self, status: int, payload: Any, headers: dict[str, str] | None = None
            ) -> None:
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", "application/json;charset=UTF-8")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if data:
                    self.wfile.write(data)

            def do_GET(self) -> None:  # the name http.server calls
                self._serve("GET")

            def do_POST(self) -> None:  # the name http.server calls
                self._serve("POST")

            def do_PUT(self) -> None:  # the name http.server calls
                self._serve("PUT")

            def do_DELETE(self) -> None:  # the name http.server calls
                self._serve("DELETE")

        return Handler

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.pattern.search(path) and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _authorized(self, header: str) -> bool:
        if self.cloud:
            if not header.startswith("Basic "):
                return False
            user, _, token = base64.b64decode(header[6:]).decode().partition(":")
            return token == TOKEN and "@" in user
        return header == f"Bearer {TOKEN}"

    def route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        path = re.sub(r"^/rest/api/(2|latest)/", "/api/", path)
        q = {k: v[-1] for k, v in query.items()}
        if method == "GET" and path == "/api/serverInfo":
            return 200, {
                "baseUrl": self.url,
                "version": "1001.0.0-SNAPSHOT" if self.cloud else "9.12.2",
                "versionNumbers": [1001, 0, 0] if self.cloud else [9, 12, 2],
                "deploymentType": "Cloud" if self.cloud else "Server",
                "buildNumber": 100233,
                "serverTitle": "Fake JIRA",
            }
        if method == "GET" and path == "/api/myself":
            return 200, self.me.json(self.url, self.cloud)
        if method == "GET" and path == "/api/status":
            return 200, [
                {
                    "self": f"{self.url}/rest/api/2/status/{sid}",
                    "id": sid,
                    "name": name,
                    "description": "",
                    "iconUrl": f"{self.url}/images/icons/statuses/generic.png",
                    "statusCategory": CATEGORY[cat],
                }
                for sid, (name, cat) in STATUSES.items()
            ]
        if method == "GET" and path == "/api/field":
            return 200, [
                {"id": "summary", "name": "Summary", "custom": False, "clauseNames": ["summary"]},
                {"id": "status", "name": "Status", "custom": False, "clauseNames": ["status"]},
                {"id": "labels", "name": "Labels", "custom": False, "clauseNames": ["labels"]},
                {
                    "id": FLAG_FIELD,
                    "name": "Flagged",
                    "custom": True,
                    "clauseNames": ["cf[10021]", "Flagged"],
                    "schema": {
                        "type": "array",
                        "items": "option",
                        "custom": "com.atlassian.jira.plugin.system.customfieldtypes:"
                        "multicheckboxes",
                        "customId": 10021,
                    },
                },
                {
                    "id": EPIC_FIELD,
                    "name": "Epic Link",
                    "custom": True,
                    "clauseNames": ["cf[10014]", "Epic Link"],
                },
            ]
        if method == "GET" and path == "/api/search":
            if self.cloud:
                return 410, {
                    "errorMessages": [
                        "The requested API has been removed. Please migrate to the "
                        "/rest/api/3/search/jql API."
                    ],
                    "errors": {},
                }
            return self._search_server(query)
        if method == "GET" and path == "/api/search/jql":
            if not self.cloud:
                return 404, {"errorMessages": ["Not found"], "errors": {}}
            return self._search_cloud(query)
        if method == "GET" and path == "/api/user/search":
            term = (q.get("username") or q.get("query") or "").lower()
            found = [
                u.json(self.url, self.cloud)
                for u in self.users.values()
                if term in (u.name.lower(), u.account_id.lower(), u.email.lower())
                or term in u.display.lower()
            ]
            return 200, found
        if method == "POST" and path == "/api/issue":
            return self._create(body or {})
        m = re.match(r"^/api/project/([A-Z0-9]+)$", path)
        if m and method == "GET":
            return 200, {"id": "10000", "key": m.group(1), "name": m.group(1)}
        m = re.match(r"^/api/issue/([^/]+)(/.*)?$", path)
        if m:
            issue = self.find(m.group(1))
            if issue is None:
                return 404, {
                    "errorMessages": [
                        "Issue does not exist or you do not have permission to see it."
                    ],
                    "errors": {},
                }
            return self._issue_route(method, issue, m.group(2) or "", q, body)
        if method == "GET" and path == "/rest/agile/1.0/board":
            start, size = int(q.get("startAt", 0)), min(int(q.get("maxResults", 50)), 2)
            page = self.boards[start : start + size]
            return 200, {
                "maxResults": size,
                "startAt": start,
                "total": len(self.boards),
                "isLast": start + size >= len(self.boards),
                "values": [
                    {
                        "id": b["id"],
                        "self": f"{self.url}/rest/agile/1.0/board/{b['id']}",
                        "name": b["name"],
                        "type": b.get("type", "kanban"),
                        "location": {"projectKey": b.get("project", "OPS")},
                    }
                    for b in page
                ],
            }
        m = re.match(r"^/api/filter/(\d+)$", path)
        if m and method == "GET":
            return 200, {
                "self": f"{self.url}/rest/api/2/filter/{m.group(1)}",
                "id": m.group(1),
                "name": "Filter for OPS board",
                "jql": self.board_filter_jql,
            }
        m = re.match(r"^/rest/agile/1\.0/board/(\d+)/configuration$", path)
        if m and method == "GET":
            return 200, {
                "id": int(m.group(1)),
                "name": "OPS board",
                "type": "kanban",
                "self": f"{self.url}/rest/agile/1.0/board/{m.group(1)}/configuration",
                "filter": {"id": "10000", "self": f"{self.url}/rest/api/2/filter/10000"},
                "columnConfig": {"columns": self.board_columns, "constraintType": "issueCount"},
                "ranking": {"rankCustomFieldId": 10019},
            }
        return 404, {"errorMessages": [f"No route {method} {path}"], "errors": {}}

    def _fields_param(self, query: dict[str, list[str]]) -> list[str] | None:
        raw = query.get("fields")
        if not raw:
            return None
        out: list[str] = []
        for value in raw:
            out.extend(x for x in value.split(",") if x)
        return out

    def _search_server(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        jql = query.get("jql", [""])[-1]
        try:
            found = self.matching(jql)
        except JqlError as exc:
            return 400, {"errorMessages": [str(exc)], "errors": {}}
        start = int(query.get("startAt", ["0"])[-1])
        size = min(int(query.get("maxResults", ["50"])[-1]), self.page_cap)
        page = found[start : start + size]
        fields = self._fields_param(query)
        expand = query.get("expand", [""])[-1]
        return 200, {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(found),
            "issues": [self.issue_json(i, fields, expand, search=True) for i in page],
        }

    def _search_cloud(self, query: dict[str, list[str]]) -> tuple[int, Any]:
        jql = query.get("jql", [""])[-1]
        try:
            found = self.matching(jql)
        except JqlError as exc:
            return 400, {"errorMessages": [str(exc)], "errors": {}}
        start = int(query.get("nextPageToken", ["0"])[-1] or 0)
        size = min(int(query.get("maxResults", ["50"])[-1]), self.page_cap)
        page = found[start : start + size]
        fields = self._fields_param(query) or ["id"]
        expand = query.get("expand", [""])[-1]
        out: dict[str, Any] = {
            "issues": [self.issue_json(i, fields, expand, search=True) for i in page],
            "isLast": start + size >= len(found),
        }
        if not out["isLast"]:
            out["nextPageToken"] = str(start + size)
        return 200, out

    def _transitions(self, issue: FakeIssue) -> list[dict[str, Any]]:
        out = []
        for tid, name, src, dst in WORKFLOW:
            if src != issue.status:
                continue
            if self.allowed_transitions is not None and tid not in self.allowed_transitions:
                continue
            to_name, cat = STATUSES[dst]
            out.append(
                {
                    "id": tid,
                    "name": name,
                    "to": {
                        "self": f"{self.url}/rest/api/2/status/{dst}",
                        "id": dst,
                        "name": to_name,
                        "statusCategory": CATEGORY[cat],
                    },
                    "hasScreen": False,
                    "isGlobal": False,
                    "isInitial": False,
                    "isAvailable": True,
                    "isConditional": False,
                    "fields": {},
                }
            )
        return out

    def _issue_route(
        self, method: str, issue: FakeIssue, rest: str, q: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if rest == "" and method == "GET":
            fields = q.get("fields")
            return 200, self.issue_json(
                issue, fields.split(",") if fields else None, q.get("expand", "")
            )
        if rest == "" and method == "PUT":
            return self._edit(issue, (body or {}).get("fields") or {})
        if rest == "/transitions" and method == "GET":
            return 200, {"expand": "transitions", "transitions": self._transitions(issue)}
        if rest == "/transitions" and method == "POST":
            tid = str(((body or {}).get("transition") or {}).get("id"))
            step = next((t for t in self._transitions(issue) if t["id"] == tid), None)
            if step is None:
                return 400, {
                    "errorMessages": [f"Transition id '{tid}' is not valid for this issue."],
                    "errors": {},
                }
            dst = step["to"]["id"]
            self.touch(issue, [self._item("status", issue.status, dst)])
            issue.status = dst
            return 204, None
        if rest == "/assignee" and method == "PUT":
            wanted = (body or {}).get("accountId" if self.cloud else "name")
            if wanted is None:
                self.edit_assignee(issue, None)
                return 204, None
            user = next((u for u in self.users.values() if u.ident(self.cloud) == wanted), None)
            if user is None:
                return 400, {
                    "errorMessages": [],
                    "errors": {"assignee": f"User '{wanted}' does not exist."},
                }
            self.edit_assignee(issue, user.name)
            return 204, None
        if rest == "/changelog" and method == "GET":
            start = int(q.get("startAt", "0"))
            size = min(int(q.get("maxResults", "100")), self.page_cap)
            values = issue.histories[start : start + size]
            return 200, {
                "self": f"{self.url}/rest/api/2/issue/{issue.key}/changelog",
                "maxResults": size,
                "startAt": start,
                "total": len(issue.histories),
                "isLast": start + size >= len(issue.histories),
                "values": values,
            }
        if rest == "/comment" and method == "GET":
            start = int(q.get("startAt", "0"))
            size = min(int(q.get("maxResults", "50")), self.page_cap)
            values = issue.comments[start : start + size]
            return 200, {
                "startAt": start,
                "maxResults": size,
                "total": len(issue.comments),
                "comments": [self.comment_json(issue, c) for c in values],
            }
        if rest == "/comment" and method == "POST":
            text = (body or {}).get("body")
            if not isinstance(text, str) or not text.strip():
                return 400, {
                    "errorMessages": [],
                    "errors": {"comment": "Comment body can not be empty!"},
                }
            me = next(n for n, u in self.users.items() if u is self.me)
            new_id = self.add_comment(issue.key, text, author=me)
            comment = next(c for c in issue.comments if c["id"] == new_id)
            return 201, self.comment_json(issue, comment)
        m = re.match(r"^/comment/([^/]+)$", rest)
        if m:
            comment = next((c for c in issue.comments if c["id"] == m.group(1)), None)
            if comment is None:
                return 404, {"errorMessages": ["Can not find a comment for the id"], "errors": {}}
            if method == "GET":
                return 200, self.comment_json(issue, comment)
            if method == "PUT":
                text = (body or {}).get("body")
                if not isinstance(text, str) or not text.strip():
                    return 400, {
                        "errorMessages": [],
                        "errors": {"comment": "Comment body can not be empty!"},
                    }
                self.edit_comment(issue.key, comment["id"], text)
                return 200, self.comment_json(issue, comment)
            if method == "DELETE":
                self.delete_comment(issue.key, comment["id"])
                return 204, None
        m = re.match(r"^/properties/(.+)$", rest)
        if m:
            if method == "PUT":
                created = m.group(1) not in issue.properties
                issue.properties[m.group(1)] = body
                return (201 if created else 200), None
            if method == "GET":
                if m.group(1) not in issue.properties:
                    return 404, {"errorMessages": ["Property not found"], "errors": {}}
                return 200, {"key": m.group(1), "value": issue.properties[m.group(1)]}
        return 404, {"errorMessages": [f"No route {method} issue{rest}"], "errors": {}}

    def edit_assignee(self, issue: FakeIssue, name: str | None) -> None:
        if issue.assignee == name:
            return
        old = self.users[issue.assignee].ident(self.cloud) if issue.assignee else None
        new = self.users[name].ident(self.cloud) if name else None
        issue.assignee = name
        self.touch(issue, [self._item("assignee", old, new)])

    def _edit(self, issue: FakeIssue, fields: dict[str, Any]) -> tuple[int, Any]:
        items = []
        for name, value in fields.items():
            if name == "summary":
                if not value:
                    return 400, {
                        "errorMessages": [],
                        "errors": {"summary": "You must specify a summary of the issue."},
                    }
                if len(value) > 255:
                    return 400, {
                        "errorMessages": [],
                        "errors": {"summary": "Summary must be less than 255 characters."},
                    }
                items.append(self._item("summary", issue.summary, value))
                issue.summary = value
            elif name == "description":
                items.append(self._item("description", issue.description, value))
                issue.description = value
            elif name == "labels":
                items.append(self._item("labels", " ".join(issue.labels), " ".join(value)))
                issue.labels = list(value)
            elif name == FLAG_FIELD:
                flag = bool(value)
                items.append(
                    self._item(
                        "Flagged",
                        "Impediment" if issue.flagged else None,
                        "Impediment" if flag else None,
                    )
                )
                issue.flagged = flag
            elif name == "assignee":
                ident = (value or {}).get("accountId" if self.cloud else "name")
                user = next((u for u in self.users.values() if u.ident(self.cloud) == ident), None)
                self.edit_assignee(issue, user.name if user else None)
            else:
                return 400, {
                    "errorMessages": [],
                    "errors": {
                        name: f"Field '{name}' cannot be set. It is not on the appropriate screen, "
                        "or unknown."
                    },
                }
        self.touch(issue, items)
        return 204, None

    def _create(self, body: dict[str, Any]) -> tuple[int, Any]:
        fields = body.get("fields") or {}
        project = (fields.get("project") or {}).get("key")
        if not project:
            return 400, {"errorMessages": [], "errors": {"project": "project is required"}}
        if not fields.get("summary"):
            return 400, {
                "errorMessages": [],
                "errors": {"summary": "You must specify a summary of the issue."},
            }
        issue = self.add_issue(
            project,
            fields["summary"],
            labels=list(fields.get("labels") or []),
            description=fields.get("description"),
            created=self.now(),
        )
        issue.issuetype = (fields.get("issuetype") or {}).get("name", "Task")
        return 201, {
            "id": str(issue.id),
            "key": issue.key,
            "self": f"{self.url}/rest/api/2/issue/{issue.id}",
        }


def _s(value: Any) -> str | None:
    if value is None or value is False:
        return None
    if value is True:
        return "Impediment"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)


class JqlError(ValueError):
    pass


class JqlParser:
    """Enough JQL for the app's queries: AND/OR/NOT, parentheses, =, !=, ~, >=, <=, in."""

    TOKEN = re.compile(
        r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>!=|>=|<=|=|~|>|<|\(|\)|,)|(?P<word>[^\s(),=!<>~"]+))'
    )

    def __init__(self, jql: str, fake: FakeJira) -> None:
        cut = re.search(r"\border\s+by\b", jql, re.IGNORECASE)
        self.text = jql[: cut.start()] if cut else jql
        self.fake = fake
        self.tokens = list(self._tokens())
        self.pos = 0

    def _tokens(self) -> Iterator[tuple[str, str]]:
        pos = 0
        text = self.text.strip()
        while pos < len(text):
            m = self.TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise JqlError(f"Error in the JQL Query: unexpected text at {pos}.")
            pos = m.end()
            if m.group("str") is not None:
                yield "str", m.group("str")[1:-1]
            elif m.group("op") is not None:
                yield "op", m.group("op")
            elif m.group("word") is not None:
                yield "word", m.group("word")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise JqlError("Error in the JQL Query: the query ended too early.")
        self.pos += 1
        return tok

    def parse(self) -> Any:
        if not self.tokens:
            return lambda _i: True
        pred = self.expr()
        if self.peek() is not None:
            raise JqlError(f"Error in the JQL Query: unexpected '{self.peek()[1]}'.")
        return pred

    def expr(self) -> Any:
        left = self.term()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].upper() == "OR":
            self.take()
            right = self.term()
            left = (lambda a, b: lambda i: a(i) or b(i))(left, right)
        return left

    def term(self) -> Any:
        left = self.factor()
        while (tok := self.peek()) and tok[0] == "word" and tok[1].upper() == "AND":
            self.take()
            right = self.factor()
            left = (lambda a, b: lambda i: a(i) and b(i))(left, right)
        return left

    def factor(self) -> Any:
        tok = self.take()
        if tok == ("op", "("):
            inner = self.expr()
            if self.take() != ("op", ")"):
                raise JqlError("Error in the JQL Query: missing ')'.")
            return inner
        if tok[0] == "word" and tok[1].upper() == "NOT":
            inner = self.factor()
            return lambda i: not inner(i)
        name = tok[1].lower()
        op_tok = self.take()
        op = op_tok[1].lower()
        if op_tok[0] == "word" and op == "not":
            if self.take()[1].lower() != "in":
                raise JqlError("Error in the JQL Query: expected 'in' after 'not'.")
            op = "not in"
        if op in ("in", "not in"):
            if self.take() != ("op", "("):
                raise JqlError("Error in the JQL Query: expected '('.")
            values = []
            while True:
                values.append(self.take()[1])
                sep = self.take()
                if sep == ("op", ")"):
                    break
            return self.clause(name, op, values)
        return self.clause(name, op, [self.take()[1]])

    def clause(self, name: str, op: str, values: list[str]) -> Any:
        fake = self.fake

        def get(issue: FakeIssue) -> Any:
            if name == "project":
                return issue.project
            if name in ("key", "issuekey", "id"):
                return issue.key
            if name == "labels":
                return issue.labels
            if name == "status":
                return [issue.status, STATUSES[issue.status][0]]
            if name == "statuscategory":
                cat = STATUSES[issue.status][1]
                return [CATEGORY[cat]["name"], cat]
            if name == "assignee":
                return fake.users[issue.assignee].ident(fake.cloud) if issue.assignee else None
            if name == "updated":
                return issue.updated
            if name == "created":
                return issue.created
            if name in ("resolved", "resolutiondate"):
                return issue.updated if STATUSES[issue.status][1] == "done" else None
            if name == "summary":
                return issue.summary
            if name == "issuetype":
                return issue.issuetype
            raise JqlError(
                f"Field '{name}' does not exist or you do not have permission to view it."
            )

        def as_time(value: str) -> datetime:
            rel = re.fullmatch(r"-(\d+)([dhm])", value)
            if rel:
                n = int(rel.group(1))
                unit = {"d": "days", "h": "hours", "m": "minutes"}[rel.group(2)]
                return fake.now() - timedelta(**{unit: n})
            for fmt in ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
                try:
                    return datetime.strptime(value, fmt).replace(tzinfo=UTC)
                except ValueError:
                    continue
            raise JqlError(f"Date value '{value}' for field '{name}' is invalid.")

        def test(issue: FakeIssue) -> bool:
            actual = get(issue)
            if op in ("=", "!=", "in", "not in"):
                wanted = {v.lower() for v in values}
                if isinstance(actual, list):
                    hit = any(str(a).lower() in wanted for a in actual)
                else:
                    hit = actual is not None and str(actual).lower() in wanted
                if "empty" in wanted and not actual:
                    hit = True
                return hit if op in ("=", "in") else not hit
            if op == "~":
                return values[0].lower() in str(actual or "").lower()
            if actual is None:
                return False
            when = as_time(values[0])
            # JQL compares at minute precision.
            actual = actual.replace(second=0, microsecond=0)
            return {
                ">=": actual >= when,
                "<=": actual <= when,
                ">": actual > when,
                "<": actual < when,
            }[op]

        if name not in (
            "project",
            "key",
            "issuekey",
            "id",
            "labels",
            "status",
            "statuscategory",
            "assignee",
            "updated",
            "created",
            "resolved",
            "resolutiondate",
            "summary",
            "issuetype",
        ):
            raise JqlError(
                f"Field '{name}' does not exist or you do not have permission to view it."
            )
        return test
