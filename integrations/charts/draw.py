"""Draws one chart description as PNG with matplotlib's object-oriented API and the Agg canvas.

Never pyplot: no global figure registry, no backend switching, nothing shared between calls.
A figure is `width / dpi` inches wide at `dpi`: exactly the pixels asked for, with text at its
size in points where the picture is shown at that many inches. Runs in the renderer's worker
processes (see `renderer`), and in tests directly.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from matplotlib import dates as mdates
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator, PercentFormatter

from core.reports.charts import (
    BurnupChart,
    Chart,
    ChartSize,
    LeaderboardChart,
    OnTimeChart,
    ProgressChart,
    StatusChart,
)
from integrations.charts import fonts, palette


def render_png(chart: Chart, size: ChartSize) -> bytes:
    """The chart as PNG bytes of exactly `size` pixels."""
    if not (100 <= size.width <= 4000 and 100 <= size.height <= 4000):
        raise ValueError(f"a chart is 100 to 4000 pixels a side, not {size.width}x{size.height}")
    if not 50 <= size.dpi <= 600:
        raise ValueError(f"a chart is drawn at 50 to 600 dpi, not {size.dpi}")
    draw = _DRAWERS.get(type(chart))
    if draw is None:
        raise TypeError(f"no drawing for {type(chart).__name__}")
    with _style():
        dpi = size.dpi
        figure = Figure(figsize=(size.width / dpi, size.height / dpi), dpi=dpi,
                        facecolor=palette.BACKGROUND)
        canvas = FigureCanvasAgg(figure)
        inches = size.height / dpi

        def from_top(distance: float) -> float:
            return 1 - distance / inches

        _heading(figure, canvas, chart.title, chart.subtitle, from_top)
        # A small picture squeezes the margins rather than the plot away.
        bottom = min(0.45 / inches, 0.3)
        heading = 0.8 if chart.subtitle else 0.6 if chart.title else 0.15
        top = min(0.98, max(from_top(heading), bottom + 0.35))
        axes = figure.add_axes((0.08, bottom, 0.88, top - bottom))
        draw(axes, chart)
        _room_for_labels(figure, canvas, axes)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=dpi, facecolor=palette.BACKGROUND,
                       metadata={"Software": "Cairn"})
        return out.getvalue()


@contextmanager
def _style() -> Iterator[None]:
    # Last Resort has no bold: matplotlib warns each time a bold title falls back to it.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    families = [fonts.BASE_FAMILY, *(f.family for f in fonts.machine_fallbacks()),
                fonts.LAST_RESORT_FAMILY]
    with rc_context({
        "font.family": families,
        "font.size": 10,
        "axes.edgecolor": palette.GRID,
        "axes.labelcolor": palette.MUTED,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": palette.GRID,
        "grid.linewidth": 0.8,
        "xtick.color": palette.MUTED,
        "ytick.color": palette.MUTED,
        "text.color": palette.INK,
        "legend.frameon": False,
        "svg.fonttype": "none",
    }):
        yield


def _heading(figure: Figure, canvas: FigureCanvasAgg, title: str, subtitle: str,
             from_top: Callable[[float], float]) -> None:
    """The title and subtitle, placed in inches from the top whatever the picture's height."""
    width = figure.bbox.width * 0.96
    if not title:
        return
    _fit(canvas, figure.text(0.02, from_top(0.3), title, fontsize=15, fontweight="bold",
                             ha="left", va="center"), width)
    if subtitle:
        _fit(canvas, figure.text(0.02, from_top(0.56), subtitle, fontsize=10,
                                 color=palette.MUTED, ha="left", va="center"), width)


def _fit(canvas: FigureCanvasAgg, text: Text, width: float) -> None:
    """Shrinks a line of text to the width, then cuts it with an ellipsis (titles in any
    script: a line of CJK is twice as wide as one of Latin letters)."""
    renderer = canvas.get_renderer()
    smallest = min(text.get_fontsize(), 11)
    while text.get_window_extent(renderer).width > width and text.get_fontsize() > smallest:
        text.set_fontsize(text.get_fontsize() - 1)
    content = text.get_text()
    while text.get_window_extent(renderer).width > width and len(content) > 1:
        content = content[:-2].rstrip()
        text.set_text(content + "…")


def _room_for_labels(figure: Figure, canvas: FigureCanvasAgg, axes: Axes) -> None:
    """Widens the left margin to the longest label on the left (names, statuses)."""
    renderer = canvas.get_renderer()
    widest = max((label.get_window_extent(renderer).width for label in axes.get_yticklabels()
                  if label.get_text()), default=0.0)
    left, bottom, width, height = axes.get_position().bounds
    needed = min(0.45, (widest + 0.025 * figure.bbox.width) / figure.bbox.width)
    if needed > left:
        axes.set_position((needed, bottom, left + width - needed, height))


def _percent_axis(axes: Axes) -> None:
    axes.set_ylim(0, 105)
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))


def _date_axis(axes: Axes, first: date, last: date) -> None:
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    axes.set_xlim(first, max(last, first + timedelta(days=1)))


def _nothing(axes: Axes, message: str = "Nothing to show yet") -> None:
    axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center",
              color=palette.MUTED, fontsize=12)


def _burnup(axes: Axes, chart: Any) -> None:
    assert isinstance(chart, BurnupChart)
    days = [d for d, _ in chart.actual]
    values = [v for _, v in chart.actual]
    last_day = max([chart.today, *days, *(d for d, _ in chart.ideal or ())])
    first_day = min([chart.today, *days, *(d for d, _ in chart.ideal or ())])
    _percent_axis(axes)
    _date_axis(axes, first_day, last_day)
    if chart.ideal is not None:
        (start, low), (due, high) = chart.ideal
        axes.plot([start, due], [low, high], color=palette.IDEAL, linestyle="--",
                  linewidth=1.6, label="Ideal")
        axes.axvline(due, color=palette.IDEAL, linewidth=1, linestyle=":")
        axes.annotate("due", (due, high), xytext=(-4, -4), textcoords="offset points",
                      color=palette.MUTED, ha="right", va="top", fontsize=9)
    if days:
        axes.step(days, values, where="post", color=palette.ACCENT, linewidth=2.4,
                  label="Progress")
        axes.fill_between(days, values, step="post", color=palette.ACCENT, alpha=0.12)
        axes.annotate(f"{values[-1]}%", (days[-1], values[-1]), xytext=(6, 6),
                      textcoords="offset points", color=palette.ACCENT, fontweight="bold")
    axes.axvline(chart.today, color=palette.TODAY, linewidth=1, alpha=0.6)
    axes.legend(loc="upper left")


def _progress(axes: Axes, chart: Any) -> None:
    assert isinstance(chart, ProgressChart)
    points = [d for s in chart.series for d, _ in s.points]
    if not points:
        _nothing(axes)
        return
    _percent_axis(axes)
    _date_axis(axes, min(points), max([*points, chart.today]))
    for index, series in enumerate(chart.series):
        colour = palette.SERIES[index % len(palette.SERIES)]
        days = [d for d, _ in series.points]
        values = [v for _, v in series.points]
        axes.step(days, values, where="post", color=colour, linewidth=2, label=series.label)
    axes.legend(loc="upper left", fontsize=9, ncols=2)


def _status(axes: Axes, chart: Any) -> None:
    assert isinstance(chart, StatusChart)
    counts = list(reversed(chart.counts))  # the first status on top
    if not any(count for _, count in counts):
        _nothing(axes)
        axes.set_axis_off()
        return
    labels = [status.label for status, _ in counts]
    values = [count for _, count in counts]
    bars = axes.barh(labels, values, color=[palette.STATUS_COLOURS[s] for s, _ in counts],
                     height=0.62)
    axes.bar_label(bars, labels=[str(v) if v else "" for v in values], padding=4,
                   color=palette.INK, fontsize=10)
    axes.grid(axis="y", visible=False)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(values) * 1.15)


def _on_time(axes: Axes, chart: Any) -> None:
    assert isinstance(chart, OnTimeChart)
    if not chart.weeks:
        _nothing(axes)
        return
    labels = [f"{w.week.day} {w.week:%b}" for w in chart.weeks]
    rates = [w.rate for w in chart.weeks]
    heights = [100 * r if r is not None else 0 for r in rates]
    colours = [palette.rate_colour(r) if r is not None else palette.GRID for r in rates]
    bars = axes.bar(labels, heights, color=colours, width=0.7)
    axes.bar_label(bars, labels=[f"{w.on_time}/{w.on_time + w.late}" if w.rate is not None
                                 else "–" for w in chart.weeks],
                   padding=3, fontsize=9, color=palette.MUTED)
    _percent_axis(axes)
    axes.set_ylim(0, 112)
    axes.grid(axis="x", visible=False)
    axes.tick_params(axis="x", labelsize=8 if len(labels) > 12 else 9)


def _leaderboard(axes: Axes, chart: Any) -> None:
    assert isinstance(chart, LeaderboardChart)
    entries = list(reversed(chart.entries))
    if not entries:
        _nothing(axes, "No scores yet")
        axes.set_axis_off()
        return
    labels = [f"{e.rank}. {e.name}" for e in entries]
    values = [e.points for e in entries]
    colours = [palette.ACCENT if e.rank <= 3 else palette.IDEAL for e in entries]
    bars = axes.barh(labels, values, color=colours, height=0.62)
    axes.bar_label(bars, labels=[str(v) for v in values], padding=4, fontsize=10)
    axes.grid(axis="y", visible=False)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    low = min(0, *values)
    axes.set_xlim(low * 1.15, max(1, *values) * 1.15)


_DRAWERS: dict[type, Callable[[Axes, Any], None]] = {
    BurnupChart: _burnup,
    ProgressChart: _progress,
    StatusChart: _status,
    OnTimeChart: _on_time,
    LeaderboardChart: _leaderboard,
}
