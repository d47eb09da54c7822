"""The board's use cases: the one way the GUI, the CLI and sync change the board.

``BoardService`` owns every transaction. Each use case reads the card fresh
inside a write transaction, applies the team rules, writes the card with a
revision check, and appends the history events of the change, all or nothing.
Undo and redo replay the caller's own history (see ``kanban.domain.history``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import EllipsisType
from typing import Any, Self

from sqlalchemy import Connection, Engine

from kanban.domain import rules as rules_mod
from kanban.domain.history import ChangeRef, undo_redo_stacks
from kanban.domain.model import (
    DESCRIPTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    BoardSnapshot,
    Card,
    Column,
    ColumnKind,
    Event,
    EventKind,
    Grouping,
    LimitChange,
    Person,
    Rule,
    RuleMode,
    RuleSettings,
    Source,
)
from kanban.domain.placement import placement_values
from kanban.domain.rules import Violation
from kanban.domain.wip import WipSummary, count_wip, summarize
from kanban.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    NothingToUndo,
    RuleViolationError,
    UserError,
)
from kanban.services.unit_of_work import ChangeResult, UnitOfWork, card_values
from kanban.store import db, repo

log = logging.getLogger(__name__)

JIRA_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]+-[1-9][0-9]*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
UNDO_WINDOW = 2000
# Fields a plain edit may change; placement has its own use cases.
EDITABLE = ("title", "description", "size_days", "labels", "project", "due_date", "jira_key")
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


def validate_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("A card needs a title; the one given is empty.")
    if len(cleaned) > TITLE_MAX:
        raise InvalidInput(
            f"The title is {len(cleaned):,} characters long; the limit is {TITLE_MAX}. "
            "Put the detail in the description."
        )
    return cleaned


def validate_size(size: float) -> float:
    try:
        value = float(size)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"Size '{size}' is not a number of days.") from exc
    if not 0.1 <= value <= 365:
        raise InvalidInput(f"Size {value:g} is out of range; give days between 0.1 and 365.")
    return value


def validate_reason(reason: str | None, what: str) -> str:
    cleaned = " ".join((reason or "").split())
    if not cleaned:
        raise InvalidInput(f"{what} needs a reason; say what the card is waiting for.")
    if len(cleaned) > REASON_MAX:
        raise InvalidInput(f"The reason is {len(cleaned):,} characters; the limit is {REASON_MAX}.")
    return cleaned


def validate_labels(labels: Iterable[str]) -> list[str]:
    seen: OrderedDict[str, None] = OrderedDict()
    for label in labels:
        cleaned = label.strip()
        if cleaned:
            if len(cleaned) > 50:
                raise InvalidInput(f"The label '{cleaned[:20]}…' is over 50 characters.")
            seen[cleaned] = None
    return list(seen)


def validate_jira_key(key: str | None) -> str | None:
    if key is None or not key.strip():
        return None
    cleaned = key.strip().upper()
    if not JIRA_KEY_RE.match(cleaned):
        raise InvalidInput(f"'{key}' is not a JIRA key; a key looks like OPS-123.")
    return cleaned


class BoardService:
    """The board's use cases over one database.

    Args:
        engine: from :func:`kanban.store.db.open_database` (which seeds a new
            board, so constructing a service writes nothing).
        actor: who is making the changes (a person's name or the OS user).
        url: the database URL, used in error messages.
    """

    def __init__(self, engine: Engine, actor: str, url: str = "") -> None:
        self.engine = engine
        self.actor = actor
        self.url = url or str(engine.url)
        # Set only on the copy that batch() yields, never on a shared instance.
        self._batch: _Batch | None = None
        # Transitional (#10): the batch connection the private _write()/_read() of
        # services/sync.py join; remove with them.
        self._batch_conn: Connection | None = None

    @classmethod
    def open(cls, url: str, actor: str) -> BoardService:
        return cls(db.open_database(url), actor, url)

    def close(self) -> None:
        self.engine.dispose()

    # --- transactions -------------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction: one consistent view for several ``repo`` queries."""
        if self._batch is not None:
            with self._batch.savepoint(self.url) as conn:
                yield conn
            return
        with db.known_errors(self.url), db.read_transaction(self.engine) as conn:
            yield conn

    @contextlib.contextmanager
    def writing(self) -> Iterator[UnitOfWork]:
        """A write transaction, as a :class:`UnitOfWork` acting as this service's actor.

        Database failures the user can fix (locked, read-only, full) become
        :class:`~kanban.errors.StorageError`. Inside :meth:`batch` it is a
        savepoint of the batch's transaction.
        """
        if self._batch is not None:
            with self._batch.savepoint(self.url) as conn:
                yield UnitOfWork(conn, self.actor, self.url)
            return
        with db.known_errors(self.url), db.write_transaction(self.engine) as conn:
            yield UnitOfWork(conn, self.actor, self.url)

    @contextlib.contextmanager
    def batch(self) -> Iterator[Self]:
        """Several use cases in one write transaction: ``with board.batch() as b:``.

        Yields a copy of this service bound to the one transaction; call the use
        cases on it. Either all of them are stored or, if the block raises, none.
        Each use case inside runs in a savepoint, so one that fails (a rule
        refusing a row) leaves the others in place when the caller catches its
        error. This service itself is untouched: other threads using it meanwhile
        open their own transactions. Inside a batch, ``batch()`` joins it. Used
        by the CSV import, board replacement, the demo generator and JIRA sync.
        """
        if self._batch is not None:
            yield self
            return
        with db.known_errors(self.url), db.write_transaction(self.engine) as conn:
            bound = copy.copy(self)
            bound._batch = _Batch(conn)
            self._batch_conn = conn  # transitional (#10), for services/sync.py
            try:
                yield bound
            finally:
                self._batch_conn = None
                bound._batch.close()

    # Transitional (#10): services/sync.py and tests/reports still call these
    # private names; they go once those switch to reading()/writing().
    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        if self._batch_conn is not None:
            with _Batch(self._batch_conn).savepoint(self.url) as conn:
                yield conn
            return
        with self.reading() as conn:
            yield conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        if self._batch_conn is not None:
            with _Batch(self._batch_conn).savepoint(self.url) as conn:
                yield conn
            return
        with self.writing() as uow:
            yield uow.conn

    def _commit_change(
        self,
        conn: Connection,
        card: Card,
        values: dict[str, Any],
        kind: EventKind,
        override_reason: str | None,
        violations: Sequence[Violation],
        source: Source,
        at: datetime | None = None,
        change_id: str | None = None,
    ) -> ChangeResult:
        return UnitOfWork(conn, self.actor, self.url).commit_change(
            card,
            values,
            kind,
            source=source,
            override_reason=override_reason,
            violations=violations,
            at=at,
            change_id=change_id,
        )

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
            column_id = _match_column(columns, flt.column).id if flt.column else None
            person_id = _match_person(people, flt.person).id if flt.person else None
        text = flt.text.lower() if flt.text else None
        order = {c.id: c.order for c in columns}
        result = []
        for card in cards:
            if column_id is not None and card.column_id != column_id:
                continue
            if person_id is not None and card.person_id != person_id:
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
            return _match_column(repo.list_columns(conn), ref)

    def resolve_person(self, ref: str | int) -> Person:
        with self.reading() as conn:
            return _match_person(repo.list_people(conn), ref)

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
        title = validate_title(title)
        if len(description) > DESCRIPTION_MAX:
            raise InvalidInput(
                f"The description is {len(description):,} characters; the limit is "
                f"{DESCRIPTION_MAX:,}."
            )
        size = validate_size(size_days)
        label_list = validate_labels(labels)
        key = validate_jira_key(jira_key)
        reason = validate_reason(not_ready_reason, "Not ready") if not_ready_reason else None
        at = created_at or repo.now()
        with self.writing() as uow:
            conn = uow.conn
            snap = repo.load_frame(conn)
            col = snap.pool if column is None else _match_column(snap.columns, column)
            person_obj = _match_person(snap.people, person) if person is not None else None
            if col.kind is ColumnKind.POOL:
                person_obj = None
            violations = rules_mod.check_size(size, snap.rules)
            if col.kind is not ColumnKind.POOL:
                wip = summarize(snap.columns, repo.cell_counts(conn))
                probe = _probe_card(snap.pool.id, size)
                violations = rules_mod.check_move(
                    card=probe,
                    source=snap.pool,
                    target=col,
                    target_person=person_obj,
                    wip=wip,
                    settings=snap.rules,
                )
            _check_rules(title, violations, override_reason)
            if key:
                _ensure_key_free(conn, key, None)
            person_id = person_obj.id if person_obj else None
            n = repo.cell_size(conn, column_id=col.id, person_id=person_id)
            pos = n if position is None else max(0, min(position, n))
            repo.shift_cell(conn, column_id=col.id, person_id=person_id, from_position=pos, delta=1)
            values: dict[str, Any] = {
                "id": card_id or repo.new_id(),
                "title": title,
                "description": description,
                "column_id": col.id,
                "person_id": person_id,
                "position": pos,
                "not_ready": reason is not None,
                "not_ready_reason": reason,
                "not_ready_since": at if reason else None,
                "size_days": size,
                "labels": label_list,
                "project": _clean_project(project),
                "due_date": due_date,
                "jira_key": key,
                "created_at": at,
                "updated_at": at,
                "started_at": at if col.kind is not ColumnKind.POOL else None,
                "done_at": at if col.kind is ColumnKind.DONE else None,
                "column_since": at,
                "revision": 1,
                "archived": False,
            }
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
                clean[name] = _clean_project(value)
            elif name == "description":
                if len(value or "") > DESCRIPTION_MAX:
                    raise InvalidInput(f"The description is over {DESCRIPTION_MAX:,} characters.")
                clean[name] = value or ""
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

        ``person`` None keeps the card's lane (unless ``unassign``); moving into
        the pool always clears the person, since pool cards belong to no lane.
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
                else _match_column(snap.columns, column)
            )
            if target.kind is ColumnKind.POOL or unassign:
                person_obj = None
            elif person is not None:
                person_obj = _match_person(snap.people, person)
            else:
                person_obj = snap.person(card.person_id) if card.person_id is not None else None
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
            if (values["column_id"], values["person_id"]) == card.cell and position in (
                None,
                card.position,
            ):
                moved = ChangeResult(card, "")
            else:
                kind = EventKind.MOVED
                if values["column_id"] == card.column_id and values["person_id"] != card.person_id:
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
                new_project = _clean_project(project)
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
        """Give the card to a person (their lane, same column).

        A pool card has no lane, so assigning it starts it: it moves into the
        person's lane in the first active column, through the board's rules.
        """
        with self.reading() as conn:
            snap = repo.load_frame(conn)
            card = repo.find_card(conn, ref=ref)
        column: int | None = None
        if snap.column(card.column_id).kind is ColumnKind.POOL and person is not None:
            active = [c for c in snap.columns if c.kind is ColumnKind.ACTIVE]
            if not active:
                raise UserError("The board has no active column to start the card in.")
            column = active[0].id
        return self.move_card(
            card.id,
            column=column,
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

    def undo(self) -> list[Card]:
        """Undo the caller's last change that is not undone yet."""
        with self.writing() as uow:
            conn = uow.conn
            undo, _redo, groups = self._stacks(conn)
            if not undo:
                raise NothingToUndo("Nothing to undo: you have made no change since the last undo.")
            target = undo[-1]
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

    # --- board settings ------------------------------------------------------

    def set_rule(self, rule: Rule | str, mode: RuleMode | str) -> RuleSettings:
        try:
            rule_e, mode_e = Rule(rule), RuleMode(mode)
        except ValueError as exc:
            raise InvalidInput(
                f"Unknown rule or mode ({rule} {mode}). Rules: "
                f"{', '.join(r.value for r in Rule)}; modes: off, warn, enforce."
            ) from exc
        with self.writing() as uow:
            conn = uow.conn
            current = repo.load_rules(conn)[2]
            modes = dict(current.modes)
            modes[rule_e] = mode_e
            new = RuleSettings(modes, current.max_card_days)
            repo.save_board(conn, rules=new)
            return new

    def set_max_card_days(self, days: float) -> RuleSettings:
        value = validate_size(days)
        with self.writing() as uow:
            conn = uow.conn
            current = repo.load_rules(conn)[2]
            new = RuleSettings(dict(current.modes), value)
            repo.save_board(conn, rules=new)
            return new

    def set_board(self, *, name: str | None = None, grouping: Grouping | str | None = None) -> None:
        with self.writing() as uow:
            conn = uow.conn
            repo.save_board(
                conn,
                name=name.strip() if name else None,
                grouping=Grouping(grouping) if grouping else None,
            )

    def add_column(
        self,
        name: str,
        *,
        kind: ColumnKind | str = ColumnKind.ACTIVE,
        position: int | None = None,
        wip_min: int | None = None,
        wip_max: int | None = None,
        jira_statuses: Sequence[str] = (),
    ) -> Column:
        name = _clean_name(name, "column")
        kind_e = _column_kind(kind)
        _check_limits(wip_min, wip_max)
        with self.writing() as uow:
            conn = uow.conn
            columns = repo.list_columns(conn)
            if any(c.name.lower() == name.lower() for c in columns):
                raise InvalidInput(f"There is already a column named '{name}'.")
            if kind_e is ColumnKind.POOL and any(c.kind is ColumnKind.POOL for c in columns):
                raise InvalidInput("The board already has its task pool; there is only one.")
            order = len(columns) if position is None else max(0, min(position, len(columns)))
            new_id = repo.insert_column(
                conn,
                values={
                    # Never the id of a removed column: its cards' history still names it.
                    "id": repo.unused_column_id(conn),
                    "name": name,
                    "kind": kind_e.value,
                    "order": order,
                    "wip_min": wip_min,
                    "wip_max": wip_max,
                    "jira_statuses": list(jira_statuses),
                },
            )
            ids = [c.id for c in columns]
            ids.insert(order, new_id)
            _renumber_columns(conn, ids)
            return next(c for c in repo.list_columns(conn) if c.id == new_id)

    def update_column(
        self,
        ref: str | int,
        *,
        name: str | None = None,
        kind: ColumnKind | str | None = None,
        wip_min: int | None | EllipsisType = ...,
        wip_max: int | None | EllipsisType = ...,
        jira_statuses: Sequence[str] | None = None,
        position: int | None = None,
        at: datetime | None = None,
    ) -> Column:
        """Rename, re-kind, re-limit or reorder a column (``...`` keeps a limit).

        ``at`` dates a limit change in the past (the demo board's set-up); default now.
        """
        with self.writing() as uow:
            conn = uow.conn
            columns = repo.list_columns(conn)
            col = _match_column(columns, ref)
            values: dict[str, Any] = {}
            if name is not None:
                new_name = _clean_name(name, "column")
                if any(c.name.lower() == new_name.lower() and c.id != col.id for c in columns):
                    raise InvalidInput(f"There is already a column named '{new_name}'.")
                values["name"] = new_name
            if kind is not None:
                kind_e = _column_kind(kind)
                if kind_e is not col.kind:
                    if col.kind is ColumnKind.POOL:
                        raise InvalidInput(
                            f"'{col.name}' is the task pool and a board has exactly one, so "
                            "its kind cannot change; rename it instead if you like."
                        )
                    if kind_e is ColumnKind.POOL:
                        raise InvalidInput("The board already has its task pool.")
                    values["kind"] = kind_e.value
            new_min = col.wip_min if wip_min is ... else wip_min
            new_max = col.wip_max if wip_max is ... else wip_max
            _check_limits(new_min, new_max)
            values["wip_min"] = new_min
            values["wip_max"] = new_max
            if jira_statuses is not None:
                values["jira_statuses"] = list(jira_statuses)
            repo.update_column(conn, column_id=col.id, values=values)
            if new_max != col.wip_max:
                _limit_changed(uow, "column", col.id, col.wip_max, new_max, at)
            if position is not None:
                ids = [c.id for c in columns if c.id != col.id]
                ids.insert(max(0, min(position, len(ids))), col.id)
                _renumber_columns(conn, ids)
            return next(c for c in repo.list_columns(conn) if c.id == col.id)

    def remove_column(self, ref: str | int) -> None:
        with self.writing() as uow:
            conn = uow.conn
            columns = repo.list_columns(conn)
            col = _match_column(columns, ref)
            if col.kind is ColumnKind.POOL:
                raise InvalidInput("The task pool cannot be removed.")
            cards = repo.list_cards(conn, include_archived=True)
            if any(c.column_id == col.id for c in cards):
                raise InvalidInput(
                    f"Column '{col.name}' still holds cards (archived ones count: they keep "
                    "their history). Move them out first, or rename the column instead."
                )
            repo.delete_column(conn, column_id=col.id)
            # SQLite may give its id to the next new column: no history may carry over.
            repo.delete_limit_changes(conn, scope="column", target_id=col.id)
            _renumber_columns(conn, [c.id for c in columns if c.id != col.id])

    def add_person(
        self,
        name: str,
        *,
        jira_user: str | None = None,
        email: str | None = None,
        colour: str | None = None,
        wip_limit: int | None = None,
        active: bool = True,
        position: int | None = None,
    ) -> Person:
        name = _clean_name(name, "person")
        if wip_limit is not None and wip_limit < 0:
            raise InvalidInput("A WIP limit cannot be negative.")
        with self.writing() as uow:
            conn = uow.conn
            people = repo.list_people(conn)
            if any(p.name.lower() == name.lower() for p in people):
                raise InvalidInput(f"There is already a person named '{name}'.")
            colour = _clean_colour(colour) if colour else PALETTE[len(people) % len(PALETTE)]
            order = len(people) if position is None else position
            pid = repo.insert_person(
                conn,
                values={
                    "name": name,
                    "jira_user": jira_user or None,
                    "email": email or None,
                    "colour": colour,
                    "wip_limit": wip_limit,
                    "order": order,
                    "active": active,
                },
            )
            ids = [p.id for p in people]
            ids.insert(max(0, min(order, len(ids))), pid)
            for i, person_id in enumerate(ids):
                repo.update_person(conn, person_id=person_id, values={"order": i})
            return next(p for p in repo.list_people(conn) if p.id == pid)

    def update_person(
        self,
        ref: str | int,
        *,
        name: str | None = None,
        jira_user: str | None = None,
        email: str | None = None,
        colour: str | None = None,
        wip_limit: int | None | EllipsisType = ...,
        active: bool | None = None,
        position: int | None = None,
    ) -> Person:
        with self.writing() as uow:
            conn = uow.conn
            people = repo.list_people(conn)
            person = _match_person(people, ref)
            values: dict[str, Any] = {}
            if name is not None:
                new_name = _clean_name(name, "person")
                if any(p.name.lower() == new_name.lower() and p.id != person.id for p in people):
                    raise InvalidInput(f"There is already a person named '{new_name}'.")
                values["name"] = new_name
            if jira_user is not None:
                values["jira_user"] = jira_user or None
            if email is not None:
                values["email"] = email or None
            if colour is not None:
                values["colour"] = _clean_colour(colour)
            if wip_limit is not ...:
                if wip_limit is not None and wip_limit < 0:
                    raise InvalidInput("A WIP limit cannot be negative.")
                values["wip_limit"] = wip_limit
            if active is not None:
                values["active"] = active
            if values:
                repo.update_person(conn, person_id=person.id, values=values)
            if "wip_limit" in values and values["wip_limit"] != person.wip_limit:
                _limit_changed(uow, "person", person.id, person.wip_limit, values["wip_limit"])
            if position is not None:
                ids = [p.id for p in people if p.id != person.id]
                ids.insert(max(0, min(position, len(ids))), person.id)
                for i, person_id in enumerate(ids):
                    repo.update_person(conn, person_id=person_id, values={"order": i})
            return next(p for p in repo.list_people(conn) if p.id == person.id)


PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


# Transitional (#10): services/sync.py imports the old private name.
_placement_values = placement_values


def _probe_card(pool_id: int, size: float) -> Card:
    now = repo.now()
    return Card(
        id="",
        title="",
        column_id=pool_id,
        person_id=None,
        position=0,
        revision=0,
        created_at=now,
        updated_at=now,
        size_days=size,
    )


def _matches_text(card: Card, text: str) -> bool:
    return (
        text in card.title.lower()
        or text in card.description.lower()
        or (card.jira_key is not None and text in card.jira_key.lower())
        or any(text in lb.lower() for lb in card.labels)
        or (card.not_ready_reason is not None and text in card.not_ready_reason.lower())
    )


def _match_column(columns: Sequence[Column], ref: str | int) -> Column:
    for col in columns:
        if col.id == ref or (isinstance(ref, str) and ref.isdigit() and col.id == int(ref)):
            return col
    if isinstance(ref, str):
        wanted = ref.strip().lower()
        for col in columns:
            if col.name.lower() == wanted:
                return col
        if wanted in ("pool", "task pool"):
            for col in columns:
                if col.kind is ColumnKind.POOL:
                    return col
    names = ", ".join(f"'{c.name}'" for c in columns)
    raise NotFound(f"No column '{ref}'. The board's columns are {names}.")


def _match_person(people: Sequence[Person], ref: str | int) -> Person:
    for p in people:
        if p.id == ref or (isinstance(ref, str) and ref.isdigit() and p.id == int(ref)):
            return p
    if isinstance(ref, str):
        wanted = ref.strip().lower()
        if not wanted:
            # "" would equal the empty JIRA user or e-mail of whoever has none.
            raise NotFound("No person given: name a person, JIRA user or e-mail.")
        for p in people:
            if wanted in (
                p.name.lower(),
                (p.jira_user or "").lower(),
                (p.email or "").lower(),
            ):
                return p
        starts = [p for p in people if p.name.lower().startswith(wanted)]
        if len(starts) == 1:
            return starts[0]
    names = ", ".join(f"'{p.name}'" for p in people) or "none yet"
    raise NotFound(
        f"No person '{ref}'. People on this board: {names}. Add one with 'kanban people add'."
    )


def _clean_name(name: str, what: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise InvalidInput(f"A {what} needs a name.")
    if len(cleaned) > 100:
        raise InvalidInput(f"The {what} name is over 100 characters.")
    return cleaned


def _clean_project(project: str | None) -> str | None:
    """A project name as stored: trimmed, and None for none."""
    return (project or "").strip() or None


def _clean_colour(colour: str) -> str:
    if not COLOUR_RE.match(colour.strip()):
        raise InvalidInput(f"'{colour}' is not a colour; use #rrggbb, e.g. #4e79a7.")
    return colour.strip().lower()


def _column_kind(kind: ColumnKind | str) -> ColumnKind:
    try:
        return ColumnKind(kind)
    except ValueError as exc:
        raise InvalidInput(f"Unknown column kind '{kind}'; use pool, active or done.") from exc


def _check_limits(wip_min: int | None, wip_max: int | None) -> None:
    for value in (wip_min, wip_max):
        if value is not None and value < 0:
            raise InvalidInput("WIP limits cannot be negative.")
    if wip_min is not None and wip_max is not None and wip_min > wip_max:
        raise InvalidInput(f"The WIP minimum ({wip_min}) is above the maximum ({wip_max}).")


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
    try:
        other = repo.find_card(conn, ref=key)
    except NotFound:
        return
    if other.id != card_id:
        raise InvalidInput(f"{key} is already on card '{other.title}'; a JIRA key links one card.")


def _check_rules(title: str, violations: Sequence[Violation], override_reason: str | None) -> None:
    allowed, needs_reason = rules_mod.decide(violations, override_reason)
    if not allowed:
        raise RuleViolationError(title, violations, needs_reason)


class _Batch:
    """The one transaction of a :meth:`BoardService.batch`, while its block runs."""

    __slots__ = ("conn", "open")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.open = True

    def close(self) -> None:
        self.open = False

    @contextlib.contextmanager
    def savepoint(self, url: str) -> Iterator[Connection]:
        if not self.open:
            raise RuntimeError(
                "A service from batch() was used after its block ended; "
                "use the service batch() was called on."
            )
        with db.known_errors(url), self.conn.begin_nested():
            yield self.conn


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


def _limit_changed(
    uow: UnitOfWork,
    scope: str,
    target_id: int,
    before: int | None,
    after: int | None,
    at: datetime | None = None,
) -> None:
    repo.insert_limit_change(
        uow.conn, LimitChange(at or repo.now(), uow.actor, scope, target_id, before, after)
    )


def _renumber_columns(conn: Connection, ids: Sequence[int]) -> None:
    for order, cid in enumerate(ids):
        repo.update_column(conn, column_id=cid, values={"order": order})
