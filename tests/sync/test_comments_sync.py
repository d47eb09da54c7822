"""Comments on a JIRA-linked card are the issue's comments, both ways, losing nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban.services.board import BoardService
from kanban.services.history_text import describe_all, names_of
from kanban.services.notes import NotesService
from kanban.services.sync import SyncService
from kanban.sync.comments import EMPTY, normal
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import FakeJira


@pytest.fixture
def linked(fake: FakeJira, service: BoardService, sync: SyncService) -> FakeJira:
    map_default_columns(service)
    issue = fake.add_issue("OPS", "Patch web01", path=["10000", "10001", "3"], assignee="bob")
    fake.add_comment(issue.key, "Vendor ticket opened: #4711", author="bob")
    sync.sync()
    return fake


@pytest.fixture
def notes(service: BoardService) -> NotesService:
    return NotesService(service)


def _bodies(notes: NotesService) -> list[str]:
    return [c.body for c in notes.comments("OPS-1")[1]]


def _jira_bodies(fake: FakeJira) -> list[str]:
    return [c["body"] for c in fake.issues["OPS-1"].comments]


def writes_since(fake: FakeJira, start: int) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _q in fake.requests[start:] if m in ("POST", "PUT", "DELETE")]


def test_a_jira_comment_arrives_with_its_author_and_in_the_history(
    linked: FakeJira, service: BoardService, notes: NotesService
) -> None:
    [comment] = notes.comments("OPS-1")[1]
    # Bob is a person of the board (he holds the issue), so the comment is his.
    assert (comment.author, comment.body) == ("Bob Builder", "Vendor ticket opened: #4711")
    lines = describe_all(service.history("OPS-1"), names_of(service.snapshot()))
    assert any("commented: 'Vendor ticket opened: #4711' · from JIRA" in line for line in lines)


def test_a_board_comment_becomes_a_jira_comment_once(
    linked: FakeJira, notes: NotesService, sync: SyncService
) -> None:
    notes.add_comment("OPS-1", "Rebooted web01 after patching")
    report = sync.sync()

    assert report.comments_pushed == 1
    assert _jira_bodies(linked) == ["Vendor ticket opened: #4711", "Rebooted web01 after patching"]
    assert [c.jira_id is not None for c in notes.comments("OPS-1")[1]] == [True, True]
    start = len(linked.requests)
    again = sync.sync(full=True)
    assert writes_since(linked, start) == []
    assert again.board_writes == 0 and again.comments_pulled == 0
    assert _bodies(notes) == ["Vendor ticket opened: #4711", "Rebooted web01 after patching"]


def test_edits_and_deletions_go_both_ways(
    linked: FakeJira, service: BoardService, notes: NotesService, sync: SyncService
) -> None:
    mine = notes.add_comment("OPS-1", "Rebooted web01")
    sync.sync()
    jira_id = linked.issues["OPS-1"].comments[0]["id"]

    notes.edit_comment("OPS-1", mine.id, "Rebooted web01 and web02")
    linked.edit_comment("OPS-1", jira_id, "Vendor ticket opened: #4712")
    sync.sync()
    assert _jira_bodies(linked) == ["Vendor ticket opened: #4712", "Rebooted web01 and web02"]
    assert _bodies(notes) == ["Vendor ticket opened: #4712", "Rebooted web01 and web02"]

    notes.delete_comment("OPS-1", mine.id)
    linked.delete_comment("OPS-1", jira_id)
    sync.sync()
    assert _jira_bodies(linked) == []
    assert _bodies(notes) == []
    lines = describe_all(service.history("OPS-1"), names_of(service.snapshot()))
    assert any("deleted a comment: 'Vendor ticket opened: #4712' · from JIRA" in ln for ln in lines)

    start = len(linked.requests)
    sync.sync(full=True)
    assert writes_since(linked, start) == []


def test_a_comment_changed_on_both_sides_is_kept_until_someone_chooses(
    linked: FakeJira, service: BoardService, sync: SyncService, db_url: str
) -> None:
    bob = NotesService(BoardService.open(db_url, "Bob Builder"))
    try:
        [comment] = bob.comments("OPS-1")[1]
        jira_id = linked.issues["OPS-1"].comments[0]["id"]
        bob.edit_comment("OPS-1", comment.id, "Board: vendor ticket #4711, waiting")
        linked.edit_comment("OPS-1", jira_id, "JIRA: vendor ticket #4711, closed")

        report = sync.sync()
        assert report.comment_conflicts == 1
        [kept] = bob.comments("OPS-1")[1]
        assert kept.body == "Board: vendor ticket #4711, waiting"
        assert kept.conflict_text() == "JIRA: vendor ticket #4711, closed"
        assert _jira_bodies(linked) == ["JIRA: vendor ticket #4711, closed"]

        start = len(linked.requests)
        sync.sync(full=True)  # still a conflict, nothing sent, nothing rewritten
        assert writes_since(linked, start) == []
        assert bob.comments("OPS-1")[1][0].in_conflict

        bob.resolve_comment("OPS-1", kept.id, "mine")
        sync.sync()
        assert _jira_bodies(linked) == ["Board: vendor ticket #4711, waiting"]
        assert not bob.comments("OPS-1")[1][0].in_conflict
    finally:
        bob.board.close()


def test_a_comment_deleted_in_jira_but_edited_here_is_not_lost(
    linked: FakeJira, sync: SyncService, db_url: str
) -> None:
    bob = NotesService(BoardService.open(db_url, "Bob Builder"))
    try:
        [comment] = bob.comments("OPS-1")[1]
        bob.edit_comment("OPS-1", comment.id, "Still needed: vendor ticket #4711")
        linked.delete_comment("OPS-1", linked.issues["OPS-1"].comments[0]["id"])
        sync.sync()
        [kept] = bob.comments("OPS-1")[1]
        assert kept.body == "Still needed: vendor ticket #4711"
        assert kept.conflict_text() == "deleted in JIRA"

        bob.resolve_comment("OPS-1", kept.id, "mine")
        sync.sync()
        assert _jira_bodies(linked) == ["Still needed: vendor ticket #4711"]
    finally:
        bob.board.close()


def test_comments_a_search_cuts_short_are_read_whole(
    linked: FakeJira, notes: NotesService, sync: SyncService
) -> None:
    for n in range(3):
        linked.add_comment("OPS-1", f"note {n}", author="carol")
    linked.comment_cap = 2
    sync.sync()
    assert _bodies(notes) == ["Vendor ticket opened: #4711", "note 0", "note 1", "note 2"]


def test_a_refused_comment_stays_on_the_board_and_goes_next_time(
    linked: FakeJira, notes: NotesService, sync: SyncService
) -> None:
    notes.add_comment("OPS-1", "Rebooted web01")
    linked.fail("POST", r"/comment$", 400, body={"errorMessages": ["No permission"], "errors": {}})
    report = sync.sync()
    assert any("comment" in e and "No permission" in e for e in report.errors)
    assert _bodies(notes)[-1] == "Rebooted web01"
    assert notes.comments("OPS-1")[1][-1].jira_id is None

    sync.sync()
    assert _jira_bodies(linked)[-1] == "Rebooted web01"


def test_a_dry_run_names_the_comments_and_sends_none(
    linked: FakeJira, notes: NotesService, sync: SyncService
) -> None:
    notes.add_comment("OPS-1", "Rebooted web01")
    linked.add_comment("OPS-1", "From JIRA", author="carol")
    start = len(linked.requests)
    plan = sync.preview()
    assert writes_since(linked, start) == []
    assert any("OPS-1: comments would take 1 from JIRA, send 1 to JIRA" in n for n in plan.notes)
    assert _bodies(notes) == ["Vendor ticket opened: #4711", "Rebooted web01"]


def test_a_card_without_a_jira_link_keeps_its_comments_local(
    linked: FakeJira, service: BoardService, notes: NotesService, sync: SyncService
) -> None:
    card = service.add_card("Local only").card
    notes.add_comment(card.id, "no JIRA here")
    start = len(linked.requests)
    sync.sync()
    assert not any("/comment" in p for _m, p in writes_since(linked, start))


bodies = st.sampled_from(
    [
        "line one\r\nline two  \r\n",
        "  padded  ",
        "tab\tinside",
        "a\rb",
        "Café Ünïcode",
        "x" * 3000,
        "{code}ls -l{code}",
        "bell\x07 and escape\x1b[31m",
        "\x1a",
    ]
) | st.text(min_size=1, max_size=30).filter(lambda t: t.strip())


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(from_jira=st.lists(bodies, max_size=3), from_board=st.lists(bodies, max_size=3))
def test_a_second_sync_with_no_comment_change_writes_nothing(
    from_jira: list[str], from_board: list[str]
) -> None:
    fake = FakeJira().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            board = BoardService.open(f"sqlite:///{Path(tmp) / 'board.db'}", "tester")
            try:
                map_default_columns(board)
                fake.add_issue("OPS", "Patch web01", status="3", assignee="bob")
                for body in from_jira:
                    fake.add_comment("OPS-1", body, author="carol")
                sync = SyncService(board, make_settings(fake))
                sync.sync()
                notes = NotesService(board)
                for body in from_board:
                    if normal(body) != EMPTY:  # controls alone are refused, as they should be
                        notes.add_comment("OPS-1", body)
                sync.sync()
                start = len(fake.requests)
                report = sync.sync(full=True)
                assert writes_since(fake, start) == []
                assert report.board_writes == 0
            finally:
                board.close()
    finally:
        fake.stop()
