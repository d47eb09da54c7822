"""The words of the JIRA sync, one definition each.

The sync service stores them, the sync panel, the card editor and the CLI
show them; a typo in a bare string would silently match nothing, so every
layer uses these enums. They are ``StrEnum`` so the stored and JSON forms
stay the plain words they always were ("queued", "conflict", ...).
"""

from __future__ import annotations

import enum


class ItemKind(enum.StrEnum):
    """What a sync left open on one field of one card (a ``sync_item`` row)."""

    QUEUED = "queued"  # a push JIRA refused or could not take yet; retried next run
    CONFLICT = "conflict"  # changed on both sides differently; a person chooses


class RunStatus(enum.StrEnum):
    """How a sync run ended (``sync_run.status``)."""

    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    OFFLINE = "offline"


class RunMode(enum.StrEnum):
    """Which issues a run reads: everything, or what changed since the last good run."""

    FULL = "full"
    INCREMENTAL = "incremental"


class CardSyncState(enum.StrEnum):
    """The state a card's sync badge shows."""

    IN_STEP = "in_step"  # linked, nothing waits
    QUEUED = "queued"  # a change waits for the next sync
    CONFLICT = "conflict"
    ERROR = "error"  # JIRA refused a push and retrying will not help


class Keep(enum.StrEnum):
    """Which side's value settles a conflict."""

    MINE = "mine"
    JIRA = "jira"


BADGE_TEXT: dict[CardSyncState, str] = {
    CardSyncState.QUEUED: "⟳ queued",
    CardSyncState.CONFLICT: "⚠ conflict",
    CardSyncState.ERROR: "✖ error",
}


def badge_text(state: CardSyncState, issue_key: str | None = None) -> str:
    """The short badge on a card: "⇄ OPS-12" when in step, else the state's sign and word."""
    if state is CardSyncState.IN_STEP:
        return f"⇄ {issue_key}"
    return BADGE_TEXT[state]
