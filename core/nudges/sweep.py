"""The sweep: what is due now, computed from the database and claimed in one transaction.

The database is the source of truth, not the scheduler: a sweep looks at the window
(now - grace, now], so a missed minute or a restart catches up, and claims each delivery under
its unique key, so a slot seen by two sweeps (two instances, or two ticks of the window) is
claimed once. Claimed deliveries are sent by `core.nudges.delivery`.

Statements per sweep, whatever the number of people: candidates (people, milestones with a
cadence of their own, tenants for digests), their deadlines, what they watch, their vacations,
the digest channels, the claim and the mark of the people done for the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.model import TenantId, UserId
from core.nudges.candidates import PersonDay
from core.nudges.challenge_posts import posts_due
from core.nudges.deadline_alerts import alert_horizon, deadline_alert
from core.nudges.deliveries import NewNudge
from core.nudges.ports import NudgeRepository
from core.nudges.schedule import (
    GRACE,
    NudgeKind,
    ZoneWindow,
    daily_moment,
    in_window,
    is_checkin_day,
    zone_windows,
)
from core.nudges.workweek import local_moment, on_vacation
from core.ports import Clock, UnitOfWorkFactory

DIGEST_LOOKBACK = timedelta(days=7)
#: The detail of a check-in claimed by a person's daily pass: that claim marks the pass done.
PASS = "pass"


@dataclass(frozen=True, slots=True)
class Swept:
    """What one sweep found and claimed."""

    claimed: int = 0
    due: int = 0  # found due (claimed now or by an earlier sweep)
    checkins: int = 0
    alerts: int = 0
    digests: int = 0
    people: int = 0  # daily passes run


@dataclass(slots=True)
class Due:
    nudges: list[NewNudge] = field(default_factory=list)
    passes: list[tuple[TenantId, UserId, date]] = field(default_factory=list)

    def count(self, *kinds: NudgeKind) -> int:
        return sum(1 for n in self.nudges if n.kind in kinds)


async def find_due(repo: NudgeRepository, now: datetime, grace: timedelta = GRACE) -> Due:
    """Everything due in the window ending at `now`, exactly (nothing is written)."""
    due = Due()
    windows = zone_windows(now, grace)
    people = await repo.people_due(windows)
    own_cadences = await repo.milestones_due(windows)
    # People share a few settings (the repository hands out one object per distinct one): the
    # calendar of each is worked out once per sweep, not once per person.
    calendar: dict[tuple[int, int, int, date], tuple[datetime, bool]] = {}
    passes: dict[UserId, tuple[PersonDay, datetime, bool]] = {}
    for p in people:
        key = (id(p.own), id(p.team), id(p.week), p.day)
        if key not in calendar:
            cadence = p.own.cadence(p.team.checkin)
            calendar[key] = (daily_moment(cadence, p.week, p.day),
                             p.week.works_on(p.day) and is_checkin_day(cadence, p.week, p.day))
        moment, checkin_day = calendar[key]
        if not p.week.works_on(p.day):
            continue
        if in_window(moment, now, grace):
            passes[p.user_id] = (p, moment, checkin_day)
    owners = {(p.tenant_id, p.user_id) for p, _, _ in passes.values()}
    horizon = max((alert_horizon(p.day, p.team.deadline_days) for p, _, _ in passes.values()),
                  default=now.date())
    deadlines = await repo.open_due(owners, horizon)
    watched = await repo.watched_overdue(owners, max(
        (p.day for p, _, _ in passes.values()), default=now.date()))
    oldest = min([*(m.due_date for m in deadlines if m.due_date), *(
        p.day for p, _, _ in passes.values())], default=now.date())
    vacations = await repo.vacations_of(
        set(passes) | {m.owner_id for m in own_cadences}, oldest)
    for p, moment, checkin_day in passes.values():
        away = vacations.get(p.user_id)
        if away and on_vacation(p.day, away):
            continue
        due.passes.append((p.tenant_id, p.user_id, p.day))
        if checkin_day and p.askable:
            due.nudges.append(_checkin(p.tenant_id, p.user_id, p.day, moment, PASS))
    for m in deadlines:
        p, moment, _ = passes[m.owner_id]
        assert m.due_date is not None
        alert = deadline_alert(m.due_date, p.day, p.week, vacations.get(p.user_id, []),
                               p.team.deadline_days, p.team.overdue_every)
        if alert is not None:
            due.nudges.append(NewNudge(
                tenant_id=m.tenant_id, kind=NudgeKind.DEADLINE, user_id=m.owner_id,
                milestone_id=m.id, period=p.day.isoformat(), detail=alert.detail,
                not_before=moment))
    for watcher, m in watched:
        p, moment, _ = passes[watcher]
        if watcher == m.owner_id or m.due_date is None or m.due_date >= p.day:
            continue
        if on_vacation(p.day, vacations.get(watcher, [])):
            continue
        due.nudges.append(NewNudge(
            tenant_id=m.tenant_id, kind=NudgeKind.OVERDUE_WATCH, user_id=watcher,
            milestone_id=m.id, period=m.due_date.isoformat(), not_before=moment))
    for md in own_cadences:
        moment = daily_moment(md.cadence, md.week, md.day)
        if (md.week.works_on(md.day) and is_checkin_day(md.cadence, md.week, md.day)
                and in_window(moment, now, grace)
                and not on_vacation(md.day, vacations.get(md.owner_id, []))):
            due.nudges.append(_checkin(md.tenant_id, md.owner_id, md.day, moment))
    await _digests(repo, due, windows, now, grace)
    return due


def _checkin(tenant_id: TenantId, user_id: UserId, day: date, moment: datetime,
             detail: str = "") -> NewNudge:
    # One request per person and local day: everything asked that day goes in it.
    return NewNudge(tenant_id=tenant_id, kind=NudgeKind.CHECKIN, user_id=user_id,
                    period=day.isoformat(), not_before=moment, detail=detail)


async def _digests(repo: NudgeRepository, due: Due, windows: Sequence[ZoneWindow],
                   now: datetime, grace: timedelta) -> None:
    teams = await repo.teams_due(windows)
    moments: dict[TenantId, tuple[date, datetime]] = {}
    for t in teams:
        slot = t.policy.digest
        if slot is None or t.day.weekday() != slot.weekday:
            continue
        moment = local_moment(t.day, slot.minute, t.timezone)
        if in_window(moment, now, grace):
            moments[t.tenant_id] = (t.day, moment)
    if not moments:
        return
    for tenant_id, channel in await repo.digest_channels(set(moments), now - DIGEST_LOOKBACK):
        day, moment = moments[tenant_id]
        due.nudges.append(NewNudge(tenant_id=tenant_id, kind=NudgeKind.DIGEST, channel=channel,
                                   period=day.isoformat(), not_before=moment))


async def sweep(uow: UnitOfWorkFactory, clock: Clock, grace: timedelta = GRACE) -> Swept:
    """Claims what is due now; one transaction, so a crash claims nothing or everything."""
    now = clock.now()
    async with uow() as tx:
        due = await find_due(tx.nudges, now, grace)
        due.nudges += await posts_due(tx.scoring.challenges, now, grace)
        # Sorted: two sweeps claiming the same keys queue on them in the same order.
        nudges = sorted(due.nudges, key=lambda n: n.key)
        claimed = await tx.nudges.claim_day(nudges, sorted(due.passes))
        await tx.commit()
    return Swept(claimed=claimed, due=len(nudges), checkins=due.count(NudgeKind.CHECKIN),
                 alerts=due.count(NudgeKind.DEADLINE, NudgeKind.OVERDUE_WATCH),
                 digests=due.count(NudgeKind.DIGEST), people=len(due.passes))

