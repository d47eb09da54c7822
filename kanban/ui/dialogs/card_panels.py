"""The card editor's panels beside and above the form.

- :class:`OverrideBox`: the inline "a team rule asks for a reason" box.
- :class:`HistoryBox`: the card's history, newest first.
- :class:`LinksBox`: commits and pull requests that name the card's JIRA key.
  Both only show what the editor read on its worker (:class:`card_form.Panels`).
- :class:`CardSyncBox`: what the JIRA sync could not settle on the card
  (conflicts, refused pushes) and the buttons that settle it. Its reads and
  writes go through the sync service on a :class:`SerialExecutor` worker, so
  opening the editor never takes a database lock on the GUI thread; results
  come back by signal.

The words come from the Qt-free :mod:`card_text` and :mod:`kanban.ui.sync_text`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import Card
from kanban.domain.sync_states import Keep
from kanban.errors import UserError
from kanban.logs import log_file
from kanban.services.board import BoardService
from kanban.services.history_text import Names
from kanban.ui.dialogs.card_form import (
    NO_HISTORY_YET,
    NO_LINKS_YET,
    STILL_NEEDS_REASON,
    Panels,
)
from kanban.ui.dialogs.card_text import history_html, links_html
from kanban.ui.dialogs.common import FieldError
from kanban.ui.sync_text import REVERT, SyncItem, card_sync_view, settles
from kanban.ui.workers import SerialExecutor

if TYPE_CHECKING:
    from kanban.services.sync import SyncService

log = logging.getLogger(__name__)


class OverrideBox(QFrame):
    """The reason box a warned team rule opens inside the dialog (no nested prompt)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        heading = QLabel("A team rule asks for a reason", self)
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        box.addWidget(heading)
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Why it is right to go ahead anyway (kept in history)")
        self.error = FieldError(self)
        box.addWidget(self.text)
        box.addWidget(self.reason)
        box.addWidget(self.error)
        self.setObjectName("overrideBox")
        self.setStyleSheet(
            "QFrame#overrideBox { background:#fff4d6; border:1px solid #e0a800; "
            "border-radius:3px; }"
        )
        self.reason.textEdited.connect(lambda _t: self.error.set_error(None))
        self.hide()

    @property
    def asking(self) -> bool:
        return not self.isHidden()

    def given_reason(self) -> str | None:
        """The reason typed, or None when the box is closed or empty."""
        if not self.asking:
            return None
        return self.reason.text().strip() or None

    def ask(self, text: str) -> None:
        """Open the box with ``text``; asked before and still stuck: say what is missing."""
        if self.asking:
            self.error.set_error(STILL_NEEDS_REASON)
        self.text.setText(text)
        self.show()
        self.reason.setFocus()


class HistoryBox(QGroupBox):
    """The card's history as the board words it (``kanban history`` says the same)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("History", parent)
        layout = QVBoxLayout(self)
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        layout.addWidget(self.view)

    def show_card(self, card: Card | None, panels: Panels, names: Names) -> None:
        """Show the history read for ``card`` (see :func:`card_form.load_panels`)."""
        if card is None:
            self.view.setPlainText(NO_HISTORY_YET)
        elif panels.history_error is not None:
            self.view.setPlainText(f"History not available: {panels.history_error}")
        else:
            self.view.setHtml(history_html(panels.history, names))


class LinksBox(QGroupBox):
    """Commits and pull requests naming the card's JIRA key; links open in the browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Commits and pull requests", parent)
        layout = QVBoxLayout(self)
        self.view = QTextBrowser(self)
        self.view.setOpenExternalLinks(True)
        layout.addWidget(self.view)

    def show_card(self, card: Card | None, panels: Panels) -> None:
        """Show the links read for ``card`` (see :func:`card_form.load_panels`)."""
        if card is None or not card.jira_key:
            self.view.setPlainText(NO_LINKS_YET)
        elif panels.links_error is not None:
            self.view.setPlainText(f"Links not available: {panels.links_error}")
        else:
            self.view.setHtml(links_html(panels.links or {}, card.jira_key))


@dataclass(frozen=True, slots=True)
class _Settled:
    """What a settle job did, read back on the worker before it returns."""

    messages: list[str]
    error: str | None  # a step the service refused (earlier steps stay done)
    items: list[SyncItem]  # the card's open sync items afterwards
    card: Card | None  # the card as stored afterwards (None: could not be read)


def _sync_service(board: BoardService) -> SyncService:
    """A sync service over the board's engine; built on the worker (it writes on construction
    and loads the ``jira`` library on first use)."""
    from kanban.services.sync import SyncService

    return SyncService(board)


def _card_items(sync: SyncService, card_id: str) -> list[SyncItem]:
    return [item for item in sync.pending() if item.card_id == card_id]


class CardSyncBox(QGroupBox):
    """A card's conflicts and refused pushes, with keep mine, keep JIRA's and revert.

    Args:
        board: the board's service; the sync service is built over it on the worker.
        parent: the card editor.

    Signals:
        chosen(str): a button was pressed: "mine", "jira" or "revert".
        settled(str, object): a settle job wrote something: the service's words,
            and the card as stored afterwards (None if it could not be read).
        failed(str): a settle job failed; the text says why.
    """

    chosen = Signal(str)
    settled = Signal(str, object)
    failed = Signal(str)

    def __init__(self, board: BoardService, parent: QWidget | None = None) -> None:
        super().__init__("JIRA: waiting to be settled", parent)
        self._board = board
        self._executor = SerialExecutor("card-sync", self)
        self._card_id: str | None = None
        self.items: list[SyncItem] = []

        layout = QVBoxLayout(self)
        self.view = QLabel(self)
        self.view.setWordWrap(True)
        self.view.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        self.keep_mine_button = QPushButton("Keep mine", self)
        self.keep_mine_button.setToolTip("The board's value wins; the next sync pushes it")
        self.keep_jira_button = QPushButton("Keep JIRA's", self)
        self.keep_jira_button.setToolTip("JIRA's value wins; the card takes it at the next sync")
        self.revert_button = QPushButton("Revert on the board", self)
        self.revert_button.setToolTip(
            "Put the card back to what JIRA has; the queued push is dropped"
        )
        for button, choice in (
            (self.keep_mine_button, str(Keep.MINE)),
            (self.keep_jira_button, str(Keep.JIRA)),
            (self.revert_button, REVERT),
        ):
            button.clicked.connect(lambda _checked=False, c=choice: self.chosen.emit(c))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.hide()

    @property
    def idle(self) -> bool:
        """No read or write of this box is still on its way (tests wait for this)."""
        return self._executor.pending == 0

    def wait(self, msecs: int = -1) -> bool:
        """Let the worker finish; results still arrive through the event loop."""
        return self._executor.wait(msecs)

    def load(self, card_id: str | None) -> None:
        """Read what waits on ``card_id`` on the worker; the box shows it when it arrives."""
        self._card_id = card_id
        if card_id is None:
            self._show([])
            return
        board = self._board

        def job() -> list[SyncItem]:
            return _card_items(_sync_service(board), card_id)

        self._executor.submit(job, self._loaded)

    def settle(self, choice: str) -> bool:
        """Keep mine / keep JIRA's for every conflict, or revert every refused push.

        Returns False when nothing here is settled by ``choice``; otherwise the
        writes run on the worker and ``settled`` or ``failed`` follows.
        """
        card_id = self._card_id
        todo = [item.field for item in self.items if settles(item, choice)]
        if card_id is None or not todo:
            return False
        board = self._board

        def job() -> _Settled:
            sync = _sync_service(board)
            messages: list[str] = []
            error: str | None = None
            try:
                for field in todo:
                    if choice == REVERT:
                        messages.append(sync.revert(card_id, field))
                    else:
                        messages.append(sync.resolve(card_id, field, choice))
            except UserError as exc:
                error = str(exc)
            try:
                card: Card | None = board.card(card_id)
            except UserError:
                card = None
            return _Settled(messages, error, _card_items(sync, card_id), card)

        self._executor.submit(job, self._settled)
        return True

    # --- results, on the GUI thread -------------------------------------------------
    # One serial worker: results arrive in the order the jobs were submitted, so
    # the last read (or settle) the box asked for is always the last it shows.

    def _loaded(self, result: Any, error: BaseException | None) -> None:
        if error is None:
            self._show(result)
        elif isinstance(error, UserError):
            log.info("Sync state of card %s not available: %s", self._card_id, error)
        else:
            log.error("Reading the sync state of card %s failed", self._card_id, exc_info=error)

    def _settled(self, result: Any, error: BaseException | None) -> None:
        if error is not None:
            if isinstance(error, UserError):
                self.failed.emit(str(error))
            else:
                log.error("Unexpected error while settling a sync item", exc_info=error)
                self.failed.emit(
                    f"Unexpected error while settling the sync item; details in {log_file()}."
                )
            return
        self._show(result.items)
        if result.messages:
            self.settled.emit(" ".join(result.messages), result.card)
        if result.error is not None:
            self.failed.emit(result.error)

    def _show(self, items: list[SyncItem]) -> None:
        self.items = items
        view = card_sync_view(items)
        if not view.visible:
            self.hide()
            return
        self.view.setText(view.text)
        self.keep_mine_button.setVisible(view.show_keep)
        self.keep_jira_button.setVisible(view.show_keep)
        self.revert_button.setVisible(view.show_revert)
        self.show()
