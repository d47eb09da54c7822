"""Grouping, filtering and local moves of the board data, without Qt."""

from __future__ import annotations

from datetime import UTC, datetime

from kanban.domain.model import Grouping
from kanban.services.board import BoardService
from kanban.ui.board_data import (
    DONE_SHOWN,
    UNASSIGNED,
    Filters,
    apply_local_move,
    build_board_data,
    cell_cards,
)
from kanban.ui.me import find_me, match_person
from ui.board_fixtures import build_team


def test_lanes_follow_people_and_show_wip(service: BoardService) -> None:
    team = build_team(service)
    data = build_board_data(service.snapshot())
    assert [lane.title for lane in data.lanes] == ["Alice Smith", "Bob Jones"]
    bob = data.lanes[1]
    assert bob.wip.total == 2 and bob.limit == 3 and bob.wip_text == "2/3"
    assert [c.title for c in data.not_ready_cards] == ["Rack new storage"]
    assert len(data.pool_cards) == 3
    assert [c.title for c in data.cells[(team.review, ("person", team.bob.id))]] == [
        "Review firewall rules"
    ]


def test_blocked_count_is_shown_apart(service: BoardService) -> None:
    team = build_team(service)
    service.block(team.cards["Rotate backups"], "waiting for tapes")
    lane = build_board_data(service.snapshot()).lanes[1]
    assert lane.wip_text == "2/3 · 1 blocked"


def test_unassigned_lane_only_when_needed_and_inactive_people_hidden(
    service: BoardService,
) -> None:
    team = build_team(service)
    carol = service.add_person("Carol Idle", active=False)
    data = build_board_data(service.snapshot())
    assert UNASSIGNED not in [lane.key for lane in data.lanes]
    assert ("person", carol.id) not in [lane.key for lane in data.lanes]
    service.move_card(team.cards["Rotate backups"], unassign=True)
    data = build_board_data(service.snapshot())
    assert data.lanes[-1].key == UNASSIGNED


def test_inactive_person_with_work_keeps_a_lane(service: BoardService) -> None:
    team = build_team(service)
    service.update_person(team.bob.id, active=False)
    keys = [lane.key for lane in build_board_data(service.snapshot()).lanes]
    assert ("person", team.bob.id) in keys


def test_my_board_keeps_pool_not_ready_and_only_my_lane(service: BoardService) -> None:
    team = build_team(service)
    data = build_board_data(service.snapshot(), Filters(my_board=True, me_id=team.alice.id))
    assert [lane.title for lane in data.lanes] == ["Alice Smith"]
    shown = {c.title for c in data.visible_cards()}
    assert "Fix DNS forwarders" in shown and "Patch file servers" in shown
    assert "Rack new storage" in shown
    assert "Rotate backups" not in shown and "Review firewall rules" not in shown


def test_text_label_and_project_filters(service: BoardService) -> None:
    build_team(service)
    snap = service.snapshot()
    titles = {c.title for c in build_board_data(snap, Filters(text="tls")).visible_cards()}
    assert titles == {"Renew TLS certificates"}
    titles = {c.title for c in build_board_data(snap, Filters(label="backup")).visible_cards()}
    assert titles == {"Rotate backups"}
    titles = {c.title for c in build_board_data(snap, Filters(project="stor")).visible_cards()}
    assert titles == {"Rack new storage"}
    # A person's name finds their cards too.
    titles = {c.title for c in build_board_data(snap, Filters(text="alice")).visible_cards()}
    assert titles == {"Fix DNS forwarders"}


def test_grouping_by_project(service: BoardService) -> None:
    team = build_team(service)
    service.edit_card(team.cards["Rotate backups"], project="BACKUP")
    data = build_board_data(service.snapshot(), grouping=Grouping.PROJECT)
    assert [lane.title for lane in data.lanes] == ["BACKUP", "No project"]


def test_done_cells_show_only_the_latest(service: BoardService) -> None:
    team = build_team(service)
    for i in range(DONE_SHOWN + 2):
        service.add_card(f"Old job {i}", column="Done", person="Bob Jones")
    data = build_board_data(service.snapshot())
    cell = (team.done, ("person", team.bob.id))
    assert len(data.cells[cell]) == DONE_SHOWN
    assert data.done_hidden[cell] == 2
    assert data.cells[cell][-1].title == f"Old job {DONE_SHOWN + 1}"


def test_local_move_matches_what_the_service_writes(service: BoardService) -> None:
    team = build_team(service)
    snap = service.snapshot()
    card_id = team.cards["Upgrade backup agent"]
    local = apply_local_move(snap, card_id, team.progress, team.bob.id, 0, datetime.now(UTC))
    service.move_card(card_id, column=team.progress, person=team.bob.id, position=0)
    real = service.snapshot()
    for column, person in ((team.progress, team.bob.id), (team.pool, None)):
        assert [(c.id, c.position) for c in cell_cards(local, column, person)] == [
            (c.id, c.position) for c in cell_cards(real, column, person)
        ]


def test_me_matches_config_then_os_user(service: BoardService) -> None:
    build_team(service)
    people = service.people()
    assert find_me(people, "ASMITH", "root").name == "Alice Smith"
    assert find_me(people, None, "alice").name == "Alice Smith"  # e-mail's local part
    assert find_me(people, "nobody", "bob jones").name == "Bob Jones"
    assert find_me(people, None, "root") is None
    assert match_person(people, "  ") is None
