"""The card editor: every field of one card, its history, and a safe save.

The dialog remembers the card's revision when it loads it and passes it to
every service call, so an edit never overwrites someone else's change
silently. On a conflict it reloads the card, shows what the other person
changed, keeps the user's own edits in the fields (only the fields the user
touched are sent on the next save, so the other person's changes to the rest
survive) and lets the user save again on purpose.

A warned team rule opens an inline "override reason" box instead of a nested
modal prompt; an enforced one is shown as a message. Both keep the dialog
open with nothing lost. Tests drive the dialog through its widgets.
"""

from __future__ import annotations

import html
import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import Card, Column, ColumnKind, Person
from kanban.errors import ConflictError, InvalidInput, NotFound, RuleViolationError, UserError
from kanban.logs import log_file
from kanban.services.board import (
    BoardService,
    validate_jira_key,
    validate_labels,
    validate_reason,
    validate_size,
    validate_title,
)
from kanban.services.history_text import (
    FIELD_NAMES,
    Names,
    describe_parts,
    format_value,
    latest_change,
    newest_first,
)
from kanban.ui.dialogs.common import FieldError, MessageBanner, em

log = logging.getLogger(__name__)

# Fields edit_card changes; placement and not-ready have their own use cases.
CONTENT_FIELDS = ("title", "description", "size_days", "labels", "project", "due_date", "jira_key")
FORM_FIELDS = (*CONTENT_FIELDS, "column_id", "person_id", "not_ready", "not_ready_reason")
_NOBODY = -1  # combo data for "no person": Qt item data cannot hold None reliably


def _split_labels(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def card_values(card: Card) -> dict[str, Any]:
    """The form's view of a card, normalised the same way as :meth:`form_values`."""
    return {
        "title": card.title,
        "description": card.description,
        "size_days": card.size_days,
        "labels": list(card.labels),
        "project": card.project or None,
        "due_date": card.due_date,
        "jira_key": card.jira_key or None,
        "column_id": card.column_id,
        "person_id": card.person_id,
        "not_ready": card.not_ready,
        "not_ready_reason": (card.not_ready_reason or None) if card.not_ready else None,
    }


def _same(field: str, a: Any, b: Any) -> bool:
    if field == "size_days":
        # The spin box shows two decimals; a size typed in the CLI as 1.333
        # must not count as an edit just because the box rounds it.
        return abs(float(a) - float(b)) < 0.005
    if field == "description":
        # The text box turns CRLF (as JIRA may send it) into LF; that is not an edit.
        return str(a).replace("\r\n", "\n") == str(b).replace("\r\n", "\n")
    if field == "title":
        return " ".join(str(a).split()) == " ".join(str(b).split())
    if field == "not_ready_reason":
        return " ".join((a or "").split()) == " ".join((b or "").split())
    if field == "jira_key":
        return (a or "").upper() == (b or "").upper()
    return bool(a == b)


class CardEditorDialog(QDialog):
    """Create or edit one card.

    Args:
        service: the board's use cases; the only way this dialog changes anything.
        card_id: the card to edit, or None for a new card.
        parent: the parent widget.
        column_id: where a new card goes (default: the task pool).

    Signals:
        saved(str): the card id, once per save or archive that wrote something
            (also when a rule stopped a save after its first step was written,
            so the board can repaint at once).
    """

    saved = Signal(str)

    def __init__(
        self,
        service: BoardService,
        card_id: str | None,
        parent: QWidget | None = None,
        column_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.card: Card | None = None
        self._new_column_id = column_id
        self._people: list[Person] = []
        self._syncing = False
        self._archive_armed = False
        self._cancel_armed = False
        self._wrote = False
        self._columns: list[Column] = []
        self._names = Names({}, {})
        self._build()
        self.setWindowTitle("New card" if card_id is None else "Card")
        try:
            self._load_lookups()
            if card_id is not None:
                self.card = service.card(card_id)
                self._fill(card_values(self.card))
                self.setWindowTitle(f"Card: {self.card.title}")
            else:
                self._fill(self._new_card_values())
        except UserError as exc:
            # A locked or vanished database: say so and offer nothing that could fail again.
            self.banner.show_message(f"{exc}\nClose this window and try again.")
            for widget in (self.save_button, self.archive_button, self.form_host):
                widget.setEnabled(False)
        self._update_buttons()
        self.refresh_history()
        self.title_edit.setFocus()
        self._initial_size()

    # --- building -----------------------------------------------------------

    def _build(self) -> None:
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)

        self.banner = MessageBanner(self)
        self.conflict_notice = MessageBanner(self)
        outer.addWidget(self.conflict_notice)
        outer.addWidget(self.banner)

        self.override_box = QFrame(self)
        box = QVBoxLayout(self.override_box)
        heading = QLabel("A team rule asks for a reason", self.override_box)
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        box.addWidget(heading)
        self.override_text = QLabel(self.override_box)
        self.override_text.setWordWrap(True)
        self.override_reason = QLineEdit(self.override_box)
        self.override_reason.setPlaceholderText(
            "Why it is right to go ahead anyway (kept in history)"
        )
        self.override_error = FieldError(self.override_box)
        box.addWidget(self.override_text)
        box.addWidget(self.override_reason)
        box.addWidget(self.override_error)
        self.override_box.setObjectName("overrideBox")
        self.override_box.setStyleSheet(
            "QFrame#overrideBox { background:#fff4d6; border:1px solid #e0a800; "
            "border-radius:3px; }"
        )
        self.override_box.hide()
        outer.addWidget(self.override_box)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)

        self.form_host = form_host = QWidget()
        form = QFormLayout(form_host)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("What needs doing, in a few words")
        self.title_error = FieldError()
        form.addRow("&Title", _stack(self.title_edit, self.title_error))

        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMinimumHeight(em(self, 4))
        # Room for a paragraph; longer text scrolls inside, so the fields
        # below stay on a laptop screen without scrolling the form.
        self.description_edit.setMaximumHeight(em(self, 9))
        form.addRow("&Description", self.description_edit)

        self.column_combo = QComboBox()
        self.column_combo.currentIndexChanged.connect(self._column_changed)
        form.addRow("&Column", self.column_combo)

        self.person_combo = QComboBox()
        self.person_combo.currentIndexChanged.connect(self._person_changed)
        form.addRow("&Person (lane)", self.person_combo)

        self.size_spin = QDoubleSpinBox()
        self.size_spin.setRange(0.01, 365)
        self.size_spin.setDecimals(2)
        self.size_spin.setSingleStep(0.5)
        self.size_spin.setSuffix(" days")
        self.size_error = FieldError()
        form.addRow("&Size", _stack(self.size_spin, self.size_error))

        self.labels_edit = QLineEdit()
        self.labels_edit.setPlaceholderText("comma separated, e.g. network, windows")
        self.labels_error = FieldError()
        form.addRow("&Labels", _stack(self.labels_edit, self.labels_error))

        self.project_edit = QLineEdit()
        self.project_edit.setPlaceholderText("project or epic")
        form.addRow("P&roject", self.project_edit)

        self.due_check = QCheckBox("Due on")
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("yyyy-MM-dd")
        self.due_edit.setDate(QDate.currentDate())
        self.due_check.toggled.connect(self.due_edit.setEnabled)
        due_host = QWidget()
        due_host.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        due_row = QHBoxLayout(due_host)
        due_row.setContentsMargins(0, 0, 0, 0)
        due_row.addWidget(self.due_check)
        due_row.addWidget(self.due_edit, 1)
        form.addRow("D&ue date", due_host)

        self.jira_edit = QLineEdit()
        self.jira_edit.setPlaceholderText("e.g. OPS-123")
        self.jira_error = FieldError()
        form.addRow("&JIRA key", _stack(self.jira_edit, self.jira_error))

        self.not_ready_check = QCheckBox("Blocked; it waits for:")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("What it waits for, e.g. server networking")
        self.reason_error = FieldError()
        self.not_ready_check.toggled.connect(self.reason_edit.setEnabled)
        form.addRow("&Not ready", _stack(self.not_ready_check, self.reason_edit, self.reason_error))

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll_body = QWidget()
        scroll_lay = QVBoxLayout(scroll_body)
        scroll_lay.setContentsMargins(0, 0, 0, 0)
        scroll_lay.addWidget(form_host)
        scroll_lay.addStretch(1)
        scroll.setWidget(scroll_body)
        splitter.addWidget(scroll)

        history_box = QGroupBox("History")
        hist = QVBoxLayout(history_box)
        self.history_view = QTextBrowser()
        self.history_view.setOpenLinks(False)
        hist.addWidget(self.history_view)
        links_box = QGroupBox("Commits and pull requests")
        links_layout = QVBoxLayout(links_box)
        self.links_view = QTextBrowser()
        # Commit and PR links open in the user's browser.
        self.links_view.setOpenExternalLinks(True)
        links_layout.addWidget(self.links_view)
        side = QSplitter(Qt.Orientation.Vertical)
        self.sync_box = QGroupBox("JIRA: waiting to be settled")
        sync_layout = QVBoxLayout(self.sync_box)
        self.sync_view = QLabel(self.sync_box)
        self.sync_view.setWordWrap(True)
        self.sync_view.setTextFormat(Qt.TextFormat.PlainText)
        sync_layout.addWidget(self.sync_view)
        sync_buttons = QHBoxLayout()
        self.keep_mine_button = QPushButton("Keep mine", self.sync_box)
        self.keep_mine_button.setToolTip("The board's value wins; the next sync pushes it")
        self.keep_jira_button = QPushButton("Keep JIRA's", self.sync_box)
        self.keep_jira_button.setToolTip("JIRA's value wins; the card takes it at the next sync")
        self.revert_button = QPushButton("Revert on the board", self.sync_box)
        self.revert_button.setToolTip(
            "Put the card back to what JIRA has; the queued push is dropped"
        )
        self.keep_mine_button.clicked.connect(lambda: self.settle_sync("mine"))
        self.keep_jira_button.clicked.connect(lambda: self.settle_sync("jira"))
        self.revert_button.clicked.connect(lambda: self.settle_sync("revert"))
        for button in (self.keep_mine_button, self.keep_jira_button, self.revert_button):
            sync_buttons.addWidget(button)
        sync_buttons.addStretch(1)
        sync_layout.addLayout(sync_buttons)
        self.sync_box.hide()
        side.addWidget(self.sync_box)
        side.addWidget(history_box)
        side.addWidget(links_box)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 2)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        buttons = QHBoxLayout()
        self.archive_button = QPushButton("&Archive")
        self.archive_button.clicked.connect(self.archive_or_restore)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        # A field's error goes away as soon as the user starts fixing it.
        for edit, error in (
            (self.title_edit, self.title_error),
            (self.labels_edit, self.labels_error),
            (self.jira_edit, self.jira_error),
            (self.reason_edit, self.reason_error),
            (self.override_reason, self.override_error),
        ):
            edit.textEdited.connect(lambda _t, e=error: e.set_error(None))
        # Enter in the description adds a line, so saving needs its own key.
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)

    def _initial_size(self) -> None:
        width, height = em(self, 64), em(self, 44)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, int(screen.width() * 0.95))
            height = min(height, int(screen.height() * 0.9))
        self.resize(width, height)

    # --- loading --------------------------------------------------------------

    def _load_lookups(self) -> None:
        self._columns = self.service.columns()
        self._people = self.service.people(include_inactive=True)
        self._names = Names(
            {c.id: c.name for c in self._columns}, {p.id: p.name for p in self._people}
        )
        self._syncing = True
        try:
            self.column_combo.clear()
            for col in self._columns:
                label = col.name if col.kind is not ColumnKind.POOL else f"{col.name} (pool)"
                self.column_combo.addItem(label, col.id)
        finally:
            self._syncing = False

    def _fill_people(self, current: int | None) -> None:
        """Active people, plus the card's own person if they were made inactive."""
        self._syncing = True
        try:
            self.person_combo.clear()
            # Nobody: a pool card, or an active card no one has taken yet.
            self.person_combo.addItem("Nobody (unassigned)", _NOBODY)
            for p in self._people:
                if p.active or p.id == current:
                    suffix = "" if p.active else " (inactive)"
                    self.person_combo.addItem(p.name + suffix, p.id)
        finally:
            self._syncing = False

    def _new_card_values(self) -> dict[str, Any]:
        pool = next(c for c in self._columns if c.kind is ColumnKind.POOL)
        column_id = self._new_column_id if self._new_column_id is not None else pool.id
        return {
            "title": "",
            "description": "",
            "size_days": 1.0,
            "labels": [],
            "project": None,
            "due_date": None,
            "jira_key": None,
            "column_id": column_id,
            "person_id": None,
            "not_ready": False,
            "not_ready_reason": None,
        }

    def _fill(self, values: dict[str, Any]) -> None:
        """Put values into the form; only the keys given are touched."""
        self._syncing = True
        try:
            if "title" in values:
                self.title_edit.setText(values["title"])
                self.title_edit.setCursorPosition(0)
            if "description" in values:
                self.description_edit.setPlainText(values["description"])
            if "column_id" in values:
                idx = self.column_combo.findData(values["column_id"])
                self.column_combo.setCurrentIndex(max(idx, 0))
            if "person_id" in values:
                self._fill_people(values["person_id"])
                self._syncing = True
                wanted = _NOBODY if values["person_id"] is None else values["person_id"]
                self.person_combo.setCurrentIndex(max(self.person_combo.findData(wanted), 0))
            if "size_days" in values:
                self.size_spin.setValue(float(values["size_days"]))
            if "labels" in values:
                self.labels_edit.setText(", ".join(values["labels"]))
            if "project" in values:
                self.project_edit.setText(values["project"] or "")
            if "due_date" in values:
                due = values["due_date"]
                self.due_check.setChecked(due is not None)
                self.due_edit.setEnabled(due is not None)
                if due is not None:
                    self.due_edit.setDate(QDate(due.year, due.month, due.day))
            if "jira_key" in values:
                self.jira_edit.setText(values["jira_key"] or "")
            if "not_ready" in values:
                self.not_ready_check.setChecked(bool(values["not_ready"]))
                self.reason_edit.setEnabled(bool(values["not_ready"]))
            if "not_ready_reason" in values:
                self.reason_edit.setText(values["not_ready_reason"] or "")
        finally:
            self._syncing = False

    def refresh_history(self) -> None:
        """Re-read the card's history (the board may call this after a reload)."""
        self.refresh_links()
        self.refresh_sync()
        if self.card is None:
            self.history_view.setPlainText("No history yet: the card is created when you save.")
            return
        try:
            events = self.service.history(self.card.id)
        except UserError as exc:
            self.history_view.setPlainText(f"History not available: {exc}")
            return
        blocks = []
        for event in newest_first(events):
            head, body = describe_parts(event, self._names)
            blocks.append(
                f"<p style='margin-bottom:0.6em'><span style='color:#555'>{html.escape(head)}"
                f"</span><br>{html.escape(body)}</p>"
            )
        self.history_view.setHtml("".join(blocks))

    def refresh_sync(self) -> None:
        """Show what the JIRA sync could not settle on this card: conflicts and refused pushes."""
        self._pending = []
        if self.card is not None:
            from kanban.services.sync import SyncService
            from kanban.ui.sync_panel import synced_value

            try:
                pending = SyncService(self.service).pending()
            except UserError as exc:
                log.info("Sync state of card %s not available: %s", self.card.id, exc)
                pending = []
            self._pending = [p for p in pending if p.card_id == self.card.id]
        if not self._pending:
            self.sync_box.hide()
            return
        lines = []
        for item in self._pending:
            if item.kind == "conflict":
                mine = synced_value(item.local, quote_text=True)
                theirs = synced_value(item.remote, quote_text=True)
                lines.append(
                    f"Conflict on {item.field}: the board has {mine}, "
                    f"{item.issue_key or 'JIRA'} has {theirs}."
                )
            else:
                lines.append(
                    f"Not pushed to {item.issue_key or 'JIRA'} ({item.field}): "
                    f"{item.message or 'waiting for the next sync'}"
                )
        self.sync_view.setText("\n".join(lines))
        conflicts = any(p.kind == "conflict" for p in self._pending)
        self.keep_mine_button.setVisible(conflicts)
        self.keep_jira_button.setVisible(conflicts)
        self.revert_button.setVisible(any(p.kind != "conflict" for p in self._pending))
        self.sync_box.show()

    def settle_sync(self, choice: str) -> bool:
        """Keep mine / keep JIRA's for every conflict, or revert every refused push."""
        if self.card is None or not self._pending:
            return False
        from kanban.services.sync import SyncService

        sync = SyncService(self.service)
        done = []
        try:
            for item in self._pending:
                if choice == "revert" and item.kind != "conflict":
                    done.append(sync.revert(self.card.id, item.field))
                elif choice in ("mine", "jira") and item.kind == "conflict":
                    done.append(sync.resolve(self.card.id, item.field, choice))
        except UserError as exc:
            self.banner.show_message(str(exc))
            return False
        if done:
            self.banner.show_message(" ".join(done), "info")
            self.saved.emit(self.card.id)
        # A revert moved the card on the board: show it, unless the user has edits
        # in progress (their save then meets the usual conflict path, nothing lost).
        if not self._safe_edited_fields():
            fresh = self.service.card(self.card.id)
            self.card = fresh
            self._fill(card_values(fresh))
        self._update_buttons()
        self.refresh_history()
        return bool(done)

    def refresh_links(self) -> None:
        """List the commits and pull requests that name this card's JIRA key."""
        if self.card is None or not self.card.jira_key:
            self.links_view.setPlainText(
                "Commits and pull requests appear here once the card has a JIRA key that "
                "commit messages, branches or pull requests name."
            )
            return
        from kanban.services.links import LinksService

        try:
            links = LinksService(self.service).card_links(self.card.id)
        except UserError as exc:
            self.links_view.setPlainText(f"Links not available: {exc}")
            return
        self.links_view.setHtml(links_html(links, self.card.jira_key))

    def _update_buttons(self) -> None:
        self.archive_button.setVisible(self.card is not None)
        if self.card is not None:
            self.archive_button.setText("&Restore" if self.card.archived else "&Archive")
        if not self.override_box.isHidden():
            self.save_button.setText("&Save with reason")
        else:
            self.save_button.setText("&Create" if self.card is None else "&Save")

    # --- keeping column and person consistent ---------------------------------

    def _column_kind(self, column_id: int) -> ColumnKind:
        return next(c.kind for c in self._columns if c.id == column_id)

    def _column_changed(self, _index: int) -> None:
        if self._syncing:
            return
        column_id = self.column_combo.currentData()
        if column_id is not None and self._column_kind(column_id) is ColumnKind.POOL:
            # Pool cards belong to no lane.
            self._syncing = True
            self.person_combo.setCurrentIndex(0)
            self._syncing = False

    def _person_changed(self, _index: int) -> None:
        if self._syncing:
            return
        person = self.person_combo.currentData()
        column_id = self.column_combo.currentData()
        if person != _NOBODY and self._column_kind(column_id) is ColumnKind.POOL:
            # Giving a pool card to someone starts it, as "assign" does.
            first_active = next((c for c in self._columns if c.kind is ColumnKind.ACTIVE), None)
            if first_active is not None:
                self._syncing = True
                self.column_combo.setCurrentIndex(self.column_combo.findData(first_active.id))
                self._syncing = False

    # --- reading the form -------------------------------------------------------

    def form_values(self) -> dict[str, Any]:
        """What the form says now, as plain values (not validated)."""
        person = self.person_combo.currentData()
        not_ready = self.not_ready_check.isChecked()
        qdate = self.due_edit.date()
        return {
            "title": self.title_edit.text(),
            "description": self.description_edit.toPlainText(),
            "size_days": round(self.size_spin.value(), 2),
            "labels": _split_labels(self.labels_edit.text()),
            "project": self.project_edit.text().strip() or None,
            "due_date": date(qdate.year(), qdate.month(), qdate.day())
            if self.due_check.isChecked()
            else None,
            "jira_key": self.jira_edit.text().strip() or None,
            "column_id": self.column_combo.currentData(),
            "person_id": None if person in (None, _NOBODY) else person,
            "not_ready": not_ready,
            "not_ready_reason": (self.reason_edit.text().strip() or None) if not_ready else None,
        }

    def edited_fields(self, values: dict[str, Any] | None = None) -> set[str]:
        """The fields whose form value differs from the card as last loaded."""
        values = values or self.form_values()
        base = card_values(self.card) if self.card is not None else self._new_card_values()
        return {f for f in FORM_FIELDS if not _same(f, values[f], base[f])}

    def _validate(self, values: dict[str, Any]) -> bool:
        """Check every field before writing anything, so a save is never half-done by a typo."""
        checks = (
            (self.title_error, lambda: validate_title(values["title"])),
            (self.size_error, lambda: validate_size(values["size_days"])),
            (self.labels_error, lambda: validate_labels(values["labels"])),
            (self.jira_error, lambda: validate_jira_key(values["jira_key"])),
            (
                self.reason_error,
                lambda: (
                    validate_reason(values["not_ready_reason"], "Marking a card not ready")
                    if values["not_ready"]
                    else None
                ),
            ),
        )
        first_bad: QWidget | None = None
        for label, check in checks:
            try:
                check()
            except InvalidInput as exc:
                label.set_error(str(exc))
                first_bad = first_bad or label
            else:
                label.set_error(None)
        if first_bad is not None:
            self.banner.show_message("Please correct the field marked in red; nothing was saved.")
            target = {
                self.title_error: self.title_edit,
                self.size_error: self.size_spin,
                self.labels_error: self.labels_edit,
                self.jira_error: self.jira_edit,
                self.reason_error: self.reason_edit,
            }[first_bad]
            target.setFocus()
            return False
        return True

    # --- saving -----------------------------------------------------------------

    def _override(self) -> str | None:
        if self.override_box.isHidden():
            return None
        return self.override_reason.text().strip() or None

    def save(self) -> bool:
        """Write the user's edits; True when everything is saved and the dialog closed."""
        self.banner.clear_message()
        values = self.form_values()
        if not self._validate(values):
            return False
        self.override_error.set_error(None)
        self._wrote = False
        try:
            ok = self._write_steps(values)
        finally:
            # Once per save, also when a rule stopped it after a first step was
            # written, so the board repaints what is really stored.
            if self._wrote and self.card is not None:
                self.saved.emit(self.card.id)
        if ok:
            self.accept()
        return ok

    def _write_steps(self, values: dict[str, Any]) -> bool:
        try:
            if self.card is None:
                self._create(values)
            else:
                self._apply(values)
        except ConflictError:
            self._on_conflict(values)
            return False
        except RuleViolationError as exc:
            self._on_rule(exc)
            return False
        except UserError as exc:
            self.banner.show_message(str(exc))
            return False
        except Exception:  # a bug: log it, keep the dialog and the user's edits
            log.exception("Unexpected error while saving a card")
            self.banner.show_message(
                f"Unexpected error while saving the card; your edits are still here. "
                f"Details in {log_file()}."
            )
            return False
        return True

    def _create(self, values: dict[str, Any]) -> None:
        result = self.service.add_card(
            values["title"],
            description=values["description"],
            column=values["column_id"],
            person=values["person_id"],
            size_days=values["size_days"],
            labels=values["labels"],
            project=values["project"],
            due_date=values["due_date"],
            jira_key=values["jira_key"],
            not_ready_reason=values["not_ready_reason"] if values["not_ready"] else None,
            override_reason=self._override(),
        )
        self._written(result.card)

    def _apply(self, values: dict[str, Any]) -> None:
        """Content, then place, then not-ready: each step diffs against the card as written."""
        assert self.card is not None  # noqa: S101 - only called for an existing card
        card_id = self.card.id
        reason = self._override()
        edited = self.edited_fields(values)
        content = {f: values[f] for f in CONTENT_FIELDS if f in edited}
        if content:
            result = self.service.edit_card(
                card_id, expected_revision=self.card.revision, override_reason=reason, **content
            )
            self._written(result.card)
        edited = self.edited_fields(values)
        if "column_id" in edited or "person_id" in edited:
            person = values["person_id"]
            if "column_id" not in edited:
                result = self.service.assign(
                    card_id, person, expected_revision=self.card.revision, override_reason=reason
                )
            else:
                result = self.service.move_card(
                    card_id,
                    column=values["column_id"],
                    person=person,
                    unassign=person is None,
                    expected_revision=self.card.revision,
                    override_reason=reason,
                )
            self._written(result.card)
        edited = self.edited_fields(values)
        if "not_ready" in edited or "not_ready_reason" in edited:
            if values["not_ready"]:
                result = self.service.block(
                    card_id, values["not_ready_reason"] or "", expected_revision=self.card.revision
                )
            else:
                result = self.service.unblock(card_id, expected_revision=self.card.revision)
            self._written(result.card)

    def _written(self, card: Card) -> None:
        """A step was persisted: later steps (and a retry) diff against it."""
        self.card = card
        self._wrote = True

    def _on_rule(self, exc: RuleViolationError) -> None:
        messages = "; ".join(str(v) for v in exc.violations) or str(exc)
        if exc.needs_reason:
            if not self.override_box.isHidden():
                # Asked before and still no reason (or the change still breaks a rule).
                self.override_error.set_error(
                    "Give a reason to go ahead anyway, or change the card so the rule is kept."
                )
            self.override_text.setText(
                f"This change breaks a team rule: {messages}.\n"
                "Give a reason and press Save again to go ahead; the reason goes into the "
                "card's history."
            )
            self.override_box.show()
            self.override_reason.setFocus()
            self.banner.clear_message()
        else:
            self.banner.show_message(str(exc))
        self._after_partial_write()

    def _after_partial_write(self) -> None:
        self._update_buttons()
        self.refresh_history()

    def _on_conflict(self, values: dict[str, Any]) -> None:
        """Reload the card, show their change, keep the user's edits in the fields."""
        assert self.card is not None  # noqa: S101 - a new card cannot conflict
        old = card_values(self.card)
        mine = {f: values[f] for f in self.edited_fields(values)}
        try:
            fresh = self.service.card(self.card.id)
        except NotFound:
            self.conflict_notice.show_message(
                "This card was deleted by someone else since you opened it; it cannot be "
                "saved. Copy anything you need from the fields, then close the dialog.",
                "warning",
            )
            self.save_button.setEnabled(False)
            self.archive_button.setEnabled(False)
            return
        except UserError as exc:
            self.banner.show_message(str(exc))
            return
        self._load_lookups()
        theirs_values = card_values(fresh)
        theirs = [f for f in FORM_FIELDS if not _same(f, old[f], theirs_values[f])]
        self.card = fresh
        self._fill(theirs_values)
        self._fill(mine)
        self._update_buttons()
        self.refresh_history()

        try:
            last = latest_change(self.service.history(fresh.id))
        except UserError:
            last = None
        who = "Someone else" if last is None else f"{last[0]} (at {last[1].astimezone():%H:%M})"
        lines = [f"{who} changed this card after you opened it, so nothing was saved yet:"]
        for f in theirs:
            if f == "not_ready_reason" and "not_ready" in theirs:
                continue
            change = (
                f"{FIELD_NAMES[f]}: {format_value(f, old[f], self._names)} → "
                f"{format_value(f, theirs_values[f], self._names)}"
            )
            if f in mine:
                change += " (you changed it too; your value is in the field)"
            lines.append("• " + change)
        if fresh.archived:
            lines.append("• the card is now archived (Restore brings it back)")
        if mine:
            lines.append(
                "Your edits are kept in the fields. Check them and press Save to apply them."
            )
        else:
            lines.append("You had not changed anything; the fields now show the current card.")
        self.conflict_notice.show_message("\n".join(lines), "warning")

    # --- closing ------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel or Esc; with unsaved edits the first press only warns, so none are lost."""
        has_edits = self.save_button.isEnabled() and bool(self._safe_edited_fields())
        if has_edits and not self._cancel_armed:
            self._cancel_armed = True
            self.banner.show_message(
                "You have unsaved edits. Press Cancel (or Esc) again to close without "
                "saving them, or Save.",
                "warning",
            )
            return
        super().reject()

    def _safe_edited_fields(self) -> set[str]:
        try:
            return self.edited_fields()
        except (StopIteration, KeyError, TypeError):
            return set()

    # --- archive ------------------------------------------------------------------

    def archive_or_restore(self) -> bool:
        """Archive (or restore an archived card); True when done and the dialog closed."""
        if self.card is None:
            return False
        if not self.card.archived and self.edited_fields() and not self._archive_armed:
            # Two clicks, so unsaved edits are never thrown away by one slip.
            self._archive_armed = True
            self.banner.show_message(
                "You have unsaved edits. Press Archive again to archive the card without "
                "them, or Save first.",
                "warning",
            )
            return False
        self._archive_armed = False
        values = self.form_values()
        try:
            if self.card.archived:
                result = self.service.restore(
                    self.card.id,
                    expected_revision=self.card.revision,
                    override_reason=self._override(),
                )
            else:
                result = self.service.archive(self.card.id, expected_revision=self.card.revision)
        except ConflictError:
            self._on_conflict(values)
            return False
        except RuleViolationError as exc:
            # A full column or lane: the same reason box as for a save, then Restore again.
            self._on_rule(exc)
            if exc.needs_reason:
                self.override_text.setText(
                    self.override_text.text().replace("press Save again", "press Restore again")
                )
            return False
        except UserError as exc:
            self.banner.show_message(str(exc))
            return False
        self._written(result.card)
        self.saved.emit(result.card.id)
        self.accept()
        return True


def _stack(*widgets: QWidget) -> QWidget:
    """Widgets one above the other, as one form field (a field and its error line)."""
    host = QWidget()
    # Never taller than its contents: spare height goes to the description.
    host.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    lay = QVBoxLayout(host)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w)
    return host


def links_html(links: dict[str, Any], key: str) -> str:
    """The card's pull requests and commits as HTML with links that open in the browser."""
    esc = html.escape
    parts: list[str] = []
    for pr in links.get("pull_requests") or []:
        title = esc(str(pr.get("title") or ""))
        if pr.get("url"):
            title = f"<a href='{esc(str(pr['url']), quote=True)}'>{title}</a>"
        reviewers = ", ".join(
            esc(str(r.get("name", ""))) + (" ✓" if r.get("approved") else "")
            for r in pr.get("reviewers") or []
        )
        state = str(pr.get("state", "")).lower()
        closed = pr.get("closed")
        when = f" {closed.astimezone():%Y-%m-%d}" if closed and state != "open" else ""
        parts.append(
            f"<p><b>PR {esc(state)}{esc(when)}</b> "
            f"{esc(str(pr.get('approvals') or ''))} {title}"
            + (f"<br><span style='color:#555'>reviewers: {reviewers}</span>" if reviewers else "")
            + "</p>"
        )
    commits = links.get("commits") or []
    for commit in commits:
        sha = esc(str(commit.get("short_sha") or ""))
        if commit.get("url"):
            sha = f"<a href='{esc(str(commit['url']), quote=True)}'>{sha}</a>"
        when = esc(str(commit.get("date") or "")[:10])
        parts.append(
            f"<p style='margin:0'><tt>{sha}</tt> {esc(str(commit.get('subject') or ''))}"
            f"<br><span style='color:#555'>{esc(str(commit.get('author') or ''))} · {when} · "
            f"{esc(str(commit.get('repository') or ''))}</span></p>"
        )
    if not parts:
        return f"<p>No commit, branch or pull request names {esc(key)} yet.</p>"
    return "".join(parts)
