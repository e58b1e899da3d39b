"""The figures of a week, and of the week before, from the scenario's company."""

from __future__ import annotations

from datetime import date, timedelta

from core.model import Kind, Status
from core.reports.periods import PeriodKind, current_period
from core.reports.replay import SCOPE
from core.reports.report import build_report
from tests.reports import scenario
from tests.reports.builders import NOW, at, milestone


def test_completions_of_the_period_and_whether_they_were_on_time() -> None:
    report = scenario.this_week()
    figures = report.figures
    assert (figures.completed, figures.on_time, figures.late) == (2, 1, 1)
    assert figures.on_time_rate == 0.5
    assert [(s.ref, s.on_time, s.completed_on) for s in report.completed] == [
        ("#5", False, date(2026, 11, 25)), ("#2", True, date(2026, 11, 24))]


def test_overdue_and_at_risk_are_read_now() -> None:
    report = scenario.this_week()
    assert [s.ref for s in report.overdue] == ["#4"]
    assert report.overdue[0].days_overdue(report.today) == 6
    assert [s.ref for s in report.at_risk] == ["#3"]
    assert (report.figures.overdue, report.figures.at_risk, report.figures.open) == (1, 1, 4)


def test_the_week_before_is_read_as_it_stood_on_monday_at_midnight() -> None:
    previous = scenario.this_week().previous
    assert previous is not None
    assert (previous.completed, previous.on_time_rate) == (1, 1.0)
    assert (previous.overdue, previous.at_risk) == (1, 0)  # #3 was on track until Wednesday
    assert previous.progress == 61  # (45 + 77) / 2, replayed from the check-ins


def test_progress_is_the_weighted_mean_of_the_top_level_goals() -> None:
    report = scenario.this_week()
    assert report.figures.progress == 74  # (65 + 83) / 2
    assert [(s.ref, s.progress, s.change) for s in report.headline] == [
        ("#1", 65, 20), ("#8", 83, 6)]


def test_check_in_latency_is_the_median_from_request_to_answer() -> None:
    report = scenario.this_week()
    assert (report.figures.asked, report.figures.answered) == (3, 2)
    assert report.figures.median_latency == timedelta(hours=3)
    assert report.previous is not None
    assert report.previous.median_latency == timedelta(hours=10)


def test_the_biggest_movers_of_the_week() -> None:
    movers = scenario.this_week().movers
    assert [(s.ref, s.change) for s in movers] == [
        ("#2", 30), ("#1", 20), ("#5", 20), ("#3", 10), ("#8", 6)]


def test_streaks_of_check_ins_and_deliveries_on_time() -> None:
    streaks = scenario.this_week().streaks
    assert [(s.person, s.checkin_weeks, s.on_time_run) for s in streaks] == [
        ("bob", 2, 2), ("carol", 2, 0)]


def test_status_breakdown_and_on_time_per_week() -> None:
    report = scenario.this_week()
    assert dict(report.status_counts) == {
        Status.NOT_STARTED: 0, Status.ON_TRACK: 3, Status.AT_RISK: 1, Status.OFF_TRACK: 0,
        Status.BLOCKED: 0, Status.DONE: 2}
    weeks = {tally.week: (tally.on_time, tally.late) for tally in report.on_time_weeks}
    assert len(weeks) == 12 and max(weeks) == date(2026, 11, 23)
    assert weeks[date(2026, 11, 23)] == (1, 1) and weeks[date(2026, 11, 16)] == (1, 0)
    assert weeks[date(2026, 11, 9)] == (0, 0)


def test_the_scope_series_ends_with_the_progress_shown() -> None:
    report = scenario.this_week()
    series = report.series[SCOPE]
    assert series[-1][1] == 74  # the replay reached it on Wednesday, like the live roll-up
    assert all(point[0] <= NOW for point in series)
    assert report.scope_start == date(2026, 9, 1) and report.scope_due == date(2027, 1, 31)


def test_done_late_in_the_evening_is_late_in_tokyo() -> None:
    late_evening = [milestone(1, status=Status.DONE, due="2026-11-24",
                              completed=at("2026-11-24", "23:30"))]
    def judged(zone: str) -> bool | None:
        report = build_report(late_evening, [], [], scope="Company",
                              period=current_period(PeriodKind.WEEK, NOW, zone), now=NOW)
        return report.completed[0].on_time
    assert judged("UTC") is True and judged("Asia/Tokyo") is False


def test_without_goals_the_headline_is_the_top_of_the_scope() -> None:
    tasks = [milestone(3, kind=Kind.TASK, progress=10), milestone(4, parent=3, progress=10),
             milestone(5, kind=Kind.TASK, status=Status.DONE, completed=at("2026-10-01"))]
    report = build_report(tasks, [], [], scope="@alice",
                          period=current_period(PeriodKind.WEEK, NOW, "UTC"), now=NOW)
    assert [s.ref for s in report.headline] == ["#3"]  # #5 was done before the week


def test_all_time_has_no_comparison_and_no_movers() -> None:
    report = build_report(scenario.milestones(), scenario.updates(), scenario.checkins(),
                          scope="Company", period=current_period(PeriodKind.ALL, NOW, "UTC"),
                          now=NOW)
    assert report.previous is None and report.movers == ()
    assert report.figures.completed == 3 and report.figures.asked == 5
    assert all(s.change is None for s in report.headline)


def test_a_finished_period_is_read_at_its_end() -> None:
    last_week = current_period(PeriodKind.WEEK, NOW - timedelta(days=7), "UTC")
    report = build_report(scenario.milestones(), scenario.updates(), scenario.checkins(),
                          scope="Company", period=last_week, now=NOW)
    assert report.as_of == at("2026-11-23", "00:00")
    assert [s.ref for s in report.completed] == ["#6"]
    assert [s.ref for s in report.at_risk] == []
    statuses = {s.ref: (s.status, s.progress) for s in report.headline}
    assert statuses == {"#1": (Status.ON_TRACK, 45), "#8": (Status.ON_TRACK, 77)}


def test_an_empty_scope_reports_nothing_without_failing() -> None:
    report = build_report([], [], [], scope="Team Nobody",
                          period=current_period(PeriodKind.MONTH, NOW, "UTC"), now=NOW)
    assert report.figures.progress is None and report.figures.on_time_rate is None
    assert report.headline == () and report.top_risks() == ()
