"""`ReportSource` over the milestones, check-ins and check-in requests of one tenant.

Rows are read a page at a time, each page in a short unit of work of its own (keyset
pagination), so a 10,000-milestone export holds neither every row in memory nor a connection
(on SQLite, the only one) for as long as the file takes to write. Every query is scoped to the
tenant; deleted milestones are never reported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from core.model import Kind, MilestoneId, Priority, Status, TenantId
from core.reports.inputs import (
    CheckinRequest,
    CompanyScope,
    PersonScope,
    ReportMilestone,
    ReportUpdate,
    Scope,
    SubtreeScope,
    TeamScope,
)
from core.reports.ports import ScopeSize
from storage.nudges.sql import from_json, maybe_day, maybe_moment, moment, value
from storage.scoped import Repository
from storage.unit_of_work import TortoiseUnitOfWorkFactory

PAGE = 1000

_SUBTREE = """m.id IN (
  WITH RECURSIVE below(id) AS (
    SELECT r.id FROM milestones r WHERE r.tenant_id = ? AND r.number = ? AND r.deleted_at IS NULL
    UNION ALL
    SELECT c.id FROM milestones c JOIN below b ON c.parent_id = b.id WHERE c.deleted_at IS NULL
  ) SELECT id FROM below)"""

_MILESTONES = """
SELECT m.id, m.number, m.kind, m.title, m.parent_id, p.number AS parent_number,
       u.handle AS owner, m.status, m.progress, m.priority, m.weight, m.tags, m.start_date,
       m.due_date, m.created_at, m.completed_at, m.last_update_at
FROM milestones m
JOIN users u ON u.id = m.owner_id
LEFT JOIN milestones p ON p.id = m.parent_id
WHERE m.tenant_id = ? AND m.deleted_at IS NULL AND m.number > ? {scope}
ORDER BY m.number LIMIT ?"""

_UPDATES = """
SELECT pu.id, pu.milestone_id, pu.created_at, pu.percent, pu.status, pu.notes, pu.blockers,
       COALESCE(a.handle, '') AS author
FROM progress_updates pu
JOIN milestones m ON m.id = pu.milestone_id
JOIN users u ON u.id = m.owner_id
LEFT JOIN users a ON a.id = pu.author_id
WHERE pu.tenant_id = ? AND m.deleted_at IS NULL AND (pu.created_at, pu.id) > (?, ?) {scope}
ORDER BY pu.created_at, pu.id LIMIT ?"""

#: A check-in request is answered by the person's first check-in after it was sent.
_CHECKINS = """
SELECT d.id, d.sent_at, u.handle,
       (SELECT MIN(pu.created_at) FROM progress_updates pu
        WHERE pu.tenant_id = d.tenant_id AND pu.author_id = d.user_id
          AND pu.created_at >= d.sent_at) AS answered_at
FROM nudge_deliveries d
JOIN users u ON u.id = d.user_id
WHERE d.tenant_id = ? AND d.kind = 'checkin' AND d.sent_at IS NOT NULL AND d.id > ?
      {since} {scope}
ORDER BY d.id LIMIT ?"""

_CHECKIN_OWNERS = """d.user_id IN (SELECT m.owner_id FROM milestones m
                                    WHERE m.tenant_id = ? AND {subtree})"""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class TortoiseReportSources:
    """`core.reports.ports.ReportSources`: a tenant's `ReportSource` on a database."""

    def __init__(self, uow: TortoiseUnitOfWorkFactory) -> None:
        self._uow = uow

    def __call__(self, tenant_id: TenantId) -> TortoiseReportSource:
        return TortoiseReportSource(self._uow, tenant_id)


class TortoiseReportSource:
    def __init__(self, uow: TortoiseUnitOfWorkFactory, tenant_id: TenantId) -> None:
        self._uow = uow
        self._tenant_id = tenant_id

    async def _sql(self, query: str, params: list[Any]) -> list[dict[str, Any]]:
        async with self._uow(self._tenant_id) as tx:
            # Moments go to PostgreSQL as they are, to SQLite as the text it stores them as.
            if tx.dialect == "sqlite":
                params = [value("sqlite", p) if isinstance(p, datetime) else p for p in params]
            return await Repository(tx).sql(query, params)

    def _scope(self, scope: Scope) -> tuple[str, list[Any]]:
        """The filter on `m` (a milestone) and `u` (its owner) for a scope."""
        if isinstance(scope, CompanyScope):
            return "", []
        if isinstance(scope, PersonScope):
            return "AND u.handle = ?", [scope.handle]
        if isinstance(scope, TeamScope):
            return _members(scope)
        return f"AND {_SUBTREE}", [self._tenant_id, scope.number]

    async def size(self, scope: Scope) -> ScopeSize:
        where, params = self._scope(scope)
        milestones = await self._sql(
            "SELECT COUNT(*) AS n FROM milestones m JOIN users u ON u.id = m.owner_id "
            f"WHERE m.tenant_id = ? AND m.deleted_at IS NULL {where}",
            [self._tenant_id, *params])
        updates = await self._sql(
            "SELECT COUNT(*) AS n FROM progress_updates pu "
            "JOIN milestones m ON m.id = pu.milestone_id JOIN users u ON u.id = m.owner_id "
            f"WHERE pu.tenant_id = ? AND m.deleted_at IS NULL {where}",
            [self._tenant_id, *params])
        return ScopeSize(int(milestones[0]["n"]), int(updates[0]["n"]))

    async def milestones(self, scope: Scope) -> AsyncIterator[ReportMilestone]:
        where, params = self._scope(scope)
        query = _MILESTONES.format(scope=where)
        after = 0
        while True:
            rows = await self._sql(query, [self._tenant_id, after, *params, PAGE])
            for row in rows:
                yield _milestone(row)
            if len(rows) < PAGE:
                return
            after = int(rows[-1]["number"])

    async def updates(self, scope: Scope) -> AsyncIterator[ReportUpdate]:
        where, params = self._scope(scope)
        query = _UPDATES.format(scope=where)
        at: object = _EPOCH
        after = 0
        while True:
            rows = await self._sql(query, [self._tenant_id, at, after, *params, PAGE])
            for row in rows:
                yield ReportUpdate(
                    milestone_id=MilestoneId(int(row["milestone_id"])), author=row["author"],
                    at=moment(row["created_at"]),
                    percent=None if row["percent"] is None else int(row["percent"]),
                    status=Status(row["status"]), notes=row["notes"] or "",
                    blockers=row["blockers"] or "")
            if len(rows) < PAGE:
                return
            at, after = rows[-1]["created_at"], int(rows[-1]["id"])

    async def checkins(self, scope: Scope, since: datetime | None
                       ) -> AsyncIterator[CheckinRequest]:
        scope_sql, params = "", []
        if isinstance(scope, PersonScope):
            scope_sql, params = "AND u.handle = ?", [scope.handle]
        elif isinstance(scope, TeamScope):
            scope_sql, params = _members(scope)
        elif isinstance(scope, SubtreeScope):
            scope_sql = "AND " + _CHECKIN_OWNERS.format(subtree=_SUBTREE)
            params = [self._tenant_id, self._tenant_id, scope.number]
        since_sql, since_params = "", []
        if since is not None:
            since_sql, since_params = "AND d.sent_at >= ?", [since]
        query = _CHECKINS.format(since=since_sql, scope=scope_sql)
        after = 0
        while True:
            rows = await self._sql(query, [self._tenant_id, after, *since_params, *params, PAGE])
            for row in rows:
                yield CheckinRequest(person=row["handle"], asked_at=moment(row["sent_at"]),
                                     answered_at=maybe_moment(row["answered_at"]))
            if len(rows) < PAGE:
                return
            after = int(rows[-1]["id"])


def _members(scope: TeamScope) -> tuple[str, list[Any]]:
    """The filter on `u` for a team: its members (none: a team of nobody owns nothing)."""
    if not scope.members:
        return "AND 1 = 0", []
    marks = ", ".join("?" for _ in scope.members)
    return f"AND u.handle IN ({marks})", list(scope.members)


def _milestone(row: dict[str, Any]) -> ReportMilestone:
    tags = from_json(row["tags"]) or []
    return ReportMilestone(
        id=MilestoneId(int(row["id"])), number=int(row["number"]), kind=Kind(row["kind"]),
        title=row["title"],
        parent_id=None if row["parent_id"] is None else MilestoneId(int(row["parent_id"])),
        parent_number=None if row["parent_number"] is None else int(row["parent_number"]),
        owner=row["owner"], status=Status(row["status"]), progress=int(row["progress"]),
        priority=Priority(row["priority"]), weight=int(row["weight"]),
        tags=tuple(str(t) for t in tags), start_date=maybe_day(row["start_date"]),
        due_date=maybe_day(row["due_date"]), created_at=moment(row["created_at"]),
        completed_at=maybe_moment(row["completed_at"]),
        last_update_at=maybe_moment(row["last_update_at"]),
    )
