"""The JSON export's rows as pydantic models, checked with the board's own rules.

Every field of an import goes through the same validators as the command line
and the window (:mod:`kanban.domain.validation`, with the limits of
:mod:`kanban.domain.limits`), so an import cannot put on the board what typing
could not: a grouping the board does not know, an empty title, a size of -5, a
colour "red". :func:`check_document` collects every bad field of a file, each
as ``path.to.field: reason``, so one pass shows what to fix.

Only the fields' values are checked here; their types, and fields a later
schema adds, are also checked against the store's columns by
:func:`kanban.store.bulk.rows_from_json`, and the links between rows by
:mod:`kanban.services.transfer`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    model_validator,
)

from kanban.domain import validation as v
from kanban.domain.limits import (
    DESCRIPTION_MAX,
    ID_MAX,
    INTEGER_MAX,
    SIZE_MAX,
    SIZE_MIN,
    TITLE_MAX,
)
from kanban.domain.model import ColumnKind, EventKind, Rule, RuleMode, Source
from kanban.domain.notes import clean_check_text, clean_comment
from kanban.errors import InvalidInput

FORMAT = "kanban-team-board"
FORMAT_VERSION = 1


def _rule(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A domain validator as a pydantic one: its InvalidInput becomes the field's reason."""

    def run(value: Any) -> Any:
        try:
            return check(value)
        except InvalidInput as exc:
            raise ValueError(str(exc)) from None

    return run


def _iso_datetime(value: str) -> str:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO date and time") from None
    return value


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not an ISO date (YYYY-MM-DD)") from None
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a number of days")
    return value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return value


def _rules(value: dict[str, Any]) -> dict[str, Any]:
    for rule, mode in value.items():
        try:
            Rule(rule), RuleMode(mode)
        except ValueError:
            raise ValueError(f"unknown rule or mode {rule}={mode}") from None
    return value


def _one_label(value: str) -> str:
    cleaned = v.validate_labels([value])
    if not cleaned:
        raise InvalidInput("a label must not be empty")
    return cleaned[0]


Id = Annotated[int, Strict(), Field(ge=1, le=INTEGER_MAX)]
Count = Annotated[int, Strict(), Field(ge=0, le=INTEGER_MAX)]
Text = Annotated[str, Strict()]
When = Annotated[str, Strict(), AfterValidator(_iso_datetime)]
Day = Annotated[str, Strict(), AfterValidator(_iso_date)]
Days = Annotated[
    float,
    BeforeValidator(_no_bool),
    AfterValidator(_finite),
    Field(ge=SIZE_MIN, le=SIZE_MAX),
]
WipLimit = Annotated[int, Strict(), AfterValidator(_rule(v.check_wip_limit))]
CardId = Annotated[str, Strict(), Field(min_length=1, max_length=ID_MAX)]
# A history names few people, many times: check each name once.
Actor = Annotated[
    str, Strict(), AfterValidator(functools.lru_cache(maxsize=4096)(_rule(v.clean_actor)))
]


class _Row(BaseModel):
    # Fields a later schema adds are checked by the store (rows_from_json).
    model_config = ConfigDict(extra="allow")


class BoardModel(_Row):
    id: Id | None = None
    name: Annotated[Text, AfterValidator(_rule(v.clean_board_name))]
    grouping: Annotated[Text, AfterValidator(_rule(v.grouping))]
    rules: Annotated[dict[str, Any], AfterValidator(_rules)]
    max_card_days: Days


class ColumnModel(_Row):
    id: Id
    name: Annotated[Text, AfterValidator(_rule(lambda s: v.clean_name(s, "column")))]
    kind: ColumnKind
    order: Count
    wip_min: WipLimit | None = None
    wip_max: WipLimit | None = None
    jira_statuses: Annotated[list[Text], AfterValidator(_rule(v.clean_jira_statuses))]
    # A waiting column (work waits there, it is not worked on); absent before 0009.
    waiting: Annotated[bool, Strict()] = False

    @model_validator(mode="after")
    def _limits(self) -> ColumnModel:
        _rule(lambda _: v.check_limits(self.wip_min, self.wip_max))(None)
        return self


class PersonModel(_Row):
    id: Id
    name: Annotated[Text, AfterValidator(_rule(lambda s: v.clean_name(s, "person")))]
    jira_user: Annotated[Text, AfterValidator(_rule(v.clean_jira_user))] | None = None
    email: Annotated[Text, AfterValidator(_rule(v.clean_email))] | None = None
    colour: Annotated[Text, AfterValidator(_rule(v.clean_colour))]
    wip_limit: WipLimit | None = None
    order: Count
    active: Annotated[bool, Strict()]


class CardModel(_Row):
    id: CardId
    title: Annotated[Text, Field(max_length=TITLE_MAX), AfterValidator(_rule(v.validate_title))]
    description: Annotated[
        Text, Field(max_length=DESCRIPTION_MAX), AfterValidator(_rule(v.clean_description))
    ]
    column_id: Id
    person_id: Id | None = None
    owner_id: Id | None = None
    position: Count
    not_ready: Annotated[bool, Strict()]
    not_ready_reason: (
        Annotated[Text, AfterValidator(_rule(lambda s: v.validate_reason(s, "Not ready")))] | None
    ) = None
    not_ready_since: When | None = None
    size_days: Days
    labels: Annotated[list[Text], AfterValidator(_rule(v.validate_labels))]
    project: Annotated[Text, AfterValidator(_rule(v.clean_project))] | None = None
    due_date: Day | None = None
    jira_key: Annotated[Text, AfterValidator(_rule(v.validate_jira_key))] | None = None
    created_at: When
    updated_at: When
    started_at: When | None = None
    done_at: When | None = None
    column_since: When | None = None
    revision: Id
    archived: Annotated[bool, Strict()]


class EventModel(_Row):
    id: Id
    card_id: CardId
    change_id: CardId
    actor: Actor
    at: When
    kind: EventKind
    before: dict[str, Any]
    after: dict[str, Any]
    reason: Text | None = None
    rules: Annotated[Text, Field(max_length=200)] | None = None
    source: Source
    target_change: CardId | None = None


class LimitChangeModel(_Row):
    id: Id
    at: When
    actor: Actor
    scope: Literal["column", "person"]
    target_id: Id
    before: WipLimit | None = None
    after: WipLimit | None = None


class LabelColourModel(_Row):
    id: Id
    board_id: Id
    label: Annotated[Text, AfterValidator(_rule(_one_label))]
    colour: Annotated[Text, AfterValidator(_rule(v.clean_colour))]


class CommentModel(_Row):
    id: Id
    card_id: CardId
    author: Actor
    body: Annotated[Text, AfterValidator(_rule(clean_comment))]
    created_at: When
    updated_at: When
    deleted_at: When | None = None
    revision: Id
    jira_id: Annotated[Text, Field(max_length=20)] | None = None
    base_body: Text | None = None
    jira_updated: Annotated[Text, Field(max_length=40)] | None = None
    conflict: dict[str, Any] | None = None


class ChecklistItemModel(_Row):
    id: Id
    card_id: CardId
    position: Count
    text: Annotated[Text, AfterValidator(_rule(clean_check_text))]
    done: Annotated[bool, Strict()] = False
    done_at: When | None = None
    created_at: When


class DocumentModel(BaseModel):
    model_config = ConfigDict(extra="allow")

    format: Literal["kanban-team-board"]
    format_version: Annotated[int, Strict(), Field(ge=1, le=FORMAT_VERSION)]
    schema_: Text | None = Field(default=None, alias="schema")
    board: BoardModel
    columns: list[ColumnModel]
    people: list[PersonModel]
    cards: list[CardModel]
    events: list[EventModel]
    # Missing from files written before limit changes were kept.
    limit_changes: list[LimitChangeModel] = []
    # Missing from files written before labels had colours (schema 0011).
    label_colours: list[LabelColourModel] = []
    # Missing from files written before cards had comments and checklists (0010).
    comments: list[CommentModel] = []
    checklist_items: list[ChecklistItemModel] = []


# The tables each model checks, for the test that no column goes unchecked.
MODELS: dict[str, type[BaseModel]] = {
    "board": BoardModel,
    "columns": ColumnModel,
    "people": PersonModel,
    "cards": CardModel,
    "events": EventModel,
    "limit_changes": LimitChangeModel,
    "label_colours": LabelColourModel,
    "comments": CommentModel,
    "checklist_items": ChecklistItemModel,
}

MAX_PROBLEMS = 20


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + ("schema" if part == "schema_" else part)
    return out or "the file"


def _reason(error: Any) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    shown = repr(given) if not isinstance(given, dict | list) else type(given).__name__
    if len(shown) > 60:
        shown = shown[:57] + "..."
    if kind == "missing":
        return "is missing"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("string_type", "str_type"):
        return f"expected text, got {shown}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {shown}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {shown}"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return f"expected a number, got {shown}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected an object"
    if kind == "list_type":
        return "expected a list"
    if kind == "string_too_long":
        length = len(given) if isinstance(given, str) else "?"
        return f"is {length:,} characters, over the limit of {ctx.get('max_length')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{shown} is out of range ({error['msg'].lower()})"
    if kind in ("enum", "literal_error"):
        return f"unknown value {shown}; {error['msg'].lower()}"
    return str(error["msg"])


def check_document(data: dict[str, Any]) -> dict[str, Any]:
    """Check every field of an export document; returns it with every text cleaned.

    The cleaning is the board's (single spaces, no control characters...), so
    an export the app wrote comes back unchanged.

    Raises:
        ValueError: one line per bad field, ``path.to.field: reason`` (at most
            20, then how many more).
    """
    try:
        document = DocumentModel.model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}: {_reason(e)}" for e in exc.errors()]
        more = len(problems) - MAX_PROBLEMS
        lines = problems[:MAX_PROBLEMS]
        if more > 0:
            lines.append(f"... and {more} more")
        raise ValueError("\n".join(lines)) from None
    cleaned: dict[str, Any] = document.model_dump(mode="json", by_alias=True)
    return cleaned
