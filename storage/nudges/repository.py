"""`NudgeRepository` on tortoise: settings through the ORM, the sweep and the delivery queue as
set-based SQL (one statement per question, whatever the number of people).

Opened for a tenant, every query is scoped to it; opened without one (the scheduler), the sweep
and delivery queries span every tenant, and each row they return carries its tenant.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.models import Model

from core.model import (
    Kind,
    MilestoneId,
    Priority,
    Status,
    TenantId,
    User,
    UserId,
)
from core.nudge_ports import (
    DigestData,
    InboxEntry,
    MilestoneDay,
    NewNudge,
    Nudge,
    NudgeKey,
    NudgeMilestone,
    NudgeStatus,
    Outcome,
    Person,
    PersonDay,
    Receipt,
    TeamDay,
)
from core.nudges import (
    DEFAULT_CHECKIN,
    DEFAULT_DIGEST,
    AskState,
    Cadence,
    NudgeKind,
    PersonPolicy,
    Snooze,
    TeamPolicy,
    Vacation,
    WeeklySlot,
    Workweek,
    ZoneWindow,
)
from storage.mapping import user_from, utc
from storage.models import UserIdentityRow, UserRow
from storage.nudges import queries as q
from storage.nudges.models import (
    MilestoneCadenceRow,
    PersonPolicyRow,
    SnoozeRow,
    TeamPolicyRow,
    VacationRow,
)
from storage.nudges.sql import (
    day,
    from_json,
    ids_in,
    ids_param,
    json_value,
    maybe_day,
    maybe_moment,
    moment,
    param,
    record_params,
    records,
    works_on,
)
from storage.scoped import Repository, Session

PLACEHOLDER = re.compile(r"\?")
WINDOW_COLUMNS = (("zone", "text"), ("day", "date"), ("weekday", "int"), ("lo", "int"),
                  ("hi", "int"))
PEOPLE_COLUMNS = (("tenant_id", "int"), ("user_id", "int"))


def _getter(row: Any) -> Any:
    """Column access for a dict, a driver's record (asyncpg, sqlite3) or an ORM row alike."""
    return (lambda k: getattr(row, k)) if isinstance(row, Model) else row.__getitem__


def _team(row: Any) -> TeamPolicy:
    if row is None:
        return TeamPolicy()
    get = _getter(row)
    if get("checkin_weekday") is None:
        return TeamPolicy()
    digest_weekday = get("digest_weekday")
    deadline_days = from_json(get("deadline_days")) or []
    return TeamPolicy(
        checkin=Cadence(int(get("checkin_weekday")), int(get("checkin_minute")),
                        int(get("every_weeks")), int(get("anchor_week"))),
        deadline_days=tuple(deadline_days),
        overdue_every=int(get("overdue_every")),
        digest=WeeklySlot(int(digest_weekday), int(get("digest_minute")))
        if digest_weekday is not None else None)


def _person(row: Any, prefix: str = "") -> PersonPolicy:
    if row is None:
        return PersonPolicy()
    get = _getter(row)
    return PersonPolicy(weekday=get(prefix + "weekday"), minute=get(prefix + "minute"),
                        every_weeks=get(prefix + "every_weeks"),
                        anchor_week=get(prefix + "anchor_week"))


def _week(row: Any) -> Workweek:
    days = from_json(row["working_days"]) or [0, 1, 2, 3, 4]
    ends = row["work_ends_min"]
    return Workweek(row["timezone"], frozenset(days), row["work_starts_min"],
                    24 * 60 if ends >= 24 * 60 - 1 else ends)


def _milestone(row: Mapping[str, Any]) -> NudgeMilestone:
    return NudgeMilestone(
        id=MilestoneId(row["id"]), tenant_id=TenantId(row["tenant_id"]), number=row["number"],
        kind=Kind(row["kind"]), title=row["title"], owner_id=UserId(row["owner_id"]),
        parent_id=MilestoneId(row["parent_id"]) if row["parent_id"] is not None else None,
        status=Status(row["status"]), progress=row["progress"],
        priority=Priority(row["priority"]), due_date=maybe_day(row["due_date"]),
        created_at=moment(row["created_at"]), last_update_at=maybe_moment(row["last_update_at"]),
        completed_at=maybe_moment(row["completed_at"]), channel=row["channel"])


def _nudge(row: Mapping[str, Any]) -> Nudge:
    return Nudge(
        id=row["id"], tenant_id=TenantId(row["tenant_id"]), kind=NudgeKind(row["kind"]),
        period=row["period"], user_id=UserId(row["user_id"]) if row["user_id"] else None,
        channel=row["channel"],
        milestone_id=MilestoneId(row["milestone_id"]) if row["milestone_id"] else None,
        detail=row["detail"], status=NudgeStatus(row["status"]),
        not_before=moment(row["not_before"]), attempts=row["attempts"],
        created_at=moment(row["created_at"]),
        routes_done=tuple(from_json(row["routes_done"]) or ()),
        prepared=bool(row["prepared"]), snoozed=bool(row["snoozed"]),
        sent_at=maybe_moment(row["sent_at"]))


def _key(row: Mapping[str, Any]) -> NudgeKey:
    return (row["tenant_id"], row["user_id"], row["channel"], row["kind"], row["milestone_id"],
            row["period"])


class TortoiseNudges(Repository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._encoded_windows: tuple[Sequence[ZoneWindow], list[object]] | None = None
        self._planned: object | None = None

    async def _custom_plans(self) -> None:
        """PostgreSQL plans these queries for the sets they get, every time.

        asyncpg prepares each statement, and after five runs PostgreSQL may switch a prepared
        statement to a generic plan, made without knowing how many people an array holds:
        the sweep, run every minute, would turn three times slower after five minutes.
        """
        if self._session.dialect != "postgres":
            return
        db = await self.db()
        if self._planned is not db:  # once per transaction
            await db.execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
            self._planned = db

    async def sql(self, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        await self._custom_plans()
        return await super().sql(query, params)

    # --- helpers --------------------------------------------------------------------------------
    @property
    def _dialect(self) -> Any:
        return self._session.dialect

    def _scope(self, alias: str) -> tuple[str, list[object]]:
        """` AND alias.tenant_id = ?` when this unit of work has a tenant."""
        tenant_id = self._session.tenant_id
        if tenant_id is None:
            return "", []
        return f" AND {alias}.tenant_id = ?", [tenant_id]

    def _windows(self, windows: Sequence[ZoneWindow]) -> list[object]:
        # The three candidate queries of a sweep read the same windows: encoded once.
        if self._encoded_windows is None or self._encoded_windows[0] is not windows:
            self._encoded_windows = (windows, record_params(self._dialect, WINDOW_COLUMNS, [
                (w.zone, w.day, w.weekday, w.first_minute, w.last_minute) for w in windows]))
        return self._encoded_windows[1]

    def _people(self, people: Collection[Person]) -> list[object]:
        return record_params(self._dialect, PEOPLE_COLUMNS, sorted(people))

    def _ids(self, column: str, ids: Collection[int]) -> tuple[str, list[object]]:
        return ids_in(self._dialect, column), [ids_param(self._dialect, ids)]

    # --- settings of one tenant -----------------------------------------------------------------
    async def team_policy(self) -> TeamPolicy:
        return _team(await (await self.scoped(TeamPolicyRow)).first())

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
        return _person(await (await self.scoped(PersonPolicyRow)).filter(
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
        return _nudge(rows[0]) if rows else None

    async def latest_nudges(self, user_id: UserId, since: datetime) -> list[Nudge]:
        rows = await self.sql(q.LATEST_NUDGES, [self.tenant_id, user_id,
                                                param(self._dialect, utc(since))] * 2)
        return [_nudge(r) for r in rows]

    async def reschedule(self, nudge_id: int, not_before: datetime) -> None:
        await self.sql(q.RESCHEDULE, [param(self._dialect, utc(not_before)), nudge_id,
                                      self.tenant_id])

    async def receipts(self, user_id: UserId, *, after: int = 0, unread_only: bool = False,
                       limit: int = 20) -> list[Receipt]:
        unread = " AND n.read_at IS NULL" if unread_only else ""
        rows = await self.sql(q.RECEIPTS.format(unread=unread),
                              [self.tenant_id, user_id, after, limit])
        return [Receipt(id=r["receipt_id"], nudge=_nudge(r), user_id=user_id,
                        unread=r["read_at"] is None) for r in rows]

    # --- the sweep ------------------------------------------------------------------------------
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
                weeks[week_key] = _week(r)
            if team_key not in teams:
                teams[team_key] = _team(r)
            if own_key not in owns:
                owns[own_key] = _person(r, "p_")
            if r["day"] not in days:
                days[r["day"]] = day(r["day"])
            found.append(PersonDay(
                tenant_id=TenantId(r["tenant_id"]), user_id=UserId(r["user_id"]),
                day=days[r["day"]], week=weeks[week_key], team=teams[team_key],
                own=owns[own_key], askable=bool(r["askable"])))
        return found

    async def select(self, query: str, params: Sequence[Any]) -> Sequence[Any]:
        """Rows of a SELECT as the driver gives them (keyed access, no copy into dicts): for
        the sweep's largest result."""
        await self._custom_plans()
        if self._session.dialect == "postgres":
            numbers = itertools.count(1)
            query = PLACEHOLDER.sub(lambda _: f"${next(numbers)}", query)
        _, rows = await (await self.db()).execute_query(query, list(params))
        return rows

    async def milestones_due(self, windows: Sequence[ZoneWindow]) -> list[MilestoneDay]:
        if not windows:
            return []
        scope, more = self._scope("c")
        query = q.MILESTONES_DUE.format(windows=records(self._dialect, WINDOW_COLUMNS, "w"),
                                        scope=scope)
        rows = await self.sql(query, [*self._windows(windows), *more])
        return [MilestoneDay(tenant_id=TenantId(r["tenant_id"]), owner_id=UserId(r["owner_id"]),
                             milestone_id=MilestoneId(r["milestone_id"]), day=day(r["day"]),
                             week=_week(r), cadence=Cadence(r["weekday"], r["minute"],
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
                        day=day(r["day"]), policy=_team(r)) for r in rows]

    async def open_due(self, people: Collection[Person], until: date) -> list[NudgeMilestone]:
        if not people:
            return []
        where, tenants = self._ids("m.tenant_id", {t for t, _ in people})
        query = q.OPEN_DUE.format(people=records(self._dialect, PEOPLE_COLUMNS, "p"),
                                  tenants=where)
        rows = await self.sql(query, [*self._people(people), *tenants,
                                      param(self._dialect, until)])
        return [_milestone(r) for r in rows]

    async def watched_overdue(self, people: Collection[Person], before: date
                              ) -> list[tuple[UserId, NudgeMilestone]]:
        if not people:
            return []
        where, tenants = self._ids("m.tenant_id", {t for t, _ in people})
        query = q.WATCHED_OVERDUE.format(people=records(self._dialect, PEOPLE_COLUMNS, "p"),
                                         tenants=where)
        rows = await self.sql(query, [*self._people(people), *tenants,
                                      param(self._dialect, before)])
        return [(UserId(r["watcher_id"]), _milestone(r)) for r in rows]

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
        return {_key(r) for r in rows}

    async def claimed(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        if not nudges:
            return set()
        query = q.CLAIMED.format(records=records(self._dialect, q.CLAIM_COLUMNS))
        rows = await self.sql(query, record_params(self._dialect, q.CLAIM_COLUMNS,
                                                   [q.claim_row(n) for n in nudges]))
        return {_key(r) for r in rows}

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

    # --- delivery -------------------------------------------------------------------------------
    async def lease(self, now: datetime, limit: int, lease_for: timedelta) -> list[Nudge]:
        scope, more = self._scope("d")
        lock = "FOR UPDATE SKIP LOCKED" if self._dialect == "postgres" else ""
        rows = await self.sql(q.LEASE.format(scope=scope, lock=lock), [
            param(self._dialect, utc(now + lease_for)), param(self._dialect, utc(now)), *more,
            limit])
        found = [_nudge(r) for r in rows]
        return sorted(found, key=lambda n: (n.not_before, n.id))

    async def pending(self, now: datetime, limit: int) -> list[Nudge]:
        scope, more = self._scope("d")
        rows = await self.sql(
            "SELECT * FROM nudge_deliveries d WHERE d.status = 'pending' AND d.not_before <= ?"
            f"{scope} ORDER BY d.not_before, d.id LIMIT ?",
            [param(self._dialect, utc(now)), *more, limit])
        return [_nudge(r) for r in rows]

    async def people(self, user_ids: Collection[UserId]
                     ) -> dict[UserId, tuple[User, tuple[str, ...]]]:
        if not user_ids:
            return {}
        db = await self.db()
        query = UserRow.filter(id__in=sorted(user_ids)).using_db(db)
        if self._session.tenant_id is not None:
            query = query.filter(tenant_id=self._session.tenant_id)
        users = {UserId(r.id): user_from(r) for r in await query}
        keys: dict[UserId, list[str]] = {}
        for identity in await UserIdentityRow.filter(user_id__in=list(users)).using_db(
                db).order_by("key"):
            keys.setdefault(UserId(identity.user_id), []).append(identity.key)
        return {uid: (user, tuple(keys.get(uid, ()))) for uid, user in users.items()}

    async def open_owned(self, people: Collection[Person]
                         ) -> dict[UserId, list[NudgeMilestone]]:
        if not people:
            return {}
        # Tenant and owner both: the (tenant, owner) index serves it.
        tenants, tenant_params = self._ids("m.tenant_id", {t for t, _ in people})
        owners, owner_params = self._ids("m.owner_id", {u for _, u in people})
        scope, more = self._scope("m")
        rows = await self.sql(f"{q.MILESTONE_SELECT} WHERE {tenants} AND {owners} AND "
                              f"m.deleted_at IS NULL AND m.status NOT IN ('done', 'cancelled')"
                              f"{scope} ORDER BY m.number",
                              [*tenant_params, *owner_params, *more])
        found: dict[UserId, list[NudgeMilestone]] = {}
        for r in rows:
            found.setdefault(UserId(r["owner_id"]), []).append(_milestone(r))
        return found

    async def milestones(self, ids: Collection[MilestoneId]
                         ) -> dict[MilestoneId, NudgeMilestone]:
        if not ids:
            return {}
        where, params = self._ids("m.id", ids)
        scope, more = self._scope("m")
        rows = await self.sql(f"{q.MILESTONE_SELECT} WHERE {where} AND m.deleted_at IS NULL"
                              f"{scope}", [*params, *more])
        return {MilestoneId(r["id"]): _milestone(r) for r in rows}

    async def watchers(self, milestone_ids: Collection[MilestoneId]
                       ) -> dict[MilestoneId, set[UserId]]:
        if not milestone_ids:
            return {}
        where, params = self._ids("mm.milestone_id", milestone_ids)
        scope, more = self._scope("mm")
        rows = await self.sql(f"SELECT milestone_id, user_id FROM milestone_members mm WHERE "
                              f"{where} AND mm.role = 'watcher'{scope}", [*params, *more])
        found: dict[MilestoneId, set[UserId]] = {}
        for r in rows:
            found.setdefault(MilestoneId(r["milestone_id"]), set()).add(UserId(r["user_id"]))
        return found

    async def admins(self, tenant_ids: Collection[TenantId]) -> dict[TenantId, list[UserId]]:
        if not tenant_ids:
            return {}
        where, params = self._ids("u.tenant_id", tenant_ids)
        rows = await self.sql(f"SELECT tenant_id, id FROM users u WHERE {where} AND "
                              "u.role = 'admin' ORDER BY u.id", params)
        found: dict[TenantId, list[UserId]] = {}
        for r in rows:
            found.setdefault(TenantId(r["tenant_id"]), []).append(UserId(r["id"]))
        return found

    async def policies(self, tenant_ids: Collection[TenantId], user_ids: Collection[UserId]
                       ) -> tuple[dict[TenantId, TeamPolicy], dict[UserId, PersonPolicy]]:
        teams: dict[TenantId, TeamPolicy] = {}
        people: dict[UserId, PersonPolicy] = {}
        if tenant_ids:
            where, params = self._ids("tenant_id", tenant_ids)
            for r in await self.sql(f"SELECT * FROM nudge_team_policies WHERE {where}", params):
                teams[TenantId(r["tenant_id"])] = _team(r)
        if user_ids:
            where, params = self._ids("user_id", user_ids)
            for r in await self.sql(f"SELECT * FROM nudge_person_policies WHERE {where}",
                                    params):
                people[UserId(r["user_id"])] = _person(r)
        return teams, people

    async def snoozes_of(self, user_ids: Collection[UserId], now: datetime
                         ) -> dict[UserId, list[Snooze]]:
        if not user_ids:
            return {}
        where, params = self._ids("s.user_id", user_ids)
        scope, more = self._scope("s")
        rows = await self.sql(f"SELECT * FROM nudge_snoozes s WHERE {where} AND s.until > ?"
                              f"{scope}", [*params, param(self._dialect, utc(now)), *more])
        found: dict[UserId, list[Snooze]] = {}
        for r in rows:
            found.setdefault(UserId(r["user_id"]), []).append(Snooze(
                until=moment(r["until"]), milestone_id=r["milestone_id"],
                created_at=moment(r["created_at"])))
        return found

    async def ask_states(self, milestone_ids: Collection[MilestoneId]
                         ) -> dict[MilestoneId, AskState]:
        if not milestone_ids:
            return {}
        where, params = self._ids("a.milestone_id", milestone_ids)
        scope, more = self._scope("a")
        rows = await self.sql(f"SELECT * FROM nudge_ask_states a WHERE {where}{scope}",
                              [*params, *more])
        return {MilestoneId(r["milestone_id"]): AskState(
            unanswered=r["unanswered"], last_asked_at=maybe_moment(r["last_asked_at"]),
            asked_on=maybe_day(r["asked_on"]), escalated_at=maybe_moment(r["escalated_at"]))
            for r in rows}

    async def save_ask_states(self, states: Mapping[MilestoneId, tuple[TenantId, AskState]]
                              ) -> None:
        if not states:
            return
        query = q.SAVE_ASK_STATES.format(records=records(self._dialect, q.ASK_COLUMNS),
                                         where="" if self._dialect == "postgres"
                                         else "WHERE true")
        await self.sql(query, record_params(self._dialect, q.ASK_COLUMNS, [
            (t, mid, s.unanswered, s.last_asked_at, s.asked_on, s.escalated_at)
            for mid, (t, s) in sorted(states.items())]))

    async def digest_data(self, channels: Collection[tuple[TenantId, str]], since: datetime
                          ) -> dict[tuple[TenantId, str], DigestData]:
        if not channels:
            return {}
        pairs = records(self._dialect, (("tenant_id", "int"), ("channel", "text")))
        # The `x` of the query is this set of channels.
        when = param(self._dialect, utc(since))
        rows = await self.sql(q.DIGEST_MILESTONES.format(channels=pairs), [
            *record_params(self._dialect, (("tenant_id", "int"), ("channel", "text")),
                           sorted(channels)), when])
        items = [_milestone(r) for r in rows]
        zones = {TenantId(r["tenant_id"]): r["tenant_timezone"] for r in rows}
        ids = [m.id for m in items]
        moves: dict[MilestoneId, tuple[int, int]] = {}
        members: dict[MilestoneId, set[UserId]] = {}
        if ids:
            where, params = self._ids("p.milestone_id", ids)
            for r in await self.sql(q.DIGEST_MOVES.format(ids=where), [when, *params]):
                moves[MilestoneId(r["milestone_id"])] = (int(r["checkins"]), 0)
            where, params = self._ids("p.milestone_id", list(moves))
            if moves:
                for r in await self.sql(q.DIGEST_BEFORE.format(ids=where), [*params, when]):
                    mid = MilestoneId(r["milestone_id"])
                    moves[mid] = (moves[mid][0], int(r["percent"]))
            where, params = self._ids("mm.milestone_id", ids)
            for r in await self.sql(f"SELECT milestone_id, user_id FROM milestone_members mm "
                                    f"WHERE {where}", params):
                members.setdefault(MilestoneId(r["milestone_id"]), set()).add(
                    UserId(r["user_id"]))
        found: dict[tuple[TenantId, str], DigestData] = {}
        for tenant_id, channel in channels:
            mine = [m for m in items if m.tenant_id == tenant_id and m.channel == channel]
            readers = {m.owner_id for m in mine} | {
                u for m in mine for u in members.get(m.id, set())}
            found[(tenant_id, channel)] = DigestData(
                milestones=mine, moves={m.id: moves[m.id] for m in mine if m.id in moves},
                readers=sorted(readers), timezone=zones.get(tenant_id, "UTC"))
        return found

    async def add_inbox(self, entries: Sequence[InboxEntry]) -> None:
        if not entries:
            return
        for e in entries:
            if self._session.tenant_id is not None:
                self.require_tenant(e.tenant_id, "inbox entry", e.nudge_id)
        inserted = await self.sql(
            q.ADD_NOTIFICATIONS.format(records=records(self._dialect, q.INBOX_COLUMNS)),
            record_params(self._dialect, q.INBOX_COLUMNS, [
                (e.tenant_id, e.user_id, e.kind, e.text, e.milestone_id, e.at)
                for e in entries]))
        # The rows that came back are paired with the entries by their content: two entries
        # alike in everything are interchangeable.
        waiting: dict[tuple[int, int, str, str], list[int]] = {}
        for row in sorted(inserted, key=lambda r: r["id"]):
            key = (row["tenant_id"], row["user_id"], row["kind"], row["text"])
            waiting.setdefault(key, []).append(row["id"])
        receipts = []
        for e in entries:
            notification_id = waiting[(e.tenant_id, e.user_id, e.kind, e.text)].pop(0)
            receipts.append((e.tenant_id, e.nudge_id, e.user_id, notification_id))
        await self.sql(q.ADD_RECEIPTS.format(records=records(self._dialect,
                                                             q.RECEIPT_COLUMNS)),
                       record_params(self._dialect, q.RECEIPT_COLUMNS, receipts))

    async def mark_prepared(self, nudge_ids: Collection[int]) -> None:
        if nudge_ids:
            where, params = self._ids("id", nudge_ids)
            await self.sql(f"UPDATE nudge_deliveries SET prepared = ? WHERE {where}",
                           [True, *params])

    async def settle(self, outcomes: Sequence[Outcome], at: datetime) -> None:
        if not outcomes:
            return
        query = q.SETTLE.format(records=records(self._dialect, q.SETTLE_COLUMNS),
                                routes=json_value(self._dialect, "x.routes"))
        await self.sql(query, [param(self._dialect, utc(at)), *record_params(
            self._dialect, q.SETTLE_COLUMNS, [
                (o.nudge_id, o.status.value, o.retry_at, o.error[:500], list(o.routes_done))
                for o in sorted(outcomes, key=lambda o: o.nudge_id)])])
