"""The public seams of the board: reading(), writing(), batch(), the unit of work, seeding."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kanban.domain.model import Card, Column, ColumnKind, EventKind, Source
from kanban.domain.placement import placement_values
from kanban.errors import InvalidInput
from kanban.services.board import BoardService
from kanban.services.unit_of_work import ChangeResult, UnitOfWork
from kanban.store import db, repo

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_opening_a_database_seeds_the_board_once(db_url: str) -> None:
    engine = db.open_database(db_url)
    with db.read_transaction(engine) as conn:
        names = [c.name for c in repo.list_columns(conn)]
        assert repo.board_exists(conn)
    assert names == [name for name, _kind in repo.DEFAULT_COLUMNS]
    db.ensure_seeded(engine)  # already there: nothing added
    engine.dispose()
    engine = db.open_database(db_url)
    with db.read_transaction(engine) as conn:
        assert len(repo.list_columns(conn)) == len(repo.DEFAULT_COLUMNS)
    engine.dispose()


def test_constructing_a_service_takes_no_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    url = f"sqlite:///{path}"
    db.open_database(url).dispose()
    holder = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        board = BoardService(db.make_engine(url), "reader", url)
        assert [c.kind for c in board.columns()][0] is ColumnKind.POOL
        board.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_writing_yields_a_unit_of_work_for_the_actor(service: BoardService) -> None:
    card = service.add_card("Patch web01").card
    with service.writing() as uow:
        assert isinstance(uow, UnitOfWork)
        assert (uow.actor, uow.url) == ("tester", service.url)
        fresh = repo.get_card(uow.conn, card_id=card.id)
        assert fresh is not None
        result = uow.commit_change(fresh, {"title": "Patch web02"}, EventKind.EDITED)
    assert isinstance(result, ChangeResult)
    assert result.card.title == "Patch web02" and result.card.revision == card.revision + 1
    last = service.history(card.id)[-1]
    assert (last.kind, last.actor, last.reason, last.change_id) == (
        EventKind.EDITED,
        "tester",
        None,
        result.change_id,
    )
    # The change is the caller's own, so undo takes it back.
    service.undo()
    assert service.card(card.id).title == "Patch web01"


def test_an_automatic_change_keeps_its_reason_and_names_its_source(
    service: BoardService,
) -> None:
    card = service.add_card("Patch web01").card
    with service.reading() as conn:
        pool = repo.load_frame(conn).pool
    with service.writing() as uow:
        fresh = uow.written(card.id)
        moved = uow.commit_change(
            fresh,
            {"title": "Patch web01 (JIRA)"},
            EventKind.EDITED,
            source=Source.JIRA,
            override_reason="  changed in JIRA ",
        )
        joined = uow.commit_change(
            moved.card,
            {"project": "OPS"},
            EventKind.EDITED,
            source=Source.JIRA,
            change_id=moved.change_id,
        )
    assert joined.change_id == moved.change_id
    events = service.history(card.id)[-2:]
    assert [(e.actor, e.source, e.reason) for e in events] == [
        ("jira", Source.JIRA, "changed in JIRA"),
        ("jira", Source.JIRA, None),
    ]
    assert service.card(card.id).column_id == pool.id


def test_write_card_keeps_positions_dense(service: BoardService) -> None:
    ids = [service.add_card(f"Card {n}").card.id for n in range(3)]
    with service.writing() as uow:
        first = uow.written(ids[0])
        written = uow.write_card(first, {"position": 99})
        assert written["position"] == 2
    assert [service.card(i).position for i in ids] == [2, 0, 1]


def test_a_failed_write_rolls_back(service: BoardService) -> None:
    card = service.add_card("Patch web01").card
    with pytest.raises(InvalidInput), service.writing() as uow:
        uow.commit_change(uow.written(card.id), {"title": "gone"}, EventKind.EDITED)
        raise InvalidInput("changed my mind")
    assert service.card(card.id).title == "Patch web01"
    assert len(service.history(card.id)) == 1


def test_batch_yields_a_bound_copy_and_leaves_the_service_alone(
    service: BoardService,
) -> None:
    seen_elsewhere: list[list[str]] = []
    with service.batch() as board:
        assert board is not service
        board.add_card("Inside the batch")
        with board.batch() as inner:  # a batch inside a batch joins it
            assert inner is board
            inner.add_card("Also inside")

        # Another thread on the original service opens its own transaction,
        # so it sees the board as last committed, not the batch's rows.
        def read() -> None:
            seen_elsewhere.append([c.title for c in service.list_cards()])

        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
    assert seen_elsewhere == [[]]
    assert {c.title for c in service.list_cards()} == {"Inside the batch", "Also inside"}
    with pytest.raises(RuntimeError, match="after its block ended"):
        board.list_cards()


def test_batch_keeps_the_rows_that_worked_and_rolls_back_on_error(
    service: BoardService,
) -> None:
    with service.batch() as board:
        board.add_card("Kept")
        with pytest.raises(InvalidInput):
            board.add_card("   ")
    assert [c.title for c in service.list_cards()] == ["Kept"]
    with pytest.raises(RuntimeError), service.batch() as board:
        board.add_card("Rolled back")
        raise RuntimeError("interrupted")
    assert [c.title for c in service.list_cards()] == ["Kept"]


def test_batch_acts_as_the_copys_actor(service: BoardService) -> None:
    with service.batch() as board:
        board.actor = "alice"
        card = board.add_card("By Alice").card
    assert service.actor == "tester"
    assert service.history(card.id)[0].actor == "alice"


def _card(column_id: int, **extra: object) -> Card:
    base: dict[str, object] = {
        "id": "c1",
        "title": "t",
        "column_id": column_id,
        "person_id": None,
        "position": 0,
        "revision": 1,
        "created_at": AT,
        "updated_at": AT,
    }
    base.update(extra)
    return Card(**base)  # type: ignore[arg-type]


def test_placement_values_start_finish_and_reopen() -> None:
    pool = Column(1, "Task pool", ColumnKind.POOL, 0)
    active = Column(2, "In progress", ColumnKind.ACTIVE, 1)
    done = Column(3, "Done", ColumnKind.DONE, 2)
    started = placement_values(_card(pool.id), active, 7, None, AT)
    assert started == {
        "column_id": 2,
        "person_id": 7,
        "owner_id": 7,
        "position": None,
        "column_since": AT,
        "started_at": AT,
    }
    finished = placement_values(_card(active.id, started_at=AT), done, 7, 0, AT)
    assert finished["done_at"] == AT and "started_at" not in finished
    reopened = placement_values(_card(done.id, started_at=AT, done_at=AT), pool, 7, None, AT)
    assert reopened["person_id"] is None and reopened["done_at"] is None
    assert reopened["owner_id"] == 7  # back in the pool, still theirs
    assert placement_values(_card(active.id), active, 8, 2, AT) == {
        "column_id": 2,
        "person_id": 8,
        "owner_id": 8,
        "position": 2,
    }


def test_one_list_of_editable_fields_and_the_validators_re_exported() -> None:
    from kanban.domain import model, validation
    from kanban.services import board

    assert board.EDITABLE is model.EDITABLE_FIELDS
    assert board.validate_title is validation.validate_title
    assert board.JIRA_KEY_RE is validation.JIRA_KEY_RE


def test_set_up_use_cases_run_on_the_service_and_in_a_batch(service: BoardService) -> None:
    with service.batch() as board:
        board.add_column("Blocked by vendor", position=2, wip_max=3)
        board.add_person("Dana Lee", wip_limit=2)
        board.update_person("Dana Lee", wip_limit=4)
    assert [c.name for c in service.columns()][2] == "Blocked by vendor"
    with service.reading() as conn:
        (change,) = repo.limit_changes(conn)
    assert (change.scope, change.before, change.after, change.actor) == ("person", 2, 4, "tester")
