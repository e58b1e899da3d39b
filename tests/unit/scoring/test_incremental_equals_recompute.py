"""Random histories: the score moved one event at a time equals the score rebuilt from scratch.

Small caps, tight windows, several zones and working weeks, reopen/close cycles, moves and
approvals, check-in cycles and vacations: whatever the order, the incremental ledger and
`recompute` agree item by item, day by day and person by person.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.model import Kind, MilestoneId, Priority, UserId
from core.scoring.challenge import Period
from core.scoring.daily_cap import capped
from core.scoring.events import (
    CheckInCycleEnded,
    ContributorsChanged,
    DeadlineMoved,
    ItemCancelled,
    ItemCreated,
    ItemDone,
    ItemReopened,
    MoveApproved,
    OwnerChanged,
    PriorityChanged,
    ScoringEvent,
    VacationRecorded,
)
from core.scoring.judge import judge
from core.scoring.ledger import Ledger
from core.scoring.points import ZERO
from core.scoring.recompute import recompute
from core.scoring.rules import RuleFamily, ScoringRules
from core.scoring.workdays import Deadline, WorkingCalendar

BASE = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)  # a Monday
ZONES = ("UTC", "America/New_York", "Asia/Tokyo", "Pacific/Chatham")
WEEKS = ((0, 1, 2, 3, 4), (0, 1, 2, 3), (6, 0, 1, 2, 3), ())
PEOPLE = (UserId(1), UserId(2), UserId(3))
KINDS = ("create", "create", "move", "approve", "priority", "owner", "contributors",
         "done", "done", "done", "reopen", "cancel", "cycle", "vacation")


@st.composite
def deadlines(draw: st.DrawFn) -> Deadline:
    day = BASE.date() + timedelta(days=draw(st.integers(-2, 40)))
    at = draw(st.one_of(st.none(), st.integers(0, 23).map(lambda h: time(h, 0))))
    return Deadline(day, at)


@st.composite
def histories(draw: st.DrawFn) -> list[ScoringEvent]:
    calendars = st.builds(WorkingCalendar, st.sampled_from(ZONES), st.sampled_from(WEEKS))
    people = st.sampled_from(PEOPLE)
    at = BASE
    current: dict[MilestoneId, Deadline | None] = {}
    last_cycle: dict[UserId, date] = {}
    events: list[ScoringEvent] = []
    for _ in range(draw(st.integers(0, 45))):
        at += timedelta(hours=draw(st.integers(0, 30)), minutes=draw(st.integers(0, 59)))
        kind = draw(st.sampled_from(KINDS))
        item = MilestoneId(draw(st.integers(1, 6)))
        if kind == "create":
            due = draw(st.one_of(st.none(), deadlines()))
            current.setdefault(item, due)
            events.append(ItemCreated(
                at=at, item=item, number=item, title=f"Item {item}",
                kind=draw(st.sampled_from(Kind)), owner=draw(people), calendar=draw(calendars),
                priority=draw(st.sampled_from(Priority)), deadline=due))
        elif kind == "move":
            due = draw(st.one_of(st.none(), deadlines()))
            current[item] = due
            events.append(DeadlineMoved(at=at, item=item, deadline=due))
        elif kind == "approve":
            approved = current.get(item) if draw(st.booleans()) else draw(deadlines())
            if approved is not None:
                events.append(MoveApproved(at=at, item=item, deadline=approved, by=draw(people)))
        elif kind == "priority":
            priority = draw(st.sampled_from(Priority))
            events.append(PriorityChanged(at=at, item=item, priority=priority))
        elif kind == "owner":
            events.append(OwnerChanged(at=at, item=item, owner=draw(people),
                                       calendar=draw(calendars)))
        elif kind == "contributors":
            helpers = tuple(draw(st.lists(people, max_size=2, unique=True)))
            events.append(ContributorsChanged(at=at, item=item, contributors=helpers))
        elif kind in ("done", "reopen", "cancel"):
            by = draw(people)
            event_type = {"done": ItemDone, "reopen": ItemReopened, "cancel": ItemCancelled}[kind]
            events.append(event_type(at=at, item=item, by=by))
        elif kind == "cycle":
            person = draw(people)
            starts = last_cycle.get(person, BASE.date() - timedelta(days=3)) + timedelta(
                days=draw(st.integers(-2, 3)))  # sometimes overlapping: a repeat to ignore
            ends = starts + timedelta(days=draw(st.sampled_from([0, 6, 6, 6, 13])))
            last_cycle[person] = max(ends, last_cycle.get(person, ends))
            requested = draw(st.integers(0, 3))
            answered = requested if draw(st.booleans()) else draw(st.integers(0, requested))
            events.append(CheckInCycleEnded(at=at, person=person, starts=starts, ends=ends,
                                            requested=requested, answered_on_time=answered))
        else:
            starts = at.date() + timedelta(days=draw(st.integers(-5, 10)))
            events.append(VacationRecorded(at=at, person=draw(people), starts=starts,
                                           ends=starts + timedelta(days=draw(st.integers(0, 9)))))
    return events


@st.composite
def challenge_rules(draw: st.DrawFn) -> tuple[ScoringRules, Period]:
    families = frozenset(draw(st.lists(st.sampled_from(RuleFamily), min_size=1, unique=True)))
    rules = ScoringRules(
        daily_cap=draw(st.sampled_from([Decimal(1), Decimal("4.5"), Decimal(5), Decimal(12)])),
        grace_days=draw(st.integers(0, 2)), early_days=draw(st.integers(1, 3)),
        planning_days=draw(st.integers(0, 3)), min_lead_days=draw(st.integers(0, 3)),
        min_open_hours=draw(st.sampled_from([0, 1, 24])), families=families,
        on_time=draw(st.sampled_from([Decimal(3), Decimal("2.5")])),
        weight_high=draw(st.sampled_from([Decimal("1.5"), Decimal("1.25")])))
    starts = BASE.date() + timedelta(days=draw(st.integers(-3, 10)))
    return rules, Period(starts, starts + timedelta(days=draw(st.integers(0, 35))))


def run_incrementally(events: list[ScoringEvent], rules: ScoringRules, period: Period
                      ) -> list[Ledger]:
    ledger = Ledger(rules=rules, period=period)
    states = []
    for event in events:
        ledger.apply(event)
        states.append(Ledger(rules=rules, period=period, items=dict(ledger.items),
                             streaks=dict(ledger.streaks), days=dict(ledger.days),
                             tallies=dict(ledger.tallies)))
    return states


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories(), challenge_rules(), st.data())
def test_incremental_scores_equal_a_full_recompute(events: list[ScoringEvent],
                                                   setup: tuple[ScoringRules, Period],
                                                   data: st.DataObject) -> None:
    rules, period = setup
    states = run_incrementally(events, rules, period)
    cuts = {len(events)} | set(data.draw(st.lists(st.integers(0, len(events)), max_size=3)))
    for cut in sorted(cuts):
        incremental = states[cut - 1] if cut else Ledger(rules=rules, period=period)
        rebuilt = recompute(events[:cut], rules=rules, period=period)
        assert incremental.snapshot() == rebuilt.snapshot(), f"after {cut} events"


@settings(max_examples=150, deadline=None)
@given(histories(), challenge_rules())
def test_nobody_passes_the_daily_cap_and_every_point_is_explained(
        events: list[ScoringEvent], setup: tuple[ScoringRules, Period]) -> None:
    rules, period = setup
    ledger = Ledger(rules=rules, period=period)
    for event in events:
        ledger.apply(event)
    for person, tally in ledger.tallies.items():
        days = {day: raw for (who, day), raw in ledger.days.items() if who == person}
        assert tally.points == sum((capped(raw, rules.daily_cap) for raw in days.values()), ZERO)
        assert all(raw >= ZERO for raw in days.values())
        assert 0 <= tally.on_time <= tally.judged
    for record in ledger.items.values():
        score = judge(record, rules, period)
        if score is not None:
            assert sum((line.points for line in score.lines), ZERO) == score.points
            assert score.points >= ZERO
            assert record.contribution == score.contribution()
