"""Rows of the nudges' queries to the core's values: settings, milestones, deliveries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.models import Model

from core.model import Kind, MilestoneId, Priority, Status, TenantId, UserId
from core.nudges.candidates import NudgeMilestone
from core.nudges.deliveries import Nudge, NudgeKey, NudgeStatus
from core.nudges.schedule import Cadence, NudgeKind, PersonPolicy, TeamPolicy, WeeklySlot
from core.nudges.workweek import Workweek
from storage.nudges.sql import from_json, maybe_day, maybe_moment, moment


def getter(row: Any) -> Any:
    """Column access for a dict, a driver's record (asyncpg, sqlite3) or an ORM row alike."""
    return (lambda k: getattr(row, k)) if isinstance(row, Model) else row.__getitem__


def team_from(row: Any) -> TeamPolicy:
    if row is None:
        return TeamPolicy()
    get = getter(row)
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


def person_from(row: Any, prefix: str = "") -> PersonPolicy:
    if row is None:
        return PersonPolicy()
    get = getter(row)
    return PersonPolicy(weekday=get(prefix + "weekday"), minute=get(prefix + "minute"),
                        every_weeks=get(prefix + "every_weeks"),
                        anchor_week=get(prefix + "anchor_week"))


def week_from(row: Any) -> Workweek:
    days = from_json(row["working_days"]) or [0, 1, 2, 3, 4]
    ends = row["work_ends_min"]
    return Workweek(row["timezone"], frozenset(days), row["work_starts_min"],
                    24 * 60 if ends >= 24 * 60 - 1 else ends)


def milestone_from(row: Mapping[str, Any]) -> NudgeMilestone:
    return NudgeMilestone(
        id=MilestoneId(row["id"]), tenant_id=TenantId(row["tenant_id"]), number=row["number"],
        kind=Kind(row["kind"]), title=row["title"], owner_id=UserId(row["owner_id"]),
        parent_id=MilestoneId(row["parent_id"]) if row["parent_id"] is not None else None,
        status=Status(row["status"]), progress=row["progress"],
        priority=Priority(row["priority"]), due_date=maybe_day(row["due_date"]),
        created_at=moment(row["created_at"]), last_update_at=maybe_moment(row["last_update_at"]),
        completed_at=maybe_moment(row["completed_at"]), channel=row["channel"])


def nudge_from(row: Mapping[str, Any]) -> Nudge:
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


def key_from(row: Mapping[str, Any]) -> NudgeKey:
    return (row["tenant_id"], row["user_id"], row["channel"], row["kind"], row["milestone_id"],
            row["period"])


