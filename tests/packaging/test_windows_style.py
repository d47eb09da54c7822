"""Nothing assumes Linux: the path, URL, lock and export code under Windows-style settings.

What can run here does: platformdirs' Windows layout (its folder overrides
stand in for the shell's known folders), SQLAlchemy URLs of drive-letter paths,
the sync lock in a folder named like a Windows profile (spaces, non-ASCII),
and report exports whose line ends do not depend on the system writing them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PureWindowsPath

import platformdirs
import platformdirs.windows
import pytest
from sqlalchemy.engine import make_url

from kanban import settings

PROFILE = r"C:\Users\Zoë Smith\AppData"


@pytest.fixture
def windows_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KANBAN_CONFIG_DIR", "KANBAN_DATA_DIR", "KANBAN_LOG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WIN_PD_OVERRIDE_APPDATA", PROFILE + r"\Roaming")
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", PROFILE + r"\Local")
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)


def test_the_files_go_where_windows_keeps_app_data(windows_dirs: None) -> None:
    app = PureWindowsPath(PROFILE, "Local", "KanbanTeamBoard", "kanban-team-board")
    assert PureWindowsPath(str(settings.config_dir())) == app
    assert PureWindowsPath(str(settings.data_dir())) == app
    assert PureWindowsPath(str(settings.log_dir())) == app / "Logs"
    assert PureWindowsPath(str(settings.config_path())) == app / "config.toml"


@pytest.mark.parametrize(
    "path",
    [
        PROFILE + r"\Local\KanbanTeamBoard\kanban-team-board\board.db",
        r"\\fileserver\ops share\board.db",
        r"D:\Boards\Team board (wall).db",
    ],
)
def test_a_windows_path_survives_the_database_url(path: str) -> None:
    from kanban.store import db

    url = f"sqlite:///{PureWindowsPath(path)}"
    assert make_url(url).database == path
    found = db.sqlite_path(url)
    assert found is not None and PureWindowsPath(str(found)) == PureWindowsPath(path)
    lock = PureWindowsPath(str(found))
    assert lock.with_name(lock.name + ".sync-lock").parent == PureWindowsPath(path).parent


@pytest.mark.integration
def test_the_sync_lock_in_a_windows_like_profile_folder(tmp_path: Path) -> None:
    from kanban.store.db import open_database
    from kanban.sync.errors import SyncBusy
    from kanban.sync.lock import board_sync_lock

    folder = tmp_path / "Users" / "Zoë Smith" / "AppData" / "Local" / "Kanban Team Board"
    folder.mkdir(parents=True)
    url = f"sqlite:///{folder / 'board.db'}"
    open_database(url).dispose()
    with board_sync_lock(url):
        assert (folder / "board.db.sync-lock").exists()
        with pytest.raises(SyncBusy), board_sync_lock(url):
            pass
    with board_sync_lock(url):  # released: the next run gets it
        pass


@pytest.mark.integration
def test_report_exports_have_the_same_line_ends_on_every_system(service, tmp_path: Path) -> None:
    from kanban.services.demo import fill_demo_board
    from kanban.services.reporting import export_report

    fill_demo_board(service)
    for fmt in ("md", "html", "json"):
        out = tmp_path / f"r.{fmt}"
        export_report(service, out, fmt=fmt)
        data = out.read_bytes()
        assert b"\n" in data and b"\r\n" not in data, fmt  # written as bytes: LF everywhere
    out = tmp_path / "r.zip"
    export_report(service, out, fmt="csv")
    with zipfile.ZipFile(out) as archive:
        for name in archive.namelist():
            lines = io.BytesIO(archive.read(name)).read().split(b"\r\n")
            assert len(lines) > 1 and not any(b"\n" in line for line in lines), name  # RFC 4180
