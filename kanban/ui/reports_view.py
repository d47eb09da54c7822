"""The Reports window: live charts and the status report, with filters and Export.

The board and its history are read once, on a worker thread; changing a filter
rebuilds the report data (and the chart figures) from that copy, also off the
GUI thread, so the window never freezes on a large board. The charts are the
very matplotlib figures the PDF and HTML use (:mod:`kanban.reports.charts`),
shown on matplotlib's Qt canvas, so what the manager sees is what is exported.

Signals:
    report_ready(object): a new ``ReportData`` is on screen.
    exported(str): the report was written to this path.
    failed(str): reading, building or exporting failed; the text says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

# isort: off
# PySide6 first: matplotlib's Qt canvas binds to whichever Qt binding is loaded.
from PySide6.QtCore import QDate, Qt, QTimer, Signal
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

# isort: on
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kanban.errors import UserError
from kanban.reports import charts
from kanban.reports.export import write_report
from kanban.reports.model import ReportData
from kanban.reports.period import month_period, parse_period, week_period
from kanban.reports.render_text import render_markdown
from kanban.services import reporting
from kanban.services.board import BoardService
from kanban.ui.workers import SerialExecutor

log = logging.getLogger(__name__)

PERIODS = (
    ("This week", "week"),
    ("Last week", "last-week"),
    ("This month", "month"),
    ("Last month", "last-month"),
    ("From … to …", "custom"),
)
EXPORT_FILTERS = (
    "PDF, A4 (*.pdf);;PDF, Letter (*.pdf);;Web page (*.html);;Markdown (*.md);;"
    "CSV tables for spreadsheets (*.zip);;JSON (*.json)"
)
CHART_SIZE = (8.0, 3.6)


class ReportsView(QDialog):
    """Charts and report for a period, filtered by people and project.

    Args:
        service: the board to report on.
        parent: the main window.
        now: the moment the report is made (tests pin it); default: the clock.
    """

    report_ready = Signal(object)
    exported = Signal(str)
    failed = Signal(str)

    def __init__(
        self, service: BoardService, parent: QWidget | None = None, *, now: datetime | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reports")
        self.service = service
        self._now = now
        self._history: reporting.BoardHistory | None = None
        self._data: ReportData | None = None
        self._generation = 0
        self._executor = SerialExecutor("reports", self)
        self._rebuild_timer = QTimer(self, singleShot=True, interval=150)
        self._rebuild_timer.timeout.connect(self._rebuild)
        self._build_ui()
        self.resize(1000, 720)
        self._status.setText("Reading the board and its history…")
        self._run(lambda: reporting.read_history(self.service), self._history_read)

    # --- layout ----------------------------------------------------------------

    def _build_ui(self) -> None:
        self.period_box = QComboBox()
        for label, key in PERIODS:
            self.period_box.addItem(label, key)
        today = self.now().date()
        self.from_edit = QDateEdit(QDate(today.year, today.month, 1))
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._filters_changed)
        self.period_box.currentIndexChanged.connect(self._period_changed)

        self.people_button = QToolButton()
        self.people_button.setText("Everyone")
        self.people_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.people_menu = QMenu(self.people_button)
        self.people_button.setMenu(self.people_menu)
        self.project_box = QComboBox()
        self.project_box.addItem("All projects", None)
        self.project_box.currentIndexChanged.connect(self._filters_changed)

        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read the board and its history again (F5)")
        self.refresh_button.setShortcut("F5")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export…")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._ask_export)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Period:"))
        bar.addWidget(self.period_box)
        bar.addWidget(self.from_edit)
        bar.addWidget(QLabel("to"))
        bar.addWidget(self.to_edit)
        bar.addSpacing(12)
        bar.addWidget(QLabel("People:"))
        bar.addWidget(self.people_button)
        bar.addWidget(QLabel("Project:"))
        bar.addWidget(self.project_box)
        bar.addStretch(1)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.export_button)

        self.tabs = QTabWidget()
        self.summary = QTextBrowser()
        self.summary.setOpenExternalLinks(False)
        self.tabs.addTab(self.summary, "Report")
        self._chart_tabs: dict[str, QVBoxLayout] = {}
        for spec in charts.CHARTS:
            page = QWidget()
            layout = QVBoxLayout(page)
            layout.setContentsMargins(4, 4, 4, 4)
            self._chart_tabs[spec.key] = layout
            self.tabs.addTab(page, spec.title)

        self._status = QLabel()
        self._status.setWordWrap(True)
        root = QVBoxLayout(self)
        root.addLayout(bar)
        root.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self._status, 1)
        # Esc closes it too (QDialog's reject); the button says so to a mouse user.
        self.close_button = QPushButton("&Close")
        self.close_button.setAutoDefault(False)
        self.close_button.setToolTip("Close the Reports window (Esc)")
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.close_button)
        root.addLayout(bottom)

    # --- filters -----------------------------------------------------------------

    def now(self) -> datetime:
        return self._now or reporting.local_now()

    def _period_changed(self) -> None:
        custom = self.period_box.currentData() == "custom"
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if custom:
            now = self.now()
            # Start from the dates of the period shown before, a natural place to edit.
            span = week_period(now.date(), now.tzinfo)
            if self._data is not None:
                span = self._data.period
            elif now.day > 7:
                span = month_period(now.date(), now.tzinfo)
            self.from_edit.setDate(_qdate(span.start.date()))
            self.to_edit.setDate(_qdate((span.end - timedelta(days=1)).date()))
        self._filters_changed()

    def period_spec(self) -> str:
        key = self.period_box.currentData()
        if key != "custom":
            return str(key)
        start = self.from_edit.date().toString("yyyy-MM-dd")
        end = self.to_edit.date().toString("yyyy-MM-dd")
        return f"{start}..{end}"

    def selected_people(self) -> list[str]:
        return [a.text() for a in self.people_menu.actions() if a.isChecked()]

    def selected_project(self) -> str | None:
        value = self.project_box.currentData()
        return str(value) if value else None

    def set_filters(
        self,
        *,
        period: str | None = None,
        people: list[str] | None = None,
        project: str | None = None,
    ) -> None:
        """Set filters from code (the main window, tests); the report rebuilds once."""
        blockers = [self.period_box, self.project_box, self.from_edit, self.to_edit]
        for widget in blockers:
            widget.blockSignals(True)
        try:
            if period is not None:
                index = self.period_box.findData(period)
                if index < 0:
                    span = parse_period(period, self.now())
                    index = self.period_box.findData("custom")
                    self.from_edit.setDate(_qdate(span.start.date()))
                    self.to_edit.setDate(_qdate((span.end - timedelta(days=1)).date()))
                self.period_box.setCurrentIndex(index)
                custom = self.period_box.currentData() == "custom"
                self.from_edit.setEnabled(custom)
                self.to_edit.setEnabled(custom)
            if people is not None:
                wanted = {p.lower() for p in people}
                for action in self.people_menu.actions():
                    action.setChecked(action.text().lower() in wanted)
                self._update_people_label()
            if project is not None:
                index = self.project_box.findData(project)
                self.project_box.setCurrentIndex(max(0, index))
        finally:
            for widget in blockers:
                widget.blockSignals(False)
        self._filters_changed()

    def _update_people_label(self) -> None:
        chosen = self.selected_people()
        if not chosen:
            self.people_button.setText("Everyone")
        elif len(chosen) <= 2:
            self.people_button.setText(", ".join(chosen))
        else:
            self.people_button.setText(f"{len(chosen)} people")

    def _filters_changed(self, *_args: object) -> None:
        if self._history is not None:
            self._status.setText("Updating…")
            self._rebuild_timer.start()

    # --- work on the worker thread ----------------------------------------------

    def _run(self, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run ``job`` on the view's worker; a newer run makes an older picture stale."""
        self._generation += 1
        generation = self._generation
        self._executor.submit(
            job, lambda result, error: self._deliver(generation, done, result, error)
        )

    def _deliver(
        self,
        generation: int,
        done: Callable[[Any], None],
        result: Any,
        error: BaseException | None,
    ) -> None:
        if error is not None:
            if isinstance(error, UserError):
                message = str(error)
            else:
                log.error("Report failed", exc_info=error)
                message = f"Could not build the report ({type(error).__name__}: {error})."
            self._status.setText(message)
            self.export_button.setEnabled(self._data is not None)
            self.refresh_button.setEnabled(True)
            self.failed.emit(message)
            return
        if generation != self._generation and done == self._show:
            return  # a newer filter change is on its way; skip the stale picture
        done(result)

    def refresh(self) -> None:
        """Read the board and its history again (the view reads them once when it
        opens); the chosen period, people and project stay as they are."""
        self._status.setText("Reading the board and its history…")
        self.refresh_button.setEnabled(False)
        self._run(lambda: reporting.read_history(self.service), self._history_read)

    def _history_read(self, history: reporting.BoardHistory) -> None:
        self._history = history
        self.refresh_button.setEnabled(True)
        chosen = set(self.selected_people())
        project = self.selected_project()
        self.people_menu.clear()
        for person in history.people:
            action = self.people_menu.addAction(person.name)
            action.setCheckable(True)
            action.setChecked(person.name in chosen)
            action.toggled.connect(self._people_toggled)
        self._update_people_label()
        self.project_box.blockSignals(True)
        try:
            while self.project_box.count() > 1:
                self.project_box.removeItem(1)
            for name in history.projects:
                self.project_box.addItem(name, name)
            self.project_box.setCurrentIndex(max(0, self.project_box.findData(project)))
        finally:
            self.project_box.blockSignals(False)
        self._rebuild()

    def _people_toggled(self, _checked: bool) -> None:
        self._update_people_label()
        self._filters_changed()

    def _rebuild(self) -> None:
        history = self._history
        if history is None:
            return
        spec, people, project, now = (
            self.period_spec(),
            self.selected_people(),
            self.selected_project(),
            self.now(),
        )

        def job() -> tuple[ReportData, dict[str, Any], str]:
            period = parse_period(spec, now)
            data = reporting.make_report(
                history, period=period, now=now, people=people, project=project
            )
            figures = {s.key: s.draw(data, CHART_SIZE) for s in charts.CHARTS}
            return data, figures, render_markdown(data)

        self._run(job, self._show)

    def _show(self, result: tuple[ReportData, dict[str, Any], str]) -> None:
        data, figures, markdown = result
        self._data = data
        self.summary.setMarkdown(markdown)
        for spec in charts.CHARTS:
            layout = self._chart_tabs[spec.key]
            while layout.count():
                item = layout.takeAt(0)
                old = item.widget() if item is not None else None
                if old is not None:
                    old.deleteLater()
            fig = figures.get(spec.key)
            if fig is None:
                label = QLabel(spec.empty)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                label.setWordWrap(True)
                layout.addWidget(label)
            else:
                layout.addWidget(FigureCanvasQTAgg(fig))
        self.export_button.setEnabled(True)
        self._status.setText(f"{data.period.label} · {data.board}")
        self.report_ready.emit(data)

    # --- export -----------------------------------------------------------------

    def _ask_export(self) -> None:
        if self._data is None:
            return
        suggested = f"status-report-{self._data.period.start:%Y-%m-%d}.pdf"
        path, chosen = QFileDialog.getSaveFileName(
            self, "Export the report", suggested, EXPORT_FILTERS
        )
        if path:
            self.export_to(Path(path), paper="letter" if "Letter" in chosen else "a4")

    def export_to(self, path: Path, paper: str = "a4") -> None:
        """Write the report on screen to ``path``; the format follows the extension."""
        data = self._data
        if data is None:
            return
        self._status.setText(f"Writing {path.name}…")
        self.export_button.setEnabled(False)

        def done(written: Path) -> None:
            self.export_button.setEnabled(True)
            self._status.setText(f"Saved the report to {written}.")
            self.exported.emit(str(written))

        self._run_export(lambda: write_report(data, path, None, paper), done)

    def _run_export(self, job: Callable[[], Path], done: Callable[[Path], None]) -> None:
        # An export is never stale: deliver it under the generation current then.
        self._executor.submit(
            job, lambda result, error: self._deliver(self._generation, done, result, error)
        )

    def done(self, result: int) -> None:
        # Let a running job finish before the widgets it reports to go away.
        self._rebuild_timer.stop()
        self._executor.wait(10_000)
        super().done(result)

    def closeEvent(self, event: Any) -> None:  # Qt's name
        self._rebuild_timer.stop()
        self._executor.wait(10_000)
        super().closeEvent(event)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
