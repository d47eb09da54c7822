"""The fonts of the reports: wide coverage where the system has it, never a missing-glyph warning.

Charts and the PDF write in DejaVu Sans, which ships inside matplotlib and
covers Latin, Greek and Cyrillic but no Chinese, Japanese or Korean. Names
like 王小明 would print as boxes, with one matplotlib "Glyph missing" warning
per character. So:

- :func:`fallback_font` probes matplotlib's font list for a font with wide
  coverage (Noto Sans CJK, Source Han Sans, Droid Sans Fallback, WenQuanYi,
  Microsoft YaHei, PingFang...), the first one found wins;
- :func:`use_in_matplotlib` names it after the sans-serif font (DejaVu Sans)
  in ``font.family``, so matplotlib takes each glyph DejaVu lacks from it
  (font fallback, matplotlib 3.6+); ``render_pdf`` gives it to fpdf2 as its
  fallback font;
- :func:`drawable` is applied to the board's own words (people, columns,
  titles) before they are drawn: a character that no font here has becomes a
  box (U+25A1) drawn from DejaVu, and one log line says which font to install,
  instead of a warning per glyph from matplotlib or fpdf2.
"""

from __future__ import annotations

import functools
import logging
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

log = logging.getLogger(__name__)

BASE_FAMILY = "DejaVu Sans"
BASE_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
# Families with wide coverage, best first: the Simplified Chinese faces of the
# pan-CJK fonts, then the fallbacks Linux, Windows and macOS install.
CANDIDATES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Sans",
    "Droid Sans Fallback",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "Arial Unicode MS",
)
BOX = "\u25a1"  # WHITE SQUARE: what an unprintable character is shown as
INSTALL_HINT = (
    "Install a font with wide coverage, e.g. Noto Sans CJK (Debian/Ubuntu: sudo apt install "
    "fonts-noto-cjk; Fedora: sudo dnf install google-noto-sans-cjk-fonts), then make the "
    "report again."
)


@dataclass(frozen=True, slots=True)
class FallbackFont:
    """A font file to take missing glyphs from.

    Attributes:
        family: its family name, as matplotlib lists it.
        path: the font file (.ttf, .otf or a .ttc collection).
        index: the face in a collection (0 for a single font).
    """

    family: str
    path: Path
    index: int = 0


@functools.cache
def fallback_font() -> FallbackFont | None:
    """The first font of :data:`CANDIDATES` this system has, a regular weight if it can."""
    entries = [e for e in font_manager.fontManager.ttflist if e.name in CANDIDATES]
    for family in CANDIDATES:
        faces = [e for e in entries if e.name == family and e.style == "normal"]
        if not faces:
            continue
        face = min(faces, key=lambda e: abs(_weight(e.weight) - 400))
        return FallbackFont(family, Path(face.fname), int(getattr(face, "index", 0) or 0))
    return None


def _weight(value: object) -> int:
    if isinstance(value, int):
        return value
    return font_manager.weight_dict.get(str(value), 400)


@functools.cache
def _base_coverage() -> frozenset[int]:
    """Code points DejaVu Sans can draw."""
    return frozenset(FT2Font(str(BASE_FILE)).get_charmap())


@functools.cache
def _coverage() -> frozenset[int]:
    """Code points that DejaVu Sans or the fallback font can draw."""
    points = set(_base_coverage())
    font = fallback_font()
    if font is not None:
        try:
            points.update(FT2Font(str(font.path), face_index=font.index).get_charmap())
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("Could not read the font %s (%s): %s", font.family, font.path, exc)
    return frozenset(points)


def runs(text: str) -> list[tuple[bool, str]]:
    """``text`` cut where the font changes: (True, run) for a run DejaVu Sans lacks."""
    base = _base_coverage()
    out: list[tuple[bool, str]] = []
    for ch in text:
        wide = ord(ch) not in base and ch not in "\n\t"
        if out and out[-1][0] == wide:
            out[-1] = (wide, out[-1][1] + ch)
        else:
            out.append((wide, ch))
    return out


def use_in_matplotlib() -> None:
    """Draw the charts' text in the sans-serif font (DejaVu Sans), the fallback for the rest.

    matplotlib falls back along ``font.family`` only: the generic "sans-serif"
    is one font, so the wide-coverage family is named after it.
    """
    font = fallback_font()
    matplotlib.rcParams["font.family"] = ["sans-serif", *([font.family] if font else [])]


_reported = threading.Event()


def drawable(text: str) -> str:
    """``text`` with every character no font here can draw shown as a box.

    Marks and format characters without a glyph (a stray variation selector,
    a zero-width joiner) are left out, since they have no shape to show. The
    first time anything is replaced, one log line names the characters and
    the font to install.
    """
    covered = _coverage()
    if all(ord(ch) in covered or ch in "\n\t" for ch in text):
        return text
    out: list[str] = []
    missing: list[str] = []
    for ch in text:
        if ord(ch) in covered or ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        else:
            out.append(BOX)
            missing.append(ch)
    if missing and not _reported.is_set():
        _reported.set()
        shown = ", ".join(dict.fromkeys(missing[:10]))
        log.warning(
            "The report has characters that no font on this system can draw (%s); they are "
            "shown as %s. %s",
            shown,
            BOX,
            INSTALL_HINT,
        )
    return "".join(out)


def reset() -> None:
    """Probe the fonts again (after fonts were installed, and in tests)."""
    fallback_font.cache_clear()
    _base_coverage.cache_clear()
    _coverage.cache_clear()
    _reported.clear()
    use_in_matplotlib()
