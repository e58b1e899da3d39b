"""The in-memory fake of `NudgeRepository`; the nudge contract tests keep it honest.

Its candidate queries answer like the SQL ones (a superset the core narrows down exactly).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from core.history import Notification
from core.model import MemberRole, Milestone, MilestoneId, Status, TenantId, UserId
from core.nudges.candidates import (
    DigestData,
    MilestoneDay,
    NudgeMilestone,
    Person,
    PersonDay,
    TeamDay,
)
from core.nudges.deliveries import (
    InboxEntry,
    NewNudge,
    Nudge,
    NudgeKey,
    NudgeStatus,
    Outcome,
    Receipt,
)
from core.nudges.follow_ups import AskState
from core.nudges.schedule import Cadence, NudgeKind, PersonPolicy, TeamPolicy, ZoneWindow
from core.nudges.snooze import Snooze
from core.nudges.workweek import Vacation, Workweek
from core.tenancy import Role, User

if TYPE_CHECKING:
    from tests.fakes import InMemoryUnitOfWork, _State


@dataclass
class NudgeState:
    teams: dict[int, TeamPolicy] = field(default_factory=dict)
    people: dict[int, PersonPolicy] = field(default_factory=dict)
    cadences: dict[int, tuple[int, int, Cadence]] = field(default_factory=dict)
    vacations: list[tuple[int, int, Vacation]] = field(default_factory=list)
    snoozes: list[tuple[int, int, Snooze]] = field(default_factory=list)
    deliveries: dict[int, Nudge] = field(default_factory=dict)
    keys: dict[NudgeKey, int] = field(default_factory=dict)
    states: dict[int, tuple[int, AskState]] = field(default_factory=dict)
    swept: dict[int, date] = field(default_factory=dict)
    receipts: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)  # id: t,n,u,not
    ids: int = 0

    def next_id(self) -> int:
        self.ids += 1
        return self.ids


def as_nudge_milestone(m: Milestone) -> NudgeMilestone:
    assert m.id is not None
    return NudgeMilestone(
        id=m.id, tenant_id=m.tenant_id, number=m.number, kind=m.kind, title=m.title,
        owner_id=m.owner_id, parent_id=m.parent_id, status=m.status, progress=m.progress,
        priority=m.priority, due_date=m.due_date, created_at=m.created_at,
        last_update_at=m.last_update_at, completed_at=m.completed_at, channel=m.channel)


class FakeNudges:
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    # --- helpers --------------------------------------------------------------------------------
    @property
    def s(self) -> _State:
        return self._uow.store.state

    @property
    def n(self) -> NudgeState:
        return self.s.nudges

    @property
    def tenant_id(self) -> TenantId:
        if self._uow.tenant_id is None:
            raise RuntimeError("this unit of work has no tenant")
        return self._uow.tenant_id

    def _visible(self, tenant_id: int) -> bool:
        return self._uow.tenant_id is None or tenant_id == self._uow.tenant_id

    def _users(self) -> list[User]:
        return [u for u in self.s.users.values() if self._visible(u.tenant_id)]

    def _milestones(self) -> list[Milestone]:
        return [m for m in self.s.milestones.values()
                if m.id not in self.s.deleted and self._visible(m.tenant_id)]

    def _mine(self, user_id: UserId) -> None:
        user = self.s.users.get(user_id)
        assert user is not None and user.tenant_id == self.tenant_id

    def _paused(self, m: Milestone) -> bool:
        found = self.n.states.get(m.id or 0)
        if found is None:
            return False
        state = found[1]
        return (state.escalated_at is not None and state.last_asked_at is not None
                and (m.last_update_at or m.created_at) <= state.last_asked_at)

    # --- settings -------------------------------------------------------------------------------
    async def team_policy(self) -> TeamPolicy:
        return self.n.teams.get(self.tenant_id, TeamPolicy())

    async def save_team_policy(self, policy: TeamPolicy) -> None:
        self.n.teams[self.tenant_id] = policy

    async def person_policy(self, user_id: UserId) -> PersonPolicy:
        self._mine(user_id)
        return self.n.people.get(user_id, PersonPolicy())

    async def save_person_policy(self, user_id: UserId, policy: PersonPolicy) -> None:
        self._mine(user_id)
        self.n.people[user_id] = policy

    async def milestone_cadences(self, milestone_ids: Collection[MilestoneId]
                                 ) -> dict[MilestoneId, Cadence]:
        return {MilestoneId(mid): c for mid, (t, _, c) in self.n.cadences.items()
                if mid in milestone_ids and self._visible(t)}

    async def owned_cadences(self, owner_id: UserId) -> dict[MilestoneId, Cadence]:
        return {MilestoneId(mid): c for mid, (t, owner, c) in self.n.cadences.items()
                if owner == owner_id and t == self.tenant_id}

    async def save_milestone_cadence(self, milestone_id: MilestoneId, owner_id: UserId,
                                     cadence: Cadence | None) -> None:
        if cadence is None:
            self.n.cadences.pop(milestone_id, None)
        else:
            self.n.cadences[milestone_id] = (self.tenant_id, owner_id, cadence)

    async def vacations(self, user_id: UserId, since: date) -> list[Vacation]:
        self._mine(user_id)
        return sorted((v for t, u, v in self.n.vacations if u == user_id and v.ends >= since),
                      key=lambda v: v.starts)

    async def add_vacation(self, user_id: UserId, vacation: Vacation) -> None:
        self._mine(user_id)
        self.n.vacations.append((self.tenant_id, user_id, vacation))

    async def clear_vacations(self, user_id: UserId, since: date) -> int:
        self._mine(user_id)
        kept: list[tuple[int, int, Vacation]] = []
        changed = 0
        for t, u, v in self.n.vacations:
            if u != user_id or v.ends < since:
                kept.append((t, u, v))
            elif v.starts < since:
                kept.append((t, u, Vacation(v.starts, since - timedelta(days=1))))
                changed += 1
            else:
                changed += 1
        self.n.vacations = kept
        return changed

    async def snoozes(self, user_id: UserId, now: datetime) -> list[Snooze]:
        self._mine(user_id)
        return [s for t, u, s in self.n.snoozes if u == user_id and s.until > now]

    async def add_snooze(self, user_id: UserId, snooze: Snooze) -> None:
        self._mine(user_id)
        self.n.snoozes.append((self.tenant_id, user_id, snooze))

    async def clear_snoozes(self, user_id: UserId, milestone_id: MilestoneId | None) -> int:
        before = len(self.n.snoozes)
        self.n.snoozes = [(t, u, s) for t, u, s in self.n.snoozes
                          if not (u == user_id and s.milestone_id == milestone_id)]
        return before - len(self.n.snoozes)

    async def nudge(self, nudge_id: int) -> Nudge | None:
        found = self.n.deliveries.get(nudge_id)
        return found if found is not None and found.tenant_id == self.tenant_id else None

    async def latest_nudges(self, user_id: UserId, since: datetime) -> list[Nudge]:
        sent = [d for d in self.n.deliveries.values() if d.user_id == user_id
                and d.tenant_id == self.tenant_id and d.status == NudgeStatus.SENT
                and d.sent_at is not None and d.sent_at >= since]
        last = max((d.sent_at for d in sent if d.sent_at), default=None)
        return sorted((d for d in sent if d.sent_at == last), key=lambda d: d.id)

    async def reschedule(self, nudge_id: int, not_before: datetime) -> None:
        found = self.n.deliveries[nudge_id]
        assert found.tenant_id == self.tenant_id
        self.n.deliveries[nudge_id] = replace(
            found, status=NudgeStatus.PENDING, not_before=not_before, attempts=0,
            routes_done=(), prepared=False, snoozed=True)

    async def receipts(self, user_id: UserId, *, after: int = 0, unread_only: bool = False,
                       limit: int = 20) -> list[Receipt]:
        found = []
        for rid, (t, nudge_id, u, notification_id) in sorted(self.n.receipts.items(),
                                                               reverse=True):
            if u != user_id or t != self.tenant_id or rid <= after:
                continue
            notification = self.s.notifications.get(notification_id)
            unread = notification is not None and notification.read_at is None
            if unread_only and not unread:
                continue
            found.append(Receipt(id=rid, nudge=self.n.deliveries[nudge_id], user_id=user_id,
                                 unread=unread))
        return found[:limit]

    # --- sweep ----------------------------------------------------------------------------------
    async def people_due(self, windows: Sequence[ZoneWindow]) -> list[PersonDay]:
        by_zone: dict[str, list[ZoneWindow]] = {}
        for w in windows:
            by_zone.setdefault(w.zone, []).append(w)
        found = []
        for user in self._users():
            assert user.id is not None
            week = Workweek.of(user)
            team = self.n.teams.get(user.tenant_id, TeamPolicy())
            own = self.n.people.get(user.id, PersonPolicy())
            minute = week.clamp(own.cadence(team.checkin).minute)
            for w in by_zone.get(user.timezone, []):
                if not (week.works_on(w.day) and w.first_minute <= minute <= w.last_minute):
                    continue
                if any(u == user.id and v.covers(w.day) for _, u, v in self.n.vacations):
                    continue
                if self.n.swept.get(user.id, date.min) >= w.day:
                    continue
                key = (user.tenant_id, user.id, "", NudgeKind.CHECKIN.value, 0,
                       w.day.isoformat())
                if key in self.n.keys and self.n.deliveries[self.n.keys[key]].detail == "pass":
                    continue
                askable = any(m.owner_id == user.id and m.is_open
                              and m.id not in self.n.cadences and not self._paused(m)
                              for m in self._milestones())
                found.append(PersonDay(tenant_id=user.tenant_id, user_id=user.id, day=w.day,
                                       week=week, team=team, own=own, askable=askable))
        return found

    async def milestones_due(self, windows: Sequence[ZoneWindow]) -> list[MilestoneDay]:
        found = []
        for mid, (tenant_id, _, cadence) in self.n.cadences.items():
            m = self.s.milestones.get(mid)
            if m is None or mid in self.s.deleted or not m.is_open or self._paused(m):
                continue
            owner = self.s.users[m.owner_id]
            week = Workweek.of(owner)
            for w in windows:
                if w.zone == owner.timezone and (
                        w.first_minute <= week.clamp(cadence.minute) <= w.last_minute):
                    found.append(MilestoneDay(tenant_id=TenantId(tenant_id),
                                              owner_id=m.owner_id, milestone_id=MilestoneId(mid),
                                              day=w.day, week=week, cadence=cadence))
        return found

    async def teams_due(self, windows: Sequence[ZoneWindow]) -> list[TeamDay]:
        found = []
        for tenant in self.s.tenants.values():
            assert tenant.id is not None
            policy = self.n.teams.get(tenant.id, TeamPolicy())
            if policy.digest is None:
                continue
            for w in windows:
                if w.zone == tenant.timezone and w.weekday == policy.digest.weekday and (
                        w.first_minute <= policy.digest.minute <= w.last_minute):
                    found.append(TeamDay(tenant_id=tenant.id, timezone=tenant.timezone,
                                         day=w.day, policy=policy))
        return found

    async def open_due(self, people: Collection[Person], until: date) -> list[NudgeMilestone]:
        owners = {u for _, u in people}
        return [as_nudge_milestone(m) for m in self._milestones()
                if m.owner_id in owners and m.is_open and m.due_date is not None
                and m.due_date <= until]

    async def watched_overdue(self, people: Collection[Person], before: date
                              ) -> list[tuple[UserId, NudgeMilestone]]:
        watchers = {u for _, u in people}
        found = []
        for m in self._milestones():
            if not m.is_open or m.due_date is None or m.due_date >= before:
                continue
            for member in m.members:
                key = (m.tenant_id, member.user_id, "", NudgeKind.OVERDUE_WATCH.value,
                       m.id or 0, m.due_date.isoformat())
                if (member.role == MemberRole.WATCHER and member.user_id in watchers
                        and key not in self.n.keys):
                    found.append((member.user_id, as_nudge_milestone(m)))
        return found

    async def vacations_of(self, user_ids: Collection[UserId], since: date
                           ) -> dict[UserId, list[Vacation]]:
        found: dict[UserId, list[Vacation]] = {}
        for t, u, v in self.n.vacations:
            if u in user_ids and v.ends >= since and self._visible(t):
                found.setdefault(UserId(u), []).append(v)
        return found

    async def digest_channels(self, tenant_ids: Collection[TenantId], since: datetime
                              ) -> list[tuple[TenantId, str]]:
        return sorted({(m.tenant_id, m.channel) for m in self._milestones()
                       if m.tenant_id in tenant_ids and m.channel and (
                           m.is_open or (m.completed_at and m.completed_at >= since))})

    async def claim(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        claimed: set[NudgeKey] = set()
        for new in nudges:
            assert self._visible(new.tenant_id)
            if new.key in self.n.keys:
                continue
            nudge_id = self.n.next_id()
            self.n.keys[new.key] = nudge_id
            self.n.deliveries[nudge_id] = Nudge(
                id=nudge_id, tenant_id=new.tenant_id, kind=new.kind, period=new.period,
                user_id=new.user_id, channel=new.channel, milestone_id=new.milestone_id,
                detail=new.detail, status=NudgeStatus.PENDING, not_before=new.not_before,
                attempts=0, created_at=new.not_before)
            claimed.add(new.key)
        return claimed

    async def claimed(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        return {n.key for n in nudges if n.key in self.n.keys}

    async def claim_day(self, nudges: Sequence[NewNudge],
                        passes: Sequence[tuple[TenantId, UserId, date]]) -> int:
        claimed = await self.claim(nudges)
        for tenant_id, user_id, day in passes:
            if (tenant_id, user_id, "", NudgeKind.CHECKIN.value, 0, day.isoformat()) in claimed:
                continue
            self.n.swept[user_id] = max(day, self.n.swept.get(user_id, date.min))
        return len(claimed)

    # --- delivery -------------------------------------------------------------------------------
    async def lease(self, now: datetime, limit: int, lease_for: timedelta) -> list[Nudge]:
        due = sorted((d for d in self.n.deliveries.values()
                      if d.status == NudgeStatus.PENDING and d.not_before <= now
                      and self._visible(d.tenant_id)), key=lambda d: (d.not_before, d.id))[:limit]
        leased = []
        for d in due:
            taken = replace(d, attempts=d.attempts + 1, not_before=now + lease_for)
            self.n.deliveries[d.id] = taken
            leased.append(replace(taken, not_before=d.not_before))
        return leased

    async def pending(self, now: datetime, limit: int) -> list[Nudge]:
        return sorted((d for d in self.n.deliveries.values()
                       if d.status == NudgeStatus.PENDING and d.not_before <= now
                       and self._visible(d.tenant_id)), key=lambda d: d.id)[:limit]

    async def people(self, user_ids: Collection[UserId]
                     ) -> dict[UserId, tuple[User, tuple[str, ...]]]:
        return {UserId(u.id): (copy.deepcopy(u), tuple(sorted(
            k for k, v in self.s.identities.items() if v == u.id)))
            for u in self._users() if u.id in user_ids and u.id is not None}

    async def open_owned(self, people: Collection[Person]
                         ) -> dict[UserId, list[NudgeMilestone]]:
        owner_ids = {u for _, u in people}
        found: dict[UserId, list[NudgeMilestone]] = {}
        for m in sorted(self._milestones(), key=lambda m: m.number):
            if m.owner_id in owner_ids and m.is_open:
                found.setdefault(m.owner_id, []).append(as_nudge_milestone(m))
        return found

    async def milestones(self, ids: Collection[MilestoneId]
                         ) -> dict[MilestoneId, NudgeMilestone]:
        return {m.id: as_nudge_milestone(m) for m in self._milestones()
                if m.id in ids and m.id is not None}

    async def watchers(self, milestone_ids: Collection[MilestoneId]
                       ) -> dict[MilestoneId, set[UserId]]:
        return {m.id: m.member_ids(MemberRole.WATCHER) for m in self._milestones()
                if m.id in milestone_ids and m.id is not None}

    async def admins(self, tenant_ids: Collection[TenantId]) -> dict[TenantId, list[UserId]]:
        found: dict[TenantId, list[UserId]] = {}
        for u in sorted(self._users(), key=lambda u: u.id or 0):
            if u.tenant_id in tenant_ids and u.role == Role.ADMIN and u.id is not None:
                found.setdefault(u.tenant_id, []).append(u.id)
        return found

    async def policies(self, tenant_ids: Collection[TenantId], user_ids: Collection[UserId]
                       ) -> tuple[dict[TenantId, TeamPolicy], dict[UserId, PersonPolicy]]:
        return ({TenantId(t): p for t, p in self.n.teams.items() if t in tenant_ids},
                {UserId(u): p for u, p in self.n.people.items() if u in user_ids})

    async def snoozes_of(self, user_ids: Collection[UserId], now: datetime
                         ) -> dict[UserId, list[Snooze]]:
        found: dict[UserId, list[Snooze]] = {}
        for t, u, s in self.n.snoozes:
            if u in user_ids and s.until > now and self._visible(t):
                found.setdefault(UserId(u), []).append(s)
        return found

    async def ask_states(self, milestone_ids: Collection[MilestoneId]
                         ) -> dict[MilestoneId, AskState]:
        return {MilestoneId(mid): copy.copy(state) for mid, (t, state) in self.n.states.items()
                if mid in milestone_ids and self._visible(t)}

    async def save_ask_states(self, states: Mapping[MilestoneId, tuple[TenantId, AskState]]
                              ) -> None:
        for mid, (tenant_id, state) in states.items():
            self.n.states[mid] = (tenant_id, copy.copy(state))

    async def digest_data(self, channels: Collection[tuple[TenantId, str]], since: datetime
                          ) -> dict[tuple[TenantId, str], DigestData]:
        found: dict[tuple[TenantId, str], DigestData] = {}
        for tenant_id, channel in channels:
            items = [m for m in self._milestones() if m.tenant_id == tenant_id
                     and m.channel == channel and (m.is_open or (
                         m.completed_at is not None and m.completed_at >= since
                         and m.status == Status.DONE))]
            moves: dict[MilestoneId, tuple[int, int]] = {}
            for m in items:
                updates = sorted((u for u in self.s.updates.values() if u.milestone_id == m.id
                                  and u.percent is not None),
                                 key=lambda u: (u.created_at, u.id))
                recent = [u for u in updates if u.created_at >= since]
                before = [u for u in updates if u.created_at < since]
                if recent and m.id is not None:
                    moves[m.id] = (len(recent), before[-1].percent or 0 if before else 0)
            readers = {m.owner_id for m in items} | {
                x.user_id for m in items for x in m.members}
            tenant = self.s.tenants[tenant_id]
            found[(tenant_id, channel)] = DigestData(
                milestones=[as_nudge_milestone(m) for m in items], moves=moves,
                readers=sorted(readers), timezone=tenant.timezone)
        return found

    async def add_inbox(self, entries: Sequence[InboxEntry]) -> None:
        for e in entries:
            notification_id = self.s.next_id()
            self.s.notifications[notification_id] = Notification(
                id=notification_id, tenant_id=e.tenant_id, user_id=e.user_id, kind=e.kind,
                text=e.text, milestone_id=e.milestone_id, created_at=e.at)
            self.n.receipts[self.n.next_id()] = (e.tenant_id, e.nudge_id, e.user_id,
                                                 notification_id)

    async def mark_prepared(self, nudge_ids: Collection[int]) -> None:
        for nudge_id in nudge_ids:
            self.n.deliveries[nudge_id] = replace(self.n.deliveries[nudge_id], prepared=True)

    async def settle(self, outcomes: Sequence[Outcome], at: datetime) -> None:
        for o in outcomes:
            d = self.n.deliveries[o.nudge_id]
            changes: dict[str, Any] = {"status": o.status, "routes_done": o.routes_done}
            if o.status == NudgeStatus.SENT:
                changes["sent_at"] = at
            if o.retry_at is not None:
                changes["not_before"] = o.retry_at
            self.n.deliveries[o.nudge_id] = replace(d, **changes)
