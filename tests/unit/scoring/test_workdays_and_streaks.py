"""Working days in the owner's calendar, deadlines in their zone, and streak arithmetic."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InvalidInput
from core.model import UserId
from core.scoring.challenge import Period
from core.scoring.events import CheckInCycleEnded, VacationRecorded
from core.scoring.rules import RuleFamily, ScoringRules
from core.scoring.streaks import CycleVerdict, record_cycle, record_vacation, start, vacation_days
from core.scoring.workdays import Deadline, WorkingCalendar

AT = datetime(2026, 3, 2, tzinfo=UTC)
APRIL = Period(date(2026, 3, 1), date(2026, 4, 30))


@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)), st.integers(-10, 400),
       st.sets(st.integers(0, 6)))
def test_working_days_are_counted_like_a_day_by_day_walk(first: date, span: int,
                                                         weekdays: set[int]) -> None:
    calendar = WorkingCalendar("UTC", tuple(sorted(weekdays)))
    last = first + timedelta(days=span)
    working = weekdays or {0, 1, 2, 3, 4}
    walked = sum(1 for n in range(1, span + 1)
                 if (first + timedelta(days=n)).weekday() in working)
    assert calendar.working_days_after(first, last) == walked


def test_a_deadline_ends_at_midnight_of_its_day_in_the_owners_zone_across_dst() -> None:
    saturday = Deadline(date(2026, 3, 28))  # Berlin moves to summer time that night
    assert saturday.moment("Europe/Berlin").astimezone(UTC) == datetime(2026, 3, 28, 23,
                                                                         tzinfo=UTC)
    assert saturday.on_time_at(datetime(2026, 3, 28, 22, 59, tzinfo=UTC), "Europe/Berlin")
    assert not saturday.on_time_at(datetime(2026, 3, 28, 23, 0, tzinfo=UTC), "Europe/Berlin")
    sunday_noon = Deadline(date(2026, 3, 29), time(12, 0))
    assert sunday_noon.moment("Europe/Berlin").astimezone(UTC) == datetime(2026, 3, 29, 10,
                                                                            tzinfo=UTC)
    assert sunday_noon.on_time_at(datetime(2026, 3, 29, 10, 0, tzinfo=UTC), "Europe/Berlin")
    assert Deadline(date(2026, 3, 6)).moment("Not/AZone").tzinfo is not None  # UTC fallback
    assert str(sunday_noon) == "2026-03-29 12:00"


def test_working_days_are_weekdays() -> None:
    with pytest.raises(InvalidInput, match="weekdays 0"):
        WorkingCalendar("UTC", (7,))


def cycle(starts: str, ends: str, asked: int = 1, answered: int | None = None
          ) -> CheckInCycleEnded:
    return CheckInCycleEnded(at=AT, person=UserId(1), starts=date.fromisoformat(starts),
                             ends=date.fromisoformat(ends), requested=asked,
                             answered_on_time=asked if answered is None else answered)


def test_a_streak_counts_kept_days_less_vacation_days_in_full_weeks() -> None:
    rules = ScoringRules()
    record = start(UserId(1))
    record = record_vacation(record, VacationRecorded(
        at=AT, person=UserId(1), starts=date(2026, 3, 12), ends=date(2026, 3, 13)))
    steps = []
    for starts, ends in [("2026-03-02", "2026-03-08"), ("2026-03-09", "2026-03-15"),
                         ("2026-03-16", "2026-03-22")]:
        step = record_cycle(record, cycle(starts, ends), rules=rules, period=APRIL)
        record = step.record
        steps.append((step.verdict, step.new_weeks, record.days))
    # 7, then 7 - 2 days away = 12, then 19: the second full week comes with the third cycle.
    assert steps == [(CycleVerdict.KEPT, 1, 7), (CycleVerdict.KEPT, 0, 12),
                     (CycleVerdict.KEPT, 1, 19)]
    assert record.vacations == () and record.weeks_earned == 2 and record.best_days == 19


def test_a_cycle_that_asked_nothing_pauses_and_a_repeat_is_ignored() -> None:
    rules = ScoringRules()
    kept = record_cycle(start(UserId(1)), cycle("2026-03-02", "2026-03-08"), rules=rules,
                        period=APRIL)
    repeat = record_cycle(kept.record, cycle("2026-03-02", "2026-03-08"), rules=rules,
                          period=APRIL)
    assert repeat.verdict == CycleVerdict.IGNORED and repeat.record == kept.record
    quiet = record_cycle(kept.record, cycle("2026-03-09", "2026-03-15", asked=0), rules=rules,
                         period=APRIL)
    assert quiet.verdict == CycleVerdict.PAUSED and quiet.record.days == 7
    outside = record_cycle(kept.record, cycle("2026-05-01", "2026-05-07"), rules=rules,
                           period=APRIL)
    assert outside.verdict == CycleVerdict.IGNORED


def test_streak_weeks_count_without_points_when_streaks_are_not_rewarded() -> None:
    rules = ScoringRules(families=frozenset({RuleFamily.ON_TIME}))
    step = record_cycle(start(UserId(1)), cycle("2026-03-02", "2026-03-15"), rules=rules,
                        period=APRIL)
    assert (step.new_weeks, step.points) == (2, 0)


def test_overlapping_vacations_count_each_day_once_and_late_records_change_nothing() -> None:
    spans = ((date(2026, 3, 2), date(2026, 3, 4)), (date(2026, 3, 3), date(2026, 3, 5)))
    assert vacation_days(spans, date(2026, 3, 1), date(2026, 3, 8)) == 4
    record = record_cycle(start(UserId(1)), cycle("2026-03-02", "2026-03-08"),
                          rules=ScoringRules(), period=APRIL).record
    past = VacationRecorded(at=AT, person=UserId(1), starts=date(2026, 3, 2),
                            ends=date(2026, 3, 6))
    assert record_vacation(record, past) == record
    with pytest.raises(InvalidInput, match="ends after it starts"):
        VacationRecorded(at=AT, person=UserId(1), starts=date(2026, 3, 6),
                         ends=date(2026, 3, 2))
    with pytest.raises(InvalidInput, match="answers at most what it asked"):
        cycle("2026-03-02", "2026-03-08", asked=1, answered=2)
