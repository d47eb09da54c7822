"""Desktop integration: the .desktop entry, the AppStream file and the icons.

The validators (``desktop-file-validate`` from desktop-file-utils,
``appstreamcli`` from appstream) are system tools: those tests skip, saying
which package to install, when the tool is missing. The rest reads the files.
"""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kanban import __version__

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
DESKTOP = PACKAGING / "kanban-team-board.desktop"
METAINFO = PACKAGING / "kanban-team-board.metainfo.xml"
ICONS = PACKAGING / "icons"
SCREENSHOTS = PACKAGING.parent / "docs" / "screenshots"


def metainfo_script():  # packaging/ is a folder of scripts, not a package
    spec = importlib.util.spec_from_file_location("metainfo", PACKAGING / "metainfo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def entry() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser


def test_the_wall_has_its_own_desktop_action() -> None:
    desktop = entry()
    assert desktop["Desktop Entry"]["Exec"] == "kanban"
    assert "Wall" in desktop["Desktop Entry"]["Actions"].split(";")
    assert desktop["Desktop Action Wall"]["Name"] == "Kanban wall"
    assert desktop["Desktop Action Wall"]["Exec"] == "kanban --wall"


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate missing (apt install desktop-file-utils)",
)
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr


@pytest.mark.skipif(
    shutil.which("appstreamcli") is None, reason="appstreamcli missing (apt install appstream)"
)
def test_metainfo_validates() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_metainfo_has_screenshots_of_the_docs_and_this_release() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("launchable") == DESKTOP.name
    images = [i.text or "" for i in root.iter("image")]
    assert {Path(i).name for i in images} == {p.name for p in SCREENSHOTS.glob("*.png")}
    assert __version__ in [r.get("version") for r in root.iter("release")]


def test_screenshots_point_at_their_files_in_the_repository() -> None:
    metainfo = metainfo_script()
    base = metainfo.repository_raw_url()
    assert base.startswith("https://") and base.endswith("/")
    assert "example." not in base
    for image in ET.parse(METAINFO).getroot().iter("image"):
        url = image.text or ""
        assert url.startswith(base), url
        in_repo = PACKAGING.parent / url.removeprefix(base)
        assert in_repo.is_file(), f"{url} names no file of the repository"
        assert (int(image.get("width", 0)), int(image.get("height", 0))) == png_size(in_repo)


def test_metainfo_check_passes_and_finds_a_stale_address(tmp_path: Path) -> None:
    check = subprocess.run(
        [sys.executable, str(PACKAGING / "metainfo.py"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    metainfo = metainfo_script()
    stale = METAINFO.read_text(encoding="utf-8").replace("board.png", "old-board.png", 1)
    with pytest.raises(FileNotFoundError, match="old-board.png"):
        metainfo.rendered(stale, metainfo.repository_raw_url())


@pytest.mark.parametrize(
    ("repository", "raw"),
    [
        ("https://github.com/acme/board", "https://raw.githubusercontent.com/acme/board/main/"),
        ("https://github.com/acme/board.git", "https://raw.githubusercontent.com/acme/board/main/"),
        ("https://gitlab.com/ops/tools/board/", "https://gitlab.com/ops/tools/board/-/raw/main/"),
        ("https://git.example.net/board", None),
    ],
)
def test_a_repository_in_pyproject_gives_the_raw_file_address(
    repository: str, raw: str | None, tmp_path: Path
) -> None:
    metainfo = metainfo_script()
    assert metainfo.raw_base(repository) == raw
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n[project.urls]\nRepository = "{repository}"\n')
    assert metainfo.repository_raw_url(pyproject) == (raw or metainfo.REPOSITORY_RAW_URL)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("size", [16, 22, 24, 32, 48, 64, 128, 256, 512])
def test_icons_come_at_every_size(size: int) -> None:
    png = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "kanban-team-board.png"
    assert png_size(png) == (size, size)


def test_windows_and_macos_icons_exist() -> None:
    ico = (ICONS / "kanban-team-board.ico").read_bytes()
    assert ico[:4] == b"\0\0\1\0" and struct.unpack("<H", ico[4:6])[0] >= 6  # images in it
    assert (ICONS / "kanban-team-board.icns").read_bytes()[:4] == b"icns"
    svg = ICONS / "hicolor" / "scalable" / "apps" / "kanban-team-board.svg"
    source = PACKAGING.parent / "kanban" / "resources" / "icons" / "kanban.svg"
    assert svg.read_bytes() == source.read_bytes()
