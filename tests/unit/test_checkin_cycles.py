"""Which check-in cycle a request ends, and what counts in it (the pure half of
`core.nudges.checkin_cycles`; the shell story in tests/shell/test_streaks.py runs the rest)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.model import Kind, MilestoneId, Priority, Status, TenantId, UserId
from core.nudges.candidates import NudgeMilestone
from core.nudges.checkin_cycles import cycle_ended, previous_checkin_day
from core.nudges.follow_ups import AskState
from core.nudges.schedule import Cadence
from core.nudges.workweek import Vacation, Workweek

WEEK = Workweek("Europe/Berlin")
MONDAYS = Cadence()
BOB = UserId(2)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def milestone(n: int, updated: str | None = None) -> NudgeMilestone:
    return NudgeMilestone(id=MilestoneId(n), tenant_id=TenantId(1), number=n, kind=Kind.TASK,
                          title=f"T{n}", owner_id=BOB, parent_id=None, status=Status.ON_TRACK,
                          progress=10, priority=Priority.MEDIUM, due_date=None,
                          created_at=at("2026-10-01T10:00"),
                          last_update_at=at(updated) if updated else None)


def asked(day: str) -> AskState:
    return AskState(unanswered=1, last_asked_at=at(f"{day}T08:00"),
                    asked_on=date.fromisoformat(day))


def test_a_cycle_runs_from_the_last_check_in_day_not_on_vacation() -> None:
    assert previous_checkin_day(MONDAYS, WEEK, date(2026, 11, 30)) == date(2026, 11, 23)
    away = [Vacation(date(2026, 11, 18), date(2026, 11, 27))]
    assert previous_checkin_day(MONDAYS, WEEK, date(2026, 11, 30), away) == date(2026, 11, 16)


def test_answers_after_the_request_keep_it_and_an_update_unasked_counts_too() -> None:
    ms = [milestone(1, "2026-11-24T09:00"), milestone(2, "2026-11-20T09:00"),
          milestone(3, "2026-11-25T09:00"), milestone(4)]
    states = {MilestoneId(1): asked("2026-11-23"), MilestoneId(2): asked("2026-11-23"),
              MilestoneId(4): asked("2026-11-09")}  # #4 asked before this cycle: not in it
    cycle = cycle_ended(BOB, date(2026, 11, 30), cadence=MONDAYS, week=WEEK, vacations=(),
                        milestones=ms, states=states, at=at("2026-11-30T08:00"))
    assert cycle is not None
    assert (cycle.starts, cycle.ends) == (date(2026, 11, 23), date(2026, 11, 29))
    assert (cycle.requested, cycle.answered_on_time, cycle.kept) == (3, 2, False)


def test_a_cycle_that_asked_nothing_is_not_recorded() -> None:
    assert cycle_ended(BOB, date(2026, 11, 30), cadence=MONDAYS, week=WEEK, vacations=(),
                       milestones=[milestone(1)], states={},
                       at=at("2026-11-30T08:00")) is None
