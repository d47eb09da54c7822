"""Sync responses recorded from real JIRA servers (tests/sync/recorded, see its README).

Every expectation is computed from the recorded payloads (status categories,
assignees, changelog times), never written down by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from kanban.domain.model import Card, Column, ColumnKind, EventKind
from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.sync.mapping import parse_time
from sync.conftest import make_settings
from sync.recorded_jira import RecordedJira

# name → (search page, cloud, status list, board configuration, board query)
RECORDINGS: dict[str, tuple[str, bool, str | None, str | None, str]] = {
    "cloud": (
        "jirametrics-cloud-search-changelog.json",
        True,
        "jirametrics-cloud-statuses.json",
        None,
        "project = SP",
    ),
    "cloud-board": (
        "jirametrics-cloud-search-changelog.json",
        True,
        "jirametrics-cloud-statuses.json",
        "jirametrics-cloud-board-configuration.json",
        "project = SP",
    ),
    "server": ("go-jira-search-changelog.json", False, None, None, "project = AR"),
}

KIND = {"new": ColumnKind.POOL, "indeterminate": ColumnKind.ACTIVE, "done": ColumnKind.DONE}


class Recorded:
    def __init__(self, name: str, server: RecordedJira, board_id: int | None, jql: str) -> None:
        self.name = name
        self.server = server
        self.board_id = board_id
        self.jql = jql

    def sync_service(self, service: BoardService) -> SyncService:
        settings = make_settings(self.server, jql=self.jql, board_id=self.board_id)
        return SyncService(service, settings)


@pytest.fixture(params=sorted(RECORDINGS))
def recorded(request: pytest.FixtureRequest) -> Iterator[Recorded]:
    search, cloud, statuses, board, jql = RECORDINGS[request.param]
    server = RecordedJira(search, cloud=cloud, statuses=statuses, board=board).start()
    board_id = int(server.board_config["id"]) if server.board_config else None
    yield Recorded(request.param, server, board_id, jql)
    server.stop()


def expected_column(columns: list[Column], status_id: str, category: str | None) -> Column:
    """Explicitly mapped status → its column; otherwise by the status category."""
    for col in columns:
        if status_id in {str(s) for s in col.jira_statuses}:
            return col
    wanted = KIND[category or ""]
    return min((c for c in columns if c.kind is wanted), key=lambda c: c.order)


def status_changes(issue: dict[str, Any]) -> list[tuple[datetime, str, str]]:
    out = []
    for history in (issue.get("changelog") or {}).get("histories") or []:
        at = parse_time(history["created"])
        assert at is not None
        for item in history["items"]:
            if item["field"] == "status":
                out.append((at, str(item["from"]), str(item["to"])))
    return sorted(out)


def cards_by_key(service: BoardService) -> dict[str | None, Card]:
    return {c.jira_key: c for c in service.list_cards()}


def test_every_issue_is_a_card_in_the_column_of_its_status(
    recorded: Recorded, service: BoardService
) -> None:
    recorded.sync_service(service).sync()

    cards = service.list_cards()
    issues = recorded.server.recorded_issues()
    assert sorted(c.jira_key or "" for c in cards) == sorted(i["key"] for i in issues)
    columns = service.columns()
    by_id = {c.id: c for c in columns}
    placed = {}
    for issue in issues:
        status = issue["fields"]["status"]
        want = expected_column(columns, str(status["id"]), status["statusCategory"]["key"])
        placed[issue["key"]] = (
            by_id[cards_by_key(service)[issue["key"]].column_id].name,
            want.name,
        )
    assert {k: got for k, (got, _want) in placed.items()} == {
        k: want for k, (_got, want) in placed.items()
    }


def test_board_configuration_gives_columns_statuses_and_wip(service: BoardService) -> None:
    search, cloud, statuses, board, jql = RECORDINGS["cloud-board"]
    server = RecordedJira(search, cloud=cloud, statuses=statuses, board=board).start()
    try:
        assert server.board_config is not None
        Recorded("cloud-board", server, int(server.board_config["id"]), jql).sync_service(
            service
        ).sync()
        columns = service.columns()
        for recorded_col in server.board_config["columnConfig"]["columns"]:
            ids = [str(s["id"]) for s in recorded_col["statuses"]]
            col = next(c for c in columns if [str(s) for s in c.jira_statuses] == ids)
            assert (col.wip_min, col.wip_max) == (recorded_col.get("min"), recorded_col.get("max"))
    finally:
        server.stop()


def test_assignees_are_on_their_cards(service: BoardService) -> None:
    # Only the Server-shaped recording has an assigned issue (the Cloud one has none).
    search, cloud, statuses, board, jql = RECORDINGS["server"]
    server = RecordedJira(search, cloud=cloud, statuses=statuses, board=board).start()
    try:
        check_assignees(Recorded("server", server, None, jql), service)
    finally:
        server.stop()


def check_assignees(recorded: Recorded, service: BoardService) -> None:
    recorded.sync_service(service).sync()

    cards = cards_by_key(service)
    people = {p.id: p for p in service.people()}
    wanted, got = {}, {}
    for issue in recorded.server.recorded_issues():
        assignee = issue["fields"].get("assignee")
        if not assignee:
            continue
        ident = assignee["accountId"] if recorded.server.cloud else assignee["name"]
        wanted[issue["key"]] = ident
        card = cards[issue["key"]]
        # A pool card (AR-86 is in a "new" status) carries the assignee as its owner.
        who = card.person_id if card.person_id is not None else card.owner_id
        person = people.get(who) if who is not None else None
        got[issue["key"]] = person.jira_user if person else None
    assert wanted
    assert got == wanted


def test_changelog_gives_history_and_cycle_times(recorded: Recorded, service: BoardService) -> None:
    recorded.sync_service(service).sync()

    server = recorded.server
    cards = cards_by_key(service)
    columns = service.columns()
    for issue in server.recorded_issues():
        card = cards[issue["key"]]
        history = service.history(card.id)
        created = parse_time(issue["fields"]["created"])
        assert history[0].kind is EventKind.CREATED
        assert history[0].at == created, issue["key"]
        changes = status_changes(issue)

        def column_of(status_id: str) -> int:
            return expected_column(columns, status_id, server.category_of(status_id)).id

        crossing = {at for at, src, dst in changes if column_of(src) != column_of(dst)}
        moved = {e.at for e in history if e.kind is EventKind.MOVED}
        assert moved == crossing, issue["key"]

        started = [at for at, src, _dst in changes if server.category_of(src) == "new"]
        assert card.started_at == (started[0] if started else None), issue["key"]
        done_now = issue["fields"]["status"]["statusCategory"]["key"] == "done"
        finished = [at for at, _src, dst in changes if server.category_of(dst) == "done"]
        assert card.done_at == (finished[-1] if done_now and finished else None), issue["key"]


def test_second_sync_writes_nothing(recorded: Recorded, service: BoardService) -> None:
    # The server recording's AR-86 has no summary field: its card shows the key,
    # which must not be pushed back as the summary.
    sync = recorded.sync_service(service)
    sync.sync()
    recorded.server.requests.clear()

    sync.sync()

    assert recorded.server.writes() == []
    assert recorded.server.edits == []


def test_a_move_is_pushed_as_a_recorded_transition(service: BoardService) -> None:
    search, cloud, statuses, board, jql = RECORDINGS["cloud-board"]
    server = RecordedJira(search, cloud=cloud, statuses=statuses, board=board).start()
    try:
        assert server.board_config is not None
        sync = Recorded("cloud-board", server, int(server.board_config["id"]), jql).sync_service(
            service
        )
        sync.sync()
        columns = service.columns()
        cards = cards_by_key(service)
        # An issue in a status of the "new" or "indeterminate" category, moved to the
        # column of the recorded board whose status is In Progress' successor.
        key = next(
            i["key"]
            for i in server.recorded_issues()
            if i["fields"]["status"]["statusCategory"]["key"] != "done"
        )
        current = server.status_of(key)
        target_status = next(
            str(c["statuses"][0]["id"])
            for c in server.board_config["columnConfig"]["columns"]
            if str(c["statuses"][0]["id"]) != current
            and server.category_of(str(c["statuses"][0]["id"])) == "done"
        )
        target = next(c for c in columns if target_status in {str(s) for s in c.jira_statuses})
        service.move_card(cards[key].id, column=target.name, override_reason="test")
        server.requests.clear()

        sync.sync()

        offered = {t["id"]: str(t["to"]["id"]) for t in server.recorded_transitions(key)}
        assert server.transitions_posted, server.writes()
        assert server.transitions_posted[-1][0] == key
        assert all(tid in offered or tid == target_status for _k, tid in server.transitions_posted)
        assert server.status_of(key) == target_status
        assert [p for p in server.writes() if p[0] == "POST"] == [
            ("POST", f"/rest/api/2/issue/{key}/transitions")
        ] * len(server.transitions_posted)
    finally:
        server.stop()
