"""Property-based: random sequences of board actions keep the board's invariants.

Invariants after every step: each live card sits in exactly one cell with
positions 0..n-1 (dense, no duplicates); pool cards have no person; WIP counts
equal a recount from scratch; revisions never go down.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from kanban.domain.model import ColumnKind, Rule, RuleMode
from kanban.domain.wip import count_wip
from kanban.errors import UserError
from kanban.services.board import BoardService


class BoardMachine(RuleBasedStateMachine):
    @initialize()
    def open_board(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        url = f"sqlite:///{Path(self._dir.name) / 'board.db'}"
        self.svc = BoardService.open(url, "prop")
        for rule_ in Rule:
            self.svc.set_rule(rule_, RuleMode.OFF)
        self.people = [self.svc.add_person(n).id for n in ("Ann", "Ben", "Cid")]
        self.columns = [c.id for c in self.svc.columns()]
        self.revisions: dict[str, int] = {}

    def teardown(self) -> None:
        if hasattr(self, "svc"):
            self.svc.close()
            self._dir.cleanup()

    def _card_ids(self) -> list[str]:
        return [c.id for c in self.svc.snapshot().cards]

    # A title with something visible: the board refuses blank and control-only ones.
    @rule(title=st.text(min_size=1, max_size=30).filter(lambda t: t.isprintable() and t.strip()))
    def add(self, title: str) -> None:
        self.svc.add_card(title)

    @rule(
        pick=st.integers(0, 10_000),
        column=st.integers(0, 3),
        person=st.integers(0, 2),
        position=st.one_of(st.none(), st.integers(-2, 12)),
    )
    def move(self, pick: int, column: int, person: int, position: int | None) -> None:
        ids = self._card_ids()
        if ids:
            self.svc.move_card(
                ids[pick % len(ids)],
                column=self.columns[column],
                person=self.people[person],
                position=position,
            )

    @rule(pick=st.integers(0, 10_000))
    def archive(self, pick: int) -> None:
        ids = self._card_ids()
        if ids:
            self.svc.archive(ids[pick % len(ids)])

    @rule(pick=st.integers(0, 10_000), reason=st.sampled_from(["network", "vendor"]))
    def block(self, pick: int, reason: str) -> None:
        ids = self._card_ids()
        if ids:
            self.svc.block(ids[pick % len(ids)], reason)

    @rule()
    def undo(self) -> None:
        try:
            self.svc.undo()
        except UserError:
            pass  # nothing to undo, or the card changed since: both refuse cleanly

    @rule()
    def redo(self) -> None:
        try:
            self.svc.redo()
        except UserError:
            pass

    @invariant()
    def cells_are_dense(self) -> None:
        if not hasattr(self, "svc"):
            return
        snap = self.svc.snapshot()
        pool = snap.pool.id
        cells: dict[tuple[int, int | None], list[int]] = defaultdict(list)
        for card in snap.cards:
            cells[card.cell].append(card.position)
            if card.column_id == pool:
                assert card.person_id is None
        for positions in cells.values():
            assert sorted(positions) == list(range(len(positions)))

    @invariant()
    def wip_equals_a_recount(self) -> None:
        if not hasattr(self, "svc"):
            return
        snap = self.svc.snapshot()
        wip = count_wip(snap.columns, snap.cards)
        active = {c.id for c in snap.columns if c.kind is ColumnKind.ACTIVE}
        recount = Counter(c.person_id for c in snap.cards if c.column_id in active)
        assert {k: v.total for k, v in wip.by_person.items()} == dict(recount)
        assert sum(v.total for v in wip.by_column.values()) == len(snap.cards)

    @invariant()
    def revisions_only_rise(self) -> None:
        if not hasattr(self, "svc"):
            return
        for card in self.svc.snapshot().cards:
            assert card.revision >= self.revisions.get(card.id, 0)
            self.revisions[card.id] = card.revision


BoardMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestBoardInvariants = BoardMachine.TestCase
