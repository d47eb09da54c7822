"""A board whose database holds values the app would refuse today still opens.

An older version, another tool or a hand edit with SQL may have stored a
grouping of "planet", a colour of "red" or a negative WIP limit. The store
reads each as the field's default, logs a warning naming the field once, and
leaves the stored value alone.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from kanban.domain.model import ColumnKind, EventKind, Grouping, RuleMode, Source
from kanban.services.board import BoardService
from kanban.store import stored_values


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    service = BoardService.open(f"sqlite:///{path}", "tester")
    service.add_person("Vera Stone", wip_limit=3)
    service.add_card("Rack the switch", column="In progress", person="Vera")
    service.add_card("Order cables", labels=["net"])
    service.close()
    stored_values.take_notes()
    return path


def sql(path: Path, *statements: str) -> None:
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)


def open_board(path: Path) -> BoardService:
    return BoardService.open(f"sqlite:///{path}", "tester")


def test_invalid_board_settings_read_as_defaults(board_file: Path) -> None:
    sql(
        board_file,
        "UPDATE board SET grouping = 'planet', max_card_days = -1",
        """UPDATE board SET rules = '{"wip_limits": "sometimes", "from_the_future": "on"}'""",
    )
    service = open_board(board_file)
    snap = service.snapshot()
    assert snap.grouping is Grouping.PERSON
    assert snap.rules.max_card_days == 2.0
    assert snap.rules.mode(next(iter(snap.rules.modes))) is RuleMode.WARN
    notes = stored_values.take_notes()
    assert any("grouping 'planet' (read as 'person')" in n for n in notes)
    assert any("card size limit -1.0 (read as 2.0)" in n for n in notes)
    assert any("rule wip_limits 'sometimes'" in n for n in notes)
    # A rule a newer version added is not an error, so it is no note either.
    assert not any("from_the_future" in n for n in notes)
    service.close()
    with sqlite3.connect(board_file) as conn:  # reading wrote nothing back
        assert conn.execute("SELECT grouping FROM board").fetchone() == ("planet",)


def test_invalid_people_columns_and_cards_read_as_defaults(board_file: Path) -> None:
    sql(
        board_file,
        "UPDATE person SET colour = 'red', wip_limit = -3",
        "UPDATE board_column SET wip_max = -2, wip_min = 'lots' WHERE name = 'Review'",
        "UPDATE board_column SET kind = 'planet' WHERE name = 'Done'",
        "UPDATE card SET size_days = -5, labels = '\"net\"', due_date = 'soon'"
        " WHERE title = 'Order cables'",
    )
    service = open_board(board_file)
    snap = service.snapshot()
    (vera,) = snap.people
    assert vera.colour == "#4e79a7" and vera.wip_limit is None
    review = next(c for c in snap.columns if c.name == "Review")
    assert review.wip_max is None and review.wip_min is None
    done = next(c for c in snap.columns if c.name == "Done")
    assert done.kind is ColumnKind.ACTIVE
    cables = next(c for c in snap.cards if c.title == "Order cables")
    assert cables.size_days == 1.0 and cables.labels == () and cables.due_date is None
    notes = " | ".join(stored_values.take_notes())
    for field in (
        "Vera Stone's colour 'red'",
        "Vera Stone's WIP limit -3",
        "the WIP maximum of column 'Review' -2",
        "the WIP minimum of column 'Review' 'lots'",
        "the kind of column 'Done' 'planet'",
        "the size of card 'Order cables' -5.0",
        "the labels of card 'Order cables' 'net'",
        "the due date of card 'Order cables' 'soon'",
    ):
        assert field in notes
    service.close()


def test_an_unreadable_pool_kind_still_leaves_the_board_a_pool(board_file: Path) -> None:
    sql(board_file, "UPDATE board_column SET kind = 'lake' WHERE name = 'Task pool'")
    service = open_board(board_file)
    snap = service.snapshot()
    assert snap.pool.name == "Task pool"
    assert [c.kind for c in snap.columns].count(ColumnKind.POOL) == 1
    added = service.add_card("Still works")  # a new card goes to the pool
    assert added.card.column_id == snap.pool.id
    assert any("'lake' (read as 'pool')" in n for n in stored_values.take_notes())
    service.close()


def test_unknown_event_kinds_read_as_edits(board_file: Path) -> None:
    sql(board_file, "UPDATE event SET kind = 'teleported', source = 'mars'")
    sql(board_file, "UPDATE event SET kind = 'beamed' WHERE id = 1")
    service = open_board(board_file)
    events = service.history()
    assert {e.kind for e in events} == {EventKind.EDITED}
    assert {e.source for e in events} == {Source.LOCAL}
    notes = stored_values.take_notes()
    # One line for the kind of every event: the first value and how many more.
    (kinds,) = [n for n in notes if "the kind of history event" in n]
    assert kinds.endswith("(read as 'edited') and 1 more like it")
    service.close()


def test_the_warning_is_logged_once_per_field(
    board_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    sql(board_file, "UPDATE person SET colour = 'ultraviolet'")
    service = open_board(board_file)
    with caplog.at_level(logging.WARNING, logger="kanban.store.stored_values"):
        for _ in range(5):
            service.snapshot()
            service.people()
    warnings = [r.getMessage() for r in caplog.records if "ultraviolet" in r.getMessage()]
    assert len(warnings) == 1
    assert "Vera Stone's colour" in warnings[0] and "#4e79a7" in warnings[0]
    service.close()
