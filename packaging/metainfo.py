"""The AppStream file's screenshot addresses, made from where the files are in the repository.

    python packaging/metainfo.py           # rewrite them in kanban-team-board.metainfo.xml
    python packaging/metainfo.py --check   # exit 1, saying what differs, if they are stale

A software centre fetches each screenshot by URL, so each ``<image>`` of the
metainfo file points at its PNG in ``docs/screenshots/`` in the repository's
raw-file form, with the PNG's own width and height. Where the repository is
comes from one place: ``[project.urls] Repository`` in ``pyproject.toml`` when
it is there (GitHub and GitLab addresses are turned into their raw-file form),
else :data:`REPOSITORY_RAW_URL` below. ``tests/packaging/test_desktop_files.py``
runs the check, so a screenshot renamed, moved or re-rendered at another size
fails a test instead of a software centre.
"""

from __future__ import annotations

import argparse
import re
import struct
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
METAINFO = ROOT / "packaging" / "kanban-team-board.metainfo.xml"
SCREENSHOTS = "docs/screenshots"

# The raw-file address of the repository's default branch: a file's address is
# this plus its path in the repository. Used while pyproject.toml names no
# repository; see packaging/README.md ("Screenshots in the AppStream file").
REPOSITORY_RAW_URL = "https://raw.githubusercontent.com/kanban-team-board/kanban-team-board/main/"

# The branch a repository URL from pyproject.toml is read at.
BRANCH = "main"

_IMAGE = re.compile(r"<image\b(?P<attrs>[^>]*)>(?P<url>[^<]*)</image>")
_REPO_KEYS = ("Repository", "Source", "Source Code", "Homepage")


def raw_base(repository: str, branch: str = BRANCH) -> str | None:
    """The raw-file form of a GitHub or GitLab repository address; None for other hosts."""
    url = repository.strip().removesuffix("/").removesuffix(".git")
    github = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+)", url)
    if github:
        return f"https://raw.githubusercontent.com/{github[1]}/{github[2]}/{branch}/"
    gitlab = re.fullmatch(r"(https://gitlab\.[^/]+/.+/[^/]+)", url)
    if gitlab:
        return f"{gitlab[1]}/-/raw/{branch}/"
    return None


def repository_raw_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """Where the repository's files are as raw files, from pyproject.toml or the constant."""
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    for key in _REPO_KEYS:
        base = raw_base(urls[key]) if key in urls else None
        if base is not None:
            return base
    return REPOSITORY_RAW_URL


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG file")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _set_attr(attrs: str, name: str, value: int) -> str:
    pattern = re.compile(rf'\b{name}="[^"]*"')
    if pattern.search(attrs):
        return pattern.sub(f'{name}="{value}"', attrs)
    return f'{attrs} {name}="{value}"'


def rendered(text: str, base: str, root: Path = ROOT) -> str:
    """The metainfo text with each screenshot's address and size made from the repository.

    Raises:
        FileNotFoundError: an ``<image>`` names a file that is not in docs/screenshots/.
    """

    def image(match: re.Match[str]) -> str:
        name = match["url"].strip().rsplit("/", 1)[-1]
        path = root / SCREENSHOTS / name
        if not path.is_file():
            raise FileNotFoundError(
                f"The metainfo file shows the screenshot '{name}', which is not in "
                f"{SCREENSHOTS}/: add the file or remove its <screenshot> entry."
            )
        width, height = png_size(path)
        attrs = _set_attr(_set_attr(match["attrs"], "width", width), "height", height)
        return f"<image{attrs}>{base}{SCREENSHOTS}/{name}</image>"

    return _IMAGE.sub(image, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether the file is stale")
    args = parser.parse_args(argv)
    current = METAINFO.read_text(encoding="utf-8")
    try:
        wanted = rendered(current, repository_raw_url())
    except (FileNotFoundError, ValueError) as exc:
        print(exc, file=sys.stderr)  # noqa: T201
        return 1
    if wanted == current:
        return 0
    if args.check:
        print(  # noqa: T201
            f"{METAINFO.name}: the screenshot addresses or sizes are stale; "
            "run `python packaging/metainfo.py` and commit the file.",
            file=sys.stderr,
        )
        return 1
    METAINFO.write_text(wanted, encoding="utf-8", newline="\n")
    print(f"Updated the screenshots in {METAINFO}.")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
