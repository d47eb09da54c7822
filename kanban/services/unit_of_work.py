"""One write transaction on the board: write a card, record its history.

A :class:`UnitOfWork` is what :meth:`BoardService.writing` yields. It holds
the open connection (``conn``, for :mod:`kanban.store.repo` calls), who is
making the change (``actor``) and the database URL (``url``, for messages),
and does the two things every change of a card does: write the card's new
values keeping each cell's positions dense (:meth:`write_card`) and append the
change's history event (:meth:`append_event`); :meth:`commit_change` does both.
The board's use cases and the JIRA sync both change cards through it, so a
card's history is written one way.

:class:`BoardTransactions`, the base of the board's services, opens them:
``reading()`` (a read transaction), ``writing()`` (a unit of work) and
``batch()`` (a copy of the service bound to one transaction, for several use
cases that are stored together or not at all).
"""

from __future__ import annotations

import contextlib
import copy
import logging
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Connection, Engine

from kanban.domain.model import Card, EventKind, Source
from kanban.domain.rules import Violation
from kanban.domain.validation import clean_actor
from kanban.store import db, repo

log = logging.getLogger(__name__)

# The fields that place a card on the board; writing any of them moves it.
PLACEMENT = ("column_id", "person_id", "position", "archived")


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """What a use case did: the card as written and the violations overridden."""

    card: Card
    change_id: str
    overridden: tuple[Violation, ...] = ()


def card_values(card: Card, fields: Iterable[str]) -> dict[str, Any]:
    """The card's ``fields`` as they are stored in a history event."""
    return {f: repo.jsonable(getattr(card, f)) for f in fields}


class UnitOfWork:
    """One open write transaction, and the card changes made in it.

    Args:
        conn: the transaction's connection.
        actor: who makes the changes (recorded on local events).
        url: the database URL, for error messages.
    """

    __slots__ = ("actor", "conn", "url")

    def __init__(self, conn: Connection, actor: str, url: str) -> None:
        self.conn = conn
        self.actor = actor
        self.url = url

    @staticmethod
    def new_change_id() -> str:
        """A new change id (the events of one change share it; one undo takes it back)."""
        return str(uuid.uuid4())

    def written(self, card_id: str) -> Card:
        """The card as this transaction last wrote it."""
        card = repo.get_card(self.conn, card_id=card_id)
        if card is None:
            raise RuntimeError(f"Card {card_id} vanished inside the transaction writing it.")
        return card

    def write_card(self, card: Card, values: dict[str, Any]) -> dict[str, Any]:
        """Write ``values`` to ``card``, keeping every cell's positions dense.

        ``card`` is the card as read in this transaction (its revision is
        checked). Returns the values written, ``position`` as placed.
        """
        conn = self.conn
        values = dict(values)
        if any(k in values for k in PLACEMENT):
            archived = values.get("archived", card.archived)
            column_id = values.get("column_id", card.column_id)
            person_id = values.get("person_id", card.person_id)
            if not card.archived:
                repo.shift_cell(
                    conn,
                    column_id=card.column_id,
                    person_id=card.person_id,
                    from_position=card.position + 1,
                    delta=-1,
                )
            if archived:
                values.setdefault("position", card.position)
            else:
                same_cell = (column_id, person_id) == card.cell and not card.archived
                n = repo.cell_size(conn, column_id=column_id, person_id=person_id)
                n -= 1 if same_cell else 0
                wanted = values.get("position")
                pos = n if wanted is None else max(0, min(int(wanted), n))
                # Park the card out of the way so the shift below skips it.
                if same_cell:
                    repo.update_card_position(conn, card_id=card.id, position=-1)
                repo.shift_cell(
                    conn, column_id=column_id, person_id=person_id, from_position=pos, delta=1
                )
                values["position"] = pos
        repo.update_card(conn, card=card, values=values, at=repo.now())
        return values

    def commit_change(
        self,
        card: Card,
        values: dict[str, Any],
        kind: EventKind,
        *,
        source: Source = Source.LOCAL,
        override_reason: str | None = None,
        violations: Sequence[Violation] = (),
        at: datetime | None = None,
        change_id: str | None = None,
    ) -> ChangeResult:
        """Write ``values`` and their event.

        ``change_id`` joins an earlier event of the same transaction, so one
        undo takes both back. The reason is recorded for an automatic change
        (git, JIRA: why it happened) and, for a local one, only when the user
        overrode a rule (``violations``).
        """
        fields = list(self.write_card(card, values))
        written = self.written(card.id)
        change_id = change_id or self.new_change_id()
        self.append_event(
            written,
            change_id,
            kind,
            card_values(card, fields),
            card_values(written, fields),
            reason=(
                override_reason.strip()
                if override_reason and (violations or source is not Source.LOCAL)
                else None
            ),
            violations=violations,
            source=source,
            at=at,
        )
        if violations:
            log.info(
                "%s overrode %s on card %s: %s",
                self.actor,
                ",".join(sorted({v.rule.value for v in violations})),
                card.id,
                override_reason,
            )
        return ChangeResult(written, change_id, tuple(violations))

    def append_event(
        self,
        card: Card,
        change_id: str,
        kind: EventKind,
        before: dict[str, Any],
        after: dict[str, Any],
        *,
        reason: str | None = None,
        violations: Sequence[Violation] = (),
        source: Source = Source.LOCAL,
        target_change: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Append one history event; a local one names the actor, others their source."""
        row = self.event_row(
            card.id,
            change_id,
            kind,
            before,
            after,
            reason=reason,
            violations=violations,
            source=source,
            target_change=target_change,
            at=at,
        )
        repo.append_events(self.conn, events=[row])

    def event_row(
        self,
        card_id: str,
        change_id: str,
        kind: EventKind,
        before: dict[str, Any],
        after: dict[str, Any],
        *,
        reason: str | None = None,
        violations: Sequence[Violation] = (),
        source: Source = Source.LOCAL,
        target_change: str | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """The row :meth:`append_event` stores, for callers that insert many at once."""
        rule_names = sorted({v.rule.value for v in violations})
        return {
            "card_id": card_id,
            "change_id": change_id,
            "actor": self.actor if source is Source.LOCAL else source.value,
            "at": at or repo.now(),
            "kind": kind.value,
            "before": before,
            "after": after,
            "reason": reason,
            "rules": ",".join(rule_names) or None,
            "source": source.value,
            "target_change": target_change,
        }


class BoardTransactions:
    """The transactions a board service opens: :meth:`reading`, :meth:`writing`, :meth:`batch`.

    The base of :class:`~kanban.services.board.BoardService`: its use cases
    run in these, and so may other services' (JIRA sync) on the same board.

    Args:
        engine: from :func:`kanban.store.db.open_database` (which seeds a new
            board, so constructing a service writes nothing).
        actor: who is making the changes (a person's name or the OS user).
        url: the database URL, used in error messages.
    """

    def __init__(self, engine: Engine, actor: str, url: str = "") -> None:
        self.engine = engine
        # Checked once here so that every event and limit change records a valid name.
        self.actor = clean_actor(actor)
        self.url = url or str(engine.url)
        # Set only on the copy that batch() yields, never on a shared instance.
        self._batch: _Batch | None = None

    @classmethod
    def open(cls, url: str, actor: str) -> Self:
        """A service on the database at ``url``, opened (migrated, seeded) first."""
        return cls(db.open_database(url), actor, url)

    def close(self) -> None:
        self.engine.dispose()

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
        by the CSV import, board replacement and the demo generator.
        """
        if self._batch is not None:
            yield self
            return
        with db.known_errors(self.url), db.write_transaction(self.engine) as conn:
            bound = copy.copy(self)
            bound._batch = _Batch(conn)
            try:
                yield bound
            finally:
                bound._batch.close()


class _Batch:
    """The one transaction of a :meth:`BoardTransactions.batch`, while its block runs."""

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
