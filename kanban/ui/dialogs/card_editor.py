"""The card editor dialog: every field of one card, its history, and a safe save.

The dialog remembers the card's revision when it loads it and passes it to
every service call, so an edit never overwrites someone else's change
silently. On a conflict it reloads the card, shows what the other person
changed, keeps the user's own edits in the fields (only the fields the user
touched are sent on the next save, so the other person's changes to the rest
survive) and lets the user save again on purpose.

A warned team rule opens an inline "override reason" box instead of a nested
modal prompt; an enforced one is shown as a message. Both keep the dialog
open with nothing lost. Tests drive the dialog through its widgets.

Nothing here takes a database lock on the GUI thread. The card, the board's
columns and people, the history and the links are read in one job on a
worker (:func:`card_form.load_editor_data`): the caller may pass what it read
already (``data``) or an executor to read on (the board window uses its
reader); otherwise the dialog reads on its own worker, with the form disabled
until the data is there (``loaded``). A save, an archive or a restore is one
job on the same worker too, with the buttons and the form disabled meanwhile
(``busy``); its outcome comes back to the GUI thread and drives the banners,
the override box and the conflict notice (``write_finished`` follows).

This module holds the widgets; what the form decides about its values (what
changed, validation, the save's steps, the notices' words) and the jobs that
call the board service are in the Qt-free :mod:`card_form`, and the side
panels (history, links, the JIRA section that reads on a worker of its own) in
:mod:`card_panels`, the comments and the checklist in :mod:`card_notes`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import Card, Column, ColumnKind, Person
from kanban.errors import ConflictError, InvalidInput, NotFound, RuleViolationError, UserError
from kanban.logs import log_file
from kanban.services.board import BoardService
from kanban.services.history_text import Names, latest_change
from kanban.ui.dialogs import card_form
from kanban.ui.dialogs.card_form import EditorData, FormValues, Panels, WriteOutcome, card_values
from kanban.ui.dialogs.card_notes import ChecklistBox, CommentsBox
from kanban.ui.dialogs.card_panels import CardSyncBox, HistoryBox, LinksBox, OverrideBox
from kanban.ui.dialogs.common import FieldError, MessageBanner, em
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)

_NOBODY = -1  # combo data for "no person": Qt item data cannot hold None reliably


class CardEditorDialog(QDialog):
    """Create or edit one card.

    Args:
        service: the board's use cases; the only way this dialog changes anything.
        card_id: the card to edit, or None for a new card.
        parent: the parent widget.
        column_id: where a new card goes (default: the task pool).
        data: what :func:`card_form.load_editor_data` read for ``card_id``; the
            form is filled at once. Without it the dialog reads it on ``loader``.
        loader: the worker to read the card on (default: the dialog's own).

    Signals:
        saved(str): the card id, once per save or archive that wrote something
            (also when a rule stopped a save after its first step was written,
            so the board can repaint at once), and after a JIRA conflict or
            refused push was settled from the card.
        write_finished(bool): a save, archive or restore came back from the
            worker: True when everything was written (the dialog has closed),
            False when the dialog stays open and says why.
    """

    saved = Signal(str)
    write_finished = Signal(bool)
    notes_changed = Signal()

    def __init__(
        self,
        service: BoardService,
        card_id: str | None,
        parent: QWidget | None = None,
        column_id: int | None = None,
        *,
        data: EditorData | None = None,
        loader: SerialExecutor | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.card: Card | None = None
        self._card_id = card_id
        self._new_column_id = column_id
        self._people: list[Person] = []
        self._syncing = False
        self._archive_armed = False
        self._cancel_armed = False
        self._loaded = False
        self._busy = False
        self._columns: list[Column] = []
        self._names = Names({}, {})
        # Reads and writes of this dialog, one at a time: the last one asked for is
        # the last one shown, and a save never overtakes the load.
        self._executor = SerialExecutor("card-editor", self)
        self._build()
        self.setWindowTitle("New card" if card_id is None else "Card")
        self._update_buttons()
        self._initial_size()
        if data is not None:
            self._data_arrived(data, None)
            return
        # Nothing to type into, save or archive until the card is there.
        for widget in (self.save_button, self.archive_button, self.form_host):
            widget.setEnabled(False)
        self.history_view.setPlainText("Loading…")
        (loader or self._executor).submit(
            lambda: card_form.load_editor_data(service, card_id), self._data_arrived
        )

    @property
    def loaded(self) -> bool:
        """The load came back: the form shows the card, or the banner says why it cannot."""
        return self._loaded

    @property
    def busy(self) -> bool:
        """A save, archive or restore is on its way on the worker."""
        return self._busy

    @property
    def idle(self) -> bool:
        """Loaded, and no read or write of the dialog (or its JIRA box) is on its way."""
        return (
            self._loaded
            and self._executor.pending == 0
            and self.sync_box.idle
            and self.comments_box.idle
            and self.checklist_box.idle
        )

    # --- building -----------------------------------------------------------

    def _build(self) -> None:
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)

        self.banner = MessageBanner(self)
        self.conflict_notice = MessageBanner(self)
        outer.addWidget(self.conflict_notice)
        outer.addWidget(self.banner)

        self.override_box = OverrideBox(self)
        self.override_text = self.override_box.text
        self.override_reason = self.override_box.reason
        self.override_error = self.override_box.error
        outer.addWidget(self.override_box)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        outer.addWidget(splitter, 1)
        splitter.addWidget(self._build_form())

        side = QSplitter(Qt.Orientation.Vertical)
        self.sync_box = CardSyncBox(self.service)
        self.sync_view = self.sync_box.view
        self.keep_mine_button = self.sync_box.keep_mine_button
        self.keep_jira_button = self.sync_box.keep_jira_button
        self.revert_button = self.sync_box.revert_button
        self.sync_box.chosen.connect(self.settle_sync)
        self.sync_box.settled.connect(self._sync_settled)
        self.sync_box.failed.connect(self.banner.show_message)
        self.history_box = HistoryBox()
        self.history_view = self.history_box.view
        self.links_box = LinksBox()
        self.links_view = self.links_box.view
        self.comments_box = CommentsBox(self.service)
        self.checklist_box = ChecklistBox(self.service)
        for box in (self.comments_box, self.checklist_box):
            box.changed.connect(self.refresh_history)
            box.changed.connect(self.notes_changed)
            box.failed.connect(self.banner.show_message)
        side.addWidget(self.sync_box)
        side.addWidget(self.comments_box)
        side.addWidget(self.checklist_box)
        side.addWidget(self.history_box)
        side.addWidget(self.links_box)
        side.setStretchFactor(0, 3)
        side.setStretchFactor(1, 3)
        side.setStretchFactor(2, 2)
        side.setStretchFactor(3, 2)
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
        ):
            edit.textEdited.connect(lambda _t, e=error: e.set_error(None))
        # Enter in the description adds a line, so saving needs its own key.
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)

    def _build_form(self) -> QWidget:
        """The fields, in a scroll area; each validated field has its error line below it."""
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

        # The error line and the widget to focus for each validated field.
        self._field_widgets: dict[str, tuple[FieldError, QWidget]] = {
            "title": (self.title_error, self.title_edit),
            "size_days": (self.size_error, self.size_spin),
            "labels": (self.labels_error, self.labels_edit),
            "jira_key": (self.jira_error, self.jira_edit),
            "not_ready_reason": (self.reason_error, self.reason_edit),
        }

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll_body = QWidget()
        scroll_lay = QVBoxLayout(scroll_body)
        scroll_lay.setContentsMargins(0, 0, 0, 0)
        scroll_lay.addWidget(form_host)
        scroll_lay.addStretch(1)
        scroll.setWidget(scroll_body)
        return scroll

    def _initial_size(self) -> None:
        width, height = em(self, 64), em(self, 44)
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            width = min(width, int(screen.width() * 0.95))
            height = min(height, int(screen.height() * 0.9))
        self.resize(width, height)

    # --- loading --------------------------------------------------------------

    def _data_arrived(self, data: EditorData | None, error: BaseException | None) -> None:
        """The load came back (on the GUI thread): fill the form, or say why it cannot be."""
        if data is None:  # the job itself failed: a bug, since it returns what it met
            log.error("Unexpected error while loading a card", exc_info=error)
            data = EditorData(
                error=UserError(f"Unexpected error: {error}. Details in {log_file()}")
            )
        self._set_lookups(data)
        self.card = data.card
        failure = data.error
        if failure is None:
            try:
                if self.card is not None:
                    self._fill(card_values(self.card))
                    self.setWindowTitle(f"Card: {self.card.title}")
                else:
                    self._fill(self._new_card_values())
            except UserError as exc:
                failure = exc
        self._loaded = True
        if failure is not None:
            # A locked or vanished database: say so and offer nothing that could fail again.
            self.banner.show_message(card_form.LOAD_FAILED.format(error=failure))
            for widget in (self.save_button, self.archive_button, self.form_host):
                widget.setEnabled(False)
        else:
            for widget in (self.save_button, self.archive_button, self.form_host):
                widget.setEnabled(True)
        self._update_buttons()
        self._show_panels(data.panels)
        self.refresh_sync()
        card_id = self.card.id if self.card is not None and failure is None else None
        self.comments_box.load(card_id)
        self.checklist_box.load(card_id)
        self.title_edit.setFocus()

    def _set_lookups(self, data: EditorData) -> None:
        self._columns = list(data.columns)
        self._people = list(data.people)
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

    def _new_card_values(self) -> FormValues:
        return card_form.new_card_values(self._columns, self._new_column_id)

    def _fill(self, values: FormValues) -> None:
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
        """Re-read the card's history, links and JIRA state on the workers (the board may
        call this); each panel shows what was read when it arrives."""
        self.refresh_links()
        self.refresh_sync()

    def refresh_sync(self) -> None:
        """Ask the worker what the JIRA sync could not settle on this card; shown on arrival."""
        self.sync_box.load(self.card.id if self.card is not None else None)

    def refresh_links(self) -> None:
        """Re-read the card's history and the commits and pull requests naming its JIRA key."""
        card, service = self.card, self.service
        self._executor.submit(lambda: card_form.load_panels(service, card), self._panels_arrived)

    def _panels_arrived(self, panels: Panels | None, error: BaseException | None) -> None:
        if panels is None:
            log.error("Unexpected error while reading a card's history", exc_info=error)
            panels = Panels(history_error=str(error), links_error=str(error))
        self._show_panels(panels)

    def _show_panels(self, panels: Panels) -> None:
        self.history_box.show_card(self.card, panels, self._names)
        self.links_box.show_card(self.card, panels)

    def settle_sync(self, choice: str) -> bool:
        """Keep mine / keep JIRA's for every conflict, or revert every refused push.

        The writes run on the sync worker; True when there was something to settle
        (``saved`` follows once it is written, or the banner says why it was not).
        """
        if self.card is None:
            return False
        return self.sync_box.settle(choice)

    def _sync_settled(self, message: str, fresh: Card | None) -> None:
        self.banner.show_message(message, "info")
        if self.card is not None:
            self.saved.emit(self.card.id)
        # A revert moved the card on the board: show it, unless the user has edits
        # in progress (their save then meets the usual conflict path, nothing lost).
        if fresh is not None and not self._safe_edited_fields():
            self.card = fresh
            self._fill(card_values(fresh))
        self._update_buttons()
        self.refresh_links()

    def _update_buttons(self) -> None:
        self.archive_button.setVisible(self.card is not None)
        if self.card is not None:
            self.archive_button.setText("&Restore" if self.card.archived else "&Archive")
        if self.override_box.asking:
            self.save_button.setText("&Save with reason")
        else:
            new = self.card is None and self._card_id is None
            self.save_button.setText("&Create" if new else "&Save")

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
            first_active = card_form.first_active_column(self._columns)
            if first_active is not None:
                self._syncing = True
                self.column_combo.setCurrentIndex(self.column_combo.findData(first_active.id))
                self._syncing = False

    # --- reading the form -------------------------------------------------------

    def form_values(self) -> FormValues:
        """What the form says now, as plain values (not validated)."""
        person = self.person_combo.currentData()
        not_ready = self.not_ready_check.isChecked()
        qdate = self.due_edit.date()
        return {
            "title": self.title_edit.text(),
            "description": self.description_edit.toPlainText(),
            "size_days": round(self.size_spin.value(), 2),
            "labels": card_form.split_labels(self.labels_edit.text()),
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

    def edited_fields(self, values: FormValues | None = None) -> set[str]:
        """The fields whose form value differs from the card as last loaded."""
        values = values or self.form_values()
        base = card_values(self.card) if self.card is not None else self._new_card_values()
        return card_form.edited_fields(values, base)

    def _validate(self, values: FormValues) -> bool:
        """Check every field before writing anything, so a save is never half-done by a typo."""
        errors = card_form.field_errors(values)
        for field, (label, _widget) in self._field_widgets.items():
            label.set_error(errors.get(field))
        if not errors:
            return True
        self.banner.show_message(card_form.INVALID_FORM)
        first = next(iter(errors))
        self._field_widgets[first][1].setFocus()
        return False

    # --- saving -----------------------------------------------------------------

    def _override(self) -> str | None:
        return self.override_box.given_reason()

    def save(self) -> bool:
        """Start writing the user's edits on the worker; False when nothing was started.

        Nothing starts while the card loads or a write is on its way, when the
        dialog cannot save (the card could not be loaded, or was deleted), or
        when a field is invalid (the field says why). Otherwise ``write_finished``
        follows: the dialog closes when everything is saved, or stays open and
        shows what stopped the save, with the user's edits in the fields.
        """
        if self._busy or not self._loaded or not self.save_button.isEnabled():
            return False
        self.banner.clear_message()
        values = self.form_values()
        if not self._validate(values):
            return False
        self.override_error.set_error(None)
        service, card, reason = self.service, self.card, self._override()
        self._start_write(
            lambda: card_form.save_card(service, card, values, reason),
            lambda outcome: self._saved(values, outcome),
            self.save_button,
            "Saving…",
        )
        return True

    def _start_write(
        self,
        job: Callable[[], WriteOutcome],
        done: Callable[[WriteOutcome], None],
        button: QPushButton,
        doing: str,
    ) -> None:
        """Run a write on the worker with the dialog busy (``button`` says ``doing``);
        ``done`` gets its outcome on the GUI thread."""
        focus = self.focusWidget()
        self._set_busy(True)
        button.setText(doing)

        def finished(outcome: Any, error: BaseException | None) -> None:
            self._set_busy(False)
            if focus is not None and focus.isEnabled() and focus.isVisible():
                focus.setFocus()
            if outcome is None:  # the job raised instead of returning what it met: a bug
                outcome = WriteOutcome(error=error)
            done(outcome)

        self._executor.submit(job, finished)

    def _set_busy(self, busy: bool) -> None:
        """While a write is on its way: nothing to type into, and no second save."""
        self._busy = busy
        for widget in (self.save_button, self.archive_button, self.form_host, self.override_box):
            widget.setEnabled(not busy)
        if not busy:
            self._update_buttons()

    def _saved(self, values: FormValues, outcome: WriteOutcome) -> None:
        """A save came back from the worker (on the GUI thread)."""
        ok = self._show_outcome(values, outcome, "Save", "saving the card")
        # Once per save, also when a rule stopped it after a first step was
        # written, so the board repaints what is really stored.
        if outcome.written is not None and self.card is not None:
            self.saved.emit(self.card.id)
        if ok:
            self.accept()
        self.write_finished.emit(ok)

    def _show_outcome(
        self, values: FormValues, outcome: WriteOutcome, button: str, what: str
    ) -> bool:
        """Show what stopped a write, if anything; True when everything was written."""
        if outcome.written is not None:
            # Later steps (and a retry) diff against the card as written.
            self.card = outcome.written
        error = outcome.error
        if error is None:
            return True
        if isinstance(error, ConflictError):
            self._on_conflict(values, outcome.fresh)
        elif isinstance(error, RuleViolationError):
            self._on_rule(error, button, outcome.panels)
        elif isinstance(error, UserError):
            self.banner.show_message(str(error))
        else:  # a bug: log it, keep the dialog and the user's edits
            log.error("Unexpected error while %s", what, exc_info=error)
            self.banner.show_message(
                f"Unexpected error while {what}; your edits are still here. "
                f"Details in {log_file()}."
            )
        return False

    def _on_rule(
        self, exc: RuleViolationError, button: str = "Save", panels: Panels | None = None
    ) -> None:
        if exc.needs_reason:
            messages = "; ".join(str(v) for v in exc.violations) or str(exc)
            self.override_box.ask(card_form.rule_prompt(messages, button))
            self.banner.clear_message()
        else:
            self.banner.show_message(str(exc))
        self._update_buttons()
        # A first step may have been written: the panels show the card as stored.
        if panels is not None:
            self._show_panels(panels)
            self.refresh_sync()
        else:
            self.refresh_history()

    def _on_conflict(self, values: FormValues, fresh: EditorData | None) -> None:
        """Show the card as stored now and their change; keep the user's edits in the fields."""
        if self.card is None or fresh is None:  # a new card cannot conflict
            return
        old = card_values(self.card)
        mine = {f: values[f] for f in self.edited_fields(values)}
        if isinstance(fresh.error, NotFound):
            self.conflict_notice.show_message(card_form.DELETED_ELSEWHERE, "warning")
            self.save_button.setEnabled(False)
            self.archive_button.setEnabled(False)
            return
        if fresh.error is not None or fresh.card is None:
            self.banner.show_message(str(fresh.error))
            return
        self._set_lookups(fresh)
        theirs = card_values(fresh.card)
        self.card = fresh.card
        self._fill(theirs)
        self._fill(mine)
        self._update_buttons()
        self._show_panels(fresh.panels)
        self.refresh_sync()

        panels = fresh.panels
        last = latest_change(list(panels.history)) if panels.history_error is None else None
        notice = card_form.conflict_notice(
            old, theirs, mine, archived=fresh.card.archived, last=last, names=self._names
        )
        self.conflict_notice.show_message(notice, "warning")

    # --- closing ------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel or Esc; with unsaved edits the first press only warns, so none are lost.

        While a write is on its way the dialog stays: its outcome is shown here.
        """
        if self._busy:
            return
        has_edits = self.save_button.isEnabled() and bool(self._safe_edited_fields())
        if has_edits and not self._cancel_armed:
            self._cancel_armed = True
            self.banner.show_message(card_form.UNSAVED_ON_CANCEL, "warning")
            return
        super().reject()

    def _safe_edited_fields(self) -> set[str]:
        try:
            return self.edited_fields()
        except (InvalidInput, StopIteration, KeyError, TypeError):
            return set()

    # --- archive ------------------------------------------------------------------

    def archive_or_restore(self) -> bool:
        """Archive (or restore an archived card) on the worker; False when nothing started.

        With unsaved edits the first press only warns. Otherwise ``write_finished``
        follows: the dialog closes when done, or stays open and says why not.
        """
        if self.card is None or self._busy or not self.archive_button.isEnabled():
            return False
        if not self.card.archived and self.edited_fields() and not self._archive_armed:
            # Two clicks, so unsaved edits are never thrown away by one slip.
            self._archive_armed = True
            self.banner.show_message(card_form.UNSAVED_ON_ARCHIVE, "warning")
            return False
        self._archive_armed = False
        values = self.form_values()
        service, card, reason = self.service, self.card, self._override()
        what = "restoring the card" if card.archived else "archiving the card"
        self._start_write(
            lambda: card_form.archive_or_restore_card(service, card, reason),
            lambda outcome: self._archived(values, outcome, what),
            self.archive_button,
            "Restoring…" if card.archived else "Archiving…",
        )
        return True

    def _archived(self, values: FormValues, outcome: WriteOutcome, what: str) -> None:
        """An archive or restore came back from the worker (on the GUI thread)."""
        # A full column or lane: the same reason box as for a save, then Restore again.
        ok = self._show_outcome(values, outcome, "Restore", what)
        if ok and outcome.written is not None:
            self.saved.emit(outcome.written.id)
            self.accept()
        self.write_finished.emit(ok)


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
