"""The window's first paint waits for nothing it does not show: by then the sync
(SQLModel, pydantic, requests), the links and the report's data model are not
imported, and the data layer came in before Qt (PySide6 reads the source of
every module imported after it). Run in a fresh interpreter, as ``kanban`` runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kanban.services.board import BoardService

# Starts the window as ``kanban --db PATH`` does and prints, at the first paint
# that shows cards, the modules imported so far (in the order they came).
_FIRST_PAINT = """
import json, sys
import kanban.ui.app
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QGraphicsView

app = QApplication(sys.argv[:1])


class FirstPaint(QObject):
    seen = False

    def eventFilter(self, obj, event):
        window = getattr(app, "board_window", None)
        if (
            not self.seen
            and event.type() == QEvent.Type.Paint
            and isinstance(obj.parent(), QGraphicsView)
            and window is not None
            and window.scene.card_items
        ):
            self.seen = True
            print(json.dumps(list(sys.modules)), flush=True)
            QTimer.singleShot(0, app.quit)
        return False


watch = FirstPaint()
app.installEventFilter(watch)
from kanban.main import main

main(["--db", sys.argv[1]])
"""


def test_the_first_paint_imports_no_sync_links_or_reports(tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    service = BoardService.open(f"sqlite:///{db}", "tester")
    for title in ("Patch file servers", "Renew TLS certificates", "Rotate backups"):
        service.add_card(title)
    service.close()
    out = subprocess.run(
        [sys.executable, "-c", _FIRST_PAINT, str(db)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    modules = json.loads(out.strip().splitlines()[-1])
    for later in ("sqlmodel", "pydantic", "requests", "kanban.services.sync", "kanban.links"):
        assert later not in modules, f"{later} is imported before the first paint"
    assert "kanban.reports.model" not in modules
    assert modules.index("sqlalchemy") < modules.index("PySide6")
