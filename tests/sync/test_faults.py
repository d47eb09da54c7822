"""Faults: every failure gives a clear message, and nothing the user did is lost."""

from __future__ import annotations

import pytest

from kanban.errors import UserError
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.sync.errors import (
    JiraAuthError,
    JiraBadResponse,
    JiraError,
    JiraNotFound,
    JiraOffline,
    JiraPermissionError,
    JiraUnavailable,
)
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


@pytest.fixture
def linked(fake: FakeJira, service: BoardService, sync: SyncService) -> FakeJira:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"])
    sync.sync()
    service.edit_card("OPS-1", title="Patch web01 and web02")  # waits to be pushed
    return fake


FAULTS = [
    pytest.param({"status": 401}, JiraAuthError, "refused the credentials", id="401-empty"),
    pytest.param(
        {"status": 403, "body": {"errorMessages": ["You lack Browse Projects."], "errors": {}}},
        JiraPermissionError,
        "You lack Browse Projects.",
        id="403",
    ),
    pytest.param(
        {"status": 400, "body": {"errorMessages": ["Field 'x' does not exist."], "errors": {}}},
        JiraError,
        "Field 'x' does not exist.",
        id="400",
    ),
    pytest.param(
        {"status": 404, "body": {"errorMessages": ["No such board."], "errors": {}}},
        JiraNotFound,
        "found nothing (404)",
        id="404",
    ),
    pytest.param({"status": 500}, JiraUnavailable, "not available (HTTP 500)", id="500"),
    pytest.param({"status": 503}, JiraUnavailable, "not available (HTTP 503)", id="503"),
    pytest.param({"status": 502, "kind": "html"}, JiraUnavailable, "error page", id="html"),
    pytest.param({"kind": "malformed"}, JiraBadResponse, "not valid JSON", id="malformed"),
    pytest.param({"kind": "drop"}, JiraOffline, "Cannot reach JIRA", id="dropped"),
]


@pytest.mark.parametrize(("fault", "error", "words"), FAULTS)
def test_search_fault_stops_the_run_and_keeps_local_changes(
    linked: FakeJira,
    service: BoardService,
    sync: SyncService,
    fault: dict[str, object],
    error: type[Exception],
    words: str,
) -> None:
    linked.fail("GET", r"/search$", **fault)  # type: ignore[arg-type]

    with pytest.raises(error) as info:
        sync.sync()

    assert words in str(info.value)
    assert linked.url in str(info.value)
    assert service.card("OPS-1").title == "Patch web01 and web02"
    status = sync.status()
    assert status.last_run is not None and status.last_run.status in ("failed", "offline")
    assert status.pending == 1
    # JIRA is back: the queued change goes through.
    sync.sync()
    assert linked.issues["OPS-1"].summary == "Patch web01 and web02"


def test_rate_limit_is_retried_after_the_time_jira_asks(
    linked: FakeJira, sync: SyncService
) -> None:
    linked.fail("GET", r"/search$", 429, headers={"Retry-After": "1"}, times=1)

    sync.sync()

    assert linked.count("GET", "/search") >= 2
    assert linked.issues["OPS-1"].summary == "Patch web01 and web02"


def test_503_with_retry_after_is_retried(linked: FakeJira, sync: SyncService) -> None:
    linked.fail("PUT", r"/issue/\d+$", 503, headers={"Retry-After": "1"}, times=1)

    sync.sync()

    assert linked.issues["OPS-1"].summary == "Patch web01 and web02"


def test_slow_answer_times_out_with_a_message(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    sync.settings.timeout = 0.3
    linked.fail("GET", r"/search$", kind="slow", delay=1.0)

    with pytest.raises(JiraUnavailable, match="did not answer in time"):
        sync.sync()
    assert service.card("OPS-1").title == "Patch web01 and web02"


def test_offline_marks_the_status_and_changes_wait(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01")
    sync.sync()
    service.edit_card("OPS-1", title="Edited offline")
    fake.stop()

    with pytest.raises(JiraOffline, match="changes stay queued"):
        sync.sync()

    status = sync.status()
    assert status.offline and status.pending == 1
    assert service.card("OPS-1").title == "Edited offline"


def test_zero_results_where_there_were_many_stops_before_archiving(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    map_default_columns(service)
    for n in range(4):
        fake.add_issue("OPS", f"Task {n}")
    sync.sync()
    sync.settings.jql = "project = OPZ"  # a typo

    with pytest.raises(UserError, match="nothing was archived"):
        sync.sync()
    assert len(service.list_cards()) == 4

    report = sync.sync(force=True)
    assert report.archived == 4


def test_issue_that_left_the_query_is_archived_after_a_direct_check(
    fake: FakeJira, service: BoardService, sync: SyncService
) -> None:
    map_default_columns(service)
    for n in range(4):
        fake.add_issue("OPS", f"Task {n}")
    sync.sync()
    fake.edit("OPS-2", project="MOVED")  # moved out of the board's project

    report = sync.sync(full=True)

    assert report.archived == 1
    archived = [c for c in service.list_cards() if c.jira_key == "OPS-2"]
    assert archived == []
    assert service.card("OPS-2").archived  # archived, never deleted
    assert fake.count("GET", "/search") >= 2  # the direct check asked again


def test_missing_token_says_how_to_set_one(fake: FakeJira, service: BoardService) -> None:
    settings = make_settings(fake)
    settings.url = fake.url + "/other"  # no token stored for this server
    with pytest.raises(UserError, match="No JIRA token"):
        SyncService(service, settings).sync()


def test_cancel_stops_at_the_next_request_and_keeps_changes(
    linked: FakeJira, service: BoardService, sync: SyncService
) -> None:
    import threading

    from kanban.sync.errors import SyncCancelled

    cancel = threading.Event()
    seen: list[str] = []

    def progress(_done: int, _total: int | None, message: str) -> None:
        seen.append(message)
        if message.startswith("Reading"):
            cancel.set()  # the user presses Cancel once the pull starts

    with pytest.raises(SyncCancelled):
        sync.sync(cancel=cancel, progress=progress)
    assert service.card("OPS-1").title == "Patch web01 and web02"
    assert sync.pending() == []  # a cancel is not a refusal: nothing queued as an error
    sync.sync()
    assert linked.issues["OPS-1"].summary == "Patch web01 and web02"


def test_a_wait_jira_asks_for_is_said_with_its_length(
    linked: FakeJira, sync: SyncService
) -> None:
    linked.fail("GET", r"/search$", 503, headers={"Retry-After": "1"}, times=1)
    said: list[str] = []

    sync.sync(progress=lambda _d, _t, message: said.append(message))

    waits = [m for m in said if "asked to wait" in m]
    assert waits and "(503) while searching issues: waiting 1 s" in waits[0]


def test_a_malformed_field_list_names_the_step_that_failed(
    fake: FakeJira, service: BoardService
) -> None:
    fake.fail("GET", r"/field$", 200, body={"not": "a list"}, times=5)
    with pytest.raises(JiraBadResponse, match="while reading the field list"):
        SyncService(service, make_settings(fake)).sync()
