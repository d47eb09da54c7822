"""Looking after the board itself: its archived cards, restoring one, its name.

It also gathers what Help → About shows (:func:`about_facts`).

Archived cards are off the board but keep their history. The archived list
says when each was archived and by whom (from that history), and a restore
puts the card back where it was when the team rules allow it; when they do
not (a column or a person at the WIP limit) it goes to the task pool instead,
and the result says why, so a restore never fails only because the board is
busier than when the card left. Either way it is one change in the card's
history, undone like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import make_url

from kanban import __version__
from kanban.domain.model import Card, EventKind
from kanban.domain.placement import placement_values
from kanban.domain.validation import clean_board_name
from kanban.errors import ConflictError, RuleViolationError, UserError
from kanban.logs import log_file
from kanban.services.board import BoardService
from kanban.services.unit_of_work import ChangeResult
from kanban.settings import config_path
from kanban.store import archive_repo, repo


@dataclass(frozen=True, slots=True)
class ArchivedCard:
    """An archived card, and when and by whom it was archived (None: not in its history)."""

    card: Card
    column: str
    archived_at: datetime | None
    archived_by: str | None


@dataclass(frozen=True, slots=True)
class Restored:
    """A restored card: where it went, and why the pool when it could not go back."""

    result: ChangeResult
    column: str
    to_pool_because: str | None = None

    def sentence(self) -> str:
        title = self.result.card.title
        if self.to_pool_because:
            return (
                f"Restored '{title}' to the {self.column}: {self.to_pool_because}. "
                "Move it on from there when there is room."
            )
        return f"Restored '{title}' to {self.column}."


def archived_cards(service: BoardService) -> list[ArchivedCard]:
    """The archived cards, the most recently archived first."""
    with service.reading() as conn:
        cards = [c for c in repo.list_cards(conn, include_archived=True) if c.archived]
        archived = archive_repo.last_archived(conn)
        columns = {c.id: c.name for c in repo.list_columns(conn)}
    out = [
        ArchivedCard(
            card,
            columns.get(card.column_id, "?"),
            *(archived.get(card.id) or (None, None)),
        )
        for card in cards
    ]
    oldest = datetime.min.replace(tzinfo=datetime.now().astimezone().tzinfo)
    out.sort(key=lambda a: a.archived_at or a.card.updated_at or oldest, reverse=True)
    return out


def restore_card(
    service: BoardService,
    ref: str,
    *,
    expected_revision: int | None = None,
    override_reason: str | None = None,
) -> Restored:
    """Bring an archived card back: to its former place if the rules allow, else the pool.

    With ``override_reason`` a warned WIP limit lets the card back into its
    former place (the reason is kept in its history); an enforced one never does.
    """
    try:
        result = service.restore(
            ref, expected_revision=expected_revision, override_reason=override_reason
        )
    except RuleViolationError as refused:
        because = "; ".join(str(getattr(v, "message", v)) for v in refused.violations)
        result = _restore_to_pool(service, ref, expected_revision)
        return Restored(result, "task pool", because)
    with service.reading() as conn:
        column = next(c.name for c in repo.list_columns(conn) if c.id == result.card.column_id)
    return Restored(result, column)


def _restore_to_pool(
    service: BoardService, ref: str, expected_revision: int | None
) -> ChangeResult:
    with service.writing() as uow:
        card = repo.find_card(uow.conn, ref=ref)
        if expected_revision is not None and card.revision != expected_revision:
            raise ConflictError(card.title, card.id, expected_revision, card.revision)
        if not card.archived:
            raise UserError(f"Card '{card.title}' is not archived.")
        pool = repo.load_frame(uow.conn).pool
        # The person it had stays its owner: it is back in their pool.
        keep = card.person_id if card.person_id is not None else card.owner_id
        values = placement_values(card, pool, keep, None, repo.now())
        values["archived"] = False
        return uow.commit_change(card, values, EventKind.RESTORED)


def rename_board(service: BoardService, name: str) -> str:
    """Give the board a new name (the window's title and the wall's follow); returns it.

    Raises:
        InvalidInput: the name is empty or too long.
    """
    cleaned = clean_board_name(name)
    service.set_board(name=cleaned)
    return cleaned


def shown_url(url: str) -> str:
    """The database URL as it may be shown: any password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads: show no part that could be secret
        return url.split("@")[-1] if "@" in url else url


def about_facts(service: BoardService) -> list[tuple[str, str]]:
    """What Help → About shows: the version, the database and the files the app uses."""
    return [
        ("Version", __version__),
        ("Database", shown_url(service.url)),
        ("Config file", str(config_path())),
        ("Log file", str(log_file())),
    ]
