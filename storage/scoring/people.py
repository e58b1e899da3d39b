"""Teams and challenges (with their participants) on tortoise, scoped to one tenant."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core.errors import Conflict
from core.model import TenantId, UserId
from core.scoring.challenge import (
    Challenge,
    ChallengeId,
    ChallengeState,
    Participant,
    ParticipantKind,
    Period,
    name_key,
)
from core.scoring.rules import ScoringRules
from core.scoring.team import Team, TeamId
from storage.mapping import utc
from storage.models import TenantRow
from storage.scoped import Repository
from storage.scoring.codec import decode, encode
from storage.scoring.models import ChallengeRow, ParticipantRow, TeamMemberRow, TeamRow


class TortoiseTeams(Repository):
    """`core.scoring.ports.TeamRepository`."""

    async def add(self, team: Team) -> Team:
        self.require_tenant(team.tenant_id, "team", team.name)
        db = await self.db()
        try:
            async with db._in_transaction() as savepoint:
                row = await TeamRow.create(
                    using_db=savepoint, tenant_id=self.tenant_id, name=team.name,
                    name_key=name_key(team.name), created_by=team.created_by,
                    created_at=utc(team.created_at))
        except IntegrityError as error:
            raise Conflict(f"there is a team called “{team.name}” already",
                           hint=f'team "{team.name}"') from error
        await self._write_members(row.id, team.members)
        return await self._one(row)

    async def get(self, team_id: TeamId) -> Team | None:
        row = await (await self.scoped(TeamRow)).filter(id=team_id).first()
        return await self._one(row) if row else None

    async def by_name(self, name: str) -> Team | None:
        row = await (await self.scoped(TeamRow)).filter(name_key=name_key(name)).first()
        return await self._one(row) if row else None

    async def get_many(self, team_ids: Collection[TeamId]) -> dict[TeamId, Team]:
        rows = await (await self.scoped(TeamRow)).filter(id__in=list(team_ids))
        return {t.id: t for t in await self._many(rows) if t.id is not None}

    async def save(self, team: Team) -> None:
        assert team.id is not None
        await (await self.scoped(TeamRow)).filter(id=team.id).update(
            name=team.name, name_key=name_key(team.name))
        await (await self.scoped(TeamMemberRow)).filter(team_id=team.id).delete()
        await self._write_members(team.id, team.members)

    async def all(self) -> list[Team]:
        return await self._many(await (await self.scoped(TeamRow)).order_by("name_key"))

    async def of_member(self, user_id: UserId) -> list[Team]:
        ids = await (await self.scoped(TeamMemberRow)).filter(user_id=user_id).values_list(
            "team_id", flat=True)
        rows = await (await self.scoped(TeamRow)).filter(id__in=list(ids)).order_by("name_key")
        return await self._many(rows)

    async def _write_members(self, team_id: int, members: Collection[UserId]) -> None:
        if members:
            await TeamMemberRow.bulk_create(
                [TeamMemberRow(tenant_id=self.tenant_id, team_id=team_id, user_id=m)
                 for m in sorted(members)], using_db=await self.db())

    async def _one(self, row: TeamRow) -> Team:
        return (await self._many([row]))[0]

    async def _many(self, rows: list[TeamRow]) -> list[Team]:
        members: dict[int, set[UserId]] = {r.id: set() for r in rows}
        if rows:
            pairs = await (await self.scoped(TeamMemberRow)).filter(
                team_id__in=list(members)).values_list("team_id", "user_id")
            for team_id, user_id in pairs:
                members[team_id].add(UserId(user_id))
        return [Team(id=TeamId(r.id), tenant_id=TenantId(r.tenant_id), name=r.name,
                     members=members[r.id], created_by=UserId(r.created_by),
                     created_at=r.created_at) for r in rows]


class TortoiseChallenges(Repository):
    """`core.scoring.ports.ChallengeRepository`."""

    async def add(self, challenge: Challenge) -> Challenge:
        self.require_tenant(challenge.tenant_id, "challenge", challenge.name)
        db = await self.db()
        try:
            async with db._in_transaction() as savepoint:
                row = await ChallengeRow.create(using_db=savepoint, tenant_id=self.tenant_id,
                                                name_key=name_key(challenge.name),
                                                **_columns(challenge))
        except IntegrityError as error:
            raise Conflict(f"there is a challenge called “{challenge.name}” already",
                           hint=f'challenge "{challenge.name}"') from error
        return _challenge(row)

    async def get(self, challenge_id: ChallengeId) -> Challenge | None:
        row = await (await self.scoped(ChallengeRow)).filter(id=challenge_id).first()
        return _challenge(row) if row else None

    async def by_name(self, name: str) -> Challenge | None:
        row = await (await self.scoped(ChallengeRow)).filter(name_key=name_key(name)).first()
        return _challenge(row) if row else None

    async def save(self, challenge: Challenge) -> None:
        assert challenge.id is not None
        await (await self.scoped(ChallengeRow)).filter(id=challenge.id).update(
            name_key=name_key(challenge.name), **_columns(challenge))

    async def all(self, *, states: Collection[ChallengeState] | None = None) -> list[Challenge]:
        query = await self.scoped(ChallengeRow)
        if states is not None:
            query = query.filter(state__in=[s.value for s in states])
        return [_challenge(r) for r in await query.order_by("id")]

    async def posting(self, *, finished_since: datetime) -> list[tuple[Challenge, str]]:
        db = await self.db()
        query = ChallengeRow.filter(
            Q(state=ChallengeState.ACTIVE.value)
            | Q(state=ChallengeState.FINISHED.value, finished_at__gte=utc(finished_since)),
            channel__isnull=False)
        if self._session.tenant_id is not None:
            query = query.filter(tenant_id=self._session.tenant_id)
        rows = await query.using_db(db).order_by("id")
        if not rows:
            return []
        zones = dict(await TenantRow.filter(id__in=sorted({r.tenant_id for r in rows})).using_db(
            db).values_list("id", "timezone"))
        return [(_challenge(r), str(zones.get(r.tenant_id) or "UTC")) for r in rows]

    async def participants(self, challenge_id: ChallengeId) -> list[Participant]:
        rows = await self.sql("SELECT kind, ref_id FROM scoring_participants WHERE tenant_id = ? "
                              "AND challenge_id = ? ORDER BY id", [self.tenant_id, challenge_id])
        return [Participant(ParticipantKind(r["kind"]), r["ref_id"]) for r in rows]

    async def add_participant(self, challenge_id: ChallengeId, participant: Participant) -> bool:
        query = (await self.scoped(ParticipantRow)).filter(
            challenge_id=challenge_id, kind=participant.kind.value, ref_id=participant.id)
        if await query.exists():
            return False
        db = await self.db()
        try:
            async with db._in_transaction() as savepoint:
                await ParticipantRow.create(using_db=savepoint, tenant_id=self.tenant_id,
                                            challenge_id=challenge_id,
                                            kind=participant.kind.value, ref_id=participant.id)
        except IntegrityError:
            return False  # joined a moment ago by another request
        return True

    async def remove_participant(self, challenge_id: ChallengeId,
                                 participant: Participant) -> bool:
        gone = await (await self.scoped(ParticipantRow)).filter(
            challenge_id=challenge_id, kind=participant.kind.value,
            ref_id=participant.id).delete()
        return bool(gone)


def _columns(c: Challenge) -> dict[str, object]:
    return {"name": c.name, "starts": c.period.starts, "ends": c.period.ends,
            "kind": c.kind.value, "channel": c.channel, "rules": encode(c.rules),
            "state": c.state.value, "created_by": c.created_by, "created_at": utc(c.created_at),
            "started_at": utc(c.started_at), "finished_at": utc(c.finished_at),
            "cancelled_at": utc(c.cancelled_at)}


def _challenge(row: ChallengeRow) -> Challenge:
    return Challenge(
        id=ChallengeId(row.id), tenant_id=TenantId(row.tenant_id), name=row.name,
        period=Period(row.starts, row.ends), kind=ParticipantKind(row.kind),
        channel=row.channel, rules=decode(ScoringRules, row.rules),
        state=ChallengeState(row.state), created_by=UserId(row.created_by),
        created_at=row.created_at, started_at=row.started_at, finished_at=row.finished_at,
        cancelled_at=row.cancelled_at)
