"""Fuzz what the sync reads from JIRA: recorded issue payloads with parts mutated.

The issues recorded from real JIRA servers (``tests/sync/recorded/``) are fed,
with one to three of the parts the sync reads replaced by a value of another
type or shape, to the functions that turn issue JSON into the board's values
(:mod:`kanban.sync.mapping`): they give a record of the promised types or a
:class:`~kanban.errors.UserError` naming the issue, never another exception.
A smaller set runs the real ``kanban sync`` against the loopback JIRA serving
mutated issues: no "unexpected error", no traceback, and a refused sync
leaves the board as it was.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync.fake_jira import TOKEN, FakeJira

from kanban.errors import UserError
from kanban.sync import mapping
from kanban.sync.settings import AUTH_PAT, JiraSettings, store_token

# cli(*argv) -> Outcome, from tests/fuzz/conftest.py.
Cli = Callable[..., Any]

RECORDED = Path(__file__).resolve().parents[1] / "sync" / "recorded"
ISSUES: list[dict[str, Any]] = [
    issue
    for name in ("jirametrics-cloud-search-changelog.json", "go-jira-search-changelog.json")
    for issue in json.loads((RECORDED / name).read_text(encoding="utf-8"))["issues"]
]
IDS = mapping.FieldIds(flagged="customfield_10021", epic_link="customfield_10014")
# The parts of an issue the sync reads; mutations go there, not into unused custom fields.
READ = {
    "status",
    "labels",
    "project",
    "parent",
    "summary",
    "description",
    "assignee",
    "updated",
    "created",
    "priority",
    "issuetype",
    "comment",
    IDS.flagged,
    IDS.epic_link,
}

MISSING = object()
VALUES = st.one_of(
    st.sampled_from(
        [
            MISSING,
            None,
            True,
            0,
            -1,
            10**30,
            1.5,
            float("inf"),
            "",
            "\u200b",
            "\x1b[2J",
            "not a date",
            "2023-13-45T99:00:00.000+0000",
            "x" * 300,
            [],
            {},
            [None],
            ["a", 1, {}],
            {"id": {}},
            {"key": 5},
        ]
    ),
    st.integers(),
    st.text(max_size=12),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _read_by_sync(path: tuple[Any, ...]) -> bool:
    head = path[0]
    return head in ("key", "id", "changelog") or (
        head == "fields" and (len(path) == 1 or path[1] in READ)
    )


def mutate(raw: dict[str, Any], changes: list[tuple[int, Any]], depth: int = 99) -> dict[str, Any]:
    """``raw`` with each (path number, value) change applied to the parts the sync reads.

    ``depth`` keeps the changes near the top (a whole status, not its icon's URL).
    """
    raw = copy.deepcopy(raw)
    for number, value in changes:
        paths = [p for p in _paths(raw) if _read_by_sync(p) and len(p) <= depth]
        if not paths:
            break
        path = paths[number % len(paths)]
        parent: Any = raw
        for step in path[:-1]:
            parent = parent[step]
        if value is MISSING:
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
        else:
            parent[path[-1]] = copy.deepcopy(value)
    return raw


CHANGES = st.lists(st.tuples(st.integers(min_value=0), VALUES), min_size=1, max_size=3)


def check_record(rec: mapping.IssueRecord) -> None:
    """A record the rest of the sync can use: every field of its promised type."""
    for name in ("key", "id", "updated", "status_id", "status_name", "status_category"):
        assert isinstance(getattr(rec, name), str), name
    assert rec.key
    assert isinstance(rec.summary, str) and isinstance(rec.description, str)
    assert all(isinstance(label, str) for label in rec.labels)
    assert isinstance(rec.created, datetime) and rec.created.tzinfo is not None
    assert rec.project is None or isinstance(rec.project, str)
    assert rec.priority is None or isinstance(rec.priority, str)
    assert rec.assignee is None or isinstance(rec.assignee.id, str)
    for change in rec.status_changes:
        assert change.from_status is None or isinstance(change.from_status, str)
        assert change.to_status is None or isinstance(change.to_status, str)
    for change in (*rec.assignee_changes, *rec.flag_changes):
        assert change.old is None or isinstance(change.old, str)
    assert rec.updated_at.tzinfo is not None
    # The board's forms of the issue's fields are what a card may hold.
    assert isinstance(mapping.card_title(rec.summary, rec.key), str)
    assert all(isinstance(x, str) for x in mapping.card_labels(rec.labels))
    assert isinstance(mapping.card_description(rec.description), str)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    which=st.integers(min_value=0, max_value=len(ISSUES) - 1), changes=CHANGES, cloud=st.booleans()
)
def test_mutated_issues_parse_into_records_or_a_clear_error(
    which: int, changes: list[tuple[int, Any]], cloud: bool
) -> None:
    raw = mutate(ISSUES[which], changes)
    try:
        rec = mapping.parse_issue(raw, IDS, cloud)
    except UserError as exc:
        assert str(exc)
        return
    check_record(rec)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(
    histories=st.recursive(
        VALUES,
        lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=12,
    )
)
def test_any_changelog_shape_reads_as_changes_or_none(histories: Any) -> None:
    if histories is MISSING:
        histories = None
    for changes in (
        mapping.status_changes(histories),
        mapping.assignee_changes(histories),
        mapping.flag_changes(histories, IDS.flagged),
    ):
        assert isinstance(changes, tuple)
    comments, complete = mapping.parse_comments(
        {"comments": histories, "total": histories}, cloud=True
    )
    assert isinstance(complete, bool) and all(isinstance(c.body, str) for c in comments or ())


# --- the real sync against the loopback JIRA ---------------------------------


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    server = FakeJira().start()
    server.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"], labels=["web"])
    server.add_issue("OPS", "Renew cert", status="10003", description="Use the CA")
    server.add_issue("OPS", "Expand LUN", flagged=True)
    yield server
    server.stop()


@pytest.fixture
def synced_board(jira: FakeJira, tmp_path: Path) -> Path:
    settings_ = JiraSettings(url=jira.url, auth=AUTH_PAT, user="", jql="project = OPS", timeout=5.0)
    settings_.save()
    store_token(settings_, TOKEN)
    return tmp_path / "board.db"


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=CHANGES)
def test_kanban_sync_of_mutated_issues_ends_in_words(
    cli: Cli,
    jira: FakeJira,
    synced_board: Path,
    fingerprint: Callable[[Path], str],
    changes: list[tuple[int, Any]],
) -> None:
    original = FakeJira.issue_json

    def served(self: FakeJira, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return mutate(original(self, *args, **kwargs), changes, depth=3)

    db = synced_board
    first = not db.exists()
    before = None if first else fingerprint(db)
    jira.issue_json = served.__get__(jira)  # type: ignore[method-assign]
    try:
        result = cli("sync", "--full", "--db", str(db))
    finally:
        del jira.issue_json
    result.check_no_crash(f"sync of issues mutated by {changes!r}")
    if result.code != 0 and before is not None:
        assert fingerprint(db) == before, result.err
    listed = cli("list", "--db", str(db))
    listed.check_no_crash("list after the sync")
    assert listed.code == 0, listed.err
