"""A loopback JIRA that answers with responses recorded from real JIRA servers.

The payloads live in ``tests/sync/recorded/`` (see its README for each file's
source and licence). The server reuses :class:`sync.fake_jira.FakeJira` for
what no recording covers (server info, the signed-in user, authentication and
the request log that ``writes()`` reads) and answers from the recordings:

- ``/field`` and ``/status``: the recorded lists (without a recorded status
  list, the status objects of the recorded issues, verbatim);
- ``/search`` (Server/DC, ``startAt`` paging) and ``/search/jql`` (Cloud,
  ``nextPageToken``): the recorded issues, ``maxResults`` respected; a
  ``key in (...)`` query returns only those keys, any other query all issues;
- ``/issue/{key}`` and ``/issue/{key}/changelog``: the recorded issue and its
  recorded histories;
- ``/issue/{key}/transitions``: GET offers a global transition to every other
  recorded status (each ``to`` is the recorded status object); POST records
  the step and puts the issue in that status, with a changelog entry;
- ``PUT /issue/{key}`` and ``PUT /issue/{key}/assignee``: recorded as writes;
- ``/rest/agile/1.0/board/{id}/configuration``: the recorded configuration.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from sync.fake_jira import FakeJira, jira_time

RECORDED = Path(__file__).parent / "recorded"


def load(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


class RecordedJira(FakeJira):
    """Serve one recorded search page (and its companions) over loopback HTTP.

    Args:
        search: file name of a recorded search answer (``{"issues": [...]}``).
        cloud: answer as JIRA Cloud (accountId users, enhanced search).
        statuses: file name of a recorded ``/rest/api/2/status`` answer.
        fields: file name of a recorded ``/rest/api/2/field`` answer.
        board: file name of a recorded agile board configuration.
    """

    def __init__(
        self,
        search: str,
        *,
        cloud: bool,
        statuses: str | None = None,
        fields: str = "go-jira-fields.json",
        board: str | None = None,
        page_cap: int = 50,
    ) -> None:
        super().__init__(cloud=cloud, page_cap=page_cap)
        self.recorded = load(search)
        self.raw: dict[str, dict[str, Any]] = {
            i["key"]: copy.deepcopy(i) for i in self.recorded["issues"]
        }
        self.order = [i["key"] for i in self.recorded["issues"]]
        if statuses is not None:
            self.status_list: list[dict[str, Any]] = load(statuses)
        else:
            seen: dict[str, dict[str, Any]] = {}
            for issue in self.recorded["issues"]:
                status = issue["fields"]["status"]
                seen.setdefault(str(status["id"]), status)
            self.status_list = list(seen.values())
        self.field_list: list[dict[str, Any]] = load(fields)
        self.board_config: dict[str, Any] | None = load(board) if board else None
        self.transitions_posted: list[tuple[str, str]] = []
        self.edits: list[tuple[str, dict[str, Any]]] = []
        self._history_seq = 900000

    # --- what tests read ------------------------------------------------------------

    def recorded_issues(self) -> list[dict[str, Any]]:
        """The issues as recorded (not as changed by pushes)."""
        return list(self.recorded["issues"])

    def category_of(self, status_id: str | None) -> str | None:
        for status in self.status_list:
            if str(status.get("id")) == str(status_id):
                return str((status.get("statusCategory") or {}).get("key"))
        return None

    def status_of(self, key: str) -> str:
        return str(self.raw[key]["fields"]["status"]["id"])

    # --- routes ------------------------------------------------------------------------

    def route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        api = re.sub(r"^/rest/api/(2|latest)/", "/api/", path)
        q = {k: v[-1] for k, v in query.items()}
        if method == "GET" and api == "/api/field":
            return 200, self.field_list
        if method == "GET" and api == "/api/status":
            return 200, self.status_list
        if method == "GET" and api == "/api/search":
            return self._search(q, cloud=False)
        if method == "GET" and api == "/api/search/jql":
            return self._search(q, cloud=True)
        m = re.match(r"^/api/issue/([^/]+)(/.*)?$", api)
        if m:
            key = self._key(m.group(1))
            if key is None:
                return 404, {
                    "errorMessages": [
                        "Issue does not exist or you do not have permission to see it."
                    ],
                    "errors": {},
                }
            return self._issue(method, key, m.group(2) or "", q, body)
        m = re.match(r"^/rest/agile/1\.0/board/(\d+)/configuration$", path)
        if m and method == "GET":
            if self.board_config is None or int(m.group(1)) != int(self.board_config["id"]):
                return 404, {"errorMessages": ["Board does not exist."], "errors": {}}
            return 200, self.board_config
        return super().route(method, path, query, body)

    def _key(self, ref: str) -> str | None:
        if ref in self.raw:
            return ref
        return next((k for k, v in self.raw.items() if str(v.get("id")) == ref), None)

    def _render(self, key: str, expand: str) -> dict[str, Any]:
        issue = copy.deepcopy(self.raw[key])
        if "changelog" not in expand:
            issue.pop("changelog", None)
        return issue

    def _selected(self, jql: str) -> list[str]:
        m = re.search(r"\bkey\s+in\s*\(([^)]*)\)", jql, re.IGNORECASE)
        if m:
            wanted = {k.strip().strip('"') for k in m.group(1).split(",")}
            return [k for k in self.order if k in wanted]
        return list(self.order)

    def _search(self, q: dict[str, str], *, cloud: bool) -> tuple[int, Any]:
        keys = self._selected(q.get("jql", ""))
        size = min(int(q.get("maxResults", "50")), self.page_cap)
        expand = q.get("expand", "")
        if cloud:
            start = int(q.get("nextPageToken") or 0)
        else:
            start = int(q.get("startAt", "0"))
        page = [self._render(k, expand) for k in keys[start : start + size]]
        if cloud:
            out: dict[str, Any] = {"issues": page, "isLast": start + size >= len(keys)}
            if not out["isLast"]:
                out["nextPageToken"] = str(start + size)
            return 200, out
        return 200, {
            "expand": self.recorded.get("expand", "schema,names"),
            "startAt": start,
            "maxResults": size,
            "total": len(keys),
            "issues": page,
        }

    def recorded_transitions(self, key: str) -> list[dict[str, Any]]:
        current = self.status_of(key)
        return [
            {
                "id": str(s["id"]),
                "name": str(s["name"]),
                "to": s,
                "hasScreen": False,
                "isGlobal": True,
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "fields": {},
            }
            for s in self.status_list
            if str(s["id"]) != current
        ]

    def _touch(self, key: str, items: list[dict[str, Any]]) -> None:
        at = jira_time(self.now())
        issue = self.raw[key]
        issue["fields"]["updated"] = at
        if not items:
            return
        self._history_seq += 1
        entry = {
            "id": str(self._history_seq),
            "author": self.me.json(self.url, self.cloud),
            "created": at,
            "items": items,
        }
        changelog = issue.setdefault("changelog", {"startAt": 0, "histories": []})
        changelog["histories"].insert(0, entry)
        changelog["total"] = changelog["maxResults"] = len(changelog["histories"])

    def _issue(
        self, method: str, key: str, rest: str, q: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if rest == "" and method == "GET":
            return 200, self._render(key, q.get("expand", ""))
        if rest == "" and method == "PUT":
            fields = dict((body or {}).get("fields") or {})
            self.edits.append((key, fields))
            for name in ("summary", "description", "labels"):
                if name in fields:
                    self.raw[key]["fields"][name] = fields[name]
            self._touch(key, [])
            return 204, None
        if rest == "/assignee" and method == "PUT":
            self.edits.append((key, {"assignee": body}))
            self._touch(key, [])
            return 204, None
        if rest == "/transitions" and method == "GET":
            return 200, {"expand": "transitions", "transitions": self.recorded_transitions(key)}
        if rest == "/transitions" and method == "POST":
            tid = str(((body or {}).get("transition") or {}).get("id"))
            step = next((t for t in self.recorded_transitions(key) if t["id"] == tid), None)
            if step is None:
                return 400, {
                    "errorMessages": [f"Transition id '{tid}' is not valid for this issue."],
                    "errors": {},
                }
            old = self.raw[key]["fields"]["status"]
            new = step["to"]
            self.transitions_posted.append((key, tid))
            self.raw[key]["fields"]["status"] = new
            self._touch(
                key,
                [
                    {
                        "field": "status",
                        "fieldtype": "jira",
                        "from": str(old["id"]),
                        "fromString": old["name"],
                        "to": str(new["id"]),
                        "toString": new["name"],
                    }
                ],
            )
            return 204, None
        if rest == "/changelog" and method == "GET":
            histories = list((self.raw[key].get("changelog") or {}).get("histories") or [])
            start = int(q.get("startAt", "0"))
            size = min(int(q.get("maxResults", "100")), self.page_cap)
            return 200, {
                "self": f"{self.url}/rest/api/2/issue/{key}/changelog",
                "maxResults": size,
                "startAt": start,
                "total": len(histories),
                "isLast": start + size >= len(histories),
                "values": histories[start : start + size],
            }
        return 404, {"errorMessages": [f"No route {method} issue{rest}"], "errors": {}}
