"""Check-in streaks: cycles answered on time extend a run, vacations pause it.

A run is measured in days of kept cycles, vacation days left out; each full week of it earns
the challenge's streak points once. A cycle that asked nothing, or that overlaps a vacation and
was not fully answered, pauses the run (it neither grows nor breaks); any other cycle with a
late or missing answer breaks it. A vacation counts for the cycles that end after it was
recorded: a past cycle is never judged again, which keeps every step O(1).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from core.model import UserId
from core.scoring.challenge import Period
from core.scoring.events import CheckInCycleEnded, VacationRecorded
from core.scoring.points import ZERO
from core.scoring.rules import RuleFamily, ScoringRules

WEEK = 7


class CycleVerdict(StrEnum):
    KEPT = "kept"
    PAUSED = "paused"
    BROKEN = "broken"
    IGNORED = "ignored"  # outside the period, or a repeat of a cycle already counted


@dataclass(frozen=True, slots=True, kw_only=True)
class StreakRecord:
    person: UserId
    days: int = 0  # the current run
    best_days: int = 0
    weeks_earned: int = 0  # full weeks earned in this challenge, every run together
    last_ends: date | None = None  # the last cycle counted
    #: Recorded vacations that may still touch a future cycle (older ones are dropped).
    vacations: tuple[tuple[date, date], ...] = ()

    @property
    def weeks(self) -> int:
        """Full weeks of the current run."""
        return self.days // WEEK


@dataclass(frozen=True, slots=True, kw_only=True)
class StreakStep:
    record: StreakRecord
    verdict: CycleVerdict
    new_weeks: int = 0
    points: Decimal = ZERO  # what the new weeks earn (0 when streaks are not rewarded)
    day: date | None = None  # the person's local day the points are earned on


def start(person: UserId) -> StreakRecord:
    return StreakRecord(person=person)


def record_vacation(record: StreakRecord, event: VacationRecorded) -> StreakRecord:
    if record.last_ends is not None and event.ends <= record.last_ends:
        return record  # only past cycles could overlap it, and they are judged already
    span = (event.starts, event.ends)
    if span in record.vacations:
        return record
    return dataclasses.replace(record, vacations=tuple(sorted((*record.vacations, span))))


def vacation_days(vacations: tuple[tuple[date, date], ...], starts: date, ends: date) -> int:
    """Days of [starts, ends] on vacation, overlapping vacations counted once."""
    covered = 0
    day = starts
    while day <= ends:
        if any(first <= day <= last for first, last in vacations):
            covered += 1
        day += timedelta(days=1)
    return covered


def record_cycle(record: StreakRecord, cycle: CheckInCycleEnded, *, rules: ScoringRules,
                 period: Period) -> StreakStep:
    if not period.contains(cycle.ends) or (
            record.last_ends is not None and cycle.starts <= record.last_ends):
        return StreakStep(record=record, verdict=CycleVerdict.IGNORED)
    away = vacation_days(record.vacations, cycle.starts, cycle.ends)
    remaining = tuple(v for v in record.vacations if v[1] > cycle.ends)
    moved = dataclasses.replace(record, last_ends=cycle.ends, vacations=remaining)
    if cycle.requested == 0 or (away and not cycle.kept):
        return StreakStep(record=moved, verdict=CycleVerdict.PAUSED)
    if not cycle.kept:
        return StreakStep(record=dataclasses.replace(moved, days=0), verdict=CycleVerdict.BROKEN)
    days = record.days + (cycle.ends - cycle.starts).days + 1 - away
    new_weeks = days // WEEK - record.days // WEEK
    grown = dataclasses.replace(moved, days=days, best_days=max(record.best_days, days),
                                weeks_earned=record.weeks_earned + new_weeks)
    paid = rules.streak_week * new_weeks if rules.rewards(RuleFamily.STREAKS) else ZERO
    return StreakStep(record=grown, verdict=CycleVerdict.KEPT, new_weeks=new_weeks,
                      points=paid, day=cycle.ends)
