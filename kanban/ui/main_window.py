"""The main window: the board, its filters, menus and shortcuts, and wall mode.

The window wires the pieces together: a :class:`BoardView` shows the scene, a
:class:`BoardController` keeps it in step with the database, and the toolbar
feeds the controller's filters. Wall mode hides everything but the board and a
slim bar with the time of the last refresh, goes full screen and zooms the
board for a 4K screen seen across a room. Dialogs are imported when first
opened, so start-up pays only for the board.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from kanban.domain.model import Card, Grouping, Person
from kanban.domain.rules import Violation
from kanban.errors import UserError
from kanban.services.board import BoardService
from kanban.settings import Config, current_actor, os_user
from kanban.ui.board_data import Filters
from kanban.ui.card_keys import CardKeys
from kanban.ui.controller import LAPTOP_POLL_MS, WALL_POLL_MS, BoardController
from kanban.ui.dialogs.standup import STOP_HIGHLIGHTING, StandupDialog
from kanban.ui.integrations import BadgeBoard, LinksWatcher, SyncWatcher
from kanban.ui.layout import Metrics
from kanban.ui.live import attach_live
from kanban.ui.me import find_me
from kanban.ui.note_badges import NoteBadges
from kanban.ui.override import (
    PromptTimeout,
    ask_block_reason,
    ask_override_reason,
    ask_yes_no,
    choose_item,
    wall_timeout,
)
from kanban.ui.quick_filters import QuickFilterBar
from kanban.ui.scene import BoardScene
from kanban.ui.screensaver import ScreenInhibitor
from kanban.ui.touch import make_touch_sized, touch_target_px
from kanban.ui.view import BoardView
from kanban.ui.wall import WallBoard, default_standup
from kanban.ui.wall_undo import WallUndo
from kanban.ui.window_extras import WindowExtras
from kanban.ui.window_integrations import IntegrationsWindow

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

MESSAGE_MS = 10_000
# A window that never paints (hidden, minimised) still starts its scans and sync.
BACKGROUND_AT_THE_LATEST_MS = 2_000
# The wall bar's text scale on a 1080p screen (twice that at 4K).
WALL_ZOOM_PER_1080 = 1.5
_ANY = "__any__"


class MainWindow(IntegrationsWindow):
    """The board window."""

    def __init__(
        self,
        service: BoardService,
        *,
        config: Config | None = None,
        wall: bool = False,
        my_board: bool = False,
        me: str | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.config = config or Config()
        self.me_name = me or self.config.me
        self.me: Person | None = None
        self.wall = False
        self.wall_height = 1080
        self.laptop_zoom = 1.0
        self.setWindowTitle("Kanban Team Board")
        self.resize(1366, 768)

        self.metrics = Metrics()
        self.scene = BoardScene(self.metrics, self)
        self.view = BoardView(self.scene, self)
        self.controller = BoardController(service, self.view, self.metrics, self)
        self.controller.ask_override = self._ask_override
        self.controller.ask_block_reason = self._ask_block
        self.controller.confirm_undo = self._confirm_undo
        self.card_keys = CardKeys(self.controller, self.edit_card, self)
        self._build_wall_bar()
        self.wall_board = WallBoard(self.controller, self.view, self.wall_page)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.wall_bar)
        layout.addWidget(self.view)
        self.setCentralWidget(central)
        self._build_toolbar()
        self._build_actions()
        self._build_menus()
        # Welcome on an empty board, Rename, Labels, Archived cards, Getting started, About.
        self.extras = WindowExtras(self)
        self.refresh_label = QLabel("Loading…")
        self.sync_state = QLabel("")
        self.sync_state.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.sync_state.hide()
        self.statusBar().addPermanentWidget(self.sync_state)
        self.statusBar().addPermanentWidget(self.refresh_label)
        # The wall's undo: an offer after each drop, and the history button in the bar.
        self.wall_undo = WallUndo(self.controller, self.view, self.wall_bar)
        self.undo_button = self.wall_undo.offer_button
        self._style_wall_bar(1.5)
        self.message_timer = QTimer(self)
        self.message_timer.setSingleShot(True)
        self.message_timer.timeout.connect(lambda: self.wall_message.setText(""))

        self.controller.message.connect(self.show_message)
        self.controller.board_changed.connect(self._board_changed)
        self.controller.drop_persisted.connect(self._drop_persisted)
        self.controller.undo_state.connect(self._undo_state)
        self.view.card_activated.connect(self.edit_card)
        self.view.add_requested.connect(self.new_card)
        self.view.resized.connect(self._place_undo_button)
        self._my_board_wanted = my_board
        # set_wall reads it: `kanban --wall` switches before the dock is built.
        self.sync_dock: QDockWidget | None = None
        # Asked only when the wall turns on: a laptop never touches D-Bus.
        self.inhibitor = ScreenInhibitor()
        if wall:
            self.set_wall(True)
        self.controller.start()
        self.controller.refresh_undo_state()
        self.badges = BadgeBoard(self.controller.set_badges)
        self.links = LinksWatcher(service, self)
        self.links.badges_changed.connect(lambda badges: self.badges.update("links", badges))
        self.links.message.connect(self.show_message)
        self.links.board_moved.connect(self.controller.reload)
        self.sync = SyncWatcher(service, self)
        self.sync.badges_changed.connect(lambda badges: self.badges.update("sync", badges))
        # Comments and checklists on the card faces; a sync may bring JIRA's comments.
        self.note_badges = NoteBadges(service, self.badges, self)
        self.controller.board_changed.connect(self._note_board_changed)
        self.sync.badges_changed.connect(lambda _badges: self.note_badges.refresh())
        self.sync.message.connect(self.show_message)
        self.sync.board_changed.connect(self.controller.reload)
        self.sync.offline_changed.connect(self._sync_offline)
        self.sync.preview_ready.connect(self.show_sync_preview)
        self.sync.people_added.connect(self.people_added)
        # Changes of other clients at once, the offline banner, the refresh clock.
        self.live = attach_live(self)
        self.sync_preview: QWidget | None = None
        self.people_box: QMessageBox | None = None
        # A change to a linked card waits to be pushed: its badge must say so now,
        # not after the next sync (a move, an undo, an edit, a change from the CLI).
        self.controller.drop_persisted.connect(lambda _cid: self._refresh_sync_badges())
        self.controller.refreshed.connect(lambda _when: self._refresh_sync_badges())
        # The sync needs the jira library: it is imported on a worker once the
        # board is on screen, and the panel is built when that is done.
        self._sync_prepared = False
        # The scans, the jira import and the notes' counts run on workers, but
        # they share the interpreter with the GUI thread: they start once the
        # board is painted, so they do not hold up its first paint.
        self._background_started = False
        self.view.painted.connect(self._start_background)
        # The window's own timer: it dies with the window, and closing stops it.
        self._background_timer = QTimer(self)
        self._background_timer.setSingleShot(True)
        self._background_timer.timeout.connect(lambda: self._start_background(True))
        self._background_timer.start(BACKGROUND_AT_THE_LATEST_MS)
        self.view.setFocus()

    def _start_background(self, at_the_latest: bool = False) -> None:
        """After the first paint of the loaded board (or at the latest after
        BACKGROUND_AT_THE_LATEST_MS): the links scan, the sync, the notes' badges."""
        if self._background_started or (self.controller.snapshot is None and not at_the_latest):
            return
        self._background_started = True
        self._background_timer.stop()
        self.view.painted.disconnect(self._start_background)
        self.links.start()
        if self.controller.snapshot is not None:
            self._prepare_sync()
            self.note_badges.board_changed(self.controller.snapshot)
        self.controller.board_changed.connect(self._prepare_sync)

    def _refresh_sync_badges(self) -> None:
        # Before the background starts, the sync's own start reads the badges:
        # reading them here would import the sync (SQLModel, pydantic, requests)
        # on a worker while the first board is laid out and painted.
        if self._background_started:
            self.sync.refresh_badges()

    def _note_board_changed(self) -> None:
        if self._background_started:
            self.note_badges.board_changed(self.controller.snapshot)

    # --- building ------------------------------------------------------------------

    def _style_wall_bar(self, scale: float) -> None:
        """Size the wall bar's text like the board's headers (``scale`` = the board's zoom)."""
        big, small = round(16 * scale), round(12 * scale)
        self.wall_bar.setStyleSheet(
            "QWidget { background: #263238; color: white; }"
            f" QLabel {{ font-size: {big}px; font-weight: bold; padding: 4px 12px; }}"
            f" QLabel#message {{ font-size: {small}px; font-weight: normal; color: #ffcc80; }}"
            f" QPushButton {{ font-size: {small}px; padding: 6px 18px; border-radius: 8px;"
            " background: #455a64; color: white; }"
            " QPushButton:checked { background: #ffb300; color: black; }"
        )
        self.undo_button.setStyleSheet(
            f"QPushButton {{ font-size: {big}px; font-weight: bold; padding: 14px 30px;"
            " background: #1565c0; color: white; border-radius: 10px; }"
        )

    def _build_wall_bar(self) -> None:
        self.wall_bar = QWidget(self)
        bar = QHBoxLayout(self.wall_bar)
        bar.setContentsMargins(8, 4, 8, 4)
        self.wall_title = QLabel("")
        self.wall_refresh = QLabel("")
        self.wall_standup = QPushButton("Since stand-up")
        self.wall_standup.setCheckable(True)
        self.wall_standup.toggled.connect(self._standup_toggled)
        self.wall_message = QLabel("")
        self.wall_message.setObjectName("message")
        self.wall_sync = QLabel("")
        self.wall_sync.setObjectName("message")
        self.wall_sync.hide()
        self.wall_page = QLabel("")
        self.wall_page.setObjectName("message")
        self.wall_page.hide()
        bar.addWidget(self.wall_title)
        bar.addWidget(self.wall_message, 1)
        bar.addWidget(self.wall_sync)
        bar.addWidget(self.wall_page)
        bar.addWidget(self.wall_standup)
        bar.addWidget(self.wall_refresh)
        self.wall_bar.hide()

    def _build_toolbar(self) -> None:
        tb = QToolBar("Filters", self)
        tb.setObjectName("filters")
        tb.setMovable(False)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search cards  ( / )")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(260)
        self.search.textChanged.connect(self._filters_changed)
        self.search.returnPressed.connect(self.view.setFocus)
        clear = QAction("Clear the search", self.search)
        clear.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        clear.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        clear.triggered.connect(self._clear_search)
        self.search.addAction(clear)
        self.person_box = QComboBox()
        self.label_box = QComboBox()
        self.project_box = QComboBox()
        for box in (self.person_box, self.label_box, self.project_box):
            box.setMinimumContentsLength(10)
            box.currentIndexChanged.connect(self._filters_changed)
        self.group_box = QComboBox()
        self.group_box.addItem("Lanes: people", Grouping.PERSON)
        self.group_box.addItem("Lanes: projects", Grouping.PROJECT)
        self.group_box.currentIndexChanged.connect(
            lambda _i: self.controller.set_grouping(Grouping(self.group_box.currentData()))
        )
        self.my_board_button = QPushButton("My board")
        self.my_board_button.setCheckable(True)
        self.my_board_button.toggled.connect(self._filters_changed)
        tb.addWidget(self.search)
        for label, box in (
            ("Person", self.person_box),
            ("Label", self.label_box),
            ("Project", self.project_box),
        ):
            tb.addWidget(QLabel(f"  {label} "))
            tb.addWidget(box)
        self.quick_bar = QuickFilterBar()
        self.quick_bar.changed.connect(self._filters_changed)
        tb.addWidget(self.quick_bar)
        tb.addSeparator()
        tb.addWidget(self.group_box)
        tb.addWidget(self.my_board_button)
        self.addToolBar(tb)
        self.filter_bar = tb

    def _action(
        self,
        text: str,
        shortcut: str | QKeySequence | QKeySequence.StandardKey | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        # Actions stay active in wall mode, when the menu bar is hidden.
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.act_new = self._action("&New card…", "N", self.new_card)
        self.act_edit = self._action("&Edit card…", None, self._edit_current)
        self.act_archive = self._action("&Archive card", None, self._archive_current)
        self.act_undo = self._action("&Undo", QKeySequence.StandardKey.Undo, self.controller.undo)
        self.act_undo.setShortcuts([QKeySequence("Ctrl+Z")])
        self.act_redo = self._action("&Redo", None, self.controller.redo)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_search = self._action("&Search", "/", self.focus_search)
        self.act_wall = self._action("&Wall mode", "F11", lambda: self.set_wall(not self.wall))
        self.act_wall.setCheckable(True)
        self.act_my = self._action("&My board", "M", self.my_board_button.toggle)
        self.act_help = self._action("Keyboard &shortcuts", "?", lambda: self.view.toggle_help())
        self.act_reload = self._action("&Reload", "F5", self.controller.reload)
        self.act_standup = self._action("Since the last &stand-up…", None, self.choose_standup)
        self.act_zoom_in = self._action("Zoom &in", "Ctrl++", lambda: self._zoom(1.1))
        self.act_zoom_out = self._action("Zoom &out", "Ctrl+-", lambda: self._zoom(1 / 1.1))
        self.act_zoom_reset = self._action("&Reset zoom", "Ctrl+0", lambda: self._zoom(None))
        # Checkable: Qt has flipped its state when it triggers.
        self.act_fit = self._action(
            "&Fit board", "Ctrl+Shift+F", lambda: self.set_fit_board(self.act_fit.isChecked())
        )
        self.act_fit.setCheckable(True)
        self.act_quit = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        self.act_people = self._action("&People…", None, lambda: self.open_settings("PeopleDialog"))
        self.act_columns = self._action(
            "&Columns…", None, lambda: self.open_settings("ColumnsDialog")
        )
        self.act_rules = self._action("&Rules…", None, lambda: self.open_settings("RulesDialog"))
        self.act_me = self._action("Who am &I…", None, lambda: self.open_settings("MeDialog"))
        self.act_reports = self._action("&Reports…", "Ctrl+R", self.open_reports)
        self.act_links_settings = self._action(
            "Commits and &pull requests…", None, self.open_links_settings
        )
        self.act_jira_setup = self._action("&Connection…", None, self.open_jira_setup)
        self.act_sync = self._action("&Sync now", "Ctrl+S", lambda: self.sync.sync_now())
        self.act_sync_preview = self._action("&Preview sync…", None, lambda: self.sync.preview())
        self.act_sync_cancel = self._action("&Cancel sync", None, lambda: self.sync.cancel())
        self.act_sync_panel = self._action("Sync &panel", None, self.toggle_sync_panel)
        self.act_sync_panel.setCheckable(True)
        self.act_rescan = self._action("Rescan &commits and PRs", None, self.links_rescan)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        board = menu.addMenu("&Board")
        for action in (self.act_new, self.act_reload, self.act_reports, self.act_rescan):
            board.addAction(action)
        board.addSeparator()
        board.addAction(self.act_quit)
        edit = menu.addMenu("&Edit")
        for action in (self.act_undo, self.act_redo, self.act_edit, self.act_archive):
            edit.addAction(action)
        view = menu.addMenu("&View")
        for action in (self.act_search, self.act_my, self.act_wall, self.act_standup):
            view.addAction(action)
        view.addSeparator()
        for action in (self.act_fit, self.act_zoom_in, self.act_zoom_out, self.act_zoom_reset):
            view.addAction(action)
        settings = menu.addMenu("&Settings")
        for action in (
            self.act_people,
            self.act_columns,
            self.act_rules,
            self.act_me,
            self.act_links_settings,
        ):
            settings.addAction(action)
        jira = menu.addMenu("&JIRA")
        for action in (
            self.act_jira_setup,
            self.act_sync_preview,
            self.act_sync,
            self.act_sync_cancel,
            self.act_sync_panel,
        ):
            jira.addAction(action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.act_help)

    # --- board state -----------------------------------------------------------------

    def _board_changed(self) -> None:
        snap = self.controller.snapshot
        if snap is None:
            return
        self.wall_title.setText(snap.name)
        self.setWindowTitle(f"{snap.name} — Kanban Team Board")
        self.me = find_me(snap.people, self.me_name, os_user())
        if self.controller.grouping is None:
            # Until the user picks one, follow the board's own grouping setting.
            self.group_box.blockSignals(True)
            self.group_box.setCurrentIndex(max(0, self.group_box.findData(snap.grouping)))
            self.group_box.blockSignals(False)
        self._fill_filter_boxes()
        if self._my_board_wanted:
            self._my_board_wanted = False
            self.my_board_button.setChecked(True)
        filters = self.controller.filters
        me_changed = filters.me_id != (self.me.id if self.me else None)
        if (filters.my_board or filters.quick.mine) and me_changed or (
            filters.quick.aging and filters.sle_days != self.controller.sle_days
        ):
            # "Who am I" changed (or the person was renamed), or the SLE moved with
            # this load: My board and the quick filters follow.
            self._filters_changed()

    def _fill_filter_boxes(self) -> None:
        snap = self.controller.snapshot
        if snap is None:  # no board loaded yet: the boxes fill with the first one
            return
        labels = sorted({lb for c in snap.cards for lb in c.labels}, key=str.lower)
        projects = sorted({c.project for c in snap.cards if c.project}, key=str.lower)
        people = [(p.name, p.id) for p in snap.people if p.active]
        _refill(self.person_box, "Anyone", people)
        _refill(self.label_box, "Any label", [(lb, lb) for lb in labels])
        _refill(self.project_box, "Any project", [(pr, pr) for pr in projects])

    def _filters_changed(self, *_args: object) -> None:
        my_board = self.my_board_button.isChecked()
        if my_board and self.me is None and not self._choose_me():
            # Nobody chosen: My board stays off rather than showing nobody's lane.
            self.my_board_button.blockSignals(True)
            self.my_board_button.setChecked(False)
            self.my_board_button.blockSignals(False)
            my_board = False
        turned_on = my_board and not self.controller.filters.my_board
        self.act_my.setChecked(my_board)
        sle_days = self.controller.sle_days
        quick = self.quick_bar.settle(
            lambda: self.me is not None or self._choose_me(), sle_days, self.show_message
        )
        filters = Filters(
            text=self.search.text().strip(),
            person_id=_int_data(self.person_box),
            label=_str_data(self.label_box),
            project=_str_data(self.project_box),
            my_board=my_board,
            me_id=self.me.id if self.me else None,
            quick=quick,
            sle_days=sle_days,
        )
        if filters != self.controller.filters:
            self.controller.set_filters(filters)
        if turned_on:
            self._scroll_to_my_lane()

    def _scroll_to_my_lane(self) -> None:
        layout = self.controller.layout
        if layout is None or self.me is None:
            return
        header = layout.lane_headers.get(("person", self.me.id))
        if header is not None:
            # The top of my lane, with a little of what is above it.
            self.view.ensureVisible(QRectF(header.topLeft(), header.size() / 2), 16, 48)

    def ask_who_am_i(self, names: list[str]) -> str | None:
        """Which of ``names`` the user is (None: cancelled); replaced in tests."""
        return choose_item(
            self,
            "Who am I?",
            "My board shows your lane. Which person are you?",
            names,
            timeout=self._wall_timeout("My board stays off"),
        )

    def _choose_me(self) -> bool:
        """Ask who the user is and keep it as Config.me; False when nobody was chosen."""
        snap = self.controller.snapshot
        names = [p.name for p in snap.people if p.active] if snap is not None else []
        if not names:
            self.show_message("My board shows your lane: add the team first (Settings → People).")
            return False
        name = self.ask_who_am_i(names)
        if name is None:
            return False
        try:
            config = Config.load()
            config.me = name
            config.save()
        except (OSError, UserError) as exc:
            self.show_message(f"Could not keep who you are in the config file: {exc}")
            return False
        self._settings_changed()
        self.me = find_me(snap.people, name, os_user()) if snap is not None else None
        self.show_message(f"You are {name} on this board (Settings → Who am I to change it).")
        return self.me is not None

    def _undo_state(self, can_undo: bool, can_redo: bool) -> None:
        self.act_undo.setEnabled(can_undo)
        self.act_redo.setEnabled(can_redo)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)
        self.wall_message.setText(text)
        self.message_timer.start(MESSAGE_MS)

    # --- wall mode ------------------------------------------------------------------

    def set_wall(self, on: bool, *, full_screen: bool = True) -> None:
        """Switch wall mode; ``full_screen`` False keeps the window size (screenshots, tests)."""
        if on == self.wall:
            return
        self.wall = on
        self.act_wall.setChecked(on)
        self.menuBar().setVisible(not on)
        self.filter_bar.setVisible(not on)
        if on and self.sync_dock is not None:
            self.sync_dock.hide()
        self.statusBar().setVisible(not on)
        self.wall_bar.setVisible(on)
        self.controller.set_poll_interval(WALL_POLL_MS if on else LAPTOP_POLL_MS)
        if on:
            self.laptop_zoom = self.view.zoom
            if full_screen:
                screen = self.screen()
                if screen is not None:
                    # Wall PCs often run without a window manager, which would
                    # ignore the full-screen request: take the screen's size too.
                    self.setGeometry(screen.geometry())
                self.showFullScreen()
                height = screen.geometry().height() if screen else 1080
            else:
                height = self.height()
            self.wall_height = height
            self._style_wall_bar(height / 1080 * WALL_ZOOM_PER_1080)
            make_touch_sized(self.wall_bar, height)
            self.wall_undo.set_screen_height(height)
            self.inhibitor.inhibit()  # a wall nobody touches must not blank
            self.view.set_touch_size(touch_target_px(height))
            self.act_fit.setChecked(False)
            self.wall_board.start(height)
        else:
            if self.isFullScreen():
                self.showNormal()
            self.wall_board.stop()
            self.view.set_touch_size(None)
            self.view.set_zoom(self.laptop_zoom)
            self.wall_undo.hide_all()
            self.inhibitor.release()

    def fit_wall(self) -> None:
        """Back to the wall's readable zoom, the whole board fitted to the screen."""
        self.wall_board.refit()

    def set_fit_board(self, on: bool) -> None:
        """View → Fit board: the whole board in the window, denser cards instead of scrolling."""
        if self.wall:
            return
        self.act_fit.setChecked(on)
        self.controller.fit = on
        self.controller.paginate = False
        self.controller.relayout()
        if on:
            self.show_message("The whole board fits the window (View → Fit board to scroll again)")

    def _zoom(self, factor: float | None) -> None:
        if factor is None:
            if self.wall:
                self.fit_wall()
            else:
                self.view.set_zoom(1.0)
        else:
            self.view.set_zoom(self.view.zoom * factor)

    def _drop_persisted(self, _card_id: str) -> None:
        if self.wall:
            # Touch has no keyboard: offer undo on screen, naming the change.
            self.wall_undo.offer()

    def _place_undo_button(self) -> None:
        self.wall_undo.place()

    def _standup_toggled(self, on: bool) -> None:
        since = self.controller.standup_since or default_standup(datetime.now().astimezone())
        self.controller.set_standup(since if on else None)
        self.wall_board.set_done_since(since if on else None)
        if on:
            self.show_message(f"Highlighting cards moved since {since:%a %H:%M}")

    def choose_standup(self) -> None:
        """Pick the stand-up time whose moves are highlighted (laptop mode)."""
        start = self.controller.standup_since or default_standup(datetime.now().astimezone())
        dialog = StandupDialog(self, start)
        timeout = self._wall_timeout("the stand-up time stays as it was")
        if timeout is not None:
            timeout.start(dialog)
        result = dialog.exec()
        if result == QDialog.DialogCode.Accepted:
            self.controller.set_standup(dialog.chosen())
            self.wall_standup.setChecked(True)
        elif result == STOP_HIGHLIGHTING:
            self.wall_standup.setChecked(False)
            self.controller.set_standup(None)

    # --- cards and dialogs -------------------------------------------------------------

    def focus_search(self) -> None:
        if self.wall:
            self.set_wall(False)
        self.search.setFocus()
        self.search.selectAll()

    def _clear_search(self) -> None:
        """Esc in the search box: every card again, and the keyboard back on the board."""
        self.search.clear()
        self.view.setFocus()

    def _edit_current(self) -> None:
        if self.view.current:
            self.edit_card(self.view.current)

    def _archive_current(self) -> None:
        if self.view.current:
            self.controller.archive(self.view.current)

    def new_card(self) -> None:
        self.edit_card(None)

    def edit_card(self, card_id: str | None) -> None:
        """Open the card editor (a new card when ``card_id`` is None).

        The window opens at once; the card is read on the board's reader and
        fills the form when it arrives, so the GUI thread never waits on the
        database (the editor writes on a worker of its own).
        """
        try:
            from kanban.ui.dialogs.card_editor import CardEditorDialog
        except ImportError as exc:
            self.show_message(f"The card editor is not available in this build ({exc}).")
            return
        dialog = CardEditorDialog(self.service, card_id, self, loader=self.controller.reader)
        if card_id is None:
            # A new card lands at the end of its cell, maybe off screen: show it.
            dialog.saved.connect(self.controller.reveal_new_card)
        else:
            dialog.saved.connect(lambda _cid: self.controller.reload())
        dialog.finished.connect(lambda _r: self.controller.refresh_undo_state())
        dialog.notes_changed.connect(self.note_badges.refresh)
        dialog.setModal(not self.wall)  # a wall is never left blocked by a window
        dialog.show()
        self._dialog: QDialog = dialog

    def open_reports(self) -> None:
        """The Reports view: live charts, filters and export; it loads on its own worker."""
        from kanban.ui.reports_view import ReportsView

        dialog = ReportsView(self.service, self)
        dialog.show()
        self._reports = dialog

    def open_settings(self, name: str) -> None:
        """Open one of the settings dialogs; the board follows its changes at once."""
        from kanban.ui.dialogs import settings

        dialog = getattr(settings, name)(self.service, self, board=self.controller.snapshot)
        dialog.changed.connect(self._settings_changed)
        dialog.setModal(not self.wall)  # a wall is never left blocked by a window
        dialog.show()
        self._dialog = dialog

    def _settings_changed(self) -> None:
        self.config = Config.load() if self.config is not None else Config()
        # "Match my computer user" clears Config.me: fall back to the OS user, not the old name.
        self.me_name = self.config.me
        # Changes from now on are recorded (and undone) as who I am, without a restart.
        self.controller.set_actor(current_actor(self.config))
        self.controller.reload()

    def _touch_scale(self) -> float | None:
        """On the wall, reason prompts get an on-screen keyboard at the wall's scale."""
        return self.view.zoom if self.wall else None

    def _wall_timeout(
        self, outcome: str, key: tuple[str, str] | None = None
    ) -> PromptTimeout | None:
        """On the wall a prompt cancels itself in time and says so (see kanban.ui.override)."""
        if not self.wall:
            return None
        return wall_timeout(
            outcome, self.show_message, keep=self.controller.unsaved_reasons, key=key
        )

    def _ask_override(self, card: Card, violations: Sequence[Violation]) -> str | None:
        initial = self.controller.unsaved_reasons.pop((card.id, "override"), "")
        return ask_override_reason(
            card,
            violations,
            self,
            initial=initial,
            touch_scale=self._touch_scale(),
            timeout=self._wall_timeout(f"'{card.title}' stays where it was", (card.id, "override")),
        )

    def _ask_block(self, card: Card) -> str | None:
        initial = self.controller.unsaved_reasons.pop((card.id, "block"), "")
        return ask_block_reason(
            card,
            self,
            initial=initial,
            touch_scale=self._touch_scale(),
            timeout=self._wall_timeout(
                f"'{card.title}' is not marked not ready and stays where it was", (card.id, "block")
            ),
        )

    def _confirm_undo(self, question: str) -> bool:
        """An old change is undone only when the user says so."""
        return ask_yes_no(
            self,
            "Undo an old change",
            f"{question}\n\nIt was made over an hour ago.",
            timeout=self._wall_timeout("nothing was undone"),
        )

    def _start_sync(self) -> None:
        super()._start_sync()
        # "Archive every linked card?" after an empty JIRA answer comes from a
        # timed sync, so on the wall it must not wait for somebody forever.
        self.sync.panel.confirm_archive = lambda message: ask_yes_no(
            self.sync.panel,
            "JIRA returned no issues",
            f"{message}\n\nArchive the linked cards anyway?",
            timeout=self._wall_timeout("the linked cards were not archived"),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        # A running sync may need a few seconds to stop cleanly (a request in
        # flight cannot be cut): the window goes at once, the wait happens behind.
        self.hide()
        self._background_timer.stop()
        self._background_started = True  # a closed window starts no scan or sync
        self.inhibitor.release()
        self.sync.shutdown()
        self.links.shutdown()
        self.note_badges.shutdown()
        self.live.shutdown()
        self.controller.shutdown()
        super().closeEvent(event)


def _refill(box: QComboBox, any_text: str, items: Sequence[tuple[str, object]]) -> None:
    """Replace a filter box's items, keeping the current choice if it still exists."""
    current = _data(box)
    wanted = [(any_text, _ANY), *items]
    if [(box.itemText(i), box.itemData(i)) for i in range(box.count())] == wanted:
        return
    box.blockSignals(True)
    box.clear()
    for text, data in wanted:
        box.addItem(text, data)
    index = box.findData(current) if current is not None else 0
    box.setCurrentIndex(max(0, index))
    box.blockSignals(False)


def _data(box: QComboBox) -> object:
    # Every item carries data; asking an empty box would return None, and
    # PySide6 6.12 loses a reference to None each time currentData() does.
    if box.currentIndex() < 0:
        return None
    value = box.currentData()
    return None if value == _ANY else value


def _int_data(box: QComboBox) -> int | None:
    value = _data(box)
    return value if isinstance(value, int) else None


def _str_data(box: QComboBox) -> str | None:
    value = _data(box)
    return value if isinstance(value, str) else None


def show_start_error(text: str) -> None:
    """A start-up error the user must see before the app exits."""
    QMessageBox.critical(None, "Kanban Team Board", text)
