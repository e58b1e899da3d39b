"""Rows to core entities and back. No queries here: just the shape of each table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from typing import Any, overload

from core.history import Activity, Comment, ProgressUpdate
from core.model import Member, Milestone, MilestoneId, SuccessCriterion, TenantId, UserId
from core.tenancy import Tenant, User
from storage.models import (
    ActivityRow,
    CommentRow,
    MilestoneMemberRow,
    MilestoneRow,
    ProgressUpdateRow,
    TenantRow,
    UserRow,
)


@overload
def utc(moment: datetime) -> datetime: ...


@overload
def utc(moment: datetime | None) -> datetime | None: ...


def utc(moment: datetime | None) -> datetime | None:
    # SQLite stores datetimes as ISO text and compares them as text: one offset keeps the
    # order of the text the order of time.
    return moment.astimezone(UTC) if moment is not None else None


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _user_id(value: int | None) -> UserId | None:
    return UserId(value) if value is not None else None


def _milestone_id(value: int | None) -> MilestoneId | None:
    return MilestoneId(value) if value is not None else None


def tenant_columns(tenant: Tenant) -> dict[str, Any]:
    return {"slug": tenant.slug, "name": tenant.name, "plan": tenant.plan,
            "timezone": tenant.timezone, "created_at": utc(tenant.created_at)}


def tenant_from(row: TenantRow) -> Tenant:
    return Tenant(id=TenantId(row.id), slug=row.slug, name=row.name, plan=row.plan,
                  timezone=row.timezone, created_at=row.created_at)


def user_columns(user: User) -> dict[str, Any]:
    return {
        "tenant_id": user.tenant_id, "handle": user.handle.lower(),
        "display_name": user.display_name, "email": user.email, "timezone": user.timezone,
        "role": user.role, "working_days": list(user.working_days),
        "work_starts_min": _minutes(user.work_starts), "work_ends_min": _minutes(user.work_ends),
        "created_at": utc(user.created_at),
    }


def user_from(row: UserRow) -> User:
    return User(
        id=UserId(row.id), tenant_id=TenantId(row.tenant_id), handle=row.handle,
        display_name=row.display_name, email=row.email, timezone=row.timezone, role=row.role,
        working_days=tuple(row.working_days), work_starts=_time(row.work_starts_min),
        work_ends=_time(row.work_ends_min), created_at=row.created_at,
    )


def milestone_columns(m: Milestone) -> dict[str, Any]:
    """Every column a save writes; `deleted_at` is left to `delete`."""
    c = m.criterion
    return {
        "tenant_id": m.tenant_id, "number": m.number, "kind": m.kind, "title": m.title,
        "description": m.description, "owner_id": m.owner_id, "parent_id": m.parent_id,
        "start_date": m.start_date, "due_date": m.due_date,
        "due_minute": _minutes(m.due_time) if m.due_time is not None else None,
        "priority": m.priority,
        "status": m.status, "progress": m.progress, "weight": m.weight,
        "criterion_metric": c.metric if c else None, "criterion_start": c.start if c else None,
        "criterion_target": c.target if c else None,
        "criterion_current": c.current if c else None, "criterion_unit": c.unit if c else None,
        "tags": list(m.tags), "links": list(m.links), "channel": m.channel,
        "created_by": m.created_by, "created_at": utc(m.created_at),
        "updated_at": utc(m.updated_at), "completed_at": utc(m.completed_at),
        "last_update_at": utc(m.last_update_at),
    }


def _criterion(row: MilestoneRow) -> SuccessCriterion | None:
    if row.criterion_metric is None:
        return None
    # The four columns are written together by `milestone_columns`.
    assert row.criterion_start is not None and row.criterion_target is not None
    assert row.criterion_current is not None
    return SuccessCriterion(
        metric=row.criterion_metric, start=row.criterion_start, target=row.criterion_target,
        current=row.criterion_current, unit=row.criterion_unit or "",
    )


def milestone_from(row: MilestoneRow, members: Iterable[MilestoneMemberRow | Member]
                   ) -> Milestone:
    return Milestone(
        id=MilestoneId(row.id), tenant_id=TenantId(row.tenant_id), number=row.number,
        kind=row.kind, title=row.title, description=row.description,
        owner_id=UserId(row.owner_id), parent_id=_milestone_id(row.parent_id),
        start_date=row.start_date, due_date=row.due_date,
        due_time=_time(row.due_minute) if row.due_minute is not None else None,
        priority=row.priority,
        status=row.status, progress=row.progress, weight=row.weight, criterion=_criterion(row),
        members=[Member(UserId(x.user_id), x.role) for x in members],
        tags=list(row.tags), links=list(row.links), channel=row.channel,
        created_by=UserId(row.created_by), created_at=row.created_at,
        updated_at=row.updated_at, completed_at=row.completed_at,
        last_update_at=row.last_update_at,
    )


def update_from(row: ProgressUpdateRow) -> ProgressUpdate:
    return ProgressUpdate(
        id=row.id, tenant_id=TenantId(row.tenant_id), milestone_id=MilestoneId(row.milestone_id),
        author_id=UserId(row.author_id), percent=row.percent, status=row.status,
        notes=row.notes, blockers=row.blockers, created_at=row.created_at,
    )


def comment_from(row: CommentRow) -> Comment:
    return Comment(
        id=row.id, tenant_id=TenantId(row.tenant_id), milestone_id=MilestoneId(row.milestone_id),
        author_id=UserId(row.author_id), body=row.body,
        mentions=[UserId(u) for u in row.mentions], created_at=row.created_at,
    )


def activity_from(row: ActivityRow) -> Activity:
    return Activity(
        id=row.id, tenant_id=TenantId(row.tenant_id),
        milestone_id=_milestone_id(row.milestone_id), actor_id=_user_id(row.actor_id),
        verb=row.verb, data=dict(row.data), created_at=row.created_at,
    )
