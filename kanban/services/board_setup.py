"""Setting the board up: its columns, people, rules, name and grouping.

``BoardSetup`` holds these use cases; :class:`~kanban.services.board.BoardService`
inherits them, so the GUI and the CLI call ``service.add_column(...)`` like any
other use case. Each runs in one :meth:`writing` transaction. A change of a
column's or person's WIP limit is recorded (with when and who) for the
reports, which draw each day against the limit of that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import EllipsisType
from typing import Any

from sqlalchemy import Connection

from kanban.domain.lookup import match_column, match_person
from kanban.domain.model import (
    Column,
    ColumnKind,
    Grouping,
    LimitChange,
    Person,
    Rule,
    RuleMode,
    RuleSettings,
)
from kanban.domain.validation import (
    check_limits,
    check_wip_limit,
    clean_board_name,
    clean_colour,
    clean_email,
    clean_jira_statuses,
    clean_jira_user,
    clean_name,
    column_kind,
    validate_size,
)
from kanban.domain.validation import (
    grouping as clean_grouping,
)
from kanban.errors import InvalidInput
from kanban.services.unit_of_work import BoardTransactions, UnitOfWork
from kanban.store import repo

# The colours new people get in turn.
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


class BoardSetup(BoardTransactions):
    """The board's set-up use cases: rules, board settings, columns and people."""

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
                name=clean_board_name(name) if name else None,
                grouping=clean_grouping(grouping) if grouping else None,
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
        """Add a column at ``position`` (0 = leftmost).

        Without a position, an active column goes just before the first done
        column (work in progress comes before done), any other kind last.
        """
        name = clean_name(name, "column")
        kind_e = column_kind(kind)
        check_limits(wip_min, wip_max)
        with self.writing() as uow:
            conn = uow.conn
            columns = repo.list_columns(conn)
            if any(c.name.lower() == name.lower() for c in columns):
                raise InvalidInput(f"There is already a column named '{name}'.")
            if kind_e is ColumnKind.POOL and any(c.kind is ColumnKind.POOL for c in columns):
                raise InvalidInput("The board already has its task pool; there is only one.")
            if position is None:
                order = _default_column_position(columns, kind_e)
            else:
                order = max(0, min(position, len(columns)))
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
                    "jira_statuses": clean_jira_statuses(jira_statuses),
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
        waiting: bool | None = None,
    ) -> Column:
        """Rename, re-kind, re-limit or reorder a column (``...`` keeps a limit).

        ``waiting`` marks a column where work waits (flow efficiency counts
        its time as waiting); None keeps it.

        ``at`` dates a limit change in the past (the demo board's set-up); default now.
        """
        with self.writing() as uow:
            conn = uow.conn
            columns = repo.list_columns(conn)
            col = match_column(columns, ref)
            values: dict[str, Any] = {}
            if name is not None:
                new_name = clean_name(name, "column")
                if any(c.name.lower() == new_name.lower() and c.id != col.id for c in columns):
                    raise InvalidInput(f"There is already a column named '{new_name}'.")
                values["name"] = new_name
            if kind is not None:
                kind_e = column_kind(kind)
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
            check_limits(new_min, new_max)
            values["wip_min"] = new_min
            values["wip_max"] = new_max
            if jira_statuses is not None:
                values["jira_statuses"] = clean_jira_statuses(jira_statuses)
            if waiting is not None:
                values["waiting"] = bool(waiting)
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
            col = match_column(columns, ref)
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
        name = clean_name(name, "person")
        wip_limit = check_wip_limit(wip_limit)
        jira_user = clean_jira_user(jira_user)
        email = clean_email(email)
        with self.writing() as uow:
            conn = uow.conn
            people = repo.list_people(conn)
            if any(p.name.lower() == name.lower() for p in people):
                raise InvalidInput(f"There is already a person named '{name}'.")
            colour = clean_colour(colour) if colour else PALETTE[len(people) % len(PALETTE)]
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
            person = match_person(people, ref)
            values: dict[str, Any] = {}
            if name is not None:
                new_name = clean_name(name, "person")
                if any(p.name.lower() == new_name.lower() and p.id != person.id for p in people):
                    raise InvalidInput(f"There is already a person named '{new_name}'.")
                values["name"] = new_name
            if jira_user is not None:
                values["jira_user"] = clean_jira_user(jira_user)
            if email is not None:
                values["email"] = clean_email(email)
            if colour is not None:
                values["colour"] = clean_colour(colour)
            if wip_limit is not ...:
                values["wip_limit"] = check_wip_limit(wip_limit)
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


def _default_column_position(columns: Sequence[Column], kind: ColumnKind) -> int:
    """Where a new column goes when no position is given (``columns`` in board order)."""
    if kind is ColumnKind.ACTIVE:
        for index, column in enumerate(columns):
            if column.kind is ColumnKind.DONE:
                return index
    return len(columns)
