"""Periods are calendar weeks, months and quarters in the reader's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core.reports.periods import PeriodKind, current_period, period_containing
from tests.reports.builders import NOW


def test_this_week_runs_monday_to_monday_and_the_previous_is_the_week_before() -> None:
    week = current_period(PeriodKind.WEEK, NOW, "UTC")
    assert (week.start, week.end) == (date(2026, 11, 23), date(2026, 11, 30))
    assert week.label == "Week of Mon 23 Nov 2026"
    before = week.previous()
    assert before is not None and (before.start, before.end) == (date(2026, 11, 16),
                                                                  date(2026, 11, 23))
    assert week.previous_name == "last week"


def test_months_and_quarters_cross_years() -> None:
    december = period_containing(PeriodKind.MONTH, date(2026, 12, 31), "UTC")
    assert (december.start, december.end, december.label) == (
        date(2026, 12, 1), date(2027, 1, 1), "December 2026")
    q1 = period_containing(PeriodKind.QUARTER, date(2027, 2, 14), "UTC")
    assert (q1.start, q1.end, q1.label) == (date(2027, 1, 1), date(2027, 4, 1), "Q1 2027")
    previous = q1.previous()
    assert previous is not None and (previous.start, previous.label) == (date(2026, 10, 1),
                                                                         "Q4 2026")


def test_all_time_has_no_start_and_nothing_before_it() -> None:
    forever = current_period(PeriodKind.ALL, NOW, "UTC")
    assert forever.start is None and forever.previous() is None
    assert forever.contains(datetime(1999, 1, 1, tzinfo=UTC))
    assert forever.label == "All time" and forever.weeks() == []


def test_the_same_moment_falls_in_different_weeks_by_the_reader_s_zone() -> None:
    sunday_night_utc = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # Monday 05:00 in Tokyo
    tokyo = current_period(PeriodKind.WEEK, sunday_night_utc, "Asia/Tokyo")
    new_york = current_period(PeriodKind.WEEK, sunday_night_utc, "America/New_York")
    assert tokyo.start == date(2026, 11, 23) and new_york.start == date(2026, 11, 16)
    assert tokyo.contains(sunday_night_utc) and new_york.contains(sunday_night_utc)
    assert tokyo.starts_at == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def test_a_week_with_a_daylight_saving_change_is_an_hour_short() -> None:
    week = period_containing(PeriodKind.WEEK, date(2026, 3, 29), "Europe/Paris")
    assert week.starts_at is not None
    assert week.ends_at - week.starts_at == timedelta(days=7, hours=-1)


def test_a_running_period_is_read_now_and_a_finished_one_at_its_end() -> None:
    week = current_period(PeriodKind.WEEK, NOW, "UTC")
    assert week.as_of(NOW) == NOW
    before = week.previous()
    assert before is not None and before.as_of(NOW) == before.ends_at


def test_weeks_of_a_month_are_the_mondays_it_overlaps() -> None:
    november = period_containing(PeriodKind.MONTH, date(2026, 11, 5), "UTC")
    assert november.weeks() == [date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9),
                                date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]


def test_an_unknown_zone_reads_as_utc() -> None:
    week = current_period(PeriodKind.WEEK, NOW, "Mars/Olympus_Mons")
    assert week.starts_at == datetime(2026, 11, 23, tzinfo=UTC)
