"""Plain records from JIRA's JSON, and the card ↔ issue field projections.

JIRA's issue JSON is turned into an :class:`IssueRecord` once, here, so the
rest of the sync never looks at raw payloads. The projections put a card and
an issue into the same space of synced-field values (see
:mod:`kanban.sync.engine`): the status as the board column it maps to (by
status id), the assignee as the JIRA user id, the Flagged field as a boolean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kanban.domain.limits import DESCRIPTION_MAX, LABEL_MAX, PROJECT_MAX, TITLE_MAX
from kanban.domain.model import Card, Column, ColumnKind, Person
from kanban.sync.engine import STAMP_PREFIX, normalize
from kanban.sync.errors import JiraBadResponse

# Marks a card assigned to a person with no JIRA user name set.
NO_JIRA_USER = "?"
# The board's limits (JIRA's summary stops at 255, its labels are longer).
TITLE_LIMIT = TITLE_MAX
LABEL_LIMIT = LABEL_MAX

SEARCH_FIELDS_BASE = (
    "summary",
    "description",
    "status",
    "assignee",
    "labels",
    "priority",
    "issuetype",
    "project",
    "updated",
    "created",
    "parent",
    # The issue's comments come with it, so a run needs no request per issue
    # to see them (a comment bumps the issue's "updated", so incremental
    # runs read the issues whose comments changed).
    "comment",
)


@dataclass(frozen=True, slots=True)
class FieldIds:
    """Instance-specific custom field ids, found by name in the field list."""

    flagged: str | None = None
    epic_link: str | None = None

    def search_fields(self) -> list[str]:
        extra = [f for f in (self.flagged, self.epic_link) if f]
        return [*SEARCH_FIELDS_BASE, *extra]


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One status change from an issue's changelog, with JIRA's timestamp."""

    at: datetime
    from_status: str | None
    to_status: str | None
    author: str = ""


@dataclass(frozen=True, slots=True)
class ValueChange:
    """An assignee or flag change from an issue's changelog.

    For the assignee, ``old``/``new`` are user ids as the board keys people
    (Server ``name``, Cloud ``accountId``); for the flag, "flagged" or None.
    """

    at: datetime
    old: str | None
    new: str | None
    author: str = ""


@dataclass(frozen=True, slots=True)
class JiraUser:
    id: str
    display_name: str
    email: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteComment:
    """One JIRA comment: its id, text, author and JIRA's times."""

    id: str
    body: str
    author_id: str | None
    author_name: str
    created: datetime
    updated: str


def parse_comment(raw: Mapping[str, Any], cloud: bool) -> RemoteComment:
    """One comment of ``/issue/{key}/comment`` or of an issue's ``comment`` field."""
    raw = _obj(raw)
    user = _user(_obj(raw.get("author")), cloud)
    body = raw.get("body")
    return RemoteComment(
        id=_text(raw.get("id", "")),
        # API v2 gives wiki text; an Atlassian document (v3) is kept as its text nodes.
        body=body if isinstance(body, str) else _document_text(body),
        author_id=user.id if user else None,
        author_name=user.display_name if user else "JIRA",
        created=parse_time(raw.get("created")) or datetime.now(UTC),
        updated=_text(raw.get("updated") or raw.get("created") or ""),
    )


def _document_text(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text") or "")
        parts = [_document_text(child) for child in _list(node.get("content"))]
        joiner = "\n" if node.get("type") in ("doc", "bulletList", "orderedList") else ""
        return joiner.join(parts)
    return ""


def parse_comments(field: Any, cloud: bool) -> tuple[tuple[RemoteComment, ...] | None, bool]:
    """An issue's ``comment`` field as (comments, complete); (None, True) when absent."""
    if not isinstance(field, Mapping):
        return None, True
    listed = [parse_comment(c, cloud) for c in _list(field.get("comments"))]
    return tuple(listed), _count(field.get("total"), len(listed)) <= len(listed)


@dataclass(frozen=True, slots=True)
class IssueRecord:
    """The parts of an issue the board uses."""

    key: str
    id: str
    updated: str
    created: datetime
    status_id: str
    status_name: str
    status_category: str
    summary: str
    description: str
    labels: tuple[str, ...]
    assignee: JiraUser | None
    flagged: bool | None
    project: str | None
    project_key: str
    priority: str | None
    issue_type: str | None
    stamp: str | None
    status_changes: tuple[StatusChange, ...] = field(default=())
    assignee_changes: tuple[ValueChange, ...] = field(default=())
    flag_changes: tuple[ValueChange, ...] = field(default=())
    # The changelog embedded in a search may be cut short (Cloud pages it).
    changelog_complete: bool = True
    # The issue's comments as the answer carried them (None: not asked for);
    # a search may cut them short, then they are read by the comment endpoint.
    comments: tuple[RemoteComment, ...] | None = None
    comments_complete: bool = True

    @property
    def updated_at(self) -> datetime:
        return parse_time(self.updated) or self.created


def parse_time(value: Any) -> datetime | None:
    """JIRA's "2023-11-29T22:34:49.000+0000" as an aware UTC datetime."""
    if not value:
        return None
    text = str(value)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _user(raw: Any, cloud: bool) -> JiraUser | None:
    if not isinstance(raw, Mapping) or not raw:
        return None
    uid = raw.get("accountId") if cloud or "name" not in raw else raw.get("name")
    uid = _text(uid or raw.get("key") or raw.get("accountId"))
    if not uid:
        return None
    return JiraUser(
        id=uid,
        display_name=_text(raw.get("displayName")) or uid,
        email=_text(raw.get("emailAddress")) or None,
    )


def _flag_value(value: Any) -> bool:
    # Set: [{"value": "Impediment", ...}]; unset: null (some servers send []).
    if isinstance(value, list):
        return len(value) > 0
    return bool(value)


def parse_issue(raw: Mapping[str, Any], ids: FieldIds, cloud: bool) -> IssueRecord:
    """Turn one search or get-issue answer into an :class:`IssueRecord`.

    A part of the answer of the wrong shape (a proxy, a plugin or another API
    version: a status that is a text, labels that are an object) reads as
    missing, so one odd field does not stop a sync. An issue without a key
    cannot be matched to a card: that raises :class:`JiraBadResponse`.
    """
    raw = _obj(raw)
    key = _text(raw.get("key"))
    if not key:
        raise JiraBadResponse(
            f"JIRA sent an issue without a key (id {_text(raw.get('id'))[:40] or 'none'}), "
            "so it cannot be matched to a card; nothing of it was applied. Try the sync "
            "again; if it persists, check the JQL and any proxy in front of JIRA."
        )
    f = _obj(raw.get("fields"))
    status = _obj(f.get("status"))
    labels = tuple(text for text in map(_text, _list(f.get("labels"))) if text)
    stamp = next((x[len(STAMP_PREFIX) :] for x in labels if x.startswith(STAMP_PREFIX)), None)
    project_key = _text(_obj(f.get("project")).get("key")) or key.split("-")[0]
    epic = _text(f.get(ids.epic_link)) if ids.epic_link else ""
    parent = _obj(f.get("parent"))
    parent_type = _obj(_obj(parent.get("fields")).get("issuetype")).get("name")
    if not epic and parent_type == "Epic":
        epic = _text(parent.get("key"))
    changelog = _obj(raw.get("changelog"))
    histories = _list(changelog.get("histories"))
    complete = _count(changelog.get("total"), len(histories)) <= len(histories)
    comments, comments_complete = parse_comments(f.get("comment"), cloud)
    return IssueRecord(
        key=key,
        id=_text(raw.get("id", "")),
        updated=_text(f.get("updated")),
        created=parse_time(f.get("created")) or datetime.now(UTC),
        status_id=_text(status.get("id", "")),
        status_name=_text(status.get("name", "")),
        status_category=_text(_obj(status.get("statusCategory")).get("key", "")),
        summary=_text(f.get("summary")),
        # API v2 sends wiki text; v3 an Atlassian document, read as its text nodes.
        description=_text(f.get("description")) or _document_text(f.get("description")),
        labels=labels,
        assignee=_user(f.get("assignee"), cloud),
        flagged=_flag_value(f.get(ids.flagged)) if ids.flagged else None,
        project=(epic or project_key)[:PROJECT_MAX],
        project_key=project_key,
        priority=_text(_obj(f.get("priority")).get("name")) or None,
        issue_type=_text(_obj(f.get("issuetype")).get("name")) or None,
        stamp=stamp,
        status_changes=status_changes(histories),
        assignee_changes=assignee_changes(histories),
        flag_changes=flag_changes(histories, ids.flagged),
        changelog_complete=complete,
        comments=comments,
        comments_complete=comments_complete,
    )


def _history_items(histories: Any) -> Iterable[tuple[datetime, str, Mapping[str, Any]]]:
    """Each item of a changelog with its time and author; malformed entries are skipped."""
    for history in map(_obj, _list(histories)):
        at = parse_time(history.get("created"))
        if at is None:
            continue
        author = _text(_obj(history.get("author")).get("displayName"))
        for item in _list(history.get("items")):
            if isinstance(item, Mapping):
                yield at, author, item


def assignee_changes(histories: Any) -> tuple[ValueChange, ...]:
    """Who the issue was assigned to over time, oldest first.

    Cloud writes account ids in ``from``/``to`` (newer sites in
    ``tmpFromAccountId``/``tmpToAccountId``); Server writes the user name.
    """
    changes = [
        ValueChange(
            at,
            _str_or_none(item.get("tmpFromAccountId") or item.get("from")),
            _str_or_none(item.get("tmpToAccountId") or item.get("to")),
            author,
        )
        for at, author, item in _history_items(histories)
        if item.get("field") == "assignee"
    ]
    changes.sort(key=lambda c: c.at)
    return tuple(changes)


def flag_changes(histories: Any, flag_field_id: str | None) -> tuple[ValueChange, ...]:
    """When the issue was flagged (an impediment) and unflagged, oldest first.

    The item names the field "Flagged" (and, on Cloud, its id); set shows the
    option ("Impediment"), cleared shows nothing.
    """
    changes = []
    for at, author, item in _history_items(histories):
        named = str(item.get("field") or "").lower() == "flagged"
        if not (named or (flag_field_id and item.get("fieldId") == flag_field_id)):
            continue
        old = "flagged" if item.get("fromString") or item.get("from") else None
        new = "flagged" if item.get("toString") or item.get("to") else None
        if old != new:
            changes.append(ValueChange(at, old, new, author))
    changes.sort(key=lambda c: c.at)
    return tuple(changes)


def status_changes(histories: Any) -> tuple[StatusChange, ...]:
    """The status changes of changelog histories, oldest first."""
    changes = [
        StatusChange(at, _str_or_none(item.get("from")), _str_or_none(item.get("to")), author)
        for at, author, item in _history_items(histories)
        if item.get("field") == "status"
    ]
    changes.sort(key=lambda c: c.at)
    return tuple(changes)


def _str_or_none(value: Any) -> str | None:
    return _text(value) or None


# JSON of an unexpected shape reads as missing: these give the value when it is
# of the kind the API promises, else an empty one.
def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    """A text field; a number (an id sent as 12345) as its digits; anything else as ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if abs(value) < 1e18 else ""
    return ""


def _count(value: Any, default: int) -> int:
    """A count such as a page's ``total``: a whole number, else ``default``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 19:
        return int(value)
    return default


def status_map(columns: tuple[Column, ...] | list[Column]) -> dict[str, int]:
    """Status id → column id, from the columns' JIRA statuses."""
    mapping: dict[str, int] = {}
    for col in columns:
        for status in col.jira_statuses:
            mapping.setdefault(str(status), col.id)
    return mapping


def category_column(columns: list[Column] | tuple[Column, ...], category: str) -> Column | None:
    """The column a status of this category falls to when nothing maps it explicitly."""
    kind = {"new": ColumnKind.POOL, "indeterminate": ColumnKind.ACTIVE, "done": ColumnKind.DONE}
    wanted = kind.get(category)
    if wanted is None:
        return None
    return next((c for c in sorted(columns, key=lambda c: c.order) if c.kind is wanted), None)


def remote_values(
    issue: IssueRecord, statuses: Mapping[str, int], with_flag: bool
) -> dict[str, Any]:
    """The issue in synced-field space; an unmapped status gives column None."""
    values: dict[str, Any] = {
        "title": issue.summary,
        "description": issue.description,
        "column": statuses.get(issue.status_id),
        "assignee": issue.assignee.id if issue.assignee else None,
        "labels": list(issue.labels),
        "project": issue.project,
    }
    if with_flag:
        values["flagged"] = bool(issue.flagged)
    return values


def local_values(
    card: Card,
    people: Mapping[int, Person],
    pool_id: int,
    base: Mapping[str, Any] | None,
    with_flag: bool,
) -> dict[str, Any]:
    """The card in synced-field space.

    The assignee is the card's person: its lane's, or for a pool card its
    owner. An unowned pool card keeps the agreed assignee when that user is
    not one of the board's people (the board could not say who it is), so it
    never reads as "unassigned" by accident; clearing a known owner does.
    """
    who = card.person_id if card.person_id is not None else card.owner_id
    person = people.get(who) if who is not None else None
    agreed = (base or {}).get("assignee")
    if card.column_id == pool_id and person is None and agreed is not None:
        known = {p.jira_user for p in people.values() if p.jira_user}
        assignee = None if agreed in known else agreed
    elif person is not None and not person.jira_user:
        # A person JIRA does not know: the push fails with a message saying so.
        assignee = f"{NO_JIRA_USER}{person.name}"
    else:
        assignee = person.jira_user if person else None
    values: dict[str, Any] = {
        "title": card.title,
        "description": card.description,
        "column": card.column_id,
        "assignee": assignee,
        "labels": list(card.labels),
        "project": card.project,
    }
    if with_flag:
        values["flagged"] = card.not_ready
    return agreed_where_unedited(values, base, card.jira_key or "")


def card_title(summary: str, key: str) -> str:
    """The card's title for an issue summary: whitespace folded, the key when empty."""
    cleaned = " ".join(summary.split())[:TITLE_LIMIT]
    return cleaned or key


def card_labels(labels: Iterable[str]) -> list[str]:
    """The issue's labels as card labels: without the app's stamp, trimmed, each once,
    cut to the board's limit."""
    out: dict[str, None] = {}
    for label in labels:
        text = str(label).strip()[:LABEL_LIMIT]
        if text and not text.startswith(STAMP_PREFIX):
            out[text] = None
    return list(out)


def card_description(description: str | None) -> str:
    """The issue's description as the card keeps it (JIRA sends null for none)."""
    return (description or "")[:DESCRIPTION_MAX]


# How the board shows each field JIRA sends (cf. vdirsyncer's normalised item):
# the card may hold a normalised form, and that form is not an edit.
BOARD_FORMS: dict[str, Callable[[Any, str], Any]] = {
    "title": lambda value, key: card_title(str(value or ""), key),
    "description": lambda value, _key: card_description(value),
    "labels": lambda value, _key: card_labels(value or ()),
}


def agreed_where_unedited(
    values: dict[str, Any], base: Mapping[str, Any] | None, key: str
) -> dict[str, Any]:
    """The card's values, with each field the user did not edit read as the agreed one.

    The board normalises what JIRA sends: an empty summary shows as the key, a
    long one is cut, labels lose the app's stamp and repeats. A card field
    still equal to the board's form of the agreed value was not edited, so it
    counts as that value: what a sync pushes is the user's edit, never our
    normalisation.
    """
    if not base:
        return values
    out = dict(values)
    for name, form in BOARD_FORMS.items():
        if name not in base or name not in values:
            continue
        shown = form(base[name], key)
        if normalize(name, shown) == normalize(name, values[name]):
            out[name] = base[name]
    return out
