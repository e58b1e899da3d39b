"""The rules of one item: what it earns for when it was closed, and what anti-gaming takes back.

Pure: a record and the challenge's rules in, an `ItemScore` with every rule that applied out.
The daily cap is not here: it depends on everything else the owner closed that day.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

from core.scoring.challenge import Period
from core.scoring.item import ItemRecord, ItemState
from core.scoring.points import ZERO, cents
from core.scoring.rules import RuleFamily, ScoringRules
from core.scoring.verdict import VOIDING, ItemScore, Outcome, RuleCode, RuleLine
from core.scoring.workdays import Deadline


def judged_deadline(record: ItemRecord) -> tuple[Deadline | None, list[RuleLine]]:
    """The deadline on time is judged against, with the lines that explain the choice.

    The reference is the latest approved deadline, else the planned one. A deadline that now
    stands *earlier* than the reference is stricter and is used as it is; a later one that
    nobody approved is ignored. A deadline first set after the planning window, without
    approval, has no reference at all: the item is judged against it and voided.
    """
    reference = record.approved or record.planned
    current = record.deadline
    zone = record.calendar.zone
    if reference is None:
        if current is None:
            return None, []
        return current, [RuleLine(code=RuleCode.DEADLINE_SET_LATE, moved_to=current)]
    lines: list[RuleLine] = []
    if record.approved is not None and record.approved != record.planned:
        lines.append(RuleLine(code=RuleCode.MOVE_APPROVED, deadline=record.planned,
                              moved_to=record.approved))
    if current is None or current == reference:
        return reference, lines
    if current.moment(zone) < reference.moment(zone):
        return current, lines
    lines.append(RuleLine(code=RuleCode.MOVE_NOT_APPROVED, deadline=reference, moved_to=current))
    return reference, lines


def judge(record: ItemRecord, rules: ScoringRules, period: Period) -> ItemScore | None:
    """None when the item is not in the challenge: no deadline, or one outside the period."""
    deadline, lines = judged_deadline(record)
    if deadline is None or not period.contains(deadline.day):
        return None
    if record.state == ItemState.OPEN:
        return ItemScore(record=record, judged_against=deadline,
                         lines=(*lines, RuleLine(code=RuleCode.OPEN, deadline=deadline)))
    if record.state == ItemState.CANCELLED:
        return ItemScore(record=record, judged_against=deadline,
                         lines=(*lines, RuleLine(code=RuleCode.CANCELLED)))
    assert record.closed_at is not None
    calendar = record.calendar
    day = calendar.local_day(record.closed_at)
    if deadline.on_time_at(record.closed_at, calendar.zone):
        outcome = Outcome.ON_TIME
        timeliness = _on_time(record, rules, deadline)
        early_days = calendar.working_days_after(day, deadline.day)
    else:
        late = calendar.working_days_after(deadline.day, day)
        outcome = Outcome.LATE_IN_GRACE if late <= rules.grace_days else Outcome.TOO_LATE
        timeliness = [_late(outcome, rules, deadline, late)]
        early_days = 0
    lines += timeliness
    early = outcome == Outcome.ON_TIME and early_days >= rules.early_days
    if early and rules.rewards(RuleFamily.EARLY):
        lines.append(RuleLine(code=RuleCode.EARLY_BONUS, points=rules.early_bonus,
                              days=early_days, limit=Decimal(rules.early_days)))
    earned = sum((line.points for line in lines), ZERO)
    lines = _anti_gaming(record, rules, deadline, lines, earned)
    return ItemScore(record=record, judged_against=deadline, outcome=outcome, early=early,
                     earned=earned, points=sum((line.points for line in lines), ZERO),
                     lines=tuple(lines), day=day)


def _on_time(record: ItemRecord, rules: ScoringRules, deadline: Deadline) -> list[RuleLine]:
    # A priority raised after planning does not raise the weight; lowering it does lower it.
    planned, now = rules.weight(record.planned_priority), rules.weight(record.priority)
    priority = record.priority if now <= planned else record.planned_priority
    weight = min(planned, now)
    rewarded = rules.rewards(RuleFamily.ON_TIME)
    found = [RuleLine(code=RuleCode.ON_TIME, deadline=deadline, priority=priority, weight=weight,
                      points=cents(rules.on_time * weight) if rewarded else ZERO,
                      limit=rules.on_time, rewarded=rewarded)]
    if now > planned:
        found.append(RuleLine(code=RuleCode.PRIORITY_RAISED, priority=record.priority))
    return found


def _late(outcome: Outcome, rules: ScoringRules, deadline: Deadline, days: int) -> RuleLine:
    rewarded = rules.rewards(RuleFamily.ON_TIME)
    if outcome == Outcome.LATE_IN_GRACE:
        return RuleLine(code=RuleCode.LATE_IN_GRACE, deadline=deadline, days=days,
                        points=rules.late_in_grace if rewarded else ZERO,
                        limit=Decimal(rules.grace_days), rewarded=rewarded)
    return RuleLine(code=RuleCode.TOO_LATE, deadline=deadline, days=days,
                    limit=Decimal(rules.grace_days), rewarded=rewarded)


def _anti_gaming(record: ItemRecord, rules: ScoringRules, deadline: Deadline,
                 lines: list[RuleLine], earned: Decimal) -> list[RuleLine]:
    """Adds every anti-gaming rule that applies; the first takes back all that was earned."""
    assert record.closed_at is not None
    found: list[RuleLine] = []
    created_day = record.calendar.local_day(record.created_at)
    lead = (deadline.day - created_day).days
    if lead < rules.min_lead_days:
        found.append(RuleLine(code=RuleCode.CREATED_TOO_LATE, days=lead,
                              limit=Decimal(rules.min_lead_days)))
    open_for = record.closed_at - record.created_at
    if open_for < timedelta(hours=rules.min_open_hours):
        found.append(RuleLine(code=RuleCode.CLOSED_TOO_SOON,
                              hours=int(open_for.total_seconds() // 3600),
                              limit=Decimal(rules.min_open_hours)))
    if record.closed_by is not None and record.closed_by != record.owner:
        found.append(RuleLine(code=RuleCode.CLOSED_BY_OTHER, person=record.closed_by))
    ordered = [line for line in lines if line.code not in VOIDING]
    voids = [line for line in lines if line.code in VOIDING] + found
    for index, line in enumerate(voids):
        taken = -earned if index == 0 else ZERO
        ordered.append(dataclasses.replace(line, points=taken))
    return ordered
