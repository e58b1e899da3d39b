"""The scoring event log, each challenge's ledger and badges on tortoise, scoped to one tenant.

A step of the ledger reads one item or streak and at most three day sums, and writes at most one
item, one streak, three days and two tallies: a bounded number of statements whatever the
number of events. On PostgreSQL the challenge's row is locked first, so two closes scoring at
once never add to the same day sum from the same stale value.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from core.model import MilestoneId, UserId
from core.scoring.achievements import Award, Badge, Progress
from core.scoring.challenge import ChallengeId, Participant, ParticipantKind
from core.scoring.events import ScoringEvent
from core.scoring.item import ItemRecord
from core.scoring.ledger import DayKey, Ledger, LedgerChanges, Tally
from core.scoring.streaks import StreakRecord
from storage.mapping import utc
from storage.raw_rows import moment
from storage.scoped import M, Repository
from storage.scoring.codec import decode, decode_event, encode, encode_event
from storage.scoring.models import (
    AwardRow,
    BadgeProgressRow,
    DayRow,
    EventRow,
    ItemRow,
    ParticipantRow,
    StreakRow,
    TallyRow,
    WeekRow,
)

IN_LIST_MAX = 200


class TortoiseEventLog(Repository):
    """`core.scoring.ports.ScoringEventLog`."""

    async def append(self, event: ScoringEvent) -> None:
        kind, data = encode_event(event)
        await EventRow.create(using_db=await self.db(), tenant_id=self.tenant_id,
                              at=utc(event.at), kind=kind, data=data)

    async def events(self, *, until: datetime | None = None) -> list[ScoringEvent]:
        query = await self.scoped(EventRow)
        if until is not None:
            query = query.filter(at__lte=utc(until))
        rows = await query.order_by("id").values_list("kind", "data")
        return [decode_event(kind, data) for kind, data in rows]


class TortoiseLedger(Repository):
    """`core.scoring.ports.LedgerRepository`."""

    async def _lock(self, challenge_id: ChallengeId) -> None:
        if self._session.dialect != "postgres":
            return  # SQLite runs one writing transaction at a time already
        await self.sql("SELECT id FROM scoring_challenges WHERE id = ? AND tenant_id = ? "
                       "FOR UPDATE", [challenge_id, self.tenant_id])

    async def _rows(self, model: type[M], challenge_id: ChallengeId) -> QuerySet[M]:
        return (await self.scoped(model)).filter(challenge_id=challenge_id)

    async def item(self, challenge_id: ChallengeId, item: MilestoneId) -> ItemRecord | None:
        await self._lock(challenge_id)
        row = await (await self._rows(ItemRow, challenge_id)).filter(item_id=item).first()
        return decode(ItemRecord, row.record) if row else None

    async def streak(self, challenge_id: ChallengeId, person: UserId) -> StreakRecord | None:
        await self._lock(challenge_id)
        row = await (await self._rows(StreakRow, challenge_id)).filter(person_id=person).first()
        return decode(StreakRecord, row.record) if row else None

    async def day_points(self, challenge_id: ChallengeId, keys: Collection[DayKey]
                         ) -> dict[DayKey, Decimal]:
        found: dict[DayKey, Decimal] = {}
        rows = await self._rows(DayRow, challenge_id)
        for person, day in keys:
            row = await rows.filter(person_id=person, day=day).first()
            if row is not None:
                found[(person, day)] = Decimal(row.points)
        return found

    async def write(self, challenge_id: ChallengeId, changes: LedgerChanges) -> None:
        db = await self.db()
        base = {"tenant_id": self.tenant_id, "challenge_id": challenge_id}
        if changes.item is not None:
            record = changes.item
            if not await (await self._rows(ItemRow, challenge_id)).filter(
                    item_id=record.item).update(owner_id=record.owner, record=encode(record)):
                await ItemRow.create(using_db=db, item_id=record.item, owner_id=record.owner,
                                     record=encode(record), **base)
        if changes.streak is not None:
            streak = changes.streak
            if not await (await self._rows(StreakRow, challenge_id)).filter(
                    person_id=streak.person).update(record=encode(streak)):
                await StreakRow.create(using_db=db, person_id=streak.person,
                                       record=encode(streak), **base)
        for day in changes.days:
            if not await (await self._rows(DayRow, challenge_id)).filter(
                    person_id=day.person, day=day.day).update(points=day.after):
                await DayRow.create(using_db=db, person_id=day.person, day=day.day,
                                    points=day.after, **base)
        for delta in changes.tallies:
            rows = (await self._rows(TallyRow, challenge_id)).filter(person_id=delta.person)
            row = await rows.first()
            if row is None:
                await TallyRow.create(using_db=db, person_id=delta.person, points=delta.points,
                                      judged=delta.judged, on_time=delta.on_time, **base)
            else:
                await rows.update(points=Decimal(row.points) + delta.points,
                                  judged=row.judged + delta.judged,
                                  on_time=row.on_time + delta.on_time)

    async def replace(self, challenge_id: ChallengeId, ledger: Ledger) -> None:
        await self._lock(challenge_id)
        db = await self.db()
        for model in (ItemRow, StreakRow, DayRow, TallyRow):
            await (await self._rows(model, challenge_id)).delete()
        base = {"tenant_id": self.tenant_id, "challenge_id": challenge_id}
        await ItemRow.bulk_create([ItemRow(item_id=r.item, owner_id=r.owner, record=encode(r),
                                           **base) for r in ledger.items.values()],
                                  using_db=db, batch_size=500)
        await StreakRow.bulk_create([StreakRow(person_id=s.person, record=encode(s), **base)
                                     for s in ledger.streaks.values()], using_db=db,
                                    batch_size=500)
        await DayRow.bulk_create([DayRow(person_id=p, day=d, points=v, **base)
                                  for (p, d), v in ledger.days.items()], using_db=db,
                                 batch_size=500)
        await TallyRow.bulk_create([TallyRow(person_id=t.person, points=t.points,
                                             judged=t.judged, on_time=t.on_time, **base)
                                    for t in ledger.tallies.values()], using_db=db,
                                   batch_size=500)

    async def tallies(self, challenge_id: ChallengeId, people: Collection[UserId]
                      ) -> dict[UserId, Tally]:
        wanted = set(people)
        if len(wanted) <= IN_LIST_MAX:
            rows = await (await self._rows(TallyRow, challenge_id)).filter(
                person_id__in=list(wanted)).values_list("person_id", "points", "judged",
                                                        "on_time")
        else:
            # A whole leaderboard: one scan of the challenge's tallies beats a long IN list.
            found = await self.sql("SELECT person_id, points, judged, on_time FROM "
                                   "scoring_tallies WHERE tenant_id = ? AND challenge_id = ?",
                                   [self.tenant_id, challenge_id])
            rows = [(r["person_id"], r["points"], r["judged"], r["on_time"]) for r in found]
        return {UserId(p): Tally(UserId(p), Decimal(points), judged, on_time)
                for p, points, judged, on_time in rows if p in wanted}

    async def board(self, challenge_id: ChallengeId, *, top: int, reader: UserId | None
                    ) -> tuple[list[tuple[int, Tally]], int]:
        if self._session.dialect == "postgres":
            found = await self._board_by_index(challenge_id, top=top, reader=reader)
            if found is not None:
                return found
        return await self._board_by_window(challenge_id, top=top, reader=reader)

    async def _board_by_index(self, challenge_id: ChallengeId, *, top: int,
                              reader: UserId | None
                              ) -> tuple[list[tuple[int, Tally]], int] | None:
        """Walks the tallies' (challenge, points) index from the top: the 10th best score,
        everyone at or above it, and the reader's rank as a count of those ahead. None when
        fewer than `top` participants scored (then zeros tie, and the window is cheap)."""
        scope = [self.tenant_id, challenge_id]
        joined = ("FROM scoring_tallies t JOIN scoring_participants p ON p.challenge_id = "
                  "t.challenge_id AND p.kind = 'people' AND p.ref_id = t.person_id "
                  "WHERE t.tenant_id = ? AND t.challenge_id = ?")
        cut = await self.sql(f"SELECT t.points {joined} ORDER BY t.points DESC "
                             f"OFFSET ? LIMIT 1", [*scope, max(0, top - 1)])
        if not cut or Decimal(cut[0]["points"]) <= 0:
            return None
        rows = await self.sql(f"SELECT t.person_id, t.points, t.judged, t.on_time {joined} "
                              f"AND t.points >= ? ORDER BY t.points DESC", [*scope,
                                                                           cut[0]["points"]])
        tallies = [Tally(UserId(r["person_id"]), Decimal(r["points"]), r["judged"],
                         r["on_time"]) for r in rows]
        found = [(1 + sum(1 for other in tallies if other.points > t.points), t)
                 for t in tallies]
        if reader is not None and all(t.person != reader for t in tallies):
            mine = await self.sql(
                "SELECT t.points, t.judged, t.on_time FROM scoring_participants p LEFT JOIN "
                "scoring_tallies t ON t.challenge_id = p.challenge_id AND t.person_id = "
                "p.ref_id WHERE p.tenant_id = ? AND p.challenge_id = ? AND p.kind = 'people' "
                "AND p.ref_id = ?", [*scope, reader])
            if mine:
                points = Decimal(mine[0]["points"] or 0)
                ahead = await self.sql(f"SELECT COUNT(*) AS n {joined} AND t.points > ?",
                                       [*scope, points])
                found.append((1 + int(ahead[0]["n"]), Tally(
                    reader, points, mine[0]["judged"] or 0, mine[0]["on_time"] or 0)))
        total = await self.sql("SELECT COUNT(*) AS n FROM scoring_participants WHERE "
                               "tenant_id = ? AND challenge_id = ? AND kind = 'people'", scope)
        return found, int(total[0]["n"])

    async def _board_by_window(self, challenge_id: ChallengeId, *, top: int,
                               reader: UserId | None) -> tuple[list[tuple[int, Tally]], int]:
        # SQLite keeps decimals as text: ranked as numbers, exact to the cent they are stored to.
        points = ("COALESCE(t.points, 0)" if self._session.dialect == "postgres"
                  else "COALESCE(CAST(t.points AS REAL), 0)")
        rows = await self.sql(
            "WITH board AS (SELECT p.ref_id AS person_id, t.points AS points, "
            "COALESCE(t.judged, 0) AS judged, COALESCE(t.on_time, 0) AS on_time, "
            f"RANK() OVER (ORDER BY {points} DESC) AS place, COUNT(*) OVER () AS total "
            "FROM scoring_participants p LEFT JOIN scoring_tallies t "
            "ON t.challenge_id = p.challenge_id AND t.person_id = p.ref_id "
            "WHERE p.tenant_id = ? AND p.challenge_id = ? AND p.kind = 'people') "
            "SELECT * FROM board WHERE place <= ? OR person_id = ?",
            [self.tenant_id, challenge_id, top, reader if reader is not None else -1])
        total = int(rows[0]["total"]) if rows else await (await self.scoped(
            ParticipantRow)).filter(challenge_id=challenge_id).count()
        return [(int(r["place"]), Tally(UserId(r["person_id"]),
                                        Decimal(str(r["points"] or 0)), int(r["judged"]),
                                        int(r["on_time"]))) for r in rows], total

    async def has_week(self, challenge_id: ChallengeId, week: date) -> bool:
        return await (await self._rows(WeekRow, challenge_id)).filter(week=week).exists()

    async def items_of(self, challenge_id: ChallengeId, person: UserId) -> list[ItemRecord]:
        rows = await (await self._rows(ItemRow, challenge_id)).filter(
            owner_id=person).order_by("item_id").values_list("record", flat=True)
        return [decode(ItemRecord, r) for r in rows]

    async def days_of(self, challenge_id: ChallengeId, person: UserId) -> dict[date, Decimal]:
        rows = await (await self._rows(DayRow, challenge_id)).filter(
            person_id=person).values_list("day", "points")
        return {day: Decimal(points) for day, points in rows if Decimal(points)}

    async def save_ranks(self, challenge_id: ChallengeId, week: date,
                         ranks: Mapping[Participant, int]) -> None:
        if await (await self._rows(WeekRow, challenge_id)).filter(week=week).exists():
            return
        db = await self.db()
        try:
            async with db._in_transaction() as savepoint:
                await WeekRow.create(using_db=savepoint, tenant_id=self.tenant_id,
                                     challenge_id=challenge_id, week=week,
                                     ranks={p.key: r for p, r in ranks.items()})
        except IntegrityError:
            return  # kept a moment ago: the first stands

    async def ranks(self, challenge_id: ChallengeId, before: date) -> dict[Participant, int]:
        row = await (await self._rows(WeekRow, challenge_id)).filter(
            week__lt=before).order_by("-week").first()
        if row is None:
            return {}
        found: dict[Participant, int] = {}
        for key, place in row.ranks.items():
            kind, _, ref = key.partition(":")
            found[Participant(ParticipantKind(kind), int(ref))] = int(place)
        return found


class TortoiseAchievements(Repository):
    """`core.scoring.ports.AchievementRepository`."""

    async def awards(self, person: UserId) -> list[Award]:
        # Raw SQL straight into values: every App Home shows the person's badges.
        rows = await self.sql(
            "SELECT person_id, badge, at, context FROM scoring_awards WHERE tenant_id = ? AND "
            "person_id = ? ORDER BY at, id", [self.tenant_id, person])
        return [Award(person=UserId(r["person_id"]), badge=Badge(r["badge"]),
                      at=moment(r["at"]), context=r["context"]) for r in rows]

    async def owned(self, people: Collection[UserId]) -> dict[UserId, frozenset[Badge]]:
        pairs = await (await self.scoped(AwardRow)).filter(
            person_id__in=list(people)).values_list("person_id", "badge")
        found: dict[UserId, set[Badge]] = {p: set() for p in people}
        for person, badge in pairs:
            found.setdefault(UserId(person), set()).add(Badge(badge))
        return {p: frozenset(b) for p, b in found.items()}

    async def progress(self, people: Collection[UserId]) -> dict[UserId, Progress]:
        rows = await (await self.scoped(BadgeProgressRow)).filter(
            person_id__in=list(people)).values_list("data", flat=True)
        return {p.person: p for p in (decode(Progress, r) for r in rows)}

    async def save_progress(self, progress: Progress) -> None:
        query = (await self.scoped(BadgeProgressRow)).filter(person_id=progress.person)
        if not await query.update(data=encode(progress)):
            await BadgeProgressRow.create(using_db=await self.db(), tenant_id=self.tenant_id,
                                          person_id=progress.person, data=encode(progress))

    async def award(self, award: Award) -> bool:
        query = (await self.scoped(AwardRow)).filter(person_id=award.person,
                                                     badge=award.badge.value)
        if await query.exists():
            return False
        db = await self.db()
        try:
            async with db._in_transaction() as savepoint:
                await AwardRow.create(using_db=savepoint, tenant_id=self.tenant_id,
                                      person_id=award.person, badge=award.badge.value,
                                      at=utc(award.at), context=award.context[:200])
        except IntegrityError:
            return False
        return True
