"""Chart descriptions: daily points in the reader's zone, the ideal line, ranks."""

from __future__ import annotations

from datetime import date

from core.model import Status
from core.reports.charts import (
    burnup_chart,
    day_points,
    leaderboard_chart,
    on_time_chart,
    progress_chart,
    status_chart,
)
from tests.reports import scenario
from tests.reports.builders import at


def test_day_points_keep_the_last_value_of_each_day_from_start_to_end() -> None:
    points = [(at("2026-11-01"), 10), (at("2026-11-03", "08:00"), 20),
              (at("2026-11-03", "17:00"), 25), (at("2026-11-05"), 25), (at("2026-11-07"), 40)]
    assert day_points(points, "UTC", start=date(2026, 11, 2), end=date(2026, 11, 6)) == (
        (date(2026, 11, 2), 10), (date(2026, 11, 3), 25), (date(2026, 11, 6), 25))


def test_day_points_fall_on_the_reader_s_day() -> None:
    late = [(at("2026-11-03", "23:00"), 50)]
    assert day_points(late, "Asia/Tokyo", start=date(2026, 11, 3), end=date(2026, 11, 4)) == (
        (date(2026, 11, 3), 0), (date(2026, 11, 4), 50))


def test_the_burn_up_runs_from_the_scope_s_start_with_its_ideal_line_to_the_due_date() -> None:
    chart = burnup_chart(scenario.this_week())
    assert chart.title == "Burn-up · Company" and chart.today == date(2026, 11, 26)
    assert chart.ideal == ((date(2026, 9, 1), 0), (date(2027, 1, 31), 100))
    assert chart.actual[0] == (date(2026, 9, 1), 0) and chart.actual[-1] == (
        date(2026, 11, 26), 74)
    values = [value for _, value in chart.actual]
    assert values == sorted(values)  # nothing went backwards in this scenario


def test_progress_status_and_on_time_charts_come_from_the_report() -> None:
    report = scenario.this_week()
    progress = progress_chart(report)
    assert [s.label for s in progress.series] == ["#1 Grow revenue 20%", "#8 Hire two AEs"]
    assert progress.series[0].points[0] == (date(2026, 11, 23), 45)
    assert progress.series[0].points[-1] == (date(2026, 11, 26), 65)
    assert dict(status_chart(report).counts)[Status.DONE] == 2
    assert len(on_time_chart(report).weeks) == 12
    assert status_chart(report).subtitle == "Company · Week of Mon 23 Nov 2026"


def test_leaderboard_ranks_ties_alike_and_skips_after_them() -> None:
    chart = leaderboard_chart("Q1 delivery", [("carol", 5), ("alice", 9), ("bob", 9),
                                              ("dave", 1)])
    assert [(e.rank, e.name, e.points) for e in chart.entries] == [
        (1, "alice", 9), (1, "bob", 9), (3, "carol", 5), (4, "dave", 1)]
