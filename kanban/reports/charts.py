"""The report's charts, drawn with matplotlib's object API (never pyplot).

Each chart function takes the report data and returns a ``Figure``, or None
when there is nothing to draw (the renderers then print the chart's
``empty`` sentence instead). Figures are made with ``matplotlib.figure.Figure``
directly, so no global backend is chosen and nothing here pulls in Qt: the
files are rendered through the Agg/SVG canvases, and the app puts the very same
figure on a Qt canvas.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike
from PIL import Image

from kanban.reports import fonts
from kanban.reports.model import FlowData, ReportData

# Names in any script: DejaVu Sans first, a wide-coverage font for the rest.
fonts.use_in_matplotlib()

# Tableau-10: colour-blind friendly and prints well in greyscale order.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)  # fmt: skip
BAND_COLOURS = {"ok": "#59a14f", "watch": "#edc948", "late": "#e15759", "n/a": "#4e79a7"}
SIZE = (7.2, 3.2)  # inches: fits an A4/Letter text width at a readable font size


def _figure(size: tuple[float, float] = SIZE) -> Figure:
    fig = Figure(figsize=size, layout="constrained")
    fig.set_facecolor("white")
    return fig


def _style(ax: Axes, title: str, ylabel: str) -> None:
    # Titles are the app's own words: the sans-serif font alone, so the wide
    # fallback font (which has no bold face) is not looked up in bold.
    ax.set_title(title, fontsize=11, loc="left", fontweight="bold", fontfamily="sans-serif")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _date_axis(ax: Axes) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _dates(moments: Sequence[datetime]) -> ArrayLike:
    """Datetimes as x values: matplotlib's date converter takes them as they are.

    Its stubs only know numbers and arrays, not the units registry that converts
    datetimes, so this is the one place that says so.
    """
    return cast("ArrayLike", list(moments))


def _whole_numbers(ax: Axes) -> None:
    """Ticks of the y axis on whole numbers only (counts of cards)."""
    locator = ax.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)


def cumulative_flow(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    flow = data.flow
    if not flow.days or not any(any(s.values) for s in flow.cfd):
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    # Done at the bottom, the pool on top: the usual reading of a CFD.
    bands = list(reversed(flow.cfd))
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(bands))]
    ax.stackplot(
        _dates(flow.days),
        [list(s.values) for s in bands],
        labels=[fonts.drawable(s.name) for s in bands],
        colors=colours,
        alpha=0.85,
        step="post",
    )
    _style(ax, "Cumulative flow", "cards")
    _date_axis(ax)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], fontsize=8, loc="upper left", frameon=False)
    return fig


def cycle_time_scatter(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    flow = data.flow
    dots = [
        (r.done_at, r.cycle_days, r.blocked_days > 0)
        for r in flow.finished
        if r.cycle_days is not None
    ]
    if not dots:
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    smooth = [(at, days) for at, days, blocked in dots if not blocked]
    held = [(at, days) for at, days, blocked in dots if blocked]
    ax.scatter(_dates([at for at, _ in smooth]), [days for _, days in smooth], s=18,
               color=PALETTE[0], label="finished card", zorder=3)  # fmt: skip
    if held:
        ax.scatter(_dates([at for at, _ in held]), [days for _, days in held], s=18,
                   color=PALETTE[2], marker="D", label="was blocked on the way",
                   zorder=3)  # fmt: skip
    _cycle_percentile_lines(ax, flow, "")
    _style(ax, "Cycle time of finished cards", "days")
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    return fig


def throughput(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    weeks = data.flow.throughput
    if not weeks or not any(w.finished for w in weeks):
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    labels = [f"{w.week_start:%d %b}" for w in weeks]
    bars = ax.bar(labels, [w.finished for w in weeks], color=PALETTE[0])
    ax.bar_label(bars, fontsize=8, padding=1)
    _style(ax, "Throughput per week (cards finished, week starting)", "cards")
    ax.tick_params(axis="x", labelrotation=45)
    _whole_numbers(ax)
    return fig


def wip_per_person(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    flow = data.flow
    series = [s for s in flow.wip_by_person if any(s.values)]
    if not flow.days or not series:
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    for i, s in enumerate(series):
        ax.step(_dates(flow.days), list(s.values), where="post", label=fonts.drawable(s.name),
                linewidth=1.6,
                color=s.colour or PALETTE[i % len(PALETTE)])  # fmt: skip
    _style(ax, "Work in progress per person", "cards in progress")
    ax.set_ylim(bottom=0)
    _whole_numbers(ax)
    _date_axis(ax)
    # Outside the axes: with several people the lines fill the whole plot.
    fig.legend(fontsize=8, loc="outside right upper", frameon=False)
    return fig


def aging_wip(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    flow = data.flow
    if not flow.aging:
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    columns = list(dict.fromkeys(a.column for a in flow.aging))
    shown = [fonts.drawable(c) for c in columns]
    # Spread cards of one column sideways a little so equal ages stay visible.
    for band in ("ok", "watch", "late", "n/a"):
        items = [a for a in flow.aging if a.band == band]
        if not items:
            continue
        xs = [
            columns.index(a.column) + ((zlib.crc32(a.card_id.encode()) % 21) - 10) / 60
            for a in items
        ]
        label = {"ok": "within median", "watch": "median – 85th", "late": "over 85th",
                 "n/a": "no reference yet"}[band]  # fmt: skip
        ax.scatter(xs, [a.age_days for a in items], s=22, color=BAND_COLOURS[band],
                   label=label, zorder=3, edgecolors="#333333", linewidths=0.3)  # fmt: skip
    _cycle_percentile_lines(ax, flow, "cycle ")
    ax.set_xticks(range(len(columns)), shown)
    ax.set_xlim(-0.6, len(columns) - 0.4)
    _style(ax, "Aging work in progress (days since started)", "days")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    return fig


def forecast_outcomes(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    """The *when* trials as a histogram of finish dates, with the 50/85/95% dates."""
    fc = data.forecast
    if fc is None:
        return None
    outcomes = [o for o in fc.trial_outcomes if o.forecast == "when" and o.outcome != "later"]
    if not outcomes:
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    moments = [datetime.fromisoformat(o.outcome) for o in outcomes]
    ax.bar(_dates(moments), [o.trials for o in outcomes], width=0.9, color=PALETTE[0])
    head = fc.when[0]
    for n, (level, day, style) in enumerate(
        zip(fc.levels, head.dates, ("--", "-", ":"), strict=False)
    ):
        if day is None:
            continue
        moment = datetime(day.year, day.month, day.day)
        ax.axvline(cast("float", moment), color=PALETTE[2], linestyle=style, linewidth=1.2)
        ax.annotate(f"{level}%: {day:%d %b}", xy=(cast("float", moment), 1),
                    xycoords=("data", "axes fraction"), xytext=(3, -10 - 11 * n),
                    textcoords="offset points", fontsize=8, color=PALETTE[2])  # fmt: skip
    _style(ax, f"When will the {head.cards} open cards be done? ({fc.trials:,} trials)",
           "trials")  # fmt: skip
    _date_axis(ax)
    return fig


def stability(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    """Arrivals against throughput, per week."""
    fc = data.forecast
    if fc is None or not any(w.arrivals or w.finished for w in fc.stability):
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    xs = list(range(len(fc.stability)))
    ax.bar([x - 0.2 for x in xs], [w.arrivals for w in fc.stability], width=0.4,
           color=PALETTE[1], label="arrived (created)")  # fmt: skip
    ax.bar([x + 0.2 for x in xs], [w.finished for w in fc.stability], width=0.4,
           color=PALETTE[0], label="finished")  # fmt: skip
    ax.set_xticks(xs, [f"{w.week_start:%d %b}" for w in fc.stability])
    ax.tick_params(axis="x", labelrotation=45)
    _style(ax, "Arrivals against throughput per week (week starting)", "cards")
    _whole_numbers(ax)
    ax.legend(fontsize=8, loc="upper right", facecolor="white", framealpha=0.9)
    return fig


def wip_age_run(data: ReportData, size: tuple[float, float] = SIZE) -> Figure | None:
    """Total age of the work in progress each day, with the WIP count on a second axis."""
    fc = data.forecast
    if fc is None or not any(p.wip for p in fc.wip_age):
        return None
    fig = _figure(size)
    ax = fig.add_subplot()
    moments = _dates([p.day for p in fc.wip_age])
    ax.plot(moments, [p.total_age_days for p in fc.wip_age], color=PALETTE[2], linewidth=1.8,
            label="total WIP age (days)")  # fmt: skip
    ax.plot(moments, [p.oldest_days for p in fc.wip_age], color=PALETTE[6], linewidth=1.2,
            linestyle="--", label="oldest card (days)")  # fmt: skip
    if fc.sle_days is not None:
        ax.axhline(fc.sle_days, color="#555555", linestyle=":", linewidth=1)
        ax.annotate(f"SLE: {fc.sle_days:.1f} d", xy=(0, fc.sle_days),
                    xycoords=("axes fraction", "data"), xytext=(4, 3),
                    textcoords="offset points", fontsize=8)  # fmt: skip
    right = ax.twinx()
    right.step(moments, [p.wip for p in fc.wip_age], where="post", color=PALETTE[0],
               linewidth=1, alpha=0.7, label="cards in progress")  # fmt: skip
    right.set_ylabel("cards in progress", fontsize=9)
    right.tick_params(labelsize=8)
    right.set_ylim(bottom=0)
    right.spines["top"].set_visible(False)
    _style(ax, "WIP age run chart", "days")
    ax.set_ylim(bottom=0)
    _date_axis(ax)
    lines, labels = ax.get_legend_handles_labels()
    more, more_labels = right.get_legend_handles_labels()
    ax.legend(lines + more, labels + more_labels, fontsize=8, loc="lower right",
              facecolor="white", framealpha=0.9).set_zorder(5)  # fmt: skip
    return fig


@dataclass(frozen=True, slots=True)
class Margins:
    """Room around the axes in inches, for a chart whose labels are known in advance.

    Enough for the title (11 pt bold), a y label (9 pt) with tick labels up to
    five digits (8 pt), and the x tick labels below; ``tests/reports`` checks
    that nothing a chart draws falls outside its figure.
    """

    left: float = 0.85
    bottom: float = 0.45
    right: float = 0.12
    top: float = 0.34


DATES = Margins()  # a date axis: tick labels and the offset (year) below them
ROTATED = Margins(bottom=0.62)  # week labels at 45 degrees
TWIN = Margins(right=0.62)  # a second y axis with its own label on the right


@dataclass(frozen=True, slots=True)
class ChartSpec:
    key: str
    title: str
    draw: Callable[[ReportData, tuple[float, float]], Figure | None]
    empty: str  # the plain sentence shown when there is nothing to draw
    # Fixed margins for the PDF's charts (drawn at SIZE); None keeps the
    # constrained layout (a legend outside the axes, names of any length).
    margins: Margins | None = None


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("cfd", "Cumulative flow", cumulative_flow,
              "No cards were on the board during this time, so there is no flow to show.",
              DATES),
    ChartSpec("cycle", "Cycle time", cycle_time_scatter,
              "No card went from an active column to done in this time.", DATES),
    ChartSpec("throughput", "Throughput", throughput, "No card was finished in this time.",
              ROTATED),
    ChartSpec("wip", "WIP per person", wip_per_person,
              "Nobody had work in progress in this time."),
    ChartSpec("aging", "Aging WIP", aging_wip, "No card is in progress now.", DATES),
    ChartSpec("forecast", "Forecast", forecast_outcomes,
              "There is no forecast to draw (too few finished cards).", DATES),
    ChartSpec("stability", "Arrivals and throughput", stability,
              "No card arrived or finished in the window.", ROTATED),
    ChartSpec("wipage", "WIP age run chart", wip_age_run,
              "No card was in progress in the window.", TWIN),
)  # fmt: skip


def fix_margins(fig: Figure, margins: Margins) -> None:
    """Lay the figure out with fixed margins instead of the constrained layout.

    The constrained layout measures every label before each draw, which about
    doubles a chart's cost; the PDF's charts have a known size and known labels.
    """
    width, height = fig.get_size_inches()
    # Not "none": that keeps the old engine's refusal of subplots_adjust.
    fig.set_layout_engine(PlaceHolderLayoutEngine(adjust_compatible=True, colorbar_gridspec=True))
    fig.subplots_adjust(
        left=margins.left / width,
        right=1 - margins.right / width,
        bottom=margins.bottom / height,
        top=1 - margins.top / height,
    )


def to_svg(fig: Figure) -> str:
    """The figure as an inline SVG element (text kept as paths, so no font is needed)."""
    buf = io.StringIO()
    FigureCanvasSVG(fig)
    fig.savefig(buf, format="svg")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def to_png(fig: Figure, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    FigureCanvasAgg(fig)
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def to_image(fig: Figure, dpi: int = 150) -> Image.Image:
    """The figure rasterised as an RGB image, for the PDF.

    One draw on the Agg renderer (a layout engine, if any, runs inside it, as on
    screen). ``savefig`` draws a figure with a layout engine twice (once to lay it
    out) and then encodes a PNG that fpdf2 decodes again; this skips both, and
    the white background needs no alpha channel.
    """
    fig.set_dpi(dpi)
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    fig.draw(renderer)
    rgba = np.asarray(renderer.buffer_rgba())
    return Image.fromarray(rgba).convert("RGB")  # (height, width, 4) bytes: RGBA


def _cycle_percentile_lines(ax: Axes, flow: FlowData, prefix: str) -> None:
    """Dashed median and dotted 85th-percentile cycle-time lines, labelled at the right."""
    for value, name, style in (
        (flow.window_cycle.median, "median", "--"),
        (flow.window_cycle.p85, "85th percentile", ":"),
    ):
        if value is not None:
            ax.axhline(value, color="#555555", linestyle=style, linewidth=1)
            ax.annotate(
                f"{prefix}{name}: {value:.1f} d", xy=(1, value), xycoords=("axes fraction", "data"),
                xytext=(-4, 3), textcoords="offset points", ha="right", fontsize=8,
            )  # fmt: skip
