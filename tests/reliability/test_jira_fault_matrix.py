"""The JIRA fault matrix: every fault JIRA (or the network) can throw, at every sync step.

Faults: 401, 403, 404, 400, 409, 429, 500, 503, an HTML error page, malformed
JSON, a slow answer (past the client's timeout, and then applied by JIRA all
the same), a dropped connection and a refused transition. Steps: the pull
(JIRA's search), the push of a card's changes (the edit and the transitions)
and the creation of an issue from a new card.

Each case runs ``kanban sync`` as a user would (the real CLI, the real
``jira`` library, the loopback JIRA of ``tests/sync/fake_jira.py``) and checks
what a user would notice: one line that names the step (and the issue or the
card), no traceback, the right exit code and run state, the local change kept
and still queued, no second issue for one card; and that the next healthy run
pushes everything and ends clean. The outcome of each case is printed as a
table at the end of the test run (see ``conftest.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira

from kanban.cli.main import run
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.sync.engine import STAMP_PREFIX

TIMEOUT = 1.0  # the client's timeout in these tests: a slow answer takes longer
SLOW = 1.6  # seconds the slow answer takes; JIRA applies the request afterwards


@dataclass(frozen=True)
class Fault:
    """A fault as the loopback JIRA serves it (``FakeJira.fail``) and what it should cost.

    Attributes:
        transition: the fault hits the transition request instead of the step's own.
        retried: JIRA asked to wait and the client waits and tries again: the run succeeds.
        words: what the user's line must say about the fault itself.
    """

    name: str
    options: dict[str, Any]
    words: str
    transition: bool = False
    retried: bool = False


FAULTS = (
    Fault("401", {"status": 401}, "refused the credentials (401)"),
    Fault(
        "403",
        {
            "status": 403,
            "body": {"errorMessages": ["You do not have the permission to do this."]},
        },
        "denied permission (403)",
    ),
    Fault(
        "404",
        {
            "status": 404,
            "body": {"errorMessages": ["Issue does not exist or you do not have permission."]},
        },
        "found nothing (404)",
    ),
    Fault(
        "400",
        {"status": 400, "body": {"errorMessages": [], "errors": {"summary": "Not on screen."}}},
        "(400)",
    ),
    Fault(
        "409",
        {"status": 409, "body": {"errorMessages": ["The issue was changed by someone else."]}},
        "(409)",
    ),
    Fault(
        "429", {"status": 429, "headers": {"Retry-After": "1"}}, "asked to wait (429)", retried=True
    ),
    Fault("500", {"status": 500}, "not available (HTTP 500)"),
    Fault("503", {"status": 503}, "not available (HTTP 503)"),
    Fault("html", {"status": 502, "kind": "html"}, "error page (HTTP 502)"),
    Fault("malformed json", {"kind": "malformed"}, "not valid JSON"),
    Fault("slow", {"kind": "slow", "delay": SLOW}, "did not answer in time"),
    Fault("dropped", {"kind": "drop"}, "Cannot reach JIRA"),
    Fault("refused transition", {"kind": "refuse"}, "Root cause is required", transition=True),
)


@dataclass(frozen=True)
class Operation:
    """A sync step: the request a fault hits, and the words naming the step."""

    name: str
    method: str
    path: str
    step: str  # the step as the message names it


OPERATIONS = (
    Operation("pull", "GET", r"/search$", "searching issues"),
    Operation("push", "PUT", r"/issue/\d+$", "editing OPS-1"),
    Operation("create", "POST", r"/issue$", "creating an issue"),
)
TRANSITION = ("POST", r"/transitions$")


@dataclass
class Board:
    """The board of a case: one linked issue, a pending change of the user, a new card."""

    service: BoardService
    fake: FakeJira
    db: Path
    new_card: str | None = None
    expect: dict[str, Any] = field(default_factory=dict)


def sync_cli(db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = run(["sync", "--db", str(db)])
    out = capsys.readouterr()
    return code, out.out, out.err


def prepare(op: str, fake: FakeJira, service: BoardService, db: Path) -> Board:
    """A synced board, then the change the operation sends (made before the faulty run)."""
    map_default_columns(service)
    service.add_person("Carol", jira_user=fake.user_id("carol"))
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"], assignee="carol")
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    settings = make_settings(
        fake,
        timeout=TIMEOUT,
        create_issues=op == "create",
        create_project="OPS",
        create_since=since,
    )
    SyncService(service, settings).sync()
    board = Board(service, fake, db)
    if op == "pull":
        # JIRA changed the summary; the board changed the labels: both must arrive.
        fake.edit("OPS-1", summary="Patch web01 and web03")
        service.edit_card("OPS-1", labels=["urgent"])
        board.expect = {"labels": ("urgent",)}
    elif op == "push":
        service.edit_card("OPS-1", title="Patch web01 and web02")
        service.move_card("OPS-1", column="Review")
        board.expect = {"title": "Patch web01 and web02", "column": "Review"}
    else:
        card = service.add_card("Write the restore runbook").card
        service.move_card(card.id, column="In progress", person="Carol", override_reason="test")
        board.new_card = card.id
        board.expect = {"title": "Write the restore runbook", "column": "In progress"}
    return board


def stamped(fake: FakeJira, card_id: str) -> list[str]:
    return [i.key for i in fake.issues.values() if f"{STAMP_PREFIX}{card_id}" in i.labels]


def check_local(board: Board) -> None:
    """The user's change is on the board, exactly as made."""
    ref = board.new_card or "OPS-1"
    card = board.service.card(ref)
    for name, value in board.expect.items():
        if name == "column":
            assert card.column_id == board.service.resolve_column(value).id, ref
        else:
            assert getattr(card, name) == value, (ref, name)


def check_jira(board: Board) -> None:
    """JIRA has the user's change (and the board JIRA's)."""
    fake, service = board.fake, board.service
    if board.new_card:
        [key] = stamped(fake, board.new_card)  # created exactly once
        issue = fake.issues[key]
        assert service.card(board.new_card).jira_key == key
        assert issue.summary == "Write the restore runbook"
        assert issue.status == "3" and issue.assignee == "carol"
        return
    issue = fake.issues["OPS-1"]
    if "labels" in board.expect:
        assert issue.labels == ["urgent"]
        assert service.card("OPS-1").title == "Patch web01 and web03"
    else:
        assert issue.summary == "Patch web01 and web02"
        assert issue.status == "10002"


def the_line(text: str, words: str) -> str:
    lines = [line for line in text.splitlines() if words in line]
    assert lines, (words, text)
    return lines[0]


@pytest.mark.integration
@pytest.mark.parametrize("op", OPERATIONS, ids=[o.name for o in OPERATIONS])
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_a_fault_is_one_clear_line_and_loses_nothing(
    fault: Fault,
    op: Operation,
    fake: FakeJira,
    service: BoardService,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fault_rows: list[tuple[str, str, str]],
) -> None:
    db = tmp_path / "board.db"
    board = prepare(op.name, fake, service, db)
    capsys.readouterr()
    method, path = TRANSITION if fault.transition else (op.method, op.path)
    fake.fail(method, path, **fault.options)

    code, out, err = sync_cli(db, capsys)
    fake.idle()  # a slow answer is applied by JIRA after the client gave up

    said = out + err
    assert "Traceback" not in said and "unexpected error" not in said, said
    check_local(board)
    if board.new_card:
        assert len(stamped(fake, board.new_card)) <= 1  # never a second issue
    hits = sum(1 for m, p, _q in fake.requests if m == method and re.search(path, p))
    status = SyncService(service).status()
    if op.name == "pull" and fault.transition:
        # A pull makes no transition: the fault never comes.
        outcome = "no transition in a pull: the run is untouched"
        assert code == 0 and status.pending == 0, said
        assert status.last_run is not None and status.last_run.status == "ok"
    elif fault.retried:
        line = the_line(err, fault.words)
        assert "waiting 1 s" in line
        assert code == 0 and status.pending == 0, said
        outcome = f"waited as JIRA asked, then done: {line.removeprefix('kanban: ')}"
    elif op.name == "pull":
        # The search failed: the run stops with one line, nothing was written.
        assert code == 1, said
        line = the_line(err, fault.words)
        assert line.startswith("kanban: error: ") and op.step in line, line
        assert status.last_run is not None and status.last_run.status in ("failed", "offline")
        assert status.pending == 1
        outcome = f"exit 1, stopped: {line.removeprefix('kanban: error: ')}"
    else:
        # The pull went through; what JIRA did not take waits, with one line.
        assert code == 0, said
        line = the_line(out, fault.words)
        assert line.startswith("queued: "), line
        if fault.transition:
            assert "moving OPS-" in line, line
        elif op.name == "create":
            assert "card 'Write the restore runbook'" in line and op.step in line, line
        else:
            assert op.step in line, line
        assert status.last_run is not None and status.last_run.status == "ok"
        assert status.pending >= 1 or status.queued >= 1
        assert status.conflicts == 0
        outcome = f"exit 0, queued: {line.removeprefix('queued: ')}"
    assert hits >= (0 if op.name == "pull" and fault.transition else 1)
    fault_rows.append((fault.name, op.name, outcome.replace(f" at {fake.url}", "")))

    # JIRA is healthy again: the next run pushes what waited, once, and ends clean.
    fake.faults.clear()
    code, out, err = sync_cli(db, capsys)
    assert code == 0, out + err
    check_local(board)
    check_jira(board)
    status = SyncService(service).status()
    assert (status.pending, status.conflicts, status.queued) == (0, 0, 0), out
