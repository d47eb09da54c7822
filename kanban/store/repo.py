"""Repository functions: rows in, domain objects out.

Every function is keyword-only, takes the connection explicitly and never
commits: the service layer owns the transaction. Queries are SQLAlchemy Core
statements over the SQLModel tables, because loading a 2,000-card board as
ORM objects costs several times more than reading rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, overload

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    CursorResult,
    Date,
    DateTime,
    Integer,
    String,
    and_,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)

from kanban.domain.limits import SIZE_MAX, SIZE_MIN
from kanban.domain.model import (
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
from kanban.errors import ConflictError, NotFound
from kanban.store import labels_repo, stored_values
from kanban.store.tables import board_table as board_t
from kanban.store.tables import card_table as card_t
from kanban.store.tables import column_table as column_t
from kanban.store.tables import event_table as event_t
from kanban.store.tables import limit_change_table as limit_change_t
from kanban.store.tables import person_table as person_t

_from_iso = datetime.fromisoformat


@overload
def utc(value: str | datetime) -> datetime: ...
@overload
def utc(value: None) -> None: ...
def utc(value: str | datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime.

    SQLite hands datetimes back naive (or as text, where a query reads the raw
    column); everything stored is UTC. Aware values in another zone are converted.
    """
    if value is None:
        return None
    parsed: datetime = _from_iso(value) if isinstance(value, str) else value
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo is UTC else parsed.astimezone(UTC)


def now() -> datetime:
    return datetime.now(UTC)


def _utc_values(values: dict[str, Any]) -> dict[str, Any]:
    # SQLite's DATETIME drops the zone as written: 12:00+02:00 would read back as 12:00 UTC.
    return {k: utc(v) if isinstance(v, datetime) else v for k, v in values.items()}


# --- board -----------------------------------------------------------------


def load_rules(conn: Connection) -> tuple[str, Grouping, RuleSettings]:
    row = conn.execute(select(board_t)).first()
    if row is None:
        return "Team board", Grouping.PERSON, RuleSettings()
    defaults = RuleSettings()
    modes = dict(defaults.modes)
    stored = row.rules if row.rules is not None else {}
    if not isinstance(stored, dict):
        stored = stored_values.fall_back("the board's rules", stored, {}, shown="the default rules")
    for name, mode in stored.items():
        try:
            rule = Rule(name)
        except ValueError:
            continue  # a rule from a newer app version: ignore rather than fail
        modes[rule] = stored_values.member(
            f"the mode of rule {rule.value}", mode, RuleMode, defaults.mode(rule)
        )
    max_days = stored_values.size(
        "the board's card size limit", row.max_card_days, defaults.max_card_days
    )
    grouping = stored_values.member("the board's grouping", row.grouping, Grouping, Grouping.PERSON)
    return row.name, grouping, RuleSettings(modes, max_days)


def board_exists(conn: Connection) -> bool:
    return conn.execute(select(board_t.c.id)).first() is not None


# The columns a new board starts with.
DEFAULT_COLUMNS: tuple[tuple[str, ColumnKind], ...] = (
    ("Task pool", ColumnKind.POOL),
    ("In progress", ColumnKind.ACTIVE),
    ("Review", ColumnKind.ACTIVE),
    ("Done", ColumnKind.DONE),
)


def seed_board(conn: Connection) -> None:
    """Create the board row (default name, grouping, rules) and the default columns.

    For an empty database (or one just cleared); the caller checks
    :func:`board_exists` first.
    """
    save_board(conn)
    for order, (name, kind) in enumerate(DEFAULT_COLUMNS):
        insert_column(conn, values={"name": name, "kind": kind.value, "order": order})


def save_board(
    conn: Connection,
    *,
    name: str | None = None,
    grouping: Grouping | None = None,
    rules: RuleSettings | None = None,
) -> None:
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = name
    if grouping is not None:
        values["grouping"] = grouping.value
    if rules is not None:
        values["rules"] = {r.value: m.value for r, m in rules.modes.items()}
        values["max_card_days"] = rules.max_card_days
    if not board_exists(conn):
        conn.execute(
            insert(board_t).values(
                name=values.get("name", "Team board"),
                grouping=values.get("grouping", Grouping.PERSON.value),
                rules=values.get(
                    "rules", {r.value: m.value for r, m in RuleSettings().modes.items()}
                ),
                max_card_days=values.get("max_card_days", RuleSettings().max_card_days),
            )
        )
    elif values:
        conn.execute(update(board_t).values(**values))


# --- columns and people -----------------------------------------------------


def _column(row: Any, fallback: ColumnKind = ColumnKind.ACTIVE) -> Column:
    what = f"column '{row.name}'"
    wip_min = stored_values.wip_limit(f"the WIP minimum of {what}", row.wip_min)
    wip_max = stored_values.wip_limit(f"the WIP maximum of {what}", row.wip_max)
    if wip_min is not None and wip_max is not None and wip_min > wip_max:
        wip_min = stored_values.fall_back(
            f"the WIP minimum of {what} (above its maximum {wip_max})", wip_min, None
        )
    return Column(
        id=row.id,
        name=row.name,
        kind=stored_values.member(f"the kind of {what}", row.kind, ColumnKind, fallback),
        order=row.order,
        wip_min=wip_min,
        wip_max=wip_max,
        jira_statuses=stored_values.texts(f"the JIRA statuses of {what}", row.jira_statuses),
        waiting=bool(getattr(row, "waiting", False)),
    )


# A person's colour when the stored one is unusable (Person's own default).
_DEFAULT_COLOUR = Person(id=0, name="").colour


def _person(row: Any) -> Person:
    what = f"{row.name}'s"
    return Person(
        id=row.id,
        name=row.name,
        jira_user=row.jira_user,
        email=row.email,
        colour=stored_values.colour(f"{what} colour", row.colour, _DEFAULT_COLOUR),
        wip_limit=stored_values.wip_limit(f"{what} WIP limit", row.wip_limit),
        order=row.order,
        active=bool(row.active),
    )


def list_columns(conn: Connection) -> list[Column]:
    rows = conn.execute(select(column_t).order_by(column_t.c.order, column_t.c.id)).all()
    # Every board has one pool and the app relies on it: if the pool's kind is
    # unreadable, the leftmost column of an unreadable kind is the pool.
    has_pool = any(r.kind == ColumnKind.POOL.value for r in rows)
    columns = []
    for row in rows:
        col = _column(row, ColumnKind.ACTIVE if has_pool else ColumnKind.POOL)
        has_pool = has_pool or col.kind is ColumnKind.POOL
        columns.append(col)
    return columns


def list_people(conn: Connection, *, include_inactive: bool = True) -> list[Person]:
    stmt = select(person_t).order_by(person_t.c.order, person_t.c.name)
    if not include_inactive:
        stmt = stmt.where(person_t.c.active.is_(True))
    return [_person(r) for r in conn.execute(stmt)]


def _inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("The database returned no id for the row just inserted.")
    return int(key[0])


def insert_column(conn: Connection, *, values: dict[str, Any]) -> int:
    # Core inserts skip SQLModel's Python-side default factories.
    values = {"jira_statuses": [], "wip_min": None, "wip_max": None, "waiting": False, **values}
    return _inserted_id(conn.execute(insert(column_t).values(**values)))


def unused_column_id(conn: Connection) -> int:
    """An id no column ever had: above the columns now and every one the history names.

    SQLite hands out the highest id plus one, so after the newest column is
    removed the next one would get its id, and the cards' history of the old
    column (events keep column ids) would read as history of the new one.
    """
    used = [
        conn.execute(select(func.max(column_t.c.id))).scalar(),
        *conn.execute(
            select(
                func.max(event_t.c.before["column_id"].as_integer()),
                func.max(event_t.c.after["column_id"].as_integer()),
            )
        ).one(),
    ]
    return max((int(v) for v in used if v is not None), default=0) + 1


def update_column(conn: Connection, *, column_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(column_t).where(column_t.c.id == column_id).values(**values))


def delete_column(conn: Connection, *, column_id: int) -> None:
    conn.execute(column_t.delete().where(column_t.c.id == column_id))


def insert_person(conn: Connection, *, values: dict[str, Any]) -> int:
    return _inserted_id(conn.execute(insert(person_t).values(**values)))


def update_person(conn: Connection, *, person_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(person_t).where(person_t.c.id == person_id).values(**values))


# --- cards ------------------------------------------------------------------



def _day(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


# card_t's columns in table order: card_from_row unpacks a row by position
# (a row's 22 look-ups by name cost more than the rest of the conversion, and
# the snapshot converts every card). Checked on import against the table.
_CARD_COLUMN_NAMES = (
    "id",
    "title",
    "description",
    "column_id",
    "person_id",
    "owner_id",
    "position",
    "not_ready",
    "not_ready_reason",
    "not_ready_since",
    "size_days",
    "labels",
    "project",
    "due_date",
    "jira_key",
    "created_at",
    "updated_at",
    "started_at",
    "done_at",
    "column_since",
    "revision",
    "archived",
)
if tuple(c.name for c in card_t.columns) != _CARD_COLUMN_NAMES:
    raise RuntimeError("kanban.store.repo: _CARD_COLUMN_NAMES no longer follows card_table")
# The fields a change may write: all but the id and what the store keeps itself.
CARD_FIELDS = tuple(
    name
    for name in _CARD_COLUMN_NAMES
    if name not in ("id", "created_at", "updated_at", "revision")
)

_UTC_OFFSET = "+00:00"


@overload
def _stored_utc(value: str | datetime) -> datetime: ...
@overload
def _stored_utc(value: None) -> None: ...
def _stored_utc(value: str | datetime | None) -> datetime | None:
    """:func:`utc` for a card's times, quicker for the text SQLite stores (naive UTC)."""
    if type(value) is str:
        try:
            # Parsing with the zone beats parsing then replace(): 2,000 cards
            # hold 12,000 of these. Text that has a zone already fails here;
            # a bare date reads the offset as its time and stays naive.
            parsed = _from_iso(value + _UTC_OFFSET)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    return utc(value)


# Labels as stored (JSON text) -> as read, for valid labels only: a board has
# few distinct label sets, and the snapshot reads every card's, often.
_labels_read: dict[str, tuple[str, ...]] = {}
_LABELS_READ_MAX = 4096


def _card_labels(value: Any, title: str) -> tuple[str, ...]:
    text = value if type(value) is str else None
    if text is not None:
        known = _labels_read.get(text)
        if known is not None:
            return known
        try:
            value = _json_decode(text)
        except ValueError:
            pass  # not JSON: refused as not a list just below
    elif isinstance(value, bytes):
        try:
            value = _json_decode(value)
        except ValueError:
            pass
    if type(value) is list and all(type(v) is str for v in value):
        labels = tuple(value)
        if text is not None:
            if len(_labels_read) >= _LABELS_READ_MAX:
                _labels_read.clear()
            _labels_read[text] = labels
        return labels
    return stored_values.texts(f"the labels of card '{title}'", value, group="the labels of cards")


def card_from_row(row: Any) -> Card:
    """A card from a row of ``card_t`` or of :func:`list_cards`' raw columns (text values)."""
    if len(row) != len(_CARD_COLUMN_NAMES):
        raise ValueError(f"a card row has {len(_CARD_COLUMN_NAMES)} columns, not {len(row)}")
    (
        card_id,
        title,
        description,
        column_id,
        person_id,
        owner_id,
        position,
        not_ready,
        not_ready_reason,
        not_ready_since,
        size,
        labels,
        project,
        due_date,
        jira_key,
        created_at,
        updated_at,
        started_at,
        done_at,
        column_since,
        revision,
        archived,
    ) = row
    if not (type(size) is float and SIZE_MIN <= size <= SIZE_MAX):
        size = stored_values.size(
            f"the size of card '{title}'", size, 1.0, group="the size of cards"
        )
    try:
        due = _day(due_date)
    except (ValueError, TypeError):
        due = stored_values.fall_back(
            f"the due date of card '{title}'", due_date, None, group="due dates"
        )
    return Card(
        id=card_id,
        title=title,
        description=description,
        column_id=column_id,
        person_id=person_id,
        owner_id=owner_id,
        position=position,
        revision=revision,
        created_at=_stored_utc(created_at),
        updated_at=_stored_utc(updated_at),
        not_ready=bool(not_ready),
        not_ready_reason=not_ready_reason,
        not_ready_since=_stored_utc(not_ready_since),
        size_days=size,
        labels=_card_labels(labels, title),
        project=project,
        due_date=due,
        jira_key=jira_key,
        started_at=_stored_utc(started_at),
        done_at=_stored_utc(done_at),
        column_since=_stored_utc(column_since),
        archived=bool(archived),
    )


def _raw(column: Any) -> Any:
    # Datetime, date, JSON and boolean columns come back as the driver gives
    # them (text, 0/1), decoded by card_from_row with the C parsers: the
    # snapshot reads every card, often.
    if isinstance(column.type, DateTime | Date | JSON):
        return type_coerce(column, String).label(column.name)
    if isinstance(column.type, Boolean):
        return type_coerce(column, Integer).label(column.name)
    return column


def list_cards(conn: Connection, *, include_archived: bool = False) -> list[Card]:
    stmt = select(*(_raw(c) for c in card_t.columns)).order_by(
        card_t.c.column_id, card_t.c.person_id, card_t.c.position
    )
    if not include_archived:
        stmt = stmt.where(card_t.c.archived.is_(False))
    return [card_from_row(r) for r in conn.execute(stmt)]


def get_card(conn: Connection, *, card_id: str) -> Card | None:
    row = conn.execute(select(card_t).where(card_t.c.id == card_id)).first()
    return card_from_row(row) if row else None


def card_with_key(conn: Connection, *, key: str) -> Card | None:
    """The card linked to a JIRA key, as stored (upper case), through its unique index."""
    row = conn.execute(select(card_t).where(card_t.c.jira_key == key)).first()
    return card_from_row(row) if row else None


def find_card(conn: Connection, *, ref: str) -> Card:
    """Look a card up by id, unique id prefix (at least 4 characters) or JIRA key."""
    ref = ref.strip()
    row = conn.execute(
        select(card_t).where(or_(card_t.c.id == ref, func.upper(card_t.c.jira_key) == ref.upper()))
    ).first()
    if row is not None:
        return card_from_row(row)
    if len(ref) >= 4:
        # autoescape: "_" and "%" typed by the user are characters, not wildcards.
        rows = conn.execute(
            select(card_t).where(card_t.c.id.startswith(ref, autoescape=True)).limit(2)
        ).all()
        if len(rows) == 1:
            return card_from_row(rows[0])
        if len(rows) > 1:
            raise NotFound(f"'{ref}' matches several cards; give more of the card id.")
    raise NotFound(
        f"No card '{ref}'. Use a card id (or its first characters) or a JIRA key; "
        "'kanban list' shows them."
    )


def cell_size(conn: Connection, *, column_id: int, person_id: int | None) -> int:
    person_clause = (
        card_t.c.person_id.is_(None) if person_id is None else card_t.c.person_id == person_id
    )
    stmt = select(func.count()).where(
        and_(card_t.c.column_id == column_id, person_clause, card_t.c.archived.is_(False))
    )
    return int(conn.execute(stmt).scalar_one())


def cell_end(conn: Connection, *, column_id: int, person_id: int | None) -> int:
    """:func:`cell_size` of a cell whose live positions are dense (0..n-1) right now.

    It is the last position plus one, read from the end of ``ix_card_cell``: the
    same cost for a cell of ten cards as for one of 100,000, where a COUNT reads
    them all (which made a large CSV import quadratic). Not for the middle of a
    move, when the moving card still holds its old slot.
    """
    person_clause = (
        card_t.c.person_id.is_(None) if person_id is None else card_t.c.person_id == person_id
    )
    stmt = (
        select(card_t.c.position)
        .where(and_(card_t.c.column_id == column_id, person_clause, card_t.c.archived.is_(False)))
        .order_by(card_t.c.position.desc())
        .limit(1)
    )
    last = conn.execute(stmt).scalar()
    return 0 if last is None else int(last) + 1


def shift_cell(
    conn: Connection, *, column_id: int, person_id: int | None, from_position: int, delta: int
) -> None:
    """Shift the positions of a cell's cards at or after ``from_position`` by ``delta``.

    Neighbours' revisions are left alone: their order is derived from the moved
    card, and bumping them would make concurrent edits of the neighbours fail.
    """
    person_clause = (
        card_t.c.person_id.is_(None) if person_id is None else card_t.c.person_id == person_id
    )
    conn.execute(
        update(card_t)
        .where(
            and_(
                card_t.c.column_id == column_id,
                person_clause,
                card_t.c.archived.is_(False),
                card_t.c.position >= from_position,
            )
        )
        .values(position=card_t.c.position + delta)
    )


def insert_card(conn: Connection, *, values: dict[str, Any]) -> None:
    conn.execute(insert(card_t).values(**_utc_values(values)))


def update_card_position(conn: Connection, *, card_id: str, position: int) -> None:
    """Re-slot a card within its cell without a revision bump (see :func:`shift_cell`)."""
    conn.execute(update(card_t).where(card_t.c.id == card_id).values(position=position))


def update_card(conn: Connection, *, card: Card, values: dict[str, Any], at: datetime) -> int:
    """Write ``values`` if the card is still at ``card.revision``; return the new revision.

    The revision test is part of the UPDATE itself, so a second process that
    read the same revision cannot overwrite the first one's change.
    """
    new_revision = card.revision + 1
    result = conn.execute(
        update(card_t)
        .where(and_(card_t.c.id == card.id, card_t.c.revision == card.revision))
        .values(**_utc_values(values), revision=new_revision, updated_at=utc(at))
    )
    if result.rowcount != 1:
        # Read again for the message: on PostgreSQL ``card`` may have been read
        # before the other writer committed, so the card is named as it is now.
        current = conn.execute(
            select(card_t.c.revision, card_t.c.title).where(card_t.c.id == card.id)
        ).first()
        title = current.title if current else card.title
        raise ConflictError(title, card.id, card.revision, current.revision if current else None)
    return new_revision


# --- events -----------------------------------------------------------------


_EVENT_KINDS = {k.value: k for k in EventKind}
_SOURCES = {s.value: s for s in Source}
# Reports read every event (50,000 on a busy board): the columns are fetched
# raw and decoded here with orjson and the C datetime parser, several times
# faster than SQLAlchemy's per-value type processing and the json module.
_json_decode = orjson.loads
_EVENT_COLUMNS = (
    event_t.c.id,
    event_t.c.card_id,
    event_t.c.change_id,
    event_t.c.actor,
    type_coerce(event_t.c.at, String),
    event_t.c.kind,
    type_coerce(event_t.c.before, String),
    type_coerce(event_t.c.after, String),
    event_t.c.reason,
    event_t.c.rules,
    event_t.c.source,
    event_t.c.target_change,
)


def _json_field(value: str | bytes | dict[str, Any] | None) -> dict[str, Any]:
    # SQLite hands the JSON text back; drivers such as psycopg decode it themselves.
    if not value:
        return {}
    if isinstance(value, dict):
        return value
    return _json_decode(value)


def _event(row: Any) -> Event:
    eid, card_id, change_id, actor, at, kind, before, after, reason, rules, source, target = row
    # Positional: this runs 50,000 times per report.
    return Event(
        eid,
        card_id,
        change_id,
        actor,
        utc(at),
        _EVENT_KINDS.get(kind) or _unknown_kind(eid, kind),
        _json_field(before),
        _json_field(after),
        reason,
        tuple(r for r in rules.split(",") if r) if rules else (),
        _SOURCES.get(source) or _unknown_source(eid, source),
        target,
    )


def _unknown_kind(event_id: int, kind: Any) -> EventKind:
    # From a newer version, or written by hand: shown as an edit.
    return stored_values.fall_back(
        f"the kind of history event {event_id}", kind, EventKind.EDITED, group="event kinds"
    )


def _unknown_source(event_id: int, source: Any) -> Source:
    return stored_values.fall_back(
        f"where history event {event_id} came from", source, Source.LOCAL, group="event sources"
    )


def _select_events() -> Any:
    return select(*_EVENT_COLUMNS)


def append_events(conn: Connection, *, events: Sequence[dict[str, Any]]) -> None:
    if events:
        conn.execute(insert(event_t), [_utc_values(ev) for ev in events])


def last_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(event_t.c.id), 0))).scalar_one())


def card_history(conn: Connection, *, card_id: str) -> list[Event]:
    stmt = _select_events().where(event_t.c.card_id == card_id).order_by(event_t.c.id)
    return [_event(r) for r in conn.execute(stmt)]


def events(
    conn: Connection,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> list[Event]:
    stmt = _select_events().order_by(event_t.c.id)
    if since is not None:
        stmt = stmt.where(event_t.c.at >= utc(since))
    if until is not None:
        stmt = stmt.where(event_t.c.at < utc(until))
    if after_id is not None:
        stmt = stmt.where(event_t.c.id > after_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_event(r) for r in conn.execute(stmt)]


def insert_limit_change(conn: Connection, change: LimitChange) -> None:
    # The dataclass's fields are the table's columns (its id aside).
    conn.execute(insert(limit_change_t).values(**dataclasses.asdict(change)))


def delete_limit_changes(conn: Connection, *, scope: str, target_id: int) -> None:
    conn.execute(
        limit_change_t.delete().where(
            limit_change_t.c.scope == scope, limit_change_t.c.target_id == target_id
        )
    )


def limit_changes(conn: Connection) -> list[LimitChange]:
    """Every WIP limit change, oldest first."""
    stmt = select(limit_change_t).order_by(limit_change_t.c.at, limit_change_t.c.id)
    return [
        LimitChange(utc(r.at), r.actor, r.scope, r.target_id, r.before, r.after)
        for r in conn.execute(stmt)
    ]


def recent_local_events(conn: Connection, *, actor: str, limit: int) -> list[Event]:
    """The actor's latest local events, oldest first (the window undo replays)."""
    stmt = (
        _select_events()
        .where(and_(event_t.c.actor == actor, event_t.c.source == Source.LOCAL.value))
        .order_by(event_t.c.id.desc())
        .limit(limit)
    )
    return [_event(r) for r in reversed(conn.execute(stmt).all())]


def change_events(conn: Connection, *, change_id: str) -> list[Event]:
    stmt = _select_events().where(event_t.c.change_id == change_id).order_by(event_t.c.id)
    return [_event(r) for r in conn.execute(stmt)]


def moved_cards_since(conn: Connection, *, since: datetime) -> set[str]:
    stmt = (
        select(event_t.c.card_id)
        .where(and_(event_t.c.at >= utc(since), event_t.c.kind == EventKind.MOVED.value))
        .distinct()
    )
    return {r[0] for r in conn.execute(stmt)}


def cell_counts(
    conn: Connection, *, column_ids: Iterable[int] | None = None
) -> list[tuple[int, int | None, bool, int]]:
    """Live cards per (column, person, blocked), for WIP checks without loading cards.

    ``column_ids`` limits the counts to those columns (a check that needs only
    some of them need not read the whole board).
    """
    stmt = (
        select(card_t.c.column_id, card_t.c.person_id, card_t.c.not_ready, func.count())
        .where(card_t.c.archived.is_(False))
        .group_by(card_t.c.column_id, card_t.c.person_id, card_t.c.not_ready)
    )
    if column_ids is not None:
        stmt = stmt.where(card_t.c.column_id.in_(sorted(set(column_ids))))
    return [(c, p, bool(b), int(n)) for c, p, b, n in conn.execute(stmt)]


def load_frame(conn: Connection) -> BoardSnapshot:
    """The board without its cards: what rule checks need besides the counts."""
    name, grouping, rules = load_rules(conn)
    return BoardSnapshot(
        name=name,
        columns=tuple(list_columns(conn)),
        people=tuple(list_people(conn)),
        cards=(),
        rules=rules,
        grouping=grouping,
    )


def load_snapshot(conn: Connection) -> BoardSnapshot:
    name, grouping, rules = load_rules(conn)
    return BoardSnapshot(
        name=name,
        columns=tuple(list_columns(conn)),
        people=tuple(list_people(conn)),
        cards=tuple(list_cards(conn)),
        rules=rules,
        grouping=grouping,
        last_event_id=last_event_id(conn),
        label_colours=labels_repo.label_colours(conn),
    )


def new_id() -> str:
    import uuid  # with platform: only a command that creates something needs it

    return str(uuid.uuid4())


def jsonable(value: Any) -> Any:
    """Card field values as they are kept in an event's before/after."""
    if isinstance(value, datetime):
        return utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def from_jsonable(field: str, value: Any) -> Any:
    """The inverse of :func:`jsonable` for a card column."""
    if value is None:
        return None
    if field in ("not_ready_since", "started_at", "done_at", "column_since"):
        return datetime.fromisoformat(value)
    if field == "due_date":
        return date.fromisoformat(value)
    return value


def ids(values: Iterable[Card]) -> list[str]:
    return [c.id for c in values]
