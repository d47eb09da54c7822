"""A move starts where the issue stands now, not where the run read it.

Between the pull and the push JIRA may move an issue on its own: a person, or
a transition of a run that was killed (or timed out) that JIRA applied late.
The transitions JIRA then lists belong to the real status; learned as the
edges of the stale one, they would send later moves the wrong way.
"""

from __future__ import annotations

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


def test_a_status_changed_after_the_read_teaches_the_workflow_nothing_wrong(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    service.add_person("Carol", jira_user=fake.user_id("carol"))
    fake.add_issue("OPS", "Patch web01")  # Backlog
    fake.add_issue("OPS", "Patch web02", path=["10000", "10001"])  # Selected
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    service.move_card("OPS-1", column="Done", override_reason="test")

    def late_transition(_done: int, _total: int | None, message: str) -> None:
        if message == "Pushing OPS-1":
            # Steps of an earlier, killed run land now: OPS-1 goes on to Review.
            for step in ("11", "21", "31"):
                body = {"transition": {"id": step}}
                assert fake.route("POST", "/rest/api/2/issue/OPS-1/transitions", {}, body)[0] == 204

    sync.sync(progress=late_transition)
    assert fake.issues["OPS-1"].status == "10003"

    service.move_card("OPS-2", column="Done", override_reason="test")
    start = len(fake.requests)
    report = sync.sync()

    assert report.errors == [] and fake.issues["OPS-2"].status == "10003"
    went = [
        h["items"][0]["to"]
        for h in fake.issues["OPS-2"].histories
        if h["items"] and h["items"][0]["field"] == "status"
    ]
    assert "10000" not in went[1:], f"OPS-2 was moved back to the backlog on its way: {went}"
    assert fake.count("POST", "/transitions") >= 3 and len(fake.requests) > start


def test_a_sample_issue_moved_since_the_read_is_asked_where_it_stands(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01")  # Backlog: the run's sample of that status
    fake.add_issue("OPS", "Patch web02", path=["10000", "10001"])  # Selected
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    service.move_card("OPS-2", column="Done", override_reason="test")

    def someone_moves_the_sample(_done: int, _total: int | None, message: str) -> None:
        if message == "Pushing OPS-2":
            for step in ("11", "21", "31"):  # OPS-1: Backlog → ... → Review, in JIRA
                body = {"transition": {"id": step}}
                assert fake.route("POST", "/rest/api/2/issue/OPS-1/transitions", {}, body)[0] == 204

    report = sync.sync(progress=someone_moves_the_sample)

    assert report.errors == [] and fake.issues["OPS-2"].status == "10003"
    went = [
        h["items"][0]["to"]
        for h in fake.issues["OPS-2"].histories
        if h["items"] and h["items"][0]["field"] == "status"
    ]
    assert "10000" not in went[1:], f"OPS-2 was moved back to the backlog on its way: {went}"
