"""Domain records -> the API's JSON models."""

from __future__ import annotations

import base64
import binascii

from api.schemas import (
    ActivityOut,
    CriterionOut,
    MemberOut,
    MilestoneOut,
    NotificationOut,
    PersonOut,
)
from core.history import Activity, Notification
from core.milestones.records import ActivityRecords, MilestoneRecords
from core.model import Milestone, MilestoneId, UserId
from core.tenancy import User


def milestone(m: Milestone, people: dict[UserId, User], numbers: dict[MilestoneId, int]
              ) -> MilestoneOut:
    owner = people.get(m.owner_id)
    c = m.criterion
    return MilestoneOut(
        number=m.number, kind=m.kind, title=m.title, description=m.description,
        status=m.status, progress=m.progress, priority=m.priority,
        owner=owner.handle if owner else None,
        parent=numbers.get(m.parent_id) if m.parent_id is not None else None,
        start_date=m.start_date, due_date=m.due_date,
        due_time=m.due_time.strftime("%H:%M") if m.due_time else None, weight=m.weight,
        tags=list(m.tags), links=list(m.links),
        members=[MemberOut(handle=people[x.user_id].handle, role=x.role)
                 for x in m.members if x.user_id in people],
        criterion=CriterionOut(metric=c.metric, start=c.start, target=c.target,
                               current=c.current, unit=c.unit) if c else None,
        created_at=m.created_at, updated_at=m.updated_at, completed_at=m.completed_at,
        last_update_at=m.last_update_at)


def milestones(records: MilestoneRecords) -> list[MilestoneOut]:
    return [milestone(m, records.people, records.numbers) for m in records.milestones]


def person(user: User) -> PersonOut:
    return PersonOut(handle=user.handle, name=user.display_name, email=user.email,
                     role=user.role, timezone=user.timezone)


def activity(records: ActivityRecords) -> list[ActivityOut]:
    return [_entry(a, records) for a in records.entries]


def _entry(a: Activity, records: ActivityRecords) -> ActivityOut:
    who = records.people.get(a.actor_id) if a.actor_id is not None else None
    return ActivityOut(
        id=a.id or 0, verb=a.verb,
        milestone=records.numbers.get(a.milestone_id) if a.milestone_id is not None else None,
        actor=who.handle if who else None, via=str(a.data["via"]) if a.data.get("via") else None,
        data=dict(a.data), created_at=a.created_at)


def notification(n: Notification, numbers: dict[MilestoneId, int]) -> NotificationOut:
    return NotificationOut(
        id=n.id or 0, kind=n.kind, text=n.text,
        milestone=numbers.get(n.milestone_id) if n.milestone_id is not None else None,
        created_at=n.created_at, read=n.read_at is not None)


def cursor(value: int | None) -> str | None:
    """An opaque cursor for a position (a number or an id)."""
    if value is None:
        return None
    return base64.urlsafe_b64encode(f"c{value}".encode()).decode().rstrip("=")


def position(text: str | None) -> int | None:
    """The position behind a cursor; ValueError for one Cairn did not make."""
    if text is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor from this API") from None
    if not raw.startswith("c") or not raw[1:].isdigit() or len(raw) > 12:
        raise ValueError("not a cursor from this API")
    return int(raw[1:])
