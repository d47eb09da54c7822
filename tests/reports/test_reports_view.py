"""The Reports window opens on a real board, shows charts, filters and exports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from pypdf import PdfReader
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kanban.reports import charts
from kanban.reports.model import ReportData
from kanban.services.board import BoardService
from kanban.ui.reports_view import ReportsView
from reports.test_service_cli import fill

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)


def test_reports_view_shows_report_and_charts(qtbot: QtBot, service: BoardService) -> None:
    fill(service)
    view = ReportsView(service, now=NOW)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.report_ready, timeout=10_000) as ready:
        view.show()
    data: ReportData = ready.args[0]
    assert data.period.label.startswith("Week 47 of 2026")
    assert "Patch web servers" in view.summary.toPlainText()
    assert view.tabs.count() == 1 + len(charts.CHARTS)
    assert view.export_button.isEnabled()
    cycle_tab = view.tabs.widget(2)
    assert cycle_tab.findChild(FigureCanvasQTAgg) is not None
    assert [a.text() for a in view.people_menu.actions()] == ["Alice Smith"]


def test_filters_rebuild_and_empty_charts_say_so(qtbot: QtBot, service: BoardService) -> None:
    fill(service)
    view = ReportsView(service, now=NOW)
    qtbot.addWidget(view)
    qtbot.waitSignal(view.report_ready, timeout=10_000).wait()
    with qtbot.waitSignal(view.report_ready, timeout=10_000) as ready:
        view.set_filters(period="2026-11-01..2026-11-10", project="WEB")
    data: ReportData = ready.args[0]
    assert data.period.label == "1 Nov 2026 – 10 Nov 2026"
    assert data.filters == ("project: WEB",)
    assert view.period_box.currentData() == "custom"
    throughput_tab = view.tabs.widget(3)
    label = throughput_tab.findChild(QLabel)
    assert label is not None and label.text() == "No card was finished in this time."


def test_export_writes_the_file_by_extension(
    qtbot: QtBot, service: BoardService, tmp_path: Path
) -> None:
    fill(service)
    view = ReportsView(service, now=NOW)
    qtbot.addWidget(view)
    qtbot.waitSignal(view.report_ready, timeout=10_000).wait()
    target = tmp_path / "week.pdf"
    with qtbot.waitSignal(view.exported, timeout=20_000) as done:
        view.export_to(target, paper="letter")
    assert done.args == [str(target)]
    reader = PdfReader(str(target))
    assert "Alice Smith" in reader.pages[0].extract_text()
    with qtbot.waitSignal(view.exported, timeout=20_000):
        view.export_to(tmp_path / "week.csv")  # the cards table alone (#15)
    assert (tmp_path / "week.csv").read_bytes().startswith("\ufeffcard_id,".encode())
    with qtbot.waitSignal(view.failed, timeout=10_000) as failed:
        view.export_to(tmp_path / "week.txt")
    assert "Cannot tell the report format" in failed.args[0]


def test_refresh_reads_changes_made_since_and_keeps_the_filters(
    qtbot: QtBot, service: BoardService
) -> None:
    fill(service)
    view = ReportsView(service, now=NOW)
    qtbot.addWidget(view)
    qtbot.waitSignal(view.report_ready, timeout=10_000).wait()
    with qtbot.waitSignal(view.report_ready, timeout=10_000):
        view.set_filters(people=["Alice Smith"])
    service.add_person("Bob Jones")
    card = service.add_card("Renew the VPN certificate", project="NET").card
    service.move_card(card.id, column="Done", person="Alice Smith", at=NOW)
    assert "Renew the VPN certificate" not in view.summary.toPlainText()

    with qtbot.waitSignal(view.report_ready, timeout=10_000) as ready:
        view.refresh_button.click()
    assert "Renew the VPN certificate" in view.summary.toPlainText()
    assert [a.text() for a in view.people_menu.actions()] == ["Alice Smith", "Bob Jones"]
    assert view.selected_people() == ["Alice Smith"]
    assert ready.args[0].filters == ("people: Alice Smith",)
    assert view.project_box.findData("NET") > 0
