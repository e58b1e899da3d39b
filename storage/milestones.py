"""Milestones: the tree, its members, and the two queries the roll-up lives on."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from tortoise.queryset import QuerySet

from core.model import Member, Milestone, MilestoneId, Status
from core.ports import MilestoneFilter, RollupNode
from storage import raw_writes
from storage.errors import NotInTenant
from storage.mapping import milestone_columns, milestone_from, utc
from storage.milestone_reads import milestone_of, select
from storage.models import MilestoneMemberRow, MilestoneRow
from storage.scoped import Repository, Session

CLOSED = (Status.DONE, Status.CANCELLED)
# Far below both backends' limit on bound parameters (32,766 for SQLite, 32,767 for asyncpg).
IN_CHUNK = 5000
# Deeper than any real plan; a guard against a cycle in damaged data, like the core's walk up.
MAX_DEPTH = 64

DESCENDANTS = f"""
WITH RECURSIVE tree(id, depth) AS (
    SELECT id, 1 FROM milestones
    WHERE tenant_id = ? AND parent_id = ? AND deleted_at IS NULL
    UNION ALL
    SELECT m.id, tree.depth + 1 FROM milestones m JOIN tree ON m.parent_id = tree.id
    WHERE m.tenant_id = ? AND m.deleted_at IS NULL AND tree.depth < {MAX_DEPTH}
)
SELECT id, MIN(depth) AS depth FROM tree GROUP BY id ORDER BY depth, id
"""

# Counts every child but sums only the non-cancelled ones: a parent whose children are all
# cancelled still has children (its own progress is not typed in) but nothing to average.
CHILDREN_ROLLUP = """
SELECT COUNT(*) AS children,
       COALESCE(SUM(CASE WHEN status <> 'cancelled' THEN progress * weight ELSE 0 END), 0)
           AS weighted,
       COALESCE(SUM(CASE WHEN status <> 'cancelled' THEN weight ELSE 0 END), 0) AS weights
FROM milestones
WHERE tenant_id = ? AND parent_id = ? AND deleted_at IS NULL
"""


# The chain from a milestone up to its root. On PostgreSQL its rows are locked (ordered by id, so
# two walkers never deadlock) in a statement of their own, before their children are summed: a
# statement's snapshot is taken when it starts, so sums read after the locks are granted include
# whatever a concurrent sibling update committed meanwhile.
CHAIN = f"""
WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT id, parent_id, 1 FROM milestones WHERE tenant_id = ? AND id = ?
    UNION ALL
    SELECT m.id, m.parent_id, up.depth + 1 FROM milestones m JOIN up ON m.id = up.parent_id
    WHERE m.tenant_id = ? AND up.depth < {MAX_DEPTH}
)
SELECT m.id, m.parent_id, m.progress, m.weight, m.status, up.depth
FROM up JOIN milestones m ON m.id = up.id
WHERE m.deleted_at IS NULL
ORDER BY m.id
"""

# The sums of the counted (non-cancelled, not deleted) children of several parents at once.
CHILDREN_SUMS = """
SELECT parent_id,
       COALESCE(SUM(CASE WHEN status <> 'cancelled' THEN progress * weight ELSE 0 END), 0)
           AS weighted,
       COALESCE(SUM(CASE WHEN status <> 'cancelled' THEN weight ELSE 0 END), 0) AS weights
FROM milestones
WHERE tenant_id = ? AND deleted_at IS NULL AND parent_id IN ({marks})
GROUP BY parent_id
"""


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), IN_CHUNK):
        yield list(ids[start:start + IN_CHUNK])


class TortoiseMilestones(Repository):
    def __init__(self, session: Session) -> None:
        super().__init__(session)
        # Members as last read or written in this unit of work: `save` rewrites them only when
        # they changed, which keeps a progress update from touching the members table.
        self._members_seen: dict[int, list[Member]] = {}
        # Milestones as this unit of work last read or wrote them, by id. What a change's
        # event handlers ask for (its audience walks up the tree, its forecast reads the
        # milestone just saved) is answered from here instead of read again; a lock always
        # reads the row, and the roll-up's writes forget them all.
        self._known: dict[int, Milestone] = {}

    async def _live(self) -> QuerySet[MilestoneRow]:
        return (await self.scoped(MilestoneRow)).filter(deleted_at__isnull=True)

    async def _read(self, sql: str, params: list[object]) -> list[Milestone]:
        """Entities for the rows a `milestone_reads.select` statement finds, each with its
        members, in one statement and without ORM objects (the hot path's reads)."""
        found = []
        for row in await self.sql(sql, params):
            m = milestone_of(row)
            self._members_seen[m.id or 0] = list(m.members)
            found.append(m)
        return found

    async def _one(self, *, id_: int | None = None, number: int | None = None,
                   lock: bool) -> Milestone | None:
        if id_ is not None and not lock and id_ in self._known:
            return _copy(self._known[id_])
        found = await self._read(*select(self._session.dialect, self.tenant_id, id_=id_,
                                         number=number, lock=lock))
        if not found:
            return None
        self._remember(found[0])
        return found[0]

    def _remember(self, m: Milestone) -> None:
        if m.id is not None:
            self._known[m.id] = _copy(m)

    def forget_known(self) -> None:
        """After a commit: what other transactions commit from now on is not known here."""
        self._known.clear()

    async def get(self, milestone_id: MilestoneId, *, lock: bool = False) -> Milestone | None:
        return await self._one(id_=milestone_id, lock=lock)

    async def by_number(self, number: int, *, lock: bool = False) -> Milestone | None:
        return await self._one(number=number, lock=lock)

    async def add(self, milestone: Milestone) -> Milestone:
        self.require_tenant(milestone.tenant_id, "milestone", milestone.ref)
        db = await self.db()
        row = await MilestoneRow.create(using_db=db, **milestone_columns(milestone))
        await self._write_members(row.id, milestone.members)
        return milestone_from(row, [_member_row(row, m) for m in milestone.members])

    async def save(self, milestone: Milestone) -> None:
        self.require_tenant(milestone.tenant_id, "milestone", milestone.id)
        assert milestone.id is not None
        sql, params = raw_writes.update(
            self._session.dialect, MilestoneRow, milestone_columns(milestone),
            "tenant_id = ? AND id = ? AND deleted_at IS NULL RETURNING id",
            [self.tenant_id, milestone.id])
        if not await self.sql(sql, params):
            raise NotInTenant("milestone", milestone.id, self.tenant_id)
        self._remember(milestone)
        if self._members_seen.get(milestone.id) != milestone.members:
            await (await self.scoped(MilestoneMemberRow)).filter(
                milestone_id=milestone.id).delete()
            await self._write_members(milestone.id, milestone.members)

    async def _write_members(self, milestone_id: int, members: Sequence[Member]) -> None:
        if members:
            await MilestoneMemberRow.bulk_create(
                [MilestoneMemberRow(tenant_id=self.tenant_id, milestone_id=milestone_id,
                                    user_id=m.user_id, role=m.role) for m in members],
                using_db=await self.db())
        self._members_seen[milestone_id] = list(members)

    async def ancestry(self, milestone_id: MilestoneId) -> list[RollupNode]:
        tenant = self.tenant_id
        locking = " FOR NO KEY UPDATE OF m" if self._session.dialect == "postgres" else ""
        rows = await self.sql(CHAIN + locking, [tenant, milestone_id, tenant])
        if not rows:
            return []
        sums = await self._children_sums([row["id"] for row in rows])
        chain = []
        for row in sorted(rows, key=lambda r: r["depth"]):
            counted = sums.get(row["id"])
            chain.append(RollupNode(
                id=MilestoneId(row["id"]),
                parent_id=MilestoneId(row["parent_id"]) if row["parent_id"] is not None else None,
                progress=int(row["progress"]), weight=int(row["weight"]),
                status=Status(row["status"]),
                children_weighted=int(str(counted["weighted"])) if counted else 0,
                children_weight=int(str(counted["weights"])) if counted else 0))
        return chain

    async def _children_sums(self, ids: list[int]) -> dict[int, dict[str, object]]:
        marks = ", ".join("?" for _ in ids)
        rows = await self.sql(CHILDREN_SUMS.format(marks=marks), [self.tenant_id, *ids])
        return {row["parent_id"]: row for row in rows}

    async def write_rollups(self, changes: Mapping[MilestoneId, tuple[int, Status]],
                            at: datetime) -> None:
        if not changes:
            return
        # Typed parameters: PostgreSQL cannot infer the type of a bare parameter in THEN.
        progress_cases = " ".join("WHEN ? THEN CAST(? AS SMALLINT)" for _ in changes)
        status_cases = " ".join("WHEN ? THEN CAST(? AS VARCHAR(20))" for _ in changes)
        marks = ", ".join("?" for _ in changes)
        # SQLite keeps datetimes as text in str(datetime) form, as tortoise writes them.
        when: object = utc(at) if self._session.dialect == "postgres" else str(utc(at))
        params: list[object] = []
        for milestone_id, (progress, _) in changes.items():
            params += [milestone_id, progress]
        for milestone_id, (_, status) in changes.items():
            params += [milestone_id, status.value]
        params += [when, when, self.tenant_id, *changes]
        self._known.clear()
        await self.sql(
            f"UPDATE milestones SET progress = CASE id {progress_cases} END, "
            f"status = CASE id {status_cases} END, last_update_at = ?, updated_at = ? "
            f"WHERE tenant_id = ? AND deleted_at IS NULL AND id IN ({marks})", params)

    async def delete(self, milestone_id: MilestoneId) -> None:
        # The port has no clock; the moment only tells an operator when the row went away.
        self._known.pop(milestone_id, None)
        changed = await (await self._live()).filter(id=milestone_id).update(
            deleted_at=datetime.now(UTC))
        if not changed:
            raise NotInTenant("milestone", milestone_id, self.tenant_id)

    async def find(self, query: MilestoneFilter) -> list[Milestone]:
        if (query.ids is not None and not query.ids) or (
                query.statuses is not None and not query.statuses):
            return []
        if query.ids is not None and len(query.ids) > IN_CHUNK:
            found: list[Milestone] = []
            for chunk in _chunks(sorted(query.ids)):
                ids = [MilestoneId(i) for i in chunk]
                found += await self.find(dataclasses.replace(query, ids=ids, limit=None))
            found.sort(key=lambda m: m.number)
            return found[:query.limit] if query.limit else found
        return await self._read(*select(self._session.dialect, self.tenant_id, query))

    async def count_active(self) -> int:
        return await (await self._live()).filter(status__not_in=CLOSED).count()

    async def descendant_ids(self, milestone_id: MilestoneId) -> list[MilestoneId]:
        rows = await self.sql(DESCENDANTS, [self.tenant_id, milestone_id, self.tenant_id])
        return [MilestoneId(row["id"]) for row in rows]

    async def children_rollup(self, parent_id: MilestoneId) -> tuple[int, int] | None:
        (row,) = await self.sql(CHILDREN_ROLLUP, [self.tenant_id, parent_id])
        if not row["children"]:
            return None
        return int(row["weighted"]), int(row["weights"])


def _copy(m: Milestone) -> Milestone:
    """A copy to hand out: what the caller changes stays theirs until they save it."""
    criterion = dataclasses.replace(m.criterion) if m.criterion is not None else None
    return dataclasses.replace(m, criterion=criterion, members=list(m.members),
                               tags=list(m.tags), links=list(m.links))


def _member_row(row: MilestoneRow, member: Member) -> MilestoneMemberRow:
    return MilestoneMemberRow(tenant_id=row.tenant_id, milestone_id=row.id,
                              user_id=member.user_id, role=member.role)
