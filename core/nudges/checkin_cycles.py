"""The end of a person's check-in cycle, scored as a check-in streak.

A person's *cycle* runs from one of their check-in days to the day before the next one (a
vacation in between stays inside it: the streak subtracts its days). It ends when the next
check-in request goes out: the delivery judges it just before that request is prepared, while
the ask states still describe the cycle that ends.

Its *requests* are the milestones asked about during it (`AskState.asked_on` inside the cycle),
each answered on time when an update came after it was asked and before the cycle ended; a
milestone the person updated during the cycle without being asked counts as a request answered.
A cycle that asked nothing is not recorded (it would neither grow nor break a streak). Closed
milestones drop out of the count: a cycle whose only requests were closed is such a cycle.

Exactly once per person and cycle: each is recorded in its tenant's unit of work under the
idempotency key `checkin-cycle:<person>:<last day>`, with the streak points and badges it earns
(`core.scoring.recording`), so two instances, or a delivery retried after a crash, record it
once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from core.model import MilestoneId, TenantId, UserId
from core.nudges.candidates import NudgeMilestone
from core.nudges.deliveries import Nudge
from core.nudges.follow_ups import AskState
from core.nudges.schedule import (
    MAX_EVERY_WEEKS,
    Cadence,
    NudgeKind,
    PersonPolicy,
    TeamPolicy,
    is_checkin_day,
)
from core.nudges.sweep import PASS
from core.nudges.workweek import Vacation, Workweek, local_moment, on_vacation
from core.ports import UnitOfWork, UnitOfWorkFactory
from core.scoring import recording
from core.scoring.events import CheckInCycleEnded
from core.scoring.feed import announce

logger = logging.getLogger(__name__)

LOOK_BACK = timedelta(days=7 * (MAX_EVERY_WEEKS + 1))


def previous_checkin_day(cadence: Cadence, week: Workweek, day: date,
                         vacations: Sequence[Vacation] = ()) -> date:
    """The person's last check-in day before `day` that was not on vacation (the start of the
    cycle that ends the day before `day`)."""
    candidate = day - timedelta(days=1)
    while candidate >= day - LOOK_BACK:
        if (week.works_on(candidate) and is_checkin_day(cadence, week, candidate)
                and not on_vacation(candidate, vacations)):
            return candidate
        candidate -= timedelta(days=1)
    return day - timedelta(days=7 * max(1, cadence.every_weeks))


def cycle_ended(person: UserId, day: date, *, cadence: Cadence, week: Workweek,
                vacations: Sequence[Vacation], milestones: Sequence[NudgeMilestone],
                states: Mapping[MilestoneId, AskState], at: datetime
                ) -> CheckInCycleEnded | None:
    """The cycle that ends when the check-in of `day` goes out; None when it asked nothing."""
    starts = previous_checkin_day(cadence, week, day, vacations)
    ends = day - timedelta(days=1)
    opened = local_moment(starts, 0, week.timezone)
    requested = answered = 0
    for m in milestones:
        state = states.get(m.id)
        if (state is not None and state.asked_on is not None and state.last_asked_at is not None
                and starts <= state.asked_on <= ends):
            requested += 1
            answered += int(m.last_news > state.last_asked_at)
        elif m.last_update_at is not None and m.last_update_at >= opened:
            requested += 1  # kept up without being asked
            answered += 1
    if not requested:
        return None
    return CheckInCycleEnded(at=at, person=person, starts=starts, ends=ends,
                             requested=requested, answered_on_time=answered)


async def end_cycles(uow: UnitOfWorkFactory, nudges: Sequence[Nudge], now: datetime) -> int:
    """Records the cycles that the daily check-ins of a batch end (those not prepared yet),
    in one unit of work per tenant; returns how many were recorded."""
    by_tenant: dict[TenantId, dict[UserId, date]] = defaultdict(dict)
    for n in nudges:
        if (n.kind == NudgeKind.CHECKIN and n.detail == PASS and not n.prepared
                and n.user_id is not None):
            by_tenant[n.tenant_id][n.user_id] = date.fromisoformat(n.period)
    recorded = 0
    for tenant_id, days in by_tenant.items():
        async with uow(tenant_id) as tx:
            recorded += await _end_in(tx, tenant_id, days, now)
            await tx.commit()
    return recorded


async def _end_in(tx: UnitOfWork, tenant_id: TenantId, days: Mapping[UserId, date],
                  now: datetime) -> int:
    """One tenant's cycles, read in a fixed number of statements whatever the number of
    people."""
    people = await tx.nudges.people(set(days))
    teams, own = await tx.nudges.policies({tenant_id}, set(days))
    owned = await tx.nudges.open_owned({(tenant_id, p) for p in people})
    states = await tx.nudges.ask_states({m.id for ms in owned.values() for m in ms})
    vacations = await tx.nudges.vacations_of(set(people), min(days.values()) - LOOK_BACK)
    team = teams.get(tenant_id, TeamPolicy())
    recorded = 0
    for person, (user, _) in people.items():
        week = Workweek.of(user)
        cadence = own.get(person, PersonPolicy()).cadence(team.checkin)
        event = cycle_ended(person, days[person], cadence=cadence, week=week,
                            vacations=vacations.get(person, []),
                            milestones=owned.get(person, []), states=states, at=now)
        if event is None:
            continue
        key = f"checkin-cycle:{person}:{event.ends.isoformat()}"
        if not await tx.idempotency.claim(key, command="CheckInCycleEnded", at=now):
            continue
        await announce(tx, await recording.record(tx.scoring, event))
        recorded += 1
    if recorded:
        logger.info("check-in cycles: %d recorded in tenant %s", recorded, tenant_id)
    return recorded
