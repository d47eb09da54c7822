"""New cards become issues (stamped, never twice); Cloud search and accountId users; agile board."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.services.sync_run import SyncRun
from kanban.sync.client import JiraClient
from kanban.sync.engine import STAMP_PREFIX
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


def creating_settings(fake: FakeJira, **extra: object):  # type: ignore[no-untyped-def]
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    return make_settings(
        fake, create_issues=True, create_project="OPS", create_since=since, **extra
    )


def test_new_card_becomes_an_issue_stamped_with_its_id(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    service.add_person("Carol", jira_user=fake.user_id("carol"))
    sync = SyncService(service, creating_settings(fake))
    card = service.add_card("Replace UPS battery", labels=["hw"]).card
    service.move_card(card.id, column="In progress", person="Carol", override_reason="test")

    report = sync.sync()

    assert report.created_issues == 1
    [issue] = fake.issues.values()
    assert f"{STAMP_PREFIX}{card.id}" in issue.labels
    assert issue.summary == "Replace UPS battery"
    assert issue.status == "3" and issue.assignee == "carol"  # status and assignee follow
    assert service.card(card.id).jira_key == issue.key
    assert service.card(card.id).labels == ("hw",)  # the stamp is not a card label
    assert issue.properties["kanban.card"] == {"id": card.id}
    fake.requests.clear()
    sync.sync()
    assert fake.writes() == []


def test_crash_between_create_and_save_does_not_duplicate(
    fake: FakeJira, service: BoardService, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_default_columns(service)
    sync = SyncService(service, creating_settings(fake))
    card = service.add_card("Rotate backup tapes").card

    def crash(self: object, *args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the process dies right after JIRA created the issue

    monkeypatch.setattr(SyncRun, "fetch", crash)
    with pytest.raises(KeyboardInterrupt):
        sync.sync()
    monkeypatch.undo()
    assert len(fake.issues) == 1
    assert service.card(card.id).jira_key is None  # nothing saved locally

    sync.sync()

    assert len(fake.issues) == 1  # found by its stamp, not created again
    [issue] = fake.issues.values()
    assert service.card(card.id).jira_key == issue.key
    assert fake.count("POST", "/rest/api/2/issue") == 1


def test_cards_older_than_the_setting_stay_local(fake: FakeJira, service: BoardService) -> None:
    card = service.add_card("Old local card").card
    settings = creating_settings(fake)
    settings.create_since = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    SyncService(service, settings).sync()
    assert fake.issues == {}
    assert service.card(card.id).jira_key is None


def test_refused_create_is_queued_and_retried(fake: FakeJira, service: BoardService) -> None:
    sync = SyncService(service, creating_settings(fake))
    card = service.add_card("Order spare disks").card
    fake.fail(
        "POST",
        r"/rest/api/2/issue$",
        400,
        body={"errorMessages": ["Field 'priority' is required"], "errors": {}},
    )

    sync.sync()

    [item] = sync.pending()
    assert (item.field, item.message) == ("create", "Field 'priority' is required")
    sync.sync()
    assert service.card(card.id).jira_key is not None
    assert len(fake.issues) == 1


def test_cloud_uses_enhanced_search_and_account_ids(
    cloud_fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    cloud_fake.page_cap = 20
    for n in range(45):
        cloud_fake.add_issue("OPS", f"Task {n}", path=["10000", "10001", "3"], assignee="bob")
    sync = SyncService(service, make_settings(cloud_fake))

    report = sync.sync()

    assert report.created_cards == 45
    assert cloud_fake.count("GET", "/search/jql") == 3  # 20 + 20 + 5, by nextPageToken
    old_search = [p for m, p, _q in cloud_fake.requests if p == "/rest/api/2/search"]
    assert old_search == []  # that endpoint is gone (410) on Cloud
    bob = service.resolve_person("Bob Builder")
    assert bob.jira_user == cloud_fake.users["bob"].account_id
    service.assign("OPS-1", None)
    service.update_person(bob.id, active=True)
    service.add_person("Carol", jira_user=cloud_fake.user_id("carol"))
    service.move_card("OPS-1", column="In progress", person="Carol")
    sync.sync()
    assert cloud_fake.issues["OPS-1"].assignee == "carol"


def test_server_search_reads_the_capped_page_size_back(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.page_cap = 30
    for n in range(75):
        fake.add_issue("OPS", f"Task {n}")
    report = SyncService(service, make_settings(fake)).sync()
    assert report.created_cards == 75
    assert fake.count("GET", "/rest/api/2/search") == 3  # asked for 100, got 30 per page


def test_agile_board_sets_columns_statuses_and_wip(fake: FakeJira, service: BoardService) -> None:
    fake.board_columns = [
        {"name": "Backlog", "statuses": [{"id": "10000"}, {"id": "10001"}]},
        {"name": "In progress", "statuses": [{"id": "3"}], "max": 4},
        {"name": "Review", "statuses": [{"id": "10002"}], "min": 1, "max": 2},
        {"name": "Parked", "statuses": [{"id": "10004"}]},
        {"name": "Done", "statuses": [{"id": "10003"}]},
    ]
    fake.add_issue("OPS", "Waiting", status="10004")
    sync = SyncService(service, make_settings(fake, board_id=7))

    sync.sync()

    cols = {c.name: c for c in service.columns()}
    # The JIRA board's names too: its Backlog is the task pool.
    assert cols["Backlog"].jira_statuses == ("10000", "10001")
    assert cols["Backlog"].kind.value == "pool"
    assert [c.name for c in service.columns()] == [
        "Backlog",
        "In progress",
        "Review",
        "Parked",
        "Done",
    ]
    assert (cols["Review"].wip_min, cols["Review"].wip_max) == (1, 2)
    assert cols["In progress"].wip_max == 4
    assert cols["Parked"].jira_statuses == ("10004",)
    assert cols["Done"].jira_statuses == ("10003",)
    card = service.card("OPS-1")
    assert card.column_id == cols["Parked"].id


def test_a_status_no_column_lists_is_placed_by_its_category_and_listed(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Parked thing", status="10004")
    report = SyncService(service, make_settings(fake)).sync()
    assert report.by_category == {"Parked": 1} and report.unmapped == {}
    assert service.card("OPS-1").column_id == service.resolve_column("In progress").id


def test_connection_test_reports_server_and_user(cloud_fake: FakeJira) -> None:
    settings = make_settings(cloud_fake)
    from sync.fake_jira import TOKEN

    info = JiraClient(settings, TOKEN).server_info()
    assert info.deployment == "Cloud"
    assert info.user_display == "Alice Admin"
    assert info.user_id == cloud_fake.users["alice"].account_id


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "server"])
def test_cut_short_changelog_is_read_in_full(
    cloud: bool, fake: FakeJira, cloud_fake: FakeJira, service: BoardService
) -> None:
    server = cloud_fake if cloud else fake
    map_default_columns(service)
    server.changelog_cap = 1  # the search embeds only the newest history entry
    server.page_cap = 2
    server.add_issue("OPS", "Long story", path=["10000", "10001", "3", "10002", "10003"])

    SyncService(service, make_settings(server)).sync()

    moves = [e for e in service.history("OPS-1") if e.kind.value == "moved"]
    names = {c.id: c.name for c in service.columns()}
    assert [names[e.after["column_id"]] for e in moves] == ["In progress", "Review", "Done"]
