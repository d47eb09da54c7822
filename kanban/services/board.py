"""The board's card use cases: the one way the GUI, the CLI and sync change cards.

``BoardService`` reads the board (snapshots, cards, history, filters) and
changes cards: add, edit, move, assign, block, archive, restore, undo, redo.
Each change runs in one unit of work (:meth:`writing`, see
:mod:`kanban.services.unit_of_work`): it reads the card fresh inside the write
transaction, applies the team rules, writes the card with a revision check and
appends the change's history events, all or nothing. :meth:`batch` runs
several use cases in one transaction. Setting the board up (columns, people,
rules) is inherited from :class:`~kanban.services.board_setup.BoardSetup`.
Undo and redo replay the caller's own history (see ``kanban.domain.history``).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import EllipsisType
from typing import Any

from sqlalchemy import Connection

from kanban.domain import rules as rules_mod
from kanban.domain.history import ChangeRef, UndoStep, undo_redo_stacks
from kanban.domain.lookup import match_column, match_person
from kanban.domain.model import (
    EDITABLE_FIELDS,
    BoardSnapshot,
    Card,
    Column,
    Event,
    EventKind,
    Person,
    Rule,
    RuleSettings,
    Source,
)
from kanban.domain.placement import placement_values
from kanban.domain.rules import Violation
from kanban.domain.validation import (
    COLOUR_RE,
    JIRA_KEY_RE,
    clean_description,
    clean_project,
    validate_jira_key,
    validate_labels,
    validate_reason,
    validate_size,
    validate_title,
)
from kanban.domain.wip import WipSummary, count_wip, summarize
from kanban.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    NothingToUndo,
    UserError,
)
from kanban.services.board_setup import BoardSetup
from kanban.services.card_intake import (
    card_row,
    clean_new_card,
    counted_columns,
    key_taken,
    lane_and_owner,
    new_card_violations,
)
from kanban.services.card_intake import check_rules as _check_rules
from kanban.services.history_text import Names, change_phrase
from kanban.services.unit_of_work import ChangeResult, UnitOfWork, card_values
from kanban.store import repo

__all__ = [
    "COLOUR_RE",
    "EDITABLE",
    "JIRA_KEY_RE",
    "UNDO_WINDOW",
    "BoardService",
    "CardFilter",
    "ChangeResult",
    "validate_jira_key",
    "validate_labels",
    "validate_reason",
    "validate_size",
    "validate_title",
]

UNDO_WINDOW = 2000
# Fields a plain edit may change; placement has its own use cases.
EDITABLE = EDITABLE_FIELDS
# Position drifts when neighbours move, so it is not proof that someone else
# changed the card since the change we are about to undo.
_NOT_COMPARED_FOR_UNDO = frozenset({"position"})


@dataclass(frozen=True, slots=True)
class CardFilter:
    """Filters for :meth:`BoardService.list_cards`; all optional and combined with AND."""

    text: str | None = None
    person: str | None = None
    column: str | None = None
    label: str | None = None
    project: str | None = None
    not_ready: bool | None = None
    include_archived: bool = False


class BoardService(BoardSetup):
    """The board's use cases over one database.

    ``BoardService(engine, actor, url)`` or ``BoardService.open(url, actor)``;
    the arguments and the transactions the use cases run in (``reading()``,
    ``writing()``, ``batch()``) come from
    :class:`~kanban.services.unit_of_work.BoardTransactions`, the set-up use
    cases from :class:`~kanban.services.board_setup.BoardSetup`.
    """

    # --- reading ------------------------------------------------------------

    def snapshot(self) -> BoardSnapshot:
        with self.reading() as conn:
            return repo.load_snapshot(conn)

    def last_event_id(self) -> int:
        """A cheap change marker: the wall polls it and reloads when it moves."""
        with self.reading() as conn:
            return repo.last_event_id(conn)

    def wip(self, snapshot: BoardSnapshot | None = None) -> WipSummary:
        snap = snapshot or self.snapshot()
        return count_wip(snap.columns, snap.cards)

    def card(self, ref: str) -> Card:
        with self.reading() as conn:
            return repo.find_card(conn, ref=ref)

    def history(self, ref: str | None = None) -> list[Event]:
        with self.reading() as conn:
            if ref is None:
                return repo.events(conn)
            card = repo.find_card(conn, ref=ref)
            return repo.card_history(conn, card_id=card.id)

    def events(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        after_id: int | None = None,
    ) -> list[Event]:
        with self.reading() as conn:
            return repo.events(conn, since=since, until=until, after_id=after_id)

    def cards_moved_since(self, since: datetime) -> set[str]:
        with self.reading() as conn:
            return repo.moved_cards_since(conn, since=since)

    def columns(self) -> list[Column]:
        with self.reading() as conn:
            return repo.list_columns(conn)

    def people(self, include_inactive: bool = True) -> list[Person]:
        with self.reading() as conn:
            return repo.list_people(conn, include_inactive=include_inactive)

    def rules(self) -> RuleSettings:
        with self.reading() as conn:
            return repo.load_rules(conn)[2]

    def list_cards(self, flt: CardFilter | None = None) -> list[Card]:
        flt = flt or CardFilter()
        with self.reading() as conn:
            cards = repo.list_cards(conn, include_archived=flt.include_archived)
            columns = repo.list_columns(conn)
            people = repo.list_people(conn)
            column_id = match_column(columns, flt.column).id if flt.column else None
            person_id = match_person(people, flt.person).id if flt.person else None
        text = flt.text.lower() if flt.text else None
        order = {c.id: c.order for c in columns}
        result = []
        for card in cards:
            if column_id is not None and card.column_id != column_id:
                continue
            if person_id is not None and person_id not in (card.person_id, card.owner_id):
                continue
            if flt.label and flt.label.lower() not in (lb.lower() for lb in card.labels):
                continue
            if flt.project and (card.project or "").lower() != flt.project.lower():
                continue
            if flt.not_ready is not None and card.not_ready != flt.not_ready:
                continue
            if text and not _matches_text(card, text):
                continue
            result.append(card)
        result.sort(key=lambda c: (order.get(c.column_id, 0), c.person_id or 0, c.position))
        return result

    def resolve_column(self, ref: str | int) -> Column:
        with self.reading() as conn:
            return match_column(repo.list_columns(conn), ref)

    def resolve_person(self, ref: str | int) -> Person:
        with self.reading() as conn:
            return match_person(repo.list_people(conn), ref)

    # --- card use cases -----------------------------------------------------

    def add_card(
        self,
        title: str,
        *,
        description: str = "",
        column: str | int | None = None,
        person: str | int | None = None,
        size_days: float = 1.0,
        labels: Sequence[str] = (),
        project: str | None = None,
        due_date: date | None = None,
        jira_key: str | None = None,
        not_ready_reason: str | None = None,
        position: int | None = None,
        override_reason: str | None = None,
        source: Source = Source.LOCAL,
        created_at: datetime | None = None,
        card_id: str | None = None,
    ) -> ChangeResult:
        """Create a card (in the pool unless a column is given)."""
        new = clean_new_card(
            title,
            description=description,
            project=project,
            size_days=size_days,
            labels=labels,
            jira_key=jira_key,
            not_ready_reason=not_ready_reason,
        )
        at = created_at or repo.now()
        with self.writing() as uow:
            conn = uow.conn
            snap = repo.load_frame(conn)
            col = snap.pool if column is None else match_column(snap.columns, column)
            person_obj = match_person(snap.people, person) if person is not None else None
            lane, owner_id = lane_and_owner(col, person_obj)
            wanted = counted_columns(snap, col, lane)
            cells = repo.cell_counts(conn, column_ids=wanted) if wanted else []
            wip = summarize(snap.columns, cells)
            violations = new_card_violations(snap, col, lane, new.size, wip)
            _check_rules(new.title, violations, override_reason)
            if new.jira_key:
                _ensure_key_free(conn, new.jira_key, None)
            person_id = lane.id if lane else None
            n = repo.cell_end(conn, column_id=col.id, person_id=person_id)
            pos = n if position is None else max(0, min(position, n))
            repo.shift_cell(conn, column_id=col.id, person_id=person_id, from_position=pos, delta=1)
            values = card_row(
                new,
                card_id=card_id or repo.new_id(),
                column=col,
                person_id=person_id,
                owner_id=owner_id,
                position=pos,
                due_date=due_date,
                at=at,
            )
            repo.insert_card(conn, values=values)
            card = uow.written(values["id"])
            change_id = uow.new_change_id()
            after = card_values(card, repo.CARD_FIELDS)
            uow.append_event(
                card,
                change_id,
                EventKind.CREATED,
                {"archived": True},
                after,
                reason=override_reason if violations else None,
                violations=violations,
                source=source,
                at=at,
            )
            return ChangeResult(card, change_id, tuple(violations))

    def edit_card(
        self,
        ref: str,
        *,
        expected_revision: int | None = None,
        override_reason: str | None = None,
        source: Source = Source.LOCAL,
        **fields: Any,
    ) -> ChangeResult:
        """Change a card's content fields (not its place on the board)."""
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise InvalidInput(f"Cannot edit {', '.join(sorted(unknown))} with edit.")
        clean: dict[str, Any] = {}
        for name, value in fields.items():
            if name == "title":
                clean[name] = validate_title(value)
            elif name == "size_days":
                clean[name] = validate_size(value)
            elif name == "labels":
                clean[name] = validate_labels(value)
            elif name == "jira_key":
                clean[name] = validate_jira_key(value)
            elif name == "project":
                clean[name] = clean_project(value)
            elif name == "description":
                clean[name] = clean_description(value)
            else:
                clean[name] = value
        with self.writing() as uow:
            conn = uow.conn
            card = _load(conn, ref, expected_revision)
            changed = {
                k: v
                for k, v in clean.items()
                if repo.jsonable(v) != repo.jsonable(getattr(card, k))
            }
            if not changed:
                return ChangeResult(card, "")
            violations: list[Violation] = []
            if "size_days" in changed and changed["size_days"] > card.size_days:
                violations = rules_mod.check_size(changed["size_days"], repo.load_rules(conn)[2])
            _check_rules(card.title, violations, override_reason)
            if changed.get("jira_key"):
                _ensure_key_free(conn, changed["jira_key"], card.id)
            return uow.commit_change(
                card,
                changed,
                EventKind.EDITED,
                source=source,
                override_reason=override_reason,
                violations=violations,
            )

    def move_card(
        self,
        ref: str,
        *,
        column: str | int | None = None,
        person: str | int | None = None,
        unassign: bool = False,
        position: int | None = None,
        expected_revision: int | None = None,
        override_reason: str | None = None,
        source: Source = Source.LOCAL,
        at: datetime | None = None,
        block_reason: str | None = None,
        unblock: bool = False,
        project: str | None | EllipsisType = ...,
    ) -> ChangeResult:
        """Move a card to another column, lane or position.

        ``person`` None keeps the card's person (unless ``unassign``): its lane,
        or for a pool card its owner, whose lane it starts in. A card moved into
        the pool leaves its lane but keeps its person as its owner.
        ``block_reason`` also marks the card not ready, and ``unblock`` ready, in
        the same change: a drop into (or out of) the not-ready section is one
        step to undo. ``project`` (None: no project; ``...``: unchanged) does the
        same for a drop into another project's lane.
        """
        if block_reason is not None:
            block_reason = validate_reason(block_reason, "Marking a card not ready")
        with self.writing() as uow:
            conn = uow.conn
            card = _load(conn, ref, expected_revision)
            if card.archived:
                raise UserError(
                    f"Card '{card.title}' is archived, so it has no place on the board; "
                    "restore it first ('kanban restore')."
                )
            snap = repo.load_frame(conn)
            target = (
                snap.column(card.column_id)
                if column is None
                else match_column(snap.columns, column)
            )
            if unassign:
                person_obj = None
            elif person is not None:
                person_obj = match_person(snap.people, person)
            else:
                keep = card.person_id if card.person_id is not None else card.owner_id
                person_obj = snap.person(keep) if keep is not None else None
            violations = rules_mod.check_move(
                card=card,
                source=snap.column(card.column_id),
                target=target,
                target_person=person_obj,
                wip=summarize(snap.columns, repo.cell_counts(conn)),
                settings=snap.rules,
            )
            _check_rules(card.title, violations, override_reason)
            values = placement_values(
                card,
                target,
                person_obj.id if person_obj else None,
                position,
                at or repo.now(),
            )
            if (
                (values["column_id"], values["person_id"]) == card.cell
                and values["owner_id"] == card.owner_id
                and position in (None, card.position)
            ):
                moved = ChangeResult(card, "")
            else:
                kind = EventKind.MOVED
                if values["column_id"] == card.column_id and (
                    values["person_id"] != card.person_id or values["owner_id"] != card.owner_id
                ):
                    kind = EventKind.ASSIGNED
                moved = uow.commit_change(
                    card,
                    values,
                    kind,
                    source=source,
                    override_reason=override_reason,
                    violations=violations,
                    at=at,
                )
            if project is not ...:
                new_project = clean_project(project)
                if new_project != moved.card.project:
                    edited = uow.commit_change(
                        moved.card,
                        {"project": new_project},
                        EventKind.EDITED,
                        source=source,
                        at=at,
                        change_id=moved.change_id or None,
                    )
                    moved = ChangeResult(edited.card, edited.change_id, moved.overridden)
            if block_reason is not None:
                marked = _block_in(uow, moved.card, block_reason, source, at, moved.change_id)
            elif unblock and moved.card.not_ready:
                marked = _unblock_in(uow, moved.card, source, at, moved.change_id)
            else:
                return moved
            return ChangeResult(marked.card, marked.change_id or moved.change_id, moved.overridden)

    def assign(
        self,
        ref: str,
        person: str | int | None,
        *,
        expected_revision: int | None = None,
        override_reason: str | None = None,
        source: Source = Source.LOCAL,
    ) -> ChangeResult:
        """Give the card to a person: their lane, same column.

        A pool card stays in the pool with the person as its owner ("their
        pool"); it starts in that person's lane when it is moved out.
        ``person`` None takes the card from whoever had it.
        """
        with self.reading() as conn:
            card = repo.find_card(conn, ref=ref)
        return self.move_card(
            card.id,
            column=None,
            person=person,
            unassign=person is None,
            expected_revision=expected_revision,
            override_reason=override_reason,
            source=source,
        )

    def block(
        self,
        ref: str,
        reason: str,
        *,
        expected_revision: int | None = None,
        source: Source = Source.LOCAL,
        at: datetime | None = None,
    ) -> ChangeResult:
        """Mark a card not ready, with the reason it waits (``at`` backdates, as in move_card)."""
        cleaned = validate_reason(reason, "Marking a card not ready")
        with self.writing() as uow:
            card = _load(uow.conn, ref, expected_revision)
            return _block_in(uow, card, cleaned, source, at)

    def unblock(
        self,
        ref: str,
        *,
        expected_revision: int | None = None,
        source: Source = Source.LOCAL,
        at: datetime | None = None,
    ) -> ChangeResult:
        with self.writing() as uow:
            card = _load(uow.conn, ref, expected_revision)
            if not card.not_ready:
                raise UserError(f"Card '{card.title}' is not marked not ready; nothing to do.")
            return _unblock_in(uow, card, source, at)

    def archive(
        self, ref: str, *, expected_revision: int | None = None, source: Source = Source.LOCAL
    ) -> ChangeResult:
        with self.writing() as uow:
            card = _load(uow.conn, ref, expected_revision)
            if card.archived:
                raise UserError(f"Card '{card.title}' is already archived.")
            return uow.commit_change(card, {"archived": True}, EventKind.ARCHIVED, source=source)

    def restore(
        self,
        ref: str,
        *,
        expected_revision: int | None = None,
        override_reason: str | None = None,
        source: Source = Source.LOCAL,
    ) -> ChangeResult:
        """Bring an archived card back to its cell, through the WIP rules.

        A restored card arrives in its column and lane like a moved one, so a
        full column or a person at their limit refuses it (enforce) or wants a
        reason (warn).
        """
        with self.writing() as uow:
            conn = uow.conn
            card = _load(conn, ref, expected_revision)
            if not card.archived:
                raise UserError(f"Card '{card.title}' is not archived.")
            snap = repo.load_frame(conn)
            column = snap.column(card.column_id)
            person = snap.person(card.person_id) if card.person_id is not None else None
            # Checked as an arrival from outside its column: it is not counted yet.
            arriving = dataclasses.replace(card, column_id=-1, person_id=None)
            violations = [
                v
                for v in rules_mod.check_move(
                    card=arriving,
                    source=column,
                    target=column,
                    target_person=person,
                    wip=summarize(snap.columns, repo.cell_counts(conn)),
                    settings=snap.rules,
                )
                if v.rule is Rule.WIP_LIMITS
            ]
            _check_rules(card.title, violations, override_reason)
            values = {"archived": False, "position": None}
            return uow.commit_change(
                card,
                values,
                EventKind.RESTORED,
                source=source,
                override_reason=override_reason,
                violations=violations,
            )

    # --- undo / redo ---------------------------------------------------------

    def _stacks(self, conn: Connection) -> tuple[list[str], list[str], dict[str, list[Event]]]:
        recent = repo.recent_local_events(conn, actor=self.actor, limit=UNDO_WINDOW)
        groups: OrderedDict[str, list[Event]] = OrderedDict()
        for ev in recent:
            groups.setdefault(ev.change_id, []).append(ev)
        refs = [ChangeRef(cid, evs[0].kind, evs[0].target_change) for cid, evs in groups.items()]
        undo, redo = undo_redo_stacks(refs)
        return undo, redo, dict(groups)

    def can_undo(self) -> tuple[bool, bool]:
        with self.reading() as conn:
            undo, redo, _ = self._stacks(conn)
        return bool(undo), bool(redo)

    def next_undo(self) -> UndoStep | None:
        """The change :meth:`undo` would take back next (the actor's own), named; None if none.

        Front ends show it before they act, and ask first when it is old
        (:meth:`UndoStep.needs_confirmation`).
        """
        with self.reading() as conn:
            undo, _redo, groups = self._stacks(conn)
            if not undo:
                return None
            target = undo[-1]
            events = groups.get(target) or repo.change_events(conn, change_id=target)
            cards = {
                ev.card_id: card
                for ev in events
                if (card := repo.get_card(conn, card_id=ev.card_id)) is not None
            }
            names = Names(
                {c.id: c.name for c in repo.list_columns(conn)},
                {p.id: p.name for p in repo.list_people(conn)},
            )
        return UndoStep(target, max(ev.at for ev in events), change_phrase(events, cards, names))

    def undo(self, *, expected: str | None = None) -> list[Card]:
        """Undo the caller's own last change that is not undone yet.

        Only changes this service's actor made here are undone, never another
        person's or an automatic one (JIRA, git). ``expected`` is the change id
        of the :meth:`next_undo` the user was shown: if the last change is
        another one by now, nothing is undone.
        """
        with self.writing() as uow:
            conn = uow.conn
            undo, _redo, groups = self._stacks(conn)
            if not undo:
                raise NothingToUndo("Nothing to undo: you have made no change since the last undo.")
            target = undo[-1]
            if expected is not None and target != expected:
                raise UserError(
                    "Nothing was undone: your last change is not the one shown any more "
                    "(you changed something since). Undo again to see what it would take back."
                )
            events = groups.get(target) or repo.change_events(conn, change_id=target)
            return _replay(uow, events, EventKind.UNDO, target)

    def redo(self) -> list[Card]:
        """Redo the last change undone, if nothing new was done since."""
        with self.writing() as uow:
            conn = uow.conn
            _undo, redo, groups = self._stacks(conn)
            if not redo:
                raise NothingToUndo("Nothing to redo.")
            undo_change = redo[-1]
            events = groups.get(undo_change) or repo.change_events(conn, change_id=undo_change)
            return _replay(uow, events, EventKind.REDO, undo_change)


def _matches_text(card: Card, text: str) -> bool:
    return (
        text in card.title.lower()
        or text in card.description.lower()
        or (card.jira_key is not None and text in card.jira_key.lower())
        or any(text in lb.lower() for lb in card.labels)
        or (card.not_ready_reason is not None and text in card.not_ready_reason.lower())
    )


def _block_in(
    uow: UnitOfWork,
    card: Card,
    reason: str,
    source: Source,
    at: datetime | None,
    change_id: str | None = None,
) -> ChangeResult:
    if card.not_ready and card.not_ready_reason == reason:
        return ChangeResult(card, "")
    values: dict[str, Any] = {"not_ready": True, "not_ready_reason": reason}
    if not card.not_ready:
        values["not_ready_since"] = at or repo.now()
    return uow.commit_change(
        card, values, EventKind.BLOCKED, source=source, at=at, change_id=change_id
    )


def _unblock_in(
    uow: UnitOfWork,
    card: Card,
    source: Source,
    at: datetime | None,
    change_id: str | None = None,
) -> ChangeResult:
    values = {"not_ready": False, "not_ready_reason": None, "not_ready_since": None}
    return uow.commit_change(
        card, values, EventKind.UNBLOCKED, source=source, at=at, change_id=change_id
    )


def _load(conn: Connection, ref: str, expected_revision: int | None) -> Card:
    card = repo.find_card(conn, ref=ref)
    if expected_revision is not None and card.revision != expected_revision:
        raise ConflictError(card.title, card.id, expected_revision, card.revision)
    return card


def _ensure_key_free(conn: Connection, key: str, card_id: str | None) -> None:
    # Keys are stored as validate_jira_key leaves them (upper case), so the unique
    # index answers; find_card's case-blind match reads every card, which made a
    # CSV import of many keyed rows quadratic.
    other = repo.card_with_key(conn, key=key.strip().upper())
    if other is None:
        return
    if other.id != card_id:
        raise key_taken(key, other.title)


def _replay(
    uow: UnitOfWork,
    events: list[Event],
    kind: EventKind,
    target_change: str,
) -> list[Card]:
    """Write back each event's ``before`` (newest first), if the card is still as it left it.

    Undo replays the target change; redo replays the undo change, whose
    ``before`` is the state the undo started from.
    """
    conn = uow.conn
    change_id = uow.new_change_id()
    cards: list[Card] = []
    for ev in reversed(events):
        card = repo.get_card(conn, card_id=ev.card_id)
        if card is None:
            raise NotFound(f"The card of that change ({ev.card_id}) no longer exists.")
        expected = ev.after
        for name, value in expected.items():
            if name in _NOT_COMPARED_FOR_UNDO:
                continue
            if repo.jsonable(getattr(card, name)) != value:
                raise UserError(
                    f"Cannot {kind.value} on card '{card.title}': it was changed since "
                    f"({name.replace('_', ' ')}). Change it by hand instead."
                )
        values = {k: repo.from_jsonable(k, v) for k, v in ev.before.items()}
        if values.get("jira_key"):
            # Another card may have taken the key since; the UNIQUE index would fail.
            try:
                _ensure_key_free(conn, values["jira_key"], card.id)
            except InvalidInput as exc:
                raise UserError(f"Cannot {kind.value} on card '{card.title}': {exc}") from None
        fields = list(uow.write_card(card, values))
        written = uow.written(card.id)
        uow.append_event(
            written,
            change_id,
            kind,
            card_values(card, fields),
            card_values(written, fields),
            target_change=target_change,
        )
        cards.append(written)
    return cards
