"""The words the UI shows for the JIRA sync state, without Qt.

One place for how a synced value reads in the sync panel's table ("(none)",
"flagged"), which sync items a button settles, and what a card's sync section
shows. The sentence for a conflict or a refused push is the sync layer's one
formatter (:meth:`kanban.services.sync_status.PendingItem.describe`, also used
by the badges' tooltips and the CLI). The sync panel and the card editor both
use this module; it imports neither Qt nor the sync service (that module loads
the ``jira`` library), so it is cheap to import and tested without a display.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kanban.domain.sync_states import ItemKind, Keep

# The synced fields as the sync panel's table names them.
SYNC_FIELD_NAMES = {
    "title": "Title",
    "description": "Description",
    "column": "Column",
    "assignee": "Assignee",
    "labels": "Labels",
    "flagged": "Flag (not ready)",
    "create": "New issue",
}

# The card editor's "Revert on the board" button: settles every refused push.
REVERT = "revert"


class SyncItem(Protocol):
    """What the UI reads of one :class:`kanban.services.sync.PendingItem`."""

    @property
    def card_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def issue_key(self) -> str | None: ...
    @property
    def local(self) -> Any: ...
    @property
    def remote(self) -> Any: ...
    @property
    def message(self) -> str | None: ...
    def describe(self) -> str: ...


def synced_value(value: Any) -> str:
    """A synced field's value in words: lists joined, nothing as "(none)", the flag named."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "flagged" if value else "not flagged"
    return str(value)


def is_conflict(item: SyncItem) -> bool:
    return item.kind == ItemKind.CONFLICT


def state_word(item: SyncItem) -> str:
    """The sync panel's "State" cell: conflict, or queued (a push waiting or refused)."""
    return str(ItemKind.CONFLICT if is_conflict(item) else ItemKind.QUEUED)


def can_revert(item: SyncItem) -> bool:
    """A queued push of an existing issue can be undone on the board (a new issue cannot)."""
    return item.kind == ItemKind.QUEUED and item.field != "create"


def settles(item: SyncItem, choice: str) -> bool:
    """Whether the card editor's ``choice`` (keep mine, keep JIRA's, revert) applies to ``item``."""
    if choice == REVERT:
        return not is_conflict(item)
    return choice in (Keep.MINE, Keep.JIRA) and is_conflict(item)


@dataclass(frozen=True, slots=True)
class CardSyncView:
    """What the card editor's JIRA section shows for one card."""

    text: str
    show_keep: bool  # "Keep mine" and "Keep JIRA's": there is a conflict
    show_revert: bool  # "Revert on the board": there is a refused push

    @property
    def visible(self) -> bool:
        return bool(self.text)


def card_sync_view(items: Sequence[SyncItem]) -> CardSyncView:
    """The card's conflicts and refused pushes as lines, and which buttons settle them."""
    return CardSyncView(
        text="\n".join(item.describe() for item in items),
        show_keep=any(is_conflict(i) for i in items),
        show_revert=any(not is_conflict(i) for i in items),
    )
