"""Error types shared by every layer.

``UserError`` and its subclasses are expected: their text is shown to the user
as written (what happened, which object, what to do next) and no traceback is
printed. Anything else is a bug: it is logged with its traceback and the user
gets one line pointing at the log file.
"""

from __future__ import annotations

from collections.abc import Sequence


class KanbanError(Exception):
    """Base of every error this application raises on purpose."""


class UserError(KanbanError):
    """An expected error whose message is safe and useful to show as is."""


class NotFound(UserError):
    """A card, person or column that the user named does not exist."""


class InvalidInput(UserError):
    """Input that breaks a field's constraints (empty title, bad size...)."""


class ConflictError(UserError):
    """The card was changed by someone else since it was read."""

    def __init__(self, card_title: str, card_id: str, expected: int, actual: int | None) -> None:
        self.card_id = card_id
        self.expected = expected
        self.actual = actual
        if actual is None:
            what = "was archived or deleted by someone else"
        else:
            what = f"was changed by someone else (revision {expected} → {actual})"
        super().__init__(
            f"Card '{card_title}' {what} since you opened it; nothing was overwritten. "
            "Reload the card and apply your change again."
        )


class RuleViolationError(UserError):
    """A move or edit that the board's team rules refuse or want a reason for.

    Attributes:
        violations: the rules involved, each with its own message.
        needs_reason: True when every rule is in ``warn`` mode, so the change
            can go ahead once the user gives an override reason.
    """

    def __init__(self, card_title: str, violations: Sequence[object], needs_reason: bool) -> None:
        self.violations = list(violations)
        self.needs_reason = needs_reason
        reasons = "; ".join(str(getattr(v, "message", v)) for v in self.violations)
        if needs_reason:
            hint = "Give an override reason (--reason in the CLI) to do it anyway."
        else:
            hint = (
                "The board enforces this rule; to allow it, set the rule to warn or off "
                "(Settings → Rules, or 'kanban rules set')."
            )
        super().__init__(f"Card '{card_title}': {reasons}. {hint}")


class NothingToUndo(UserError):
    """Undo or redo was asked for with an empty stack."""


class StorageError(UserError):
    """The database cannot be used as it is (locked, read-only, full, not a database)."""


class SchemaTooNew(StorageError):
    """The database was written by a newer version of the app."""


class MigrationFailed(StorageError):
    """A schema upgrade failed; the original database was restored."""


class ImportFailed(UserError):
    """An import file is malformed; nothing was imported."""
