"""Fitting the whole board into a screen: the wall, and View → Fit board on a laptop.

A physical whiteboard shows everything at once, so the fitted board never
scrolls. Readability sets the zoom (:func:`readable_zoom`: title capitals at
:data:`WALL_CAP_SHARE` of the screen's height); what is left to choose is how
much each card shows. :func:`fit_layout` tries the card faces from the
fullest to the densest, separately for the lanes and for the pool column,
and keeps the fullest face that shows every card. Where even one-line cards
do not fit, cells show what fits and a "+N more" note. Where the lanes
themselves do not fit (a team of 16 on a 1080p screen), the wall shows them
in pages (:func:`lane_pages`) that rotate.
"""

from __future__ import annotations

import dataclasses
import math
from functools import lru_cache

from PySide6.QtGui import QFontMetricsF

from kanban.ui.board_data import BoardData
from kanban.ui.layout import BoardLayout, Face, Metrics, compute_layout

# Capitals of card titles are at least this share of the screen's height
# (1.1% asked: 12 px at 1080 and 24 px at 2160), with a little to spare for
# the rounding of pixel font sizes.
WALL_CAP_SHARE = 0.0115
FACES = (Face.FULL, Face.COMPACT, Face.LINE)


def readable_zoom(screen_height: int, metrics: Metrics) -> float:
    """The zoom at which card-title capitals are WALL_CAP_SHARE of ``screen_height``."""
    cap = QFontMetricsF(metrics.title_font).capHeight()
    return WALL_CAP_SHARE * screen_height / cap


def title_cap_pixels(metrics: Metrics, zoom: float) -> float:
    """How tall the capitals of a card title are on screen at ``zoom``."""
    return QFontMetricsF(metrics.title_font).capHeight() * zoom


def min_lane_height(metrics: Metrics) -> float:
    """The least a lane can have and still show a row of one-line cards and its header."""
    line = metrics.with_face(Face.LINE)
    header = (
        QFontMetricsF(metrics.lane_font).lineSpacing()
        + QFontMetricsF(metrics.header_figure_font).lineSpacing()
        + 8
    )
    return max(line.card_height + 2 * metrics.pad, header)


def lanes_per_page(height: float, metrics: Metrics) -> int:
    """How many lanes fit ``height`` scene units below the header row."""
    room = height - 2 * metrics.margin - metrics.header_height - metrics.gap
    return max(1, math.floor((room + metrics.gap) / (min_lane_height(metrics) + metrics.gap)))


def lane_pages(data: BoardData, height: float, metrics: Metrics) -> int:
    """How many pages the board's lanes need at ``height`` (1: all at once)."""
    return max(1, math.ceil(len(data.lanes) / lanes_per_page(height, metrics)))


def page_of(data: BoardData, page: int, height: float, metrics: Metrics) -> BoardData:
    """``data`` with only the lanes of ``page`` (0-based; wraps round)."""
    per_page = lanes_per_page(height, metrics)
    pages = max(1, math.ceil(len(data.lanes) / per_page))
    start = (page % pages) * per_page
    lanes = data.lanes[start : start + per_page]
    keys = {lane.key for lane in lanes}
    return dataclasses.replace(
        data,
        lanes=lanes,
        cells={cell: cards for cell, cards in data.cells.items() if cell[1] in keys},
    )


@lru_cache(maxsize=8)
def _faces(metrics: Metrics) -> tuple[Metrics, ...]:
    """The metrics of each face, fullest first (font metrics are read once per base)."""
    return tuple(metrics.with_face(face) for face in FACES)


def fit_layout(data: BoardData, width: float, height: float, metrics: Metrics) -> BoardLayout:
    """The layout of ``data`` within ``width`` × ``height`` scene units, fullest faces first.

    The lanes and the pool column choose their faces separately: a long pool
    need not shrink the cards of a short lane. The faces are tried by their needs
    alone; the board is laid out once.
    """
    faces = _faces(metrics)
    lane_face: Metrics | None = None
    pool_face: Metrics | None = None
    # The faces are chosen from what each would need (cheap), then the board is
    # laid out once: a fitted relayout must stay within a frame.
    for face in faces:
        trial = compute_layout(
            data,
            width,
            lane_face or face,
            pool_m=pool_face or face,
            fit_height=height,
            measure_only=True,
        )
        if lane_face is None and not trial.lanes_capped:
            lane_face = face
        if pool_face is None and not trial.pool_capped:
            pool_face = face
        if lane_face is not None and pool_face is not None:
            break
    return compute_layout(
        data,
        width,
        lane_face or faces[-1],
        pool_m=pool_face or faces[-1],
        fit_height=height,
    )
