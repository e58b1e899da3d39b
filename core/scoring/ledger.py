"""The running score of one challenge, moved by one event at a time in O(1) work.

A step reads a bounded slice of the state (the item's record, the person's streak, at most two
day sums), computes, and writes back a bounded set of changes. `plan` and `settle` are the two
halves storage runs around its reads; `Ledger` is the same over dictionaries, in memory.

State: each item's record with the contribution it counts now; each person's streak; the raw
points of each (person, local day); each person's tally (points after the daily cap, closes
judged, closes on time). Changing the rules or the period invalidates it: rebuild with
`recompute`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.model import MilestoneId, UserId
from core.scoring.challenge import Period
from core.scoring.daily_cap import counted_delta
from core.scoring.events import (
    CheckInCycleEnded,
    ItemEvent,
    ScoringEvent,
    VacationRecorded,
)
from core.scoring.item import Contribution, ItemRecord, ItemState, advance
from core.scoring.judge import judge
from core.scoring.points import ZERO
from core.scoring.rules import ScoringRules
from core.scoring.streaks import (
    CycleVerdict,
    StreakRecord,
    StreakStep,
    record_cycle,
    record_vacation,
    start,
)
from core.scoring.verdict import ItemScore

DayKey = tuple[UserId, date]


@dataclass(frozen=True, slots=True)
class Tally:
    person: UserId
    points: Decimal = ZERO  # after the daily cap
    judged: int = 0  # closes that count in the on-time rate
    on_time: int = 0

    def plus(self, delta: TallyDelta) -> Tally:
        return Tally(self.person, self.points + delta.points, self.judged + delta.judged,
                     self.on_time + delta.on_time)

    @property
    def empty(self) -> bool:
        return self.points == ZERO and self.judged == 0 and self.on_time == 0


@dataclass(frozen=True, slots=True)
class TallyDelta:
    person: UserId
    points: Decimal = ZERO
    judged: int = 0
    on_time: int = 0


@dataclass(frozen=True, slots=True)
class DayChange:
    person: UserId
    day: date
    before: Decimal
    after: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """The first half of a step: what the event does before the day sums are read."""

    item: ItemRecord | None = None  # to save
    before: Contribution | None = None
    after: Contribution | None = None
    score: ItemScore | None = None  # the item's judgement after the event
    newly_done: bool = False
    streak: StreakRecord | None = None  # to save
    streak_step: StreakStep | None = None

    @property
    def day_keys(self) -> tuple[DayKey, ...]:
        """The day sums `settle` needs, without repeats."""
        keys: list[DayKey] = []
        for c in (self.before, self.after):
            if c is not None and (c.person, c.day) not in keys:
                keys.append((c.person, c.day))
        step = self.streak_step
        if step is not None and step.points and step.day is not None:
            keys.append((step.record.person, step.day))
        return tuple(keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerChanges:
    """The second half: the rows to write (at most one item, one streak, two days, two
    tallies), and what happened, for achievements."""

    item: ItemRecord | None = None
    streak: StreakRecord | None = None
    days: tuple[DayChange, ...] = ()
    tallies: tuple[TallyDelta, ...] = ()
    score: ItemScore | None = None
    newly_done: bool = False
    streak_step: StreakStep | None = None

    @property
    def empty(self) -> bool:
        return self.item is None and self.streak is None


NOTHING = LedgerChanges()


def plan(event: ScoringEvent, *, item: ItemRecord | None, streak: StreakRecord | None,
         rules: ScoringRules, period: Period) -> Plan:
    """`item` is the stored record of the event's item, `streak` the stored streak of the
    event's person (None when there is none yet)."""
    if isinstance(event, ItemEvent):
        moved = advance(item, event, planning_days=rules.planning_days)
        if moved is None or moved == item:
            return Plan()
        score = judge(moved, rules, period)
        after = score.contribution() if score is not None else None
        before = item.contribution if item is not None else None
        newly_done = moved.state == ItemState.DONE and (item is None
                                                        or item.state != ItemState.DONE)
        return Plan(item=dataclasses.replace(moved, contribution=after), before=before,
                    after=after, score=score, newly_done=newly_done)
    if isinstance(event, CheckInCycleEnded):
        step = record_cycle(streak or start(event.person), event, rules=rules, period=period)
        if step.verdict == CycleVerdict.IGNORED:
            return Plan()
        return Plan(streak=step.record, streak_step=step)
    if isinstance(event, VacationRecorded):
        current = streak or start(event.person)
        changed = record_vacation(current, event)
        return Plan(streak=changed) if changed != streak else Plan()
    return Plan()


def settle(p: Plan, raws: Mapping[DayKey, Decimal], *, cap: Decimal) -> LedgerChanges:
    """`raws` holds the stored raw sum of each of `p.day_keys` (missing means 0)."""
    if p.item is None and p.streak is None:
        return NOTHING
    moves: dict[DayKey, Decimal] = {}
    counts: dict[UserId, list[int]] = {}
    for sign, c in ((-1, p.before), (1, p.after)):
        if c is None:
            continue
        key = (c.person, c.day)
        moves[key] = moves.get(key, ZERO) + sign * c.points
        judged_on_time = counts.setdefault(c.person, [0, 0])
        judged_on_time[0] += sign * int(c.judged)
        judged_on_time[1] += sign * int(c.on_time)
    step = p.streak_step
    if step is not None and step.points and step.day is not None:
        key = (step.record.person, step.day)
        moves[key] = moves.get(key, ZERO) + step.points
    days: list[DayChange] = []
    points: dict[UserId, Decimal] = {}
    for (person, day), delta in moves.items():
        before = raws.get((person, day), ZERO)
        if delta == ZERO:
            continue
        days.append(DayChange(person, day, before, before + delta))
        points[person] = points.get(person, ZERO) + counted_delta(before, before + delta, cap)
    tallies = tuple(
        TallyDelta(person, points.get(person, ZERO), *counts.get(person, [0, 0]))
        for person in sorted({*points, *counts})
    )
    return LedgerChanges(item=p.item, streak=p.streak, days=tuple(days),
                         tallies=tuple(t for t in tallies if t != TallyDelta(t.person)),
                         score=p.score, newly_done=p.newly_done, streak_step=step)


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerSnapshot:
    """The state in a canonical form: two ledgers with equal snapshots score identically."""

    items: Mapping[MilestoneId, ItemRecord]
    streaks: Mapping[UserId, StreakRecord]
    days: Mapping[DayKey, Decimal]
    tallies: Mapping[UserId, Tally]


@dataclass(slots=True)
class Ledger:
    """The ledger in memory: the same steps as storage runs, over dictionaries."""

    rules: ScoringRules
    period: Period
    items: dict[MilestoneId, ItemRecord] = field(default_factory=dict)
    streaks: dict[UserId, StreakRecord] = field(default_factory=dict)
    days: dict[DayKey, Decimal] = field(default_factory=dict)
    tallies: dict[UserId, Tally] = field(default_factory=dict)

    def apply(self, event: ScoringEvent) -> LedgerChanges:
        item = self.items.get(event.item) if isinstance(event, ItemEvent) else None
        person = event.person if isinstance(event, (CheckInCycleEnded, VacationRecorded)) \
            else None
        streak = self.streaks.get(person) if person is not None else None
        p = plan(event, item=item, streak=streak, rules=self.rules, period=self.period)
        changes = settle(p, {k: self.days.get(k, ZERO) for k in p.day_keys},
                         cap=self.rules.daily_cap)
        self.write(changes)
        return changes

    def write(self, changes: LedgerChanges) -> None:
        if changes.item is not None:
            self.items[changes.item.item] = changes.item
        if changes.streak is not None:
            self.streaks[changes.streak.person] = changes.streak
        for day in changes.days:
            self.days[(day.person, day.day)] = day.after
        for delta in changes.tallies:
            self.tallies[delta.person] = self.tallies.get(delta.person,
                                                          Tally(delta.person)).plus(delta)

    def tally(self, person: UserId) -> Tally:
        return self.tallies.get(person, Tally(person))

    def snapshot(self) -> LedgerSnapshot:
        return LedgerSnapshot(
            items=dict(self.items),
            streaks=dict(self.streaks),
            days={k: v for k, v in self.days.items() if v != ZERO},
            tallies={k: v for k, v in self.tallies.items() if not v.empty},
        )
