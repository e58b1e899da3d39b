"""Milestones read with raw SQL: one statement with their members, no ORM objects.

`select` turns a `MilestoneFilter` (or one id or number) into SQL with `?` placeholders;
`milestone_of` turns a row of it into the core's `Milestone`. Every read of a milestone goes
through here: `list mine`, a card, a check-in's lookup and lock.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from core.model import (
    Kind,
    Member,
    MemberRole,
    Milestone,
    MilestoneId,
    Priority,
    Status,
    SuccessCriterion,
    TenantId,
    UserId,
)
from core.ports import MilestoneFilter
from storage.config import Dialect
from storage.raw_rows import clock_time, day, listed, maybe_moment, moment, param

CLOSED = (Status.DONE.value, Status.CANCELLED.value)

COLUMNS = (
    "id, tenant_id, number, kind, title, description, owner_id, parent_id, start_date, "
    "due_date, due_minute, priority, status, progress, weight, criterion_metric, "
    "criterion_start, criterion_target, criterion_current, criterion_unit, tags, links, "
    "channel, created_by, created_at, updated_at, completed_at, last_update_at")

# A milestone's members as a JSON array of [user id, role] in the order they were added.
MEMBERS: dict[Dialect, str] = {
    "postgres": """(SELECT COALESCE(json_agg(json_build_array(mm.user_id, mm.role)
    ORDER BY mm.id), '[]'::json)::text FROM milestone_members mm
    WHERE mm.milestone_id = m.id AND mm.tenant_id = m.tenant_id)""",
    "sqlite": """(SELECT COALESCE(json_group_array(json_array(x.user_id, x.role)), '[]')
    FROM (SELECT mm.user_id, mm.role FROM milestone_members mm
          WHERE mm.milestone_id = m.id AND mm.tenant_id = m.tenant_id ORDER BY mm.id) x)""",
}


# Tags live in a JSON array column, compared case-insensitively; free-text words must each
# appear in the title or the description, `%` and `_` taken literally. Both narrow the same
# ordered, limited statement, so cursor pagination stays exact.
_TAGGED: dict[Dialect, str] = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each(m.tags) t WHERE lower(t.value) = ?)",
    "postgres": "EXISTS (SELECT 1 FROM jsonb_array_elements_text(m.tags::jsonb) t(value) "
                "WHERE lower(t.value) = ?)",
}


def _containing(word: str) -> str:
    escaped = word.lower().replace("!", "!!").replace("%", "!%").replace("_", "!_")
    return f"%{escaped}%"


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def select(dialect: Dialect, tenant_id: int, query: MilestoneFilter | None = None, *,
           id_: int | None = None, number: int | None = None, lock: bool = False
           ) -> tuple[str, list[Any]]:
    """The statement and its parameters for the live milestones of a tenant that match."""
    where = ["m.tenant_id = ?", "m.deleted_at IS NULL"]
    params: list[Any] = [tenant_id]
    if id_ is not None:
        where.append("m.id = ?")
        params.append(id_)
    if number is not None:
        where.append("m.number = ?")
        params.append(number)
    q = query or MilestoneFilter(open_only=False)
    if q.ids is not None:
        ids = list(q.ids)
        where.append(f"m.id IN ({_marks(ids)})")
        params += ids
    if q.owner_id is not None:
        where.append("m.owner_id = ?")
        params.append(q.owner_id)
    if q.involving is not None:
        where.append("(m.owner_id = ? OR m.id IN (SELECT milestone_id FROM milestone_members "
                     "WHERE tenant_id = ? AND user_id = ?))")
        params += [q.involving, tenant_id, q.involving]
    if q.parent_id is not None:
        where.append("m.parent_id = ?")
        params.append(q.parent_id)
    if q.open_only:
        where.append("m.status NOT IN (?, ?)")
        params += CLOSED
    if q.due_before is not None:
        where.append("m.due_date < ?")
        params.append(param(q.due_before, dialect))
    if q.statuses is not None:
        statuses = [Status(s).value for s in q.statuses]
        where.append(f"m.status IN ({_marks(statuses)})")
        params += statuses
    if q.due_after is not None:
        where.append("m.due_date > ?")
        params.append(param(q.due_after, dialect))
    if q.kinds is not None:
        kinds = [Kind(k).value for k in q.kinds]
        where.append(f"m.kind IN ({_marks(kinds)})")
        params += kinds
    if q.tag is not None:
        where.append(_TAGGED[dialect])
        params.append(q.tag.strip().lstrip("#").lower())
    if q.text is not None:
        for word in q.text.split()[:20]:
            where.append("(lower(m.title) LIKE ? ESCAPE '!' OR lower(m.description) LIKE ? "
                         "ESCAPE '!')")
            params += [_containing(word)] * 2
    if q.after_number is not None:
        where.append("m.number > ?")
        params.append(q.after_number)
    if q.stale_before is not None:
        since = param(q.stale_before, dialect)
        where.append("(m.last_update_at < ? OR (m.last_update_at IS NULL AND m.created_at < ?))")
        params += [since, since]
    sql = (f"SELECT {COLUMNS}, {MEMBERS[dialect]} AS members_json FROM milestones m "
           f"WHERE {' AND '.join(where)} ORDER BY m.number")
    limit = 1 if id_ is not None or number is not None else q.limit
    if limit:
        sql += f" LIMIT {int(limit)}"
    if lock and dialect == "postgres":
        # FOR NO KEY UPDATE: lockers queue behind each other, yet inserting a row that refers
        # to this one (a child, an update) does not wait. SQLite's writers are serialised.
        sql += " FOR NO KEY UPDATE OF m"
    return sql, params


def _criterion(row: Mapping[str, Any]) -> SuccessCriterion | None:
    if row["criterion_metric"] is None:
        return None
    return SuccessCriterion(
        metric=row["criterion_metric"], start=row["criterion_start"],
        target=row["criterion_target"], current=row["criterion_current"],
        unit=row["criterion_unit"] or "")


def milestone_of(row: Mapping[str, Any]) -> Milestone:
    due_minute = row["due_minute"]
    return Milestone(
        id=MilestoneId(row["id"]), tenant_id=TenantId(row["tenant_id"]), number=row["number"],
        kind=Kind(row["kind"]), title=row["title"], description=row["description"],
        owner_id=UserId(row["owner_id"]), parent_id=row["parent_id"],
        start_date=day(row["start_date"]), due_date=day(row["due_date"]),
        due_time=clock_time(due_minute) if due_minute is not None else None,
        priority=Priority(row["priority"]), status=Status(row["status"]),
        progress=row["progress"], weight=row["weight"], criterion=_criterion(row),
        members=[Member(UserId(user_id), MemberRole(role))
                 for user_id, role in json.loads(row["members_json"])],
        tags=listed(row["tags"]), links=listed(row["links"]), channel=row["channel"],
        created_by=UserId(row["created_by"]), created_at=moment(row["created_at"]),
        updated_at=moment(row["updated_at"]), completed_at=maybe_moment(row["completed_at"]),
        last_update_at=maybe_moment(row["last_update_at"]),
    )
