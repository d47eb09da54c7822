"""Render the app icon from its one SVG into every size and format the installers need.

    python packaging/make_icons.py        # what ``make icons`` runs

Source: ``kanban/resources/icons/kanban.svg`` (the window icon too). Writes,
beside this script:

- ``icons/hicolor/<N>x<N>/apps/kanban-team-board.png`` for N in 16...512 and
  ``icons/hicolor/scalable/apps/kanban-team-board.svg`` (the freedesktop icon theme);
- ``icons/kanban-team-board.ico`` (Windows: 16 to 256 px in one file);
- ``icons/kanban-team-board.icns`` (macOS: 16 to 512 px, and 1024 for @2x).

The SVG is drawn by Qt (QtSvg, offscreen, so no display is needed) and the
``.ico``/``.icns`` are packed by Pillow, which matplotlib already installs.
The outputs are committed, so a build needs neither step.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "kanban" / "resources" / "icons" / "kanban.svg"
OUT = HERE / "icons"
NAME = "kanban-team-board"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(size: int) -> Image.Image:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(SOURCE))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    images = {size: render(size) for size in sorted({*SIZES, *ICO_SIZES, *ICNS_SIZES})}
    for size in SIZES:
        target = OUT / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        images[size].save(target, optimize=True)
    scalable = OUT / "hicolor" / "scalable" / "apps" / f"{NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes(SOURCE.read_bytes())
    images[256].save(OUT / f"{NAME}.ico", sizes=[(s, s) for s in ICO_SIZES])
    images[1024].save(OUT / f"{NAME}.icns")
    print(f"icons written under {OUT}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
