"""Milestones: the tree, its members, and the two queries the roll-up lives on."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

from tortoise.expressions import Q, RawSQL, Subquery
from tortoise.queryset import QuerySet

from core.model import Member, MemberRole, Milestone, MilestoneId, Status, UserId
from core.ports import MilestoneFilter, RollupNode
from storage.config import Dialect
from storage.errors import NotInTenant
from storage.mapping import milestone_columns, milestone_from, utc
from storage.milestone_search import with_tag, with_words
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


# A milestone's members as a JSON array of [user id, role] in the order they were added, read
# in the statement that reads the milestone (the outer table is not aliased by tortoise).
MEMBERS: dict[Dialect, str] = {
    "postgres": """(SELECT COALESCE(json_agg(json_build_array(mm.user_id, mm.role)
    ORDER BY mm.id), '[]'::json)::text FROM milestone_members mm
    WHERE mm.milestone_id = "milestones"."id" AND mm.tenant_id = "milestones"."tenant_id")""",
    "sqlite": """(SELECT COALESCE(json_group_array(json_array(x.user_id, x.role)), '[]')
    FROM (SELECT mm.user_id, mm.role FROM milestone_members mm
          WHERE mm.milestone_id = "milestones"."id" AND mm.tenant_id = "milestones"."tenant_id"
          ORDER BY mm.id) x)""",
}


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

    async def _live(self) -> QuerySet[MilestoneRow]:
        return (await self.scoped(MilestoneRow)).filter(deleted_at__isnull=True)

    async def _with_members(self, query: QuerySet[MilestoneRow]) -> list[Milestone]:
        """Entities for the rows `query` finds, each with its members, in one statement: the
        members come along as a JSON array per row (a round trip less on every read of the
        hot path than a second query for them)."""
        rows = await query.annotate(members_json=RawSQL(MEMBERS[self._session.dialect]))
        found = []
        for row in rows:
            members = [Member(UserId(user_id), MemberRole(role))
                       for user_id, role in json.loads(row.members_json)]  # type: ignore[attr-defined]
            m = milestone_from(row, members)
            self._members_seen[row.id] = list(m.members)
            found.append(m)
        return found

    async def _one(self, query: QuerySet[MilestoneRow], lock: bool) -> Milestone | None:
        if lock:
            # FOR NO KEY UPDATE: lockers queue behind each other, yet inserting a row that
            # refers to this one (a child, an update) does not wait. SQLite ignores it: its
            # writers are serialised anyway.
            query = query.select_for_update(no_key=True)
        found = await self._with_members(query.limit(1))
        return found[0] if found else None

    async def get(self, milestone_id: MilestoneId, *, lock: bool = False) -> Milestone | None:
        return await self._one((await self._live()).filter(id=milestone_id), lock)

    async def by_number(self, number: int, *, lock: bool = False) -> Milestone | None:
        return await self._one((await self._live()).filter(number=number), lock)

    async def add(self, milestone: Milestone) -> Milestone:
        self.require_tenant(milestone.tenant_id, "milestone", milestone.ref)
        db = await self.db()
        row = await MilestoneRow.create(using_db=db, **milestone_columns(milestone))
        await self._write_members(row.id, milestone.members)
        return milestone_from(row, [_member_row(row, m) for m in milestone.members])

    async def save(self, milestone: Milestone) -> None:
        self.require_tenant(milestone.tenant_id, "milestone", milestone.id)
        assert milestone.id is not None
        changed = await (await self._live()).filter(id=milestone.id).update(
            **milestone_columns(milestone))
        if not changed:
            raise NotInTenant("milestone", milestone.id, self.tenant_id)
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
        await self.sql(
            f"UPDATE milestones SET progress = CASE id {progress_cases} END, "
            f"status = CASE id {status_cases} END, last_update_at = ?, updated_at = ? "
            f"WHERE tenant_id = ? AND deleted_at IS NULL AND id IN ({marks})", params)

    async def delete(self, milestone_id: MilestoneId) -> None:
        # The port has no clock; the moment only tells an operator when the row went away.
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
        rows = (await self._live()).order_by("number")
        if query.ids is not None:
            rows = rows.filter(id__in=list(query.ids))
        if query.owner_id is not None:
            rows = rows.filter(owner_id=query.owner_id)
        if query.involving is not None:
            memberships = MilestoneMemberRow.filter(
                tenant_id=self.tenant_id, user_id=query.involving).values("milestone_id")
            rows = rows.filter(Q(owner_id=query.involving) | Q(id__in=Subquery(memberships)))
        if query.parent_id is not None:
            rows = rows.filter(parent_id=query.parent_id)
        if query.open_only:
            rows = rows.filter(status__not_in=CLOSED)
        if query.due_before is not None:
            rows = rows.filter(due_date__lt=query.due_before)
        if query.statuses is not None:
            rows = rows.filter(status__in=list(query.statuses))
        if query.due_after is not None:
            rows = rows.filter(due_date__gt=query.due_after)
        if query.kinds is not None:
            rows = rows.filter(kind__in=list(query.kinds))
        if query.tag is not None:
            rows = await with_tag(rows, query.tag, tenant_id=self.tenant_id,
                                  dialect=self._session.dialect, sql=self.sql)
        if query.text is not None:
            rows = with_words(rows, query.text)
        if query.after_number is not None:
            rows = rows.filter(number__gt=query.after_number)
        if query.stale_before is not None:
            since = utc(query.stale_before)
            rows = rows.filter(Q(last_update_at__lt=since) | Q(
                last_update_at__isnull=True, created_at__lt=since))
        if query.limit:
            rows = rows.limit(query.limit)
        return await self._with_members(rows)

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


def _member_row(row: MilestoneRow, member: Member) -> MilestoneMemberRow:
    return MilestoneMemberRow(tenant_id=row.tenant_id, milestone_id=row.id,
                              user_id=member.user_id, role=member.role)
