"""Each chart description drawn as PNG, read back with Pillow: the size asked, not blank."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from core.model import Status
from core.reports.charts import (
    BurnupChart,
    ChartSize,
    ProgressChart,
    StatusChart,
    burnup_chart,
    leaderboard_chart,
    on_time_chart,
    progress_chart,
    status_chart,
)
from core.reports.periods import PeriodKind, current_period
from core.reports.report import build_report
from integrations.charts.draw import render_png
from tests.reports import scenario
from tests.reports.builders import NOW
from tests.reports.pictures import ink_share, looks_drawn, png_size

SIZES = [ChartSize(1200, 600), ChartSize(900, 700), ChartSize(777, 555)]


def charts() -> dict[str, object]:
    report = scenario.this_week()
    return {"burnup": burnup_chart(report), "progress": progress_chart(report),
            "status": status_chart(report), "ontime": on_time_chart(report),
            "leaderboard": leaderboard_chart("Q1 delivery", [("alice", 9), ("bob", 4)])}


@pytest.mark.parametrize("name", ["burnup", "progress", "status", "ontime", "leaderboard"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s.width}x{s.height}")
def test_every_chart_is_a_png_of_the_size_asked_with_something_on_it(name: str,
                                                                      size: ChartSize) -> None:
    png = render_png(charts()[name], size)  # type: ignore[arg-type]
    assert png_size(png) == (size.width, size.height)
    assert looks_drawn(png)


@pytest.mark.parametrize("title", ["Ανάπτυξη εσόδων 20%", "売上を20%伸ばす — 東京オフィス",
                                   "Рост выручки " * 12, "عنوان عربي", "🎯 Goal"])
def test_titles_in_any_script_draw(title: str) -> None:
    png = render_png(replace(burnup_chart(scenario.this_week()), title=title),
                     ChartSize(1200, 600))
    assert png_size(png) == (1200, 600) and looks_drawn(png)


def test_empty_charts_say_so_instead_of_failing() -> None:
    empty = build_report([], [], [], scope="Team Nobody",
                         period=current_period(PeriodKind.WEEK, NOW, "UTC"), now=NOW)
    for chart in (burnup_chart(empty), progress_chart(empty), status_chart(empty),
                  on_time_chart(empty), leaderboard_chart("Nobody", [])):
        png = render_png(chart, ChartSize(600, 300))
        assert png_size(png) == (600, 300) and ink_share(png) > 0.001


def test_a_burn_up_without_a_due_date_has_no_ideal_line_and_still_draws() -> None:
    chart = BurnupChart(title="No deadline", actual=((date(2026, 11, 1), 0),),
                        ideal=None, today=date(2026, 11, 1))
    assert looks_drawn(render_png(chart, ChartSize(800, 400)))


def test_ties_and_negative_points_on_a_leaderboard_draw() -> None:
    chart = leaderboard_chart("Penalties", [("alice", -3), ("bob", 0), ("carol", 0)])
    assert looks_drawn(render_png(chart, ChartSize(800, 400)))


def test_bigger_pictures_than_a_chart_needs_are_refused() -> None:
    chart = StatusChart(title="Status", counts=((Status.DONE, 1),))
    with pytest.raises(ValueError, match="100 to 4000 pixels"):
        render_png(chart, ChartSize(20000, 20000))


def test_long_series_labels_are_cut_in_the_description() -> None:
    chart = progress_chart(scenario.this_week())
    long = replace(chart, series=tuple(replace(s, label=s.label * 5) for s in chart.series))
    assert isinstance(long, ProgressChart)
    assert looks_drawn(render_png(long, ChartSize(1200, 600)))
