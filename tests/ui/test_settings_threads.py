"""The settings dialogs never take a database lock on the GUI thread (issue #10).

Every board-service call the People, Columns, Rules, "Who am I" and links
settings dialogs make is recorded with the thread it ran on: each dialog reads
and writes on a worker of its own, and the results drive its lists, banner and
``changed`` on the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from kanban.domain.model import Rule, RuleMode
from kanban.services.board import BoardService
from kanban.services.links import LinksService
from kanban.settings import Config
from kanban.ui.dialogs.links_settings import LinksSettingsDialog
from kanban.ui.dialogs.settings import ColumnsDialog, MeDialog, PeopleDialog, RulesDialog
from kanban.ui.main_window import MainWindow
from ui.board_fixtures import Team

WATCHED = (
    "people",
    "columns",
    "rules",
    "add_person",
    "update_person",
    "add_column",
    "update_column",
    "remove_column",
    "set_rule",
    "set_max_card_days",
    "set_board",
    "reading",
    "writing",
)

D = TypeVar("D", bound=QDialog)


class Recorder:
    """Which watched service methods were called, and whether on the GUI (main) thread."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool]] = []
        self._lock = threading.Lock()

    def wrap(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            on_main = threading.current_thread() is threading.main_thread()
            with self._lock:
                self.calls.append((name, on_main))
            return method(*args, **kwargs)

        return recorded

    def watch(self, monkeypatch: pytest.MonkeyPatch, service: BoardService) -> None:
        for name in WATCHED:
            monkeypatch.setattr(service, name, self.wrap(name, getattr(service, name)))

    def names(self) -> set[str]:
        with self._lock:
            return {name for name, _main in self.calls}

    def on_main_thread(self) -> list[str]:
        with self._lock:
            return [name for name, main in self.calls if main]


@pytest.fixture
def plain(db_url: str) -> Iterator[BoardService]:
    """The same board through a service the recorder does not watch: the test's own calls."""
    svc = BoardService.open(db_url, "tester")
    yield svc
    svc.close()


@pytest.fixture
def win(qtbot: QtBot, service: BoardService, team: Team) -> MainWindow:
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.controller.snapshot is not None)
    return window


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, service: BoardService, win: MainWindow) -> Recorder:
    """Watches the window's service from the moment the window is on screen."""
    rec = Recorder()
    rec.watch(monkeypatch, service)
    return rec


def _open(qtbot: QtBot, win: MainWindow, name: str) -> Any:
    win.open_settings(name)
    dialog = win._dialog
    qtbot.waitUntil(lambda: dialog.loaded)
    return dialog


def _done(qtbot: QtBot, dialog: Any, start: Callable[[], bool]) -> bool:
    outcomes: list[bool] = []
    dialog.write_finished.connect(outcomes.append)
    assert start()
    qtbot.waitUntil(lambda: bool(outcomes))
    return outcomes[0]


def _settle(qtbot: QtBot, win: MainWindow, dialog: Any) -> None:
    """Let every worker finish before the recorder is read."""
    qtbot.waitUntil(lambda: dialog.idle)
    qtbot.waitUntil(lambda: not win.controller.writer.pending and not win.controller._loading)


def test_people_and_columns_change_off_the_gui_thread(
    qtbot: QtBot, win: MainWindow, plain: BoardService, recorder: Recorder
) -> None:
    people = _open(qtbot, win, "PeopleDialog")
    assert isinstance(people, PeopleDialog)
    # Filled at once from the board's snapshot, then read again on the worker.
    assert [p.name for p in people.items] == ["Alice Smith", "Bob Jones"]
    changes: list[None] = []
    people.changed.connect(lambda: changes.append(None))

    people.new_name.setText("Chloe Martin")
    assert _done(qtbot, people, people.add)
    assert people.current().name == "Chloe Martin"
    assert people.list.count() == 3
    people.name_edit.setText("Chloe Martin-Weber")
    people.wip_spin.setValue(2)
    assert _done(qtbot, people, people.apply)
    assert "Saved person 'Chloe Martin-Weber'" in people.banner.text()
    # While a write is on its way, nothing else can be started.
    assert people.move_selected(-1)
    assert people.busy and not people.add_button.isEnabled() and not people.up_button.isEnabled()
    assert not people.add() and not people.apply() and not people.move_selected(-1)
    qtbot.waitUntil(lambda: not people.busy)
    assert [p.name for p in plain.people()] == ["Alice Smith", "Chloe Martin-Weber", "Bob Jones"]
    assert people.list.item(1).text().startswith("Chloe Martin-Weber")

    # Moving to another person applies the pending edit on the worker first.
    people.email_edit.setText("chloe@example.com")
    with qtbot.waitSignal(people.write_finished):
        people.select("Alice Smith")
    assert people.current().name == "Alice Smith"
    assert plain.resolve_person("Chloe Martin-Weber").email == "chloe@example.com"
    assert plain.resolve_person("Chloe Martin-Weber").wip_limit == 2

    # A refused change is shown in the banner, and the input stays.
    people.colour_edit.setText("blue-ish")
    assert not _done(qtbot, people, people.apply)
    assert "is not a colour" in people.banner.text()
    assert people.colour_edit.text() == "blue-ish"
    assert len(changes) == 4
    people.reject()
    qtbot.waitUntil(
        lambda: win.controller.snapshot is not None and len(win.controller.snapshot.people) == 3
    )
    _settle(qtbot, win, people)

    columns = _open(qtbot, win, "ColumnsDialog")
    assert isinstance(columns, ColumnsDialog)
    columns.new_name.setText("Testing")
    assert _done(qtbot, columns, columns.add)
    columns.name_edit.setText("Verify")
    columns.max_spin.setValue(3)
    assert _done(qtbot, columns, columns.apply)
    assert _done(qtbot, columns, lambda: columns.move_selected(-1))
    columns.new_name.setText("Scratch")
    assert _done(qtbot, columns, columns.add)
    assert _done(qtbot, columns, columns.remove_selected)
    assert [c.name for c in plain.columns()] == [
        "Task pool",
        "In progress",
        "Verify",
        "Review",
        "Done",
    ]
    assert plain.resolve_column("Verify").wip_max == 3
    assert columns.list.count() == 5
    # A column with cards is refused, on the worker too.
    columns.select("Review")
    assert not _done(qtbot, columns, columns.remove_selected)
    assert "still holds cards" in columns.banner.text()
    columns.accept()
    assert not columns.isVisible()
    _settle(qtbot, win, columns)

    assert {"people", "add_person", "update_person", "reading", "writing"} <= recorder.names()
    assert {"columns", "add_column", "update_column", "remove_column"} <= recorder.names()
    assert recorder.on_main_thread() == []


def test_rules_and_who_am_i_stay_off_the_gui_thread(
    qtbot: QtBot, win: MainWindow, plain: BoardService, team: Team, recorder: Recorder
) -> None:
    rules = _open(qtbot, win, "RulesDialog")
    assert isinstance(rules, RulesDialog)
    combo = rules.mode_combos[Rule.WIP_LIMITS]
    with qtbot.waitSignal(rules.changed):
        combo.setCurrentIndex(combo.findData(RuleMode.ENFORCE.value))
        # The combos wait for the write.
        assert rules.busy and not combo.isEnabled() and not rules.max_days.isEnabled()
    assert plain.rules().mode(Rule.WIP_LIMITS) is RuleMode.ENFORCE
    assert "is now enforce" in rules.banner.text()
    rules.max_days.setValue(3.5)
    with qtbot.waitSignal(rules.write_finished):
        rules.accept()  # a typed size counts; the dialog closes once it is stored
    assert plain.rules().max_card_days == 3.5
    assert not rules.isVisible()
    _settle(qtbot, win, rules)

    me = _open(qtbot, win, "MeDialog")
    assert isinstance(me, MeDialog)
    me.choose("Bob Jones")
    assert me.save()
    assert Config.load().me == "Bob Jones"
    qtbot.waitUntil(lambda: win.me is not None and win.me.id == team.bob.id)
    _settle(qtbot, win, me)

    assert {"rules", "set_rule", "set_max_card_days", "people"} <= recorder.names()
    assert recorder.on_main_thread() == []


def test_links_settings_read_and_write_off_the_gui_thread(
    qtbot: QtBot, win: MainWindow, plain: BoardService, recorder: Recorder
) -> None:
    win.open_links_settings()
    dialog = win._dialog
    assert isinstance(dialog, LinksSettingsDialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.sources.text() == "No scan yet."
    dialog.automation["pr_merged"].setChecked(True)
    assert _done(qtbot, dialog, dialog.save)
    assert LinksService(plain).automation()["pr_merged"] is True
    assert "Saved" in dialog.banner.text()
    dialog.reject()
    qtbot.waitUntil(lambda: dialog.idle)
    qtbot.waitUntil(lambda: not win.links._busy)

    assert {"reading", "writing"} <= recorder.names()
    assert recorder.on_main_thread() == []


def test_dialogs_opened_alone_fill_when_their_read_arrives(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    service: BoardService,
    plain: BoardService,
    team: Team,
) -> None:
    recorder = Recorder()
    recorder.watch(monkeypatch, service)

    def opened(dialog: D) -> D:
        qtbot.addWidget(dialog)
        # The read is on its way: nothing is shown, nothing can be written.
        assert not dialog.loaded  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: dialog.idle)  # type: ignore[attr-defined]
        return dialog

    people = PeopleDialog(service)
    qtbot.addWidget(people)
    assert not people.loaded and not people.add_button.isEnabled() and not people.add()
    qtbot.waitUntil(lambda: people.idle)
    assert [p.name for p in people.items] == ["Alice Smith", "Bob Jones"]
    assert people.current().name == "Alice Smith" and people.add_button.isEnabled()

    columns = opened(ColumnsDialog(service))
    assert columns.list.count() == len(plain.columns())
    rules = opened(RulesDialog(service))
    assert (
        rules.mode_combos[Rule.WIP_LIMITS].currentData()
        == plain.rules().mode(Rule.WIP_LIMITS).value
    )
    me = opened(MeDialog(service))
    assert me.person_combo.findData("Bob Jones") >= 0
    links = opened(LinksSettingsDialog(service))
    assert links.save_button.isEnabled()

    assert {"people", "columns", "rules", "reading"} <= recorder.names()
    assert recorder.on_main_thread() == []
