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
    author = raw.get("author") or {}
    user = _user(author, cloud)
    body = raw.get("body")
    return RemoteComment(
        id=str(raw.get("id", "")),
        # API v2 gives wiki text; an Atlassian document (v3) is kept as its text nodes.
        body=body if isinstance(body, str) else _document_text(body),
        author_id=user.id if user else None,
        author_name=user.display_name if user else "JIRA",
        created=parse_time(raw.get("created")) or datetime.now(UTC),
        updated=str(raw.get("updated") or raw.get("created") or ""),
    )


def _document_text(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "text":
            return str(node.get("text") or "")
        parts = [_document_text(child) for child in node.get("content") or ()]
        joiner = "\n" if node.get("type") in ("doc", "bulletList", "orderedList") else ""
        return joiner.join(parts)
    return ""


def parse_comments(field: Any, cloud: bool) -> tuple[tuple[RemoteComment, ...] | None, bool]:
    """An issue's ``comment`` field as (comments, complete); (None, True) when absent."""
    if not isinstance(field, Mapping):
        return None, True
    listed = [parse_comment(c, cloud) for c in field.get("comments") or ()]
    total = int(field.get("total") or len(listed))
    return tuple(listed), total <= len(listed)


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


def _user(raw: Mapping[str, Any] | None, cloud: bool) -> JiraUser | None:
    if not raw:
        return None
    uid = raw.get("accountId") if cloud or "name" not in raw else raw.get("name")
    uid = uid or raw.get("key") or raw.get("accountId")
    if not uid:
        return None
    return JiraUser(
        id=str(uid),
        display_name=str(raw.get("displayName") or uid),
        email=raw.get("emailAddress") or None,
    )


def _flag_value(value: Any) -> bool:
    # Set: [{"value": "Impediment", ...}]; unset: null (some servers send []).
    if isinstance(value, list):
        return len(value) > 0
    return bool(value)


def parse_issue(raw: Mapping[str, Any], ids: FieldIds, cloud: bool) -> IssueRecord:
    """Turn one search or get-issue answer into an :class:`IssueRecord`."""
    f = raw.get("fields") or {}
    status = f.get("status") or {}
    labels = tuple(str(x) for x in (f.get("labels") or ()))
    stamp = next((x[len(STAMP_PREFIX) :] for x in labels if x.startswith(STAMP_PREFIX)), None)
    project_key = str((f.get("project") or {}).get("key") or str(raw.get("key", "")).split("-")[0])
    epic = f.get(ids.epic_link) if ids.epic_link else None
    parent = f.get("parent") or {}
    parent_type = ((parent.get("fields") or {}).get("issuetype") or {}).get("name")
    if not epic and parent_type == "Epic":
        epic = parent.get("key")
    changelog = raw.get("changelog") or {}
    histories = list(changelog.get("histories") or ())
    complete = int(changelog.get("total") or len(histories)) <= len(histories)
    comments, comments_complete = parse_comments(f.get("comment"), cloud)
    return IssueRecord(
        key=str(raw["key"]),
        id=str(raw.get("id", "")),
        updated=str(f.get("updated") or ""),
        created=parse_time(f.get("created")) or datetime.now(UTC),
        status_id=str(status.get("id", "")),
        status_name=str(status.get("name", "")),
        status_category=str((status.get("statusCategory") or {}).get("key", "")),
        summary=str(f.get("summary") or ""),
        description=str(f.get("description") or ""),
        labels=labels,
        assignee=_user(f.get("assignee"), cloud),
        flagged=_flag_value(f.get(ids.flagged)) if ids.flagged else None,
        project=(str(epic) if epic else project_key)[:PROJECT_MAX],
        project_key=project_key,
        priority=(f.get("priority") or {}).get("name"),
        issue_type=(f.get("issuetype") or {}).get("name"),
        stamp=stamp,
        status_changes=status_changes(histories),
        assignee_changes=assignee_changes(histories),
        flag_changes=flag_changes(histories, ids.flagged),
        changelog_complete=complete,
        comments=comments,
        comments_complete=comments_complete,
    )


def _history_items(histories: Any) -> Iterable[tuple[datetime, str, Mapping[str, Any]]]:
    for history in histories or ():
        at = parse_time(history.get("created"))
        if at is None:
            continue
        author = (history.get("author") or {}).get("displayName") or ""
        for item in history.get("items") or ():
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
    changes: list[StatusChange] = []
    for history in histories or ():
        at = parse_time(history.get("created"))
        if at is None:
            continue
        author = (history.get("author") or {}).get("displayName") or ""
        for item in history.get("items") or ():
            if item.get("field") == "status":
                changes.append(
                    StatusChange(
                        at, _str_or_none(item.get("from")), _str_or_none(item.get("to")), author
                    )
                )
    changes.sort(key=lambda c: c.at)
    return tuple(changes)


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


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
