"""Undo and redo stacks come from replaying the history."""

from __future__ import annotations

from kanban.domain.history import ChangeRef, undo_redo_stacks
from kanban.domain.model import EventKind as K


def test_undo_then_redo_then_new_change_clears_redo() -> None:
    log = [ChangeRef("a", K.MOVED, None), ChangeRef("b", K.EDITED, None)]
    assert undo_redo_stacks(log) == (["a", "b"], [])
    log.append(ChangeRef("u1", K.UNDO, "b"))
    assert undo_redo_stacks(log) == (["a"], ["u1"])
    log.append(ChangeRef("r1", K.REDO, "u1"))
    assert undo_redo_stacks(log) == (["a", "r1"], [])
    log.append(ChangeRef("u2", K.UNDO, "r1"))
    log.append(ChangeRef("u3", K.UNDO, "a"))
    assert undo_redo_stacks(log) == ([], ["u2", "u3"])
    log.append(ChangeRef("c", K.BLOCKED, None))
    assert undo_redo_stacks(log) == (["c"], [])


def test_undo_of_a_change_outside_the_window_is_ignored() -> None:
    assert undo_redo_stacks([ChangeRef("u", K.UNDO, "gone")]) == ([], [])
