"""Build the one-folder bundle for this system and an archive of it.

    python packaging/build.py            # what `make dist` runs; needs the `dist` extra

Runs PyInstaller on ``packaging/kanban.spec`` into ``dist/`` and packs the
result as ``dist/kanban-team-board-<version>-<system>-<machine>.tar.gz``
(``.zip`` on Windows; on macOS the ``.app`` is zipped). The Linux archive
also holds the .desktop entry, the AppStream file, the icons and
``install.sh``, which installs all of it for the user. Prints the archive,
the bundle's size and the archive's size.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUILD = ROOT / "build" / "pyinstaller"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from kanban import __version__

    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD),
         str(ROOT / "packaging" / "kanban.spec")],
        check=True,
    )  # fmt: skip
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    stem = f"kanban-team-board-{__version__}-{system}-{platform.machine().lower()}"
    if sys.platform == "darwin":
        bundle = DIST / "Kanban Team Board.app"
        archive = Path(shutil.make_archive(str(DIST / stem), "zip", DIST, bundle.name))
    elif sys.platform == "win32":
        bundle = DIST / "kanban"
        archive = Path(shutil.make_archive(str(DIST / stem), "zip", DIST, bundle.name))
    else:
        bundle = DIST / "kanban"
        archive = DIST / f"{stem}.tar.gz"
        here = ROOT / "packaging"
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(bundle, arcname=stem)  # kanban and _internal/
            tar.add(here / "linux" / "install.sh", arcname=f"{stem}/install.sh")
            tar.add(
                here / "kanban-team-board.desktop",
                arcname=f"{stem}/share/applications/kanban-team-board.desktop",
            )
            tar.add(
                here / "kanban-team-board.metainfo.xml",
                arcname=f"{stem}/share/metainfo/kanban-team-board.metainfo.xml",
            )
            tar.add(here / "icons" / "hicolor", arcname=f"{stem}/share/icons/hicolor")
    mib = 1024 * 1024
    print(  # noqa: T201
        f"{archive}\nbundle {bundle}: {folder_size(bundle) / mib:.0f} MiB, "
        f"archive: {archive.stat().st_size / mib:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
