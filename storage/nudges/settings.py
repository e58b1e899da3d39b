"""One tenant's reminder settings: policies, cadences, vacations, snoozes, and the nudges
a person received."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

from core.model import MilestoneId, UserId
from core.nudges.deliveries import Nudge, Receipt
from core.nudges.schedule import DEFAULT_DIGEST, Cadence, PersonPolicy, TeamPolicy
from core.nudges.snooze import Snooze
from core.nudges.workweek import Vacation
from storage.mapping import utc
from storage.models import UserRow
from storage.nudges import queries as q
from storage.nudges.base import NudgeStore
from storage.nudges.models import (
    MilestoneCadenceRow,
    PersonPolicyRow,
    SnoozeRow,
    TeamPolicyRow,
    VacationRow,
)
from storage.nudges.rows import nudge_from, person_from, team_from
from storage.nudges.sql import param


class NudgeSettings(NudgeStore):
    async def team_policy(self) -> TeamPolicy:
        return team_from(await (await self.scoped(TeamPolicyRow)).first())

    async def save_team_policy(self, policy: TeamPolicy) -> None:
        c = policy.checkin
        digest = policy.digest
        values = {"checkin_weekday": c.weekday, "checkin_minute": c.minute,
                  "every_weeks": c.every_weeks, "anchor_week": c.anchor_week,
                  "deadline_days": list(policy.deadline_days),
                  "overdue_every": policy.overdue_every,
                  "digest_weekday": digest.weekday if digest else None,
                  "digest_minute": digest.minute if digest else DEFAULT_DIGEST.minute,
                  "updated_at": datetime.now(UTC)}
        if not await (await self.scoped(TeamPolicyRow)).update(**values):
            await TeamPolicyRow.create(using_db=await self.db(), tenant_id=self.tenant_id,
                                       **values)

    async def _check_user(self, user_id: UserId) -> None:
        if not await (await self.scoped(UserRow)).filter(id=user_id).exists():
            raise LookupError(f"user {user_id} is not in tenant {self.tenant_id}")

    async def person_policy(self, user_id: UserId) -> PersonPolicy:
        return person_from(await (await self.scoped(PersonPolicyRow)).filter(
            user_id=user_id).first())

    async def save_person_policy(self, user_id: UserId, policy: PersonPolicy) -> None:
        await self._check_user(user_id)
        rows = (await self.scoped(PersonPolicyRow)).filter(user_id=user_id)
        if policy.empty:
            await rows.delete()
            return
        values = {"weekday": policy.weekday, "minute": policy.minute,
                  "every_weeks": policy.every_weeks, "anchor_week": policy.anchor_week,
                  "updated_at": datetime.now(UTC)}
        if not await rows.update(**values):
            await PersonPolicyRow.create(using_db=await self.db(), tenant_id=self.tenant_id,
                                         user_id=user_id, **values)

    async def milestone_cadences(self, milestone_ids: Collection[MilestoneId]
                                 ) -> dict[MilestoneId, Cadence]:
        if not milestone_ids:
            return {}
        where, params = self._ids("c.milestone_id", milestone_ids)
        scope, more = self._scope("c")
        rows = await self.sql(f"SELECT * FROM nudge_milestone_cadences c WHERE {where}{scope}",
                              [*params, *more])
        return {MilestoneId(r["milestone_id"]): Cadence(r["weekday"], r["minute"],
                                                        r["every_weeks"], r["anchor_week"])
                for r in rows}

    async def owned_cadences(self, owner_id: UserId) -> dict[MilestoneId, Cadence]:
        rows = await self.sql(q.OWNED_CADENCES, [self.tenant_id, owner_id])
        return {MilestoneId(r["milestone_id"]): Cadence(r["weekday"], r["minute"],
                                                        r["every_weeks"], r["anchor_week"])
                for r in rows}

    async def save_milestone_cadence(self, milestone_id: MilestoneId, owner_id: UserId,
                                     cadence: Cadence | None) -> None:
        rows = (await self.scoped(MilestoneCadenceRow)).filter(milestone_id=milestone_id)
        if cadence is None:
            await rows.delete()
            return
        values = {"weekday": cadence.weekday, "minute": cadence.minute,
                  "every_weeks": cadence.every_weeks, "anchor_week": cadence.anchor_week}
        if not await rows.update(**values):
            await MilestoneCadenceRow.create(using_db=await self.db(), tenant_id=self.tenant_id,
                                             milestone_id=milestone_id, **values)

    async def vacations(self, user_id: UserId, since: date) -> list[Vacation]:
        rows = (await self.scoped(VacationRow)).filter(user_id=user_id, ends__gte=since)
        return [Vacation(r.starts, r.ends) for r in await rows.order_by("starts", "id")]

    async def add_vacation(self, user_id: UserId, vacation: Vacation) -> None:
        await self._check_user(user_id)
        await VacationRow.create(using_db=await self.db(), tenant_id=self.tenant_id,
                                 user_id=user_id, starts=vacation.starts, ends=vacation.ends,
                                 created_at=datetime.now(UTC))

    async def clear_vacations(self, user_id: UserId, since: date) -> int:
        mine = (await self.scoped(VacationRow)).filter(user_id=user_id, ends__gte=since)
        cut = await mine.filter(starts__lt=since).update(ends=since - timedelta(days=1))
        dropped = await (await self.scoped(VacationRow)).filter(
            user_id=user_id, starts__gte=since).delete()
        return int(cut) + int(dropped)

    async def snoozes(self, user_id: UserId, now: datetime) -> list[Snooze]:
        rows = (await self.scoped(SnoozeRow)).filter(user_id=user_id, until__gt=utc(now))
        return [Snooze(until=r.until, milestone_id=r.milestone_id, created_at=r.created_at)
                for r in await rows.order_by("until")]

    async def add_snooze(self, user_id: UserId, snooze: Snooze) -> None:
        await self._check_user(user_id)
        await SnoozeRow.create(using_db=await self.db(), tenant_id=self.tenant_id,
                               user_id=user_id, milestone_id=snooze.milestone_id,
                               until=utc(snooze.until),
                               created_at=utc(snooze.created_at or datetime.now(UTC)))

    async def clear_snoozes(self, user_id: UserId, milestone_id: MilestoneId | None) -> int:
        rows = (await self.scoped(SnoozeRow)).filter(user_id=user_id)
        rows = rows.filter(milestone_id=milestone_id) if milestone_id is not None else rows.filter(
            milestone_id__isnull=True)
        return int(await rows.delete())

    async def nudge(self, nudge_id: int) -> Nudge | None:
        rows = await self.sql("SELECT * FROM nudge_deliveries WHERE id = ? AND tenant_id = ?",
                              [nudge_id, self.tenant_id])
        return nudge_from(rows[0]) if rows else None

    async def latest_nudges(self, user_id: UserId, since: datetime) -> list[Nudge]:
        rows = await self.sql(q.LATEST_NUDGES, [self.tenant_id, user_id,
                                                param(self._dialect, utc(since))] * 2)
        return [nudge_from(r) for r in rows]

    async def reschedule(self, nudge_id: int, not_before: datetime) -> None:
        await self.sql(q.RESCHEDULE, [param(self._dialect, utc(not_before)), nudge_id,
                                      self.tenant_id])

    async def receipts(self, user_id: UserId, *, after: int = 0, unread_only: bool = False,
                       limit: int = 20) -> list[Receipt]:
        unread = " AND n.read_at IS NULL" if unread_only else ""
        rows = await self.sql(q.RECEIPTS.format(unread=unread),
                              [self.tenant_id, user_id, after, limit])
        return [Receipt(id=r["receipt_id"], nudge=nudge_from(r), user_id=user_id,
                        unread=r["read_at"] is None) for r in rows]

