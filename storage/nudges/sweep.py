"""The sweep's set queries: who may be due, their deadlines, what they watch, and the claim."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime
from typing import Any

from core.model import MilestoneId, TenantId, UserId
from core.nudges.candidates import MilestoneDay, NudgeMilestone, Person, PersonDay, TeamDay
from core.nudges.deliveries import NewNudge, NudgeKey
from core.nudges.schedule import (
    DEFAULT_CHECKIN,
    DEFAULT_DIGEST,
    Cadence,
    NudgeKind,
    PersonPolicy,
    TeamPolicy,
    ZoneWindow,
)
from core.nudges.workweek import Vacation, Workweek
from storage.mapping import utc
from storage.nudges import queries as q
from storage.nudges.base import PEOPLE_COLUMNS, WINDOW_COLUMNS, NudgeStore
from storage.nudges.rows import key_from, milestone_from, person_from, team_from, week_from
from storage.nudges.sql import day, param, record_params, records, works_on


class NudgeSweep(NudgeStore):
    async def people_due(self, windows: Sequence[ZoneWindow]) -> list[PersonDay]:
        if not windows:
            return []
        scope, more = self._scope("u")
        query = q.PEOPLE_DUE.format(
            windows=records(self._dialect, WINDOW_COLUMNS, "w"),
            works=works_on(self._dialect, "u.working_days", "w.weekday"),
            works_cadence_day=works_on(self._dialect, "u.working_days",
                                       "COALESCE(pp.weekday, tp.checkin_weekday, 0)"),
            default_minute=DEFAULT_CHECKIN.minute, scope=scope)
        rows = await self.select(query, [*self._windows(windows), *more])
        # Thousands of people share a few settings: each distinct one is parsed once.
        weeks: dict[tuple[Any, ...], Workweek] = {}
        teams: dict[Any, TeamPolicy] = {}
        owns: dict[tuple[Any, ...], PersonPolicy] = {}
        days: dict[Any, date] = {}
        found = []
        for r in rows:
            week_key = (r["timezone"], r["working_days"], r["work_starts_min"],
                        r["work_ends_min"])
            team_key = r["team_id"]
            own_key = (r["p_weekday"], r["p_minute"], r["p_every_weeks"], r["p_anchor_week"])
            if week_key not in weeks:
                weeks[week_key] = week_from(r)
            if team_key not in teams:
                teams[team_key] = team_from(r)
            if own_key not in owns:
                owns[own_key] = person_from(r, "p_")
            if r["day"] not in days:
                days[r["day"]] = day(r["day"])
            found.append(PersonDay(
                tenant_id=TenantId(r["tenant_id"]), user_id=UserId(r["user_id"]),
                day=days[r["day"]], week=weeks[week_key], team=teams[team_key],
                own=owns[own_key], askable=bool(r["askable"])))
        return found

    async def milestones_due(self, windows: Sequence[ZoneWindow]) -> list[MilestoneDay]:
        if not windows:
            return []
        scope, more = self._scope("c")
        query = q.MILESTONES_DUE.format(windows=records(self._dialect, WINDOW_COLUMNS, "w"),
                                        scope=scope)
        rows = await self.sql(query, [*self._windows(windows), *more])
        return [MilestoneDay(tenant_id=TenantId(r["tenant_id"]), owner_id=UserId(r["owner_id"]),
                             milestone_id=MilestoneId(r["milestone_id"]), day=day(r["day"]),
                             week=week_from(r), cadence=Cadence(r["weekday"], r["minute"],
                                                            r["every_weeks"], r["anchor_week"]))
                for r in rows]

    async def teams_due(self, windows: Sequence[ZoneWindow]) -> list[TeamDay]:
        if not windows:
            return []
        tenant_id = self._session.tenant_id
        scope, more = ("", []) if tenant_id is None else (" AND t.id = ?", [tenant_id])
        query = q.TEAMS_DUE.format(windows=records(self._dialect, WINDOW_COLUMNS, "w"),
                                   scope=scope,
                                   default_weekday=DEFAULT_DIGEST.weekday,
                                   default_minute=DEFAULT_DIGEST.minute)
        rows = await self.sql(query, [*self._windows(windows), *more])
        return [TeamDay(tenant_id=TenantId(r["tenant_id"]), timezone=r["timezone"],
                        day=day(r["day"]), policy=team_from(r)) for r in rows]

    async def open_due(self, people: Collection[Person], until: date) -> list[NudgeMilestone]:
        if not people:
            return []
        where, tenants = self._ids("m.tenant_id", {t for t, _ in people})
        query = q.OPEN_DUE.format(people=records(self._dialect, PEOPLE_COLUMNS, "p"),
                                  tenants=where)
        rows = await self.sql(query, [*self._people(people), *tenants,
                                      param(self._dialect, until)])
        return [milestone_from(r) for r in rows]

    async def watched_overdue(self, people: Collection[Person], before: date
                              ) -> list[tuple[UserId, NudgeMilestone]]:
        if not people:
            return []
        where, tenants = self._ids("m.tenant_id", {t for t, _ in people})
        query = q.WATCHED_OVERDUE.format(people=records(self._dialect, PEOPLE_COLUMNS, "p"),
                                         tenants=where)
        rows = await self.sql(query, [*self._people(people), *tenants,
                                      param(self._dialect, before)])
        return [(UserId(r["watcher_id"]), milestone_from(r)) for r in rows]

    async def vacations_of(self, user_ids: Collection[UserId], since: date
                           ) -> dict[UserId, list[Vacation]]:
        if not user_ids:
            return {}
        where, params = self._ids("v.user_id", user_ids)
        scope, more = self._scope("v")
        rows = await self.sql(
            f"SELECT user_id, starts, ends FROM nudge_vacations v WHERE {where} AND v.ends >= ?"
            f"{scope} ORDER BY starts", [*params, param(self._dialect, since), *more])
        found: dict[UserId, list[Vacation]] = {}
        for r in rows:
            found.setdefault(UserId(r["user_id"]), []).append(
                Vacation(day(r["starts"]), day(r["ends"])))
        return found

    async def digest_channels(self, tenant_ids: Collection[TenantId], since: datetime
                              ) -> list[tuple[TenantId, str]]:
        if not tenant_ids:
            return []
        where, params = self._ids("m.tenant_id", tenant_ids)
        rows = await self.sql(q.DIGEST_CHANNELS.format(tenants=where),
                              [*params, param(self._dialect, utc(since))])
        return [(TenantId(r["tenant_id"]), r["channel"]) for r in rows]

    async def claim(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        if not nudges:
            return set()
        for n in nudges:
            if self._session.tenant_id is not None:
                self.require_tenant(n.tenant_id, "nudge", n.key)
        query = q.CLAIM.format(records=records(self._dialect, q.CLAIM_COLUMNS),
                               conflict=q.CLAIM_CONFLICT[self._dialect])
        rows = await self.sql(query, [param(self._dialect, datetime.now(UTC)), *record_params(
            self._dialect, q.CLAIM_COLUMNS, [q.claim_row(n) for n in nudges])])
        return {key_from(r) for r in rows}

    async def claimed(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        if not nudges:
            return set()
        query = q.CLAIMED.format(records=records(self._dialect, q.CLAIM_COLUMNS))
        rows = await self.sql(query, record_params(self._dialect, q.CLAIM_COLUMNS,
                                                   [q.claim_row(n) for n in nudges]))
        return {key_from(r) for r in rows}

    async def claim_day(self, nudges: Sequence[NewNudge],
                        passes: Sequence[tuple[TenantId, UserId, date]]) -> int:
        if self._dialect != "postgres" or not nudges or not passes:
            claimed = await self.claim(nudges)
            await self._mark_swept([(t, u, d) for t, u, d in passes if (
                t, u, "", NudgeKind.CHECKIN.value, 0, d.isoformat()) not in claimed])
            return len(claimed)
        day_columns = (*PEOPLE_COLUMNS, ("day", "date"))
        query = q.CLAIM_DAY.format(records=records(self._dialect, q.CLAIM_COLUMNS),
                                   passes=records(self._dialect, day_columns, "y"))
        rows = await self.sql(query, [
            param(self._dialect, datetime.now(UTC)),
            *record_params(self._dialect, q.CLAIM_COLUMNS, [q.claim_row(n) for n in nudges]),
            *record_params(self._dialect, day_columns, passes)])
        return int(rows[0]["claimed"])

    async def _mark_swept(self, people: Sequence[tuple[TenantId, UserId, date]]) -> None:
        if not people:
            return
        query = q.MARK_SWEPT.format(
            records=records(self._dialect, (*PEOPLE_COLUMNS, ("day", "date"))),
            where="" if self._dialect == "postgres" else "WHERE true")
        await self.sql(query, record_params(self._dialect, (*PEOPLE_COLUMNS, ("day", "date")),
                                            sorted(people)))

