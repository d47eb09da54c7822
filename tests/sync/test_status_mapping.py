"""A JIRA status lands in the column that lists it, else in the column of its category.

The rule holds on every page, on every run, for statuses that appear later and
in the changelog replay, so a custom "Dev Active" is work in progress from the
first sync on and cycle times start when the work started.
"""

from __future__ import annotations

from datetime import timedelta

from kanban.domain.model import EventKind, Source
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira

DEV_ACTIVE, DEV_DONE, TEST, ANALYSIS_DONE, CLOSED = "10010", "10011", "10012", "10013", "10014"


def column_of(service: BoardService, key: str) -> str:
    card = service.card(key)
    return next(c.name for c in service.columns() if c.id == card.column_id)


def test_custom_statuses_fall_to_their_category_on_every_page(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.page_cap = 2
    fake.add_issue("OPS", "Plain backlog")
    fake.add_issue("OPS", "Plain progress", status="3")
    # Only on the second and third pages: a fallback made once, on page one, missed these.
    fake.add_issue("OPS", "Coding", status=DEV_ACTIVE)
    fake.add_issue("OPS", "Specified", status=ANALYSIS_DONE)
    fake.add_issue("OPS", "Shipped", status=CLOSED)

    report = SyncService(service, make_settings(fake)).sync()

    assert column_of(service, "OPS-3") == "In progress"
    assert column_of(service, "OPS-4") == "In progress"
    assert column_of(service, "OPS-5") == "Done"
    assert report.by_category == {"Dev Active": 1, "Analysis Done": 1, "Closed": 1}
    assert report.unmapped == {}
    # Nothing was written into the columns: the explicit mapping stays the user's.
    assert service.resolve_column("In progress").jira_statuses == ("3",)


def test_a_status_that_appears_later_lands_by_category(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Patch web01")
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    assert column_of(service, "OPS-1") == "Task pool"

    fake.edit("OPS-1", status=DEV_ACTIVE)  # the workflow changed in JIRA
    sync.sync()

    assert column_of(service, "OPS-1") == "In progress"
    [move] = [e for e in service.history("OPS-1") if e.kind is EventKind.MOVED]
    assert move.source is Source.JIRA


def test_the_changelog_replay_uses_categories_so_cycle_times_are_real(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    created = fake.now() - timedelta(days=30)
    fake.add_issue(
        "OPS",
        "Migrate storage",
        path=["10000", DEV_ACTIVE, DEV_DONE, TEST, "10003"],
        created=created,
        step=timedelta(days=6),
    )

    SyncService(service, make_settings(fake)).sync()

    card = service.card("OPS-1")
    assert card.started_at is not None and card.done_at is not None
    assert abs(card.started_at - (created + timedelta(days=6))) < timedelta(seconds=1)
    assert abs(card.done_at - (created + timedelta(days=24))) < timedelta(seconds=1)
    assert card.done_at - card.started_at == timedelta(days=18)
    names = {c.id: c.name for c in service.columns()}
    moves = [e for e in service.history("OPS-1") if e.kind is EventKind.MOVED]
    # Backlog → Dev Active is the start; the other in-progress statuses share its column.
    assert [names[e.after["column_id"]] for e in moves] == ["In progress", "Done"]


def test_an_explicit_mapping_wins_even_by_status_name(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    service.update_column("Review", jira_statuses=["10002", "Test"])
    fake.add_issue("OPS", "Check backups", status=TEST)

    SyncService(service, make_settings(fake)).sync()

    assert column_of(service, "OPS-1") == "Review"


def test_changing_the_mapping_moves_the_cards_on_the_next_sync(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Check backups", status=TEST)
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    assert column_of(service, "OPS-1") == "In progress"
    requests_before = len(fake.requests)

    service.update_column("Review", jira_statuses=["10002", TEST])
    report = sync.sync()

    assert report.mode == "full"  # the issue did not change: only a full run reads it
    assert column_of(service, "OPS-1") == "Review"
    move = [e for e in service.history("OPS-1") if e.kind is EventKind.MOVED][-1]
    assert move.source is Source.JIRA
    writes = [r for r in fake.requests[requests_before:] if r[0] in ("POST", "PUT", "DELETE")]
    assert writes == []  # the board followed JIRA; nothing to push


def test_a_move_into_a_column_reached_by_category_is_pushed(
    fake: FakeJira, service: BoardService
) -> None:
    # Nothing listed anywhere: "In progress" stands for JIRA's in-progress statuses.
    fake.add_issue("OPS", "Patch web01", status="10001")
    sync = SyncService(service, make_settings(fake))
    sync.sync()

    service.move_card("OPS-1", column="In progress")
    report = sync.sync()

    assert report.errors == []
    assert fake.issues["OPS-1"].status == "3"


def test_the_report_says_what_to_do_in_the_window_and_on_the_command_line(
    fake: FakeJira, service: BoardService
) -> None:
    map_default_columns(service)
    fake.add_issue("OPS", "Coding", status=DEV_ACTIVE)
    fake.add_issue("OPS", "Lost", status="10099")  # JIRA's "No Category"

    report = SyncService(service, make_settings(fake)).sync()

    cli, window = report.advice(), report.advice(window=True)
    assert any("Dev Active" in line and "kanban jira map" in line for line in cli)
    assert any("Limbo" in line and "kanban jira map STATUS COLUMN" in line for line in cli)
    assert any("Dev Active" in line and "JIRA → Connection… → Statuses" in line for line in window)
    assert not any("kanban " in line or "--" in line for line in window)
