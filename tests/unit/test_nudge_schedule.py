"""The calendar of nudges, as pure functions: time zones, daylight saving, working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from core.nudges.deadline_alerts import AlertStage, deadline_alert
from core.nudges.follow_ups import AskState, FollowUp, follow_up
from core.nudges.schedule import (
    Cadence,
    daily_moment,
    in_window,
    is_checkin_day,
    next_checkin,
    zone_windows,
)
from core.nudges.snooze import SnoozeFor, SnoozePreset
from core.nudges.workweek import (
    Vacation,
    Workweek,
    local_moment,
    week_index,
    working_days_between,
    zone,
)

BERLIN = Workweek("Europe/Berlin")
NEW_YORK = Workweek("America/New_York")
MONDAY_9 = Cadence(weekday=0, minute=9 * 60)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_nine_in_berlin_moves_an_hour_in_utc_when_the_clocks_do() -> None:
    assert local_moment(date(2026, 3, 23), 540, "Europe/Berlin") == utc("2026-03-23T08:00")
    assert local_moment(date(2026, 3, 30), 540, "Europe/Berlin") == utc("2026-03-30T07:00")
    assert local_moment(date(2026, 10, 26), 540, "Europe/Berlin") == utc("2026-10-26T08:00")


def test_nine_in_new_york_across_both_changes() -> None:
    assert local_moment(date(2026, 3, 2), 540, "America/New_York") == utc("2026-03-02T14:00")
    assert local_moment(date(2026, 3, 9), 540, "America/New_York") == utc("2026-03-09T13:00")
    assert local_moment(date(2026, 10, 26), 540, "America/New_York") == utc("2026-10-26T13:00")
    assert local_moment(date(2026, 11, 2), 540, "America/New_York") == utc("2026-11-02T14:00")


def test_a_time_the_clocks_skip_lands_after_the_gap_and_a_doubled_one_is_the_first() -> None:
    # 02:30 does not exist in New York on 8 March 2026: it is read as 03:30 EDT
    assert local_moment(date(2026, 3, 8), 150, "America/New_York") == utc("2026-03-08T07:30")
    # 01:30 happens twice on 1 November 2026: the first one (EDT)
    assert local_moment(date(2026, 11, 1), 90, "America/New_York") == utc("2026-11-01T05:30")


def test_auckland_and_los_angeles_get_their_own_monday_nine() -> None:
    auckland, la = Workweek("Pacific/Auckland"), Workweek("America/Los_Angeles")
    assert daily_moment(MONDAY_9, auckland, date(2026, 11, 23)) == utc("2026-11-22T20:00")
    assert daily_moment(MONDAY_9, la, date(2026, 11, 23)) == utc("2026-11-23T17:00")


def test_the_window_of_every_zone_contains_its_local_nine() -> None:
    now = utc("2026-11-23T08:00")  # 09:00 in Berlin
    windows = {(w.zone, w.day): w for w in zone_windows(now)}
    berlin = windows[("Europe/Berlin", date(2026, 11, 23))]
    assert berlin.first_minute <= 540 <= berlin.last_minute
    tokyo = windows[("Asia/Tokyo", date(2026, 11, 23))]
    assert not tokyo.first_minute <= 540 <= tokyo.last_minute  # 17:00 there


def test_windows_cover_a_night_when_the_clocks_change() -> None:
    # 06:30-08:30 UTC on 8 March 2026: 01:30 EST to 04:30 EDT in New York
    windows = zone_windows(utc("2026-03-08T08:30"), timedelta(hours=2), ["America/New_York"])
    assert windows[0].first_minute <= 90 and windows[0].last_minute >= 4 * 60 + 30


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
       st.sampled_from(["Europe/Berlin", "America/New_York", "Pacific/Auckland",
                        "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe",
                        "America/St_Johns", "UTC"]),
       st.integers(0, 24 * 60 - 1))
def test_a_moment_in_the_window_is_always_in_its_zone_window(
        naive: datetime, zone_name: str, minute: int) -> None:
    """The database filters by these windows: they must never miss a moment that is due."""
    now = naive.replace(tzinfo=UTC)
    for offset in range(3):
        day = (now - timedelta(days=1)).astimezone(zone(zone_name)).date() + timedelta(
            days=offset)
        moment = local_moment(day, minute, zone_name)
        if in_window(moment, now):
            assert any(w.day == day and w.first_minute <= minute <= w.last_minute
                       for w in zone_windows(now, zones=[zone_name])), (day, minute)


def test_a_cadence_on_a_day_off_moves_to_the_next_working_day() -> None:
    tue_to_sat = Workweek("Europe/Berlin", frozenset({1, 2, 3, 4, 5}))
    assert not is_checkin_day(MONDAY_9, tue_to_sat, date(2026, 11, 23))  # Monday
    assert is_checkin_day(MONDAY_9, tue_to_sat, date(2026, 11, 24))  # Tuesday
    sunday = Cadence(weekday=6, minute=540)
    assert is_checkin_day(sunday, BERLIN, date(2026, 11, 30))  # Sunday 29th -> Monday 30th


def test_every_two_weeks_counts_from_its_anchor() -> None:
    first = date(2026, 11, 23)
    every_two = Cadence(weekday=0, minute=540, every_weeks=2, anchor_week=week_index(first))
    assert is_checkin_day(every_two, BERLIN, first)
    assert not is_checkin_day(every_two, BERLIN, first + timedelta(days=7))
    assert is_checkin_day(every_two, BERLIN, first + timedelta(days=14))


def test_a_time_outside_working_hours_moves_to_the_start_of_the_day() -> None:
    late_starter = Workweek("Europe/Berlin", starts=10 * 60, ends=19 * 60)
    assert late_starter.clamp(8 * 60) == 10 * 60
    assert late_starter.clamp(12 * 60) == 12 * 60
    assert late_starter.clamp(20 * 60) == 10 * 60
    assert daily_moment(Cadence(minute=8 * 60), late_starter, date(2026, 11, 23)) == utc(
        "2026-11-23T09:00")


def test_next_checkin_skips_a_vacation() -> None:
    now = utc("2026-11-23T10:00")  # Monday 11:00 in Berlin: today's is gone
    assert next_checkin(MONDAY_9, BERLIN, now) == utc("2026-11-30T08:00")
    away = [Vacation(date(2026, 11, 30), date(2026, 12, 4))]
    assert next_checkin(MONDAY_9, BERLIN, now, away) == utc("2026-12-07T08:00")


def test_quiet_hours_wait_for_the_next_working_morning() -> None:
    friday_evening = utc("2026-11-27T19:00")  # 20:00 in Berlin
    assert BERLIN.is_quiet(friday_evening)
    assert BERLIN.next_open(friday_evening) == utc("2026-11-30T08:00")
    assert BERLIN.next_open(utc("2026-11-27T10:00")) == utc("2026-11-27T10:00")
    away = [Vacation(date(2026, 11, 30), date(2026, 12, 1))]
    assert BERLIN.next_open(friday_evening, away) == utc("2026-12-02T08:00")


def test_snooze_presets() -> None:
    now = utc("2026-11-27T10:00")  # Friday
    assert SnoozeFor(SnoozePreset.HOUR).until(now, BERLIN) == utc("2026-11-27T11:00")
    assert SnoozeFor(SnoozePreset.THREE_HOURS).until(now, BERLIN) == utc("2026-11-27T13:00")
    assert SnoozeFor(SnoozePreset.TOMORROW).until(now, BERLIN) == utc("2026-11-30T08:00")
    assert SnoozeFor(SnoozePreset.NEXT_WEEK).until(now, BERLIN) == utc("2026-11-30T08:00")
    monday = utc("2026-11-23T10:00")
    assert SnoozeFor(SnoozePreset.TOMORROW).until(monday, BERLIN) == utc("2026-11-24T08:00")
    assert SnoozeFor(duration=timedelta(days=400)).until(now, BERLIN) == now + timedelta(days=31)


def test_deadline_alerts_a_week_and_a_day_before_on_the_day_then_every_two_working_days(
) -> None:
    due = date(2026, 12, 9)  # a Wednesday
    fired = {}
    for offset in range(-10, 12):
        day = due + timedelta(days=offset)
        alert = deadline_alert(due, day, BERLIN)
        if alert is not None:
            fired[day] = (alert.stage, alert.days)
    assert fired == {
        date(2026, 12, 2): (AlertStage.BEFORE, 7),
        date(2026, 12, 8): (AlertStage.BEFORE, 1),
        date(2026, 12, 9): (AlertStage.DUE_TODAY, 0),
        date(2026, 12, 10): (AlertStage.OVERDUE, 1),  # Thursday: working day 1
        date(2026, 12, 14): (AlertStage.OVERDUE, 5),  # Monday: working day 3
        date(2026, 12, 16): (AlertStage.OVERDUE, 7),  # Wednesday: working day 5
        date(2026, 12, 18): (AlertStage.OVERDUE, 9),
    }


def test_alerts_on_a_day_off_come_on_the_last_working_day_before_and_merge() -> None:
    due = date(2026, 12, 7)  # a Monday: the day before is a Sunday
    assert deadline_alert(due, date(2026, 12, 4), BERLIN) == deadline_alert(
        due, date(2026, 12, 4), BERLIN)
    friday = deadline_alert(due, date(2026, 12, 4), BERLIN)
    assert friday is not None and friday.days == 3  # "due in 3 days", on Friday
    saturday_due = date(2026, 12, 12)
    friday = deadline_alert(saturday_due, date(2026, 12, 11), BERLIN)
    assert friday is not None and friday.days == 1  # "due tomorrow", one alert, not two
    assert deadline_alert(saturday_due, date(2026, 12, 12), BERLIN) is None


def test_vacation_days_get_no_alert_and_do_not_count() -> None:
    due = date(2026, 12, 9)
    away = [Vacation(date(2026, 12, 10), date(2026, 12, 11))]
    assert deadline_alert(due, date(2026, 12, 10), BERLIN, away) is None
    first = deadline_alert(due, date(2026, 12, 14), BERLIN, away)  # first counted working day
    assert first is not None and first.stage == AlertStage.OVERDUE
    assert working_days_between(date(2026, 12, 10), date(2026, 12, 14), BERLIN, away) == 1


def test_working_days_between_counts_like_a_walk() -> None:
    part_time = Workweek("UTC", frozenset({0, 2, 4}))
    away = [Vacation(date(2026, 1, 5), date(2026, 1, 20)), Vacation(date(2026, 1, 10),
                                                                      date(2026, 2, 2))]
    for span in range(0, 60, 7):
        first, last = date(2026, 1, 1), date(2026, 1, 1) + timedelta(days=span)
        walked = sum(1 for i in range(span + 1)
                     if part_time.works_on(first + timedelta(days=i))
                     and not any(v.covers(first + timedelta(days=i)) for v in away))
        assert working_days_between(first, last, part_time, away) == walked


def test_three_unanswered_requests_then_one_escalation_then_silence() -> None:
    state: AskState | None = None
    news = utc("2026-11-01T10:00")
    verdicts = []
    for week in range(5):
        now = utc("2026-11-02T08:00") + timedelta(weeks=week)
        verdict = follow_up(state, last_news=news, day=now.date(), now=now)
        verdicts.append((verdict.follow_up, verdict.ignored))
        state = verdict.state
    assert verdicts == [(FollowUp.ASK, 0), (FollowUp.ASK, 1), (FollowUp.ASK, 2),
                        (FollowUp.ESCALATE, 3), (FollowUp.PAUSED, 3)]
    answered = follow_up(state, last_news=utc("2026-12-03T10:00"), day=date(2026, 12, 7),
                         now=utc("2026-12-07T08:00"))
    assert answered.follow_up == FollowUp.ASK and answered.ignored == 0
    assert answered.state.escalated_at is None


def test_a_vacation_forgives_the_request_before_it_and_a_snoozed_one_counts_once() -> None:
    asked = AskState(unanswered=2, last_asked_at=utc("2026-11-02T08:00"),
                     asked_on=date(2026, 11, 2))
    away = [Vacation(date(2026, 11, 4), date(2026, 11, 6))]
    after = follow_up(asked, last_news=utc("2026-10-01T08:00"), day=date(2026, 11, 9),
                      now=utc("2026-11-09T08:00"), vacations=away)
    assert (after.follow_up, after.ignored, after.state.unanswered) == (FollowUp.ASK, 0, 1)
    again = follow_up(asked, last_news=utc("2026-10-01T08:00"), day=date(2026, 11, 2),
                      now=utc("2026-11-02T11:00"))
    assert again.state is asked  # the same request, back from a snooze: not counted twice
