"""The team rules dialog and "Who am I": which rules hold, and whose changes these are.

Both read and write on a worker of their own; "Who am I" stores its choice in
the config file and matches the computer's user to a person when asked.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import (
    RULE_TITLES,
    BoardSnapshot,
    Person,
    Rule,
    RuleMode,
    RuleSettings,
)
from kanban.errors import UserError
from kanban.services.board import BoardService
from kanban.settings import Config, config_path, os_user
from kanban.ui.dialogs.common import (
    MessageBanner,
    run_safely,
    show_failure,
)
from kanban.ui.dialogs.settings_jobs import Step, StepsOutcome, run_read, run_steps
from kanban.ui.dialogs.settings_list import fit_dialog
from kanban.ui.me import find_me, match_person
from kanban.ui.workers import SerialExecutor


class RulesDialog(QDialog):
    """Off / warn / enforce for each team rule, and the biggest card size; applied at once.

    Signals:
        changed(): after every change that reached the database.
        write_finished(bool): a change came back from the worker: True when stored.
    """

    changed = Signal()
    write_finished = Signal(bool)

    def __init__(
        self,
        service: BoardService,
        parent: QWidget | None = None,
        *,
        board: BoardSnapshot | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.settings: RuleSettings | None = None
        self._loaded = False
        self._busy = False
        self._close_when_written = False
        self._focus: QWidget | None = None
        self._executor = SerialExecutor("rules-settings", self)
        self.setWindowTitle("Team rules")
        self.setSizeGripEnabled(True)
        outer = QVBoxLayout(self)
        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)
        intro = QLabel(
            "Warn: the board asks for a reason and keeps it in the card's history. "
            "Enforce: the board refuses the change."
        )
        intro.setWordWrap(True)
        outer.addWidget(intro)

        grid = QGridLayout()
        grid.setColumnStretch(0, 1)
        self.mode_combos: dict[Rule, QComboBox] = {}
        for row, rule in enumerate(Rule):
            label = QLabel(RULE_TITLES[rule])
            label.setWordWrap(True)
            combo = QComboBox()
            for mode in RuleMode:
                combo.addItem(mode.value.capitalize(), mode.value)
            label.setBuddy(combo)
            self.mode_combos[rule] = combo
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
        row = len(Rule)
        self.max_days = QDoubleSpinBox()
        self.max_days.setRange(0.25, 365)
        self.max_days.setDecimals(2)
        self.max_days.setSingleStep(0.5)
        self.max_days.setSuffix(" days")
        days_label = QLabel("Biggest card size before it is flagged")
        days_label.setWordWrap(True)
        days_label.setBuddy(self.max_days)
        grid.addWidget(days_label, row, 0)
        grid.addWidget(self.max_days, row, 1)
        outer.addLayout(grid)
        outer.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.accept)
        bottom.addWidget(self.close_button)
        outer.addLayout(bottom)

        # No change is written until the stored rules are shown.
        self._loading = True
        for rule, combo in self.mode_combos.items():
            combo.currentIndexChanged.connect(lambda _i, r=rule: self.set_mode(r))
        # editingFinished, not valueChanged: one change per decision, not per arrow click.
        self.max_days.editingFinished.connect(self.apply_max_days)
        if board is not None:
            self._show_settings(board.rules)
        self._update_widgets()
        self.reload()
        fit_dialog(self, 36, 16)

    @property
    def loaded(self) -> bool:
        """The stored rules are shown (from the board's snapshot or the first read)."""
        return self._loaded

    @property
    def busy(self) -> bool:
        """A change is on its way on the worker."""
        return self._busy

    @property
    def idle(self) -> bool:
        return self._loaded and self._executor.pending == 0

    def reload(self) -> None:
        """Read the rules on the worker and show them when they arrive."""
        self._executor.submit(lambda: run_read(self.service.rules), self._read_arrived)

    def _read_arrived(
        self, outcome: StepsOutcome[RuleSettings] | None, error: BaseException | None
    ) -> None:
        load_error = error if outcome is None else outcome.load_error
        if outcome is None or outcome.items is None:
            show_failure(self.banner, "loading the team rules", load_error or RuntimeError())
            self._loaded = True
            self._update_widgets()
            return
        self._show_settings(outcome.items)
        self._update_widgets()

    def _show_settings(self, settings: RuleSettings) -> None:
        self.settings = settings
        self._loaded = True
        self._loading = True
        try:
            for rule, combo in self.mode_combos.items():
                combo.setCurrentIndex(combo.findData(settings.mode(rule).value))
            self.max_days.setValue(settings.max_card_days)
        finally:
            self._loading = False

    def _update_widgets(self) -> None:
        ready = self.settings is not None and not self._busy
        for combo in self.mode_combos.values():
            combo.setEnabled(ready)
        self.max_days.setEnabled(ready)
        self.close_button.setEnabled(not self._busy)

    def set_mode(self, rule: Rule) -> bool:
        """Start writing the mode chosen for ``rule``; False when nothing was started."""
        if self._loading:
            return False
        if self._busy or self.settings is None:
            # Not now: the combo goes back to what is stored.
            if self.settings is not None:
                self._show_settings(self.settings)
            return False
        mode = self.mode_combos[rule].currentData()
        service = self.service

        def failed() -> None:
            self.reload()  # show what is stored

        return self._write(
            Step(f"changing the rule '{RULE_TITLES[rule]}'", lambda: service.set_rule(rule, mode)),
            f"'{RULE_TITLES[rule]}' is now {mode}.",
            failed,
        )

    def apply_max_days(self) -> bool:
        """Start writing the biggest card size, when it differs from the stored one."""
        if self._loading or self._busy or self.settings is None:
            return False
        value = round(self.max_days.value(), 2)
        if abs(self.settings.max_card_days - value) < 0.005:
            return False
        service = self.service
        return self._write(
            Step("changing the biggest card size", lambda: service.set_max_card_days(value)),
            f"Cards over {value:g} days are now flagged.",
        )

    def _write(self, step: Step, message: str, failed: Callable[[], None] | None = None) -> bool:
        """Run ``step`` (a call returning the new rules) on the worker, the widgets disabled."""
        self._focus = self.focusWidget()
        self._busy = True
        self._update_widgets()

        def written(outcome: StepsOutcome[None] | None, error: BaseException | None) -> None:
            self._busy = False
            focus, self._focus = self._focus, None
            close, self._close_when_written = self._close_when_written, False
            if outcome is not None and outcome.results:
                self._show_settings(outcome.results[0])
                self._update_widgets()
                self.banner.show_message(message, "info")
                self.changed.emit()
            else:
                show_failure(
                    self.banner, step.what, (outcome.error if outcome else error) or RuntimeError()
                )
                self._update_widgets()
                if failed is not None:
                    failed()
            if focus is not None and focus.isEnabled() and focus.isVisible():
                focus.setFocus()
            ok = outcome is not None and outcome.complete
            if ok and close:
                QDialog.accept(self)
            self.write_finished.emit(ok)

        self._executor.submit(lambda: run_steps([step]), written)
        return True

    def accept(self) -> None:
        """Close; a value typed but not yet confirmed with Enter or Tab still counts.

        It is written first, and the dialog closes when it is stored (it stays,
        showing why, when it is refused). While a change is on its way the
        dialog stays: its outcome is shown here.
        """
        if self._busy:
            return
        if self.apply_max_days():
            self._close_when_written = True
            return
        super().accept()


def match_os_user(people: list[Person], user: str | None = None) -> Person | None:
    """The person a user name stands for (the board's own matching, ``kanban.ui.me``)."""
    return match_person(people, os_user() if user is None else user)


def current_person(service: BoardService, config: Config | None = None) -> Person | None:
    """Who "I" am on this board: ``Config.me`` if it names a person, else the OS user's match.

    The board's "My board" filter uses the same rule; None means nobody matches yet.
    """
    cfg = config or Config.load()
    return find_me(service.people(include_inactive=True), cfg.me, os_user())


class MeDialog(QDialog):
    """Choose which person "I" am; stored as ``me`` in the config file.

    Signals:
        changed(): after the choice was written to the config file.
    """

    changed = Signal()

    def __init__(
        self,
        service: BoardService,
        parent: QWidget | None = None,
        *,
        board: BoardSnapshot | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self._loaded = False
        self._filling = False
        self._chosen = False
        self._executor = SerialExecutor("me-settings", self)
        self.setWindowTitle("Who am I?")
        outer = QVBoxLayout(self)
        self.banner = MessageBanner(self)
        outer.addWidget(self.banner)
        explain = QLabel(
            '"My board" shows your lane, the task pool and your not-ready cards. '
            f"Without a choice here, the board matches your computer user name "
            f"('{os_user()}') to a person."
        )
        explain.setWordWrap(True)
        outer.addWidget(explain)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.person_combo = QComboBox()
        self.person_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.person_combo.currentIndexChanged.connect(self._person_chosen)
        form.addRow("&I am", self.person_combo)
        outer.addLayout(form)
        outer.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton("&Save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(cancel)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)
        # The config file is read here (a file, no database lock); the people on the worker.
        try:
            self.config = Config.load()
        except UserError as exc:
            self.banner.show_message(str(exc))
            self.config = Config()
        if board is not None:
            self._fill(list(board.people))
        self._update_buttons()
        self.reload()
        fit_dialog(self, 30, 12)

    @property
    def loaded(self) -> bool:
        """The people are shown (from the board's snapshot or the first read)."""
        return self._loaded

    @property
    def idle(self) -> bool:
        return self._loaded and self._executor.pending == 0

    def reload(self) -> None:
        """Read the people on the worker; a person already chosen stays chosen."""
        service = self.service
        self._executor.submit(lambda: run_read(service.people), self._people_arrived)

    def _people_arrived(
        self, outcome: StepsOutcome[list[Person]] | None, error: BaseException | None
    ) -> None:
        if outcome is None or outcome.items is None:
            load_error = error if outcome is None else outcome.load_error
            show_failure(self.banner, "loading the people", load_error or RuntimeError())
            if not self._loaded:
                self._fill([])
        else:
            self._fill(outcome.items)
        self._update_buttons()

    def _person_chosen(self, _index: int) -> None:
        if not self._filling:
            self._chosen = True

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(self._loaded)

    def _fill(self, people: list[Person]) -> None:
        chosen = self.person_combo.currentData() if self._chosen else None
        self._filling = True
        try:
            self.person_combo.clear()
            self._fill_combo(people)
            if chosen is not None:
                index = self.person_combo.findData(chosen)
                if index >= 0:
                    self.person_combo.setCurrentIndex(index)
        finally:
            self._filling = False
        self._loaded = True

    def _fill_combo(self, people: list[Person]) -> None:
        config = self.config
        matched = match_os_user(people)
        auto = f"Match my computer user ('{os_user()}')"
        auto += f": {matched.name}" if matched else ": no match yet"
        self.person_combo.addItem(auto, "")
        for p in people:
            self.person_combo.addItem(p.name + ("" if p.active else " (inactive)"), p.name)
        index = 0
        if config.me:
            index = self.person_combo.findData(config.me)
            if index < 0:
                # A name from an older config that no longer matches: show it, keep it.
                self.person_combo.addItem(f"{config.me} (not on this board)", config.me)
                index = self.person_combo.count() - 1
        elif matched is not None:
            index = self.person_combo.findData(matched.name)
        self.person_combo.setCurrentIndex(max(index, 0))

    def choose(self, name: str) -> None:
        """Select a person by name (for keyboard users and tests)."""
        index = self.person_combo.findData(name)
        if index < 0:
            raise KeyError(name)
        self.person_combo.setCurrentIndex(index)

    def save(self) -> bool:
        if not self._loaded:
            return False
        me = self.person_combo.currentData() or None

        def write() -> bool:
            config = Config.load()
            config.me = me
            try:
                config.save()
            except OSError as exc:
                raise UserError(
                    f"Could not write the config file {config_path()} ({exc.strerror}); "
                    "check that its folder is writable."
                ) from exc
            return True

        done = run_safely(self.banner, "saving who you are", write)
        if done is None:
            return False
        self.changed.emit()
        self.accept()
        return True
