"""The delivery queue's queries: leases, what a batch of nudges shows, and the outcomes."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from core.linking.routing import routed
from core.model import MilestoneId, TenantId, UserId
from core.nudges.candidates import DigestData, NudgeMilestone, Person
from core.nudges.deliveries import InboxEntry, Nudge, Outcome
from core.nudges.follow_ups import AskState
from core.nudges.schedule import PersonPolicy, TeamPolicy
from core.nudges.snooze import Snooze
from core.tenancy import User
from storage.linking.repository import TortoiseLinks
from storage.mapping import user_from, utc
from storage.models import UserIdentityRow, UserRow
from storage.nudges import queries as q
from storage.nudges.base import NudgeStore
from storage.nudges.rows import milestone_from, nudge_from, person_from, team_from
from storage.nudges.sql import (
    json_value,
    maybe_day,
    maybe_moment,
    moment,
    param,
    record_params,
    records,
)


class NudgeDelivery(NudgeStore):
    async def lease(self, now: datetime, limit: int, lease_for: timedelta) -> list[Nudge]:
        scope, more = self._scope("d")
        lock = "FOR UPDATE SKIP LOCKED" if self._dialect == "postgres" else ""
        rows = await self.sql(q.LEASE.format(scope=scope, lock=lock), [
            param(self._dialect, utc(now + lease_for)), param(self._dialect, utc(now)), *more,
            limit])
        found = [nudge_from(r) for r in rows]
        return sorted(found, key=lambda n: (n.not_before, n.id))

    async def pending(self, now: datetime, limit: int) -> list[Nudge]:
        scope, more = self._scope("d")
        rows = await self.sql(
            "SELECT * FROM nudge_deliveries d WHERE d.status = 'pending' AND d.not_before <= ?"
            f"{scope} ORDER BY d.not_before, d.id LIMIT ?",
            [param(self._dialect, utc(now)), *more, limit])
        return [nudge_from(r) for r in rows]

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
                db).order_by("id"):
            keys.setdefault(UserId(identity.user_id), []).append(identity.key)
        # Someone on Slack and Teams is nudged once: on the platform they chose or used last.
        choices = await TortoiseLinks(self._session).notify_choices(
            [uid for uid, found in keys.items() if len(found) > 1])
        return {uid: (user, routed(keys.get(uid, []), choices.get(uid)))
                for uid, user in users.items()}

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
            found.setdefault(UserId(r["owner_id"]), []).append(milestone_from(r))
        return found

    async def milestones(self, ids: Collection[MilestoneId]
                         ) -> dict[MilestoneId, NudgeMilestone]:
        if not ids:
            return {}
        where, params = self._ids("m.id", ids)
        scope, more = self._scope("m")
        rows = await self.sql(f"{q.MILESTONE_SELECT} WHERE {where} AND m.deleted_at IS NULL"
                              f"{scope}", [*params, *more])
        return {MilestoneId(r["id"]): milestone_from(r) for r in rows}

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
        tenant_ids = self._mine(tenant_ids)
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
        tenant_ids = self._mine(tenant_ids)
        if tenant_ids:
            where, params = self._ids("tenant_id", tenant_ids)
            for r in await self.sql(f"SELECT * FROM nudge_team_policies WHERE {where}", params):
                teams[TenantId(r["tenant_id"])] = team_from(r)
        if user_ids:
            where, params = self._ids("pp.user_id", user_ids)
            scope, more = self._scope("pp")
            for r in await self.sql(f"SELECT * FROM nudge_person_policies pp WHERE {where}"
                                    f"{scope}", [*params, *more]):
                people[UserId(r["user_id"])] = person_from(r)
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
        visible = self._mine({t for t, _ in channels})
        channels = [(t, c) for t, c in channels if t in visible]
        if not channels:
            return {}
        pairs = records(self._dialect, (("tenant_id", "int"), ("channel", "text")))
        # The `x` of the query is this set of channels.
        when = param(self._dialect, utc(since))
        rows = await self.sql(q.DIGEST_MILESTONES.format(channels=pairs), [
            *record_params(self._dialect, (("tenant_id", "int"), ("channel", "text")),
                           sorted(channels)), when])
        items = [milestone_from(r) for r in rows]
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

