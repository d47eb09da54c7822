"""Keyboard work on the selected card: move, assign, block, edit, archive.

A laptop user should not need the mouse for the everyday changes. With a card
selected (arrow keys or a click):

- **Shift+→ / Shift+←** move it to the next or previous column, in its lane;
- **A** assigns it (a person picker);
- **B** marks it not ready with a reason, or ready again when it is blocked;
- **E** (or Enter) opens the editor; **Delete** archives it.

Every action goes through the same paths as the mouse: a move is a drop on the
target cell (:meth:`BoardController.drop`, with the team rules, the WIP limits
and the override prompt), and the other changes are the service's use cases on
the controller's writer. So each is one step in the history, undone by Ctrl+Z.

:class:`CardKeys` is an event filter on the board view, so the view's own
keys (arrows, Enter, Delete) stay where they are. The help overlay
(``kanban.ui.view.HELP_TEXT``) lists these keys too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import EllipsisType

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QInputDialog, QWidget

from kanban.domain.model import Card, ColumnKind, Grouping, Person
from kanban.ui.board_data import UNASSIGNED, LaneKey, lane_key_of
from kanban.ui.controller import BoardController
from kanban.ui.layout import CELL, POOL, Zone

NOBODY = "Nobody (take it from its person)"
# A keyboard drop names its cell, not a point: the zone's rectangle is unused.
_NO_RECT = QRectF()

# Picks the card's new person: a Person, None for nobody, ... when cancelled.
PersonPicker = Callable[[Card, Sequence[Person]], "Person | None | EllipsisType"]



class CardKeys(QObject):
    """Turns keys pressed on the board view into changes of the selected card.

    Args:
        controller: the board's controller (its view is watched).
        edit: opens the card editor for a card id.
        parent: the window the person picker is shown over.
    """

    def __init__(
        self,
        controller: BoardController,
        edit: Callable[[str], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.view = controller.view
        self.edit = edit
        self.window = parent
        self.pick_person: PersonPicker = self._pick_person
        self.view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            return self.key(event)  # type: ignore[arg-type]
        return False

    def key(self, event: QKeyEvent) -> bool:
        """Act on one key press; True when it was one of these keys."""
        card_id = self.view.current
        card = self.controller.card(card_id) if card_id else None
        if card is None:
            return False
        key, mods = event.key(), event.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        plain = not mods & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        if not plain:
            return False
        if shift and key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            self.move(card, 1 if key == Qt.Key.Key_Right else -1)
        elif shift:
            return False
        elif key == Qt.Key.Key_A:
            self.assign(card)
        elif key == Qt.Key.Key_B:
            self.toggle_block(card)
        elif key == Qt.Key.Key_E:
            self.edit(card.id)
        else:
            return False
        return True

    # --- the actions --------------------------------------------------------------

    def move(self, card: Card, step: int) -> None:
        """Move ``card`` one column right (``step`` 1) or left (-1), as a drop would."""
        snap = self.controller.snapshot
        if snap is None:
            return
        order = sorted(snap.columns, key=lambda c: (c.kind is not ColumnKind.POOL, c.order))
        here = next(i for i, c in enumerate(order) if c.id == card.column_id)
        there = here + step
        if there < 0:
            self.controller.message.emit(f"'{card.title}' is in the task pool already.")
            return
        if there >= len(order):
            self.controller.message.emit(f"'{card.title}' is in the last column already.")
            return
        target = order[there]
        if target.kind is ColumnKind.POOL:
            zone = Zone(POOL, _NO_RECT, target.id, None)
        else:
            zone = Zone(CELL, _NO_RECT, target.id, self._lane_of(card))
        self.controller.drop(card.id, zone, None)

    def _lane_of(self, card: Card) -> LaneKey:
        """The lane the card moves along: its own, or for a pool card its owner's."""
        snap = self.controller.snapshot
        grouping = self.controller.grouping or (snap.grouping if snap else Grouping.PERSON)
        if grouping is Grouping.PROJECT:
            return lane_key_of(card, grouping)
        who = card.person_id if card.person_id is not None else card.owner_id
        return ("person", who) if who is not None else UNASSIGNED

    def assign(self, card: Card) -> None:
        """Give the card to a person picked from the team (or to nobody)."""
        snap = self.controller.snapshot
        if snap is None:
            return
        people = [p for p in sorted(snap.people, key=lambda p: (p.order, p.name.lower()))
                  if p.active]  # fmt: skip
        if not people:
            self.controller.message.emit(
                "There is nobody to assign cards to yet: add the team first (Settings → People)."
            )
            return
        chosen = self.pick_person(card, people)
        if chosen is ...:
            return
        person_id = chosen.id if chosen is not None else None
        current = card.person_id if card.person_id is not None else card.owner_id
        if person_id == current:
            return
        if card.column_id != snap.pool.id:
            # Into the person's lane of the same column: a drop, with its WIP check.
            lane: LaneKey = ("person", person_id) if person_id is not None else UNASSIGNED
            self.controller.drop(card.id, Zone(CELL, _NO_RECT, card.column_id, lane), None)
            return
        # A pool card keeps its place and gets an owner ("their pool").
        service, controller = self.controller.service, self.controller
        name = chosen.name if chosen is not None else None
        controller.run_write(
            lambda: service.assign(
                card.id, person_id, expected_revision=controller._own_revision(card)
            ),
            f"assigning '{card.title}'",
            lambda _r: controller.message.emit(
                f"'{card.title}' is {name}'s now." if name else f"'{card.title}' is nobody's now."
            ),
        )

    def toggle_block(self, card: Card) -> None:
        """Block the card with a reason (asked for), or unblock it when it is blocked."""
        service, controller = self.controller.service, self.controller
        if card.not_ready:
            controller.run_write(
                lambda: service.unblock(card.id, expected_revision=controller._own_revision(card)),
                f"marking '{card.title}' ready",
                lambda _r: controller.message.emit(f"'{card.title}' is ready again."),
            )
            return
        reason = controller.ask_block_reason(card)
        if not reason:
            return
        controller.run_write(
            lambda: service.block(
                card.id, reason, expected_revision=controller._own_revision(card)
            ),
            f"marking '{card.title}' not ready",
            lambda _r: controller.message.emit(
                f"'{card.title}' is not ready: {reason}. Press B again to unblock it."
            ),
        )

    def _pick_person(self, card: Card, people: Sequence[Person]) -> Person | None | EllipsisType:
        names = [p.name for p in people]
        who = card.person_id if card.person_id is not None else card.owner_id
        current = next((i for i, p in enumerate(people) if p.id == who), None)
        choices = [*names, NOBODY]
        name, ok = QInputDialog.getItem(
            self.window,
            "Assign",
            f"Who takes '{card.title}'?",
            choices,
            current if current is not None else 0,
            False,
        )
        if not ok:
            return ...
        if name == NOBODY:
            return None
        return next(p for p in people if p.name == name)
