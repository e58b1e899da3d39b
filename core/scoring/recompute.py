"""The same score rebuilt from the whole history, in one pass, the way a report would add it up.

`challenge recompute` runs this, and the property tests compare it with the incremental ledger
on random histories: item by item, day by day, person by person, the two must be identical.
It shares the per-item and per-cycle rules with the ledger, not the bookkeeping: here the days
are summed and capped from scratch instead of being moved by deltas.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from core.model import MilestoneId, UserId
from core.scoring.challenge import Period
from core.scoring.daily_cap import capped
from core.scoring.events import CheckInCycleEnded, ItemEvent, ScoringEvent, VacationRecorded
from core.scoring.item import ItemRecord, advance
from core.scoring.judge import judge
from core.scoring.ledger import DayKey, Ledger, Tally
from core.scoring.points import ZERO
from core.scoring.rules import ScoringRules
from core.scoring.streaks import CycleVerdict, StreakRecord, record_cycle, record_vacation, start


def recompute(events: Iterable[ScoringEvent], *, rules: ScoringRules, period: Period) -> Ledger:
    """A ledger built from every event, oldest first."""
    records: dict[MilestoneId, ItemRecord] = {}
    streaks: dict[UserId, StreakRecord] = {}
    days: dict[DayKey, Decimal] = defaultdict(lambda: ZERO)
    for event in events:
        if isinstance(event, ItemEvent):
            moved = advance(records.get(event.item), event, planning_days=rules.planning_days)
            if moved is not None:
                records[event.item] = moved
        elif isinstance(event, CheckInCycleEnded):
            step = record_cycle(streaks.get(event.person) or start(event.person), event,
                                rules=rules, period=period)
            if step.verdict != CycleVerdict.IGNORED:
                streaks[event.person] = step.record
            if step.points and step.day is not None:
                days[(event.person, step.day)] += step.points
        elif isinstance(event, VacationRecorded):
            streaks[event.person] = record_vacation(
                streaks.get(event.person) or start(event.person), event)
    judged: dict[UserId, int] = defaultdict(int)
    on_time: dict[UserId, int] = defaultdict(int)
    for item_id, record in records.items():
        score = judge(record, rules, period)
        contribution = score.contribution() if score is not None else None
        records[item_id] = dataclasses.replace(record, contribution=contribution)
        if contribution is not None:
            days[(contribution.person, contribution.day)] += contribution.points
            judged[contribution.person] += int(contribution.judged)
            on_time[contribution.person] += int(contribution.on_time)
    points: dict[UserId, Decimal] = defaultdict(lambda: ZERO)
    for (person, _day), raw in days.items():
        points[person] += capped(raw, rules.daily_cap)
    people = {*points, *judged}
    return Ledger(
        rules=rules, period=period, items=records, streaks=streaks,
        days={k: v for k, v in days.items() if v != ZERO},
        tallies={p: Tally(p, points[p], judged[p], on_time[p]) for p in people},
    )
