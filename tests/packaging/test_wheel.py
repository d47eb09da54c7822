"""The built wheel is the whole app: migrations and resources ride along.

``pip wheel . --no-deps`` builds it; it is installed into a fresh venv (made
without pip, installed by this venv's pip with ``--python``) whose only other
path is this venv's site-packages for the dependencies, so ``kanban`` itself
comes from the wheel and nothing from the source tree. Then ``kanban demo``
and ``kanban list`` run from it, in a folder outside the clone. About 10 s,
most of it building the wheel (pip's build isolation fetches setuptools once).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0 and "No matching distribution" in result.stderr:
        pytest.skip("building the wheel needs setuptools from the package index")
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("kanban_team_board-*.whl")
    return built


def test_the_wheel_carries_migrations_and_resources(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    versions = sorted(
        n for n in names if n.startswith("kanban/store/migrations/versions/0") and n.endswith(".py")
    )
    in_tree = sorted(
        f"kanban/store/migrations/versions/{p.name}"
        for p in (ROOT / "kanban/store/migrations/versions").glob("0*.py")
    )
    assert versions == in_tree
    assert "kanban/store/migrations/env.py" in names
    assert "kanban/store/migrations/script.py.mako" in names
    assert "kanban/resources/icons/kanban.svg" in names
    assert "kanban/platform_check.py" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_kanban_demo_and_list_run_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    # The dependencies come from this venv; a bare path entry, so its .pth files
    # (the editable install of the source tree among them) are not run.
    Path(site, "_deps_from_test_venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    kanban = env_dir / ("Scripts/kanban.exe" if os.name == "nt" else "bin/kanban")
    assert kanban.exists()

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT / "tests")  # only for the in-memory keyring backend
    db = tmp_path / "demo.db"

    where = subprocess.run(
        [str(python), "-c", "import kanban; print(kanban.__file__)"],
        capture_output=True, text=True, cwd=work, env=env, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(where).is_relative_to(env_dir), where

    demo = subprocess.run(
        [str(kanban), "demo", "--db", str(db)],
        capture_output=True, text=True, cwd=work, env=env, timeout=120,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    listing = subprocess.run(
        [str(kanban), "list", "--db", str(db)],
        capture_output=True, text=True, cwd=work, env=env, timeout=60,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    assert "TASK POOL" in listing.stdout
    assert len(listing.stdout.splitlines()) > 20
