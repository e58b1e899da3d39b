"""Domain events: what happened, in the past tense.

Every event is stored in the same transaction as the change that caused it: once as an entry of
the append-only activity feed, and once per interested consumer in the outbox (calendar sync,
chat threads, deliveries), so side effects outside the database are never lost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from core.model import MilestoneId, TenantId, UserId


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    verb: ClassVar[str] = ""
    tenant_id: TenantId
    milestone_id: MilestoneId | None
    actor_id: UserId | None
    at: datetime
    #: The app the actor acted through (an app token's name), shown as "via <app>".
    via: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneCreated(Event):
    verb: ClassVar[str] = "created"
    number: int
    kind: str
    title: str
    parent_id: MilestoneId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneEdited(Event):
    verb: ClassVar[str] = "edited"
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgressUpdated(Event):
    verb: ClassVar[str] = "progress"
    percent: int
    previous_percent: int
    status: str
    notes: str = ""
    blockers: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentAdded(Event):
    verb: ClassVar[str] = "comment"
    comment_id: int
    excerpt: str
    mentions: tuple[UserId, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneAssigned(Event):
    verb: ClassVar[str] = "assigned"
    owner_id: UserId
    previous_owner_id: UserId
    contributors: tuple[UserId, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WatchersChanged(Event):
    verb: ClassVar[str] = "watchers"
    added: tuple[UserId, ...] = ()
    removed: tuple[UserId, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DueDateChanged(Event):
    verb: ClassVar[str] = "due_moved"
    previous: date | None
    due: date | None
    #: Where the change came from when not typed in Cairn ("Google Calendar").
    source: str = ""
    #: Times of day ("17:00") of timed deadlines, in the owner's time zone; None is all day.
    previous_time: str | None = None
    due_time: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneMoved(Event):
    verb: ClassVar[str] = "moved"
    previous_parent_id: MilestoneId | None
    parent_id: MilestoneId | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CriterionSet(Event):
    verb: ClassVar[str] = "criteria"
    metric: str
    start: float
    target: float
    current: float
    unit: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneCompleted(Event):
    verb: ClassVar[str] = "completed"
    on_time: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneReopened(Event):
    verb: ClassVar[str] = "reopened"


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneCancelled(Event):
    verb: ClassVar[str] = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneDeleted(Event):
    verb: ClassVar[str] = "deleted"
    number: int
    title: str
    #: Where it was, for the thread of the home channel it inherited from above.
    parent_id: MilestoneId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class UserJoined(Event):
    verb: ClassVar[str] = "joined"
    user_id: UserId
    role: str


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleChanged(Event):
    verb: ClassVar[str] = "role"
    user_id: UserId
    role: str
    previous: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanChanged(Event):
    verb: ClassVar[str] = "plan"
    plan: str
    previous: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarSettingsChanged(Event):
    """A workspace's calendar sync changed: every deadline is checked against the calendar."""

    verb: ClassVar[str] = "calendar_settings"
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookAdded(Event):
    """An admin registered a webhook endpoint: it gets a test ping (its address stays out of
    the activity feed, which anyone may read)."""

    verb: ClassVar[str] = "webhook_added"
    endpoint_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneOverdue(Event):
    """An open milestone's due date passed (announced once per due date)."""

    verb: ClassVar[str] = "overdue"
    due: date


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengeFinished(Event):
    """A challenge ended and its results are frozen."""

    verb: ClassVar[str] = "challenge_finished"
    challenge: str
    #: The top of the final standings: (rank, name, points as written).
    podium: tuple[tuple[int, str, str], ...] = ()


EVENT_TYPES: dict[str, type[Event]] = {
    cls.verb: cls
    for cls in (
        MilestoneCreated, MilestoneEdited, ProgressUpdated, CommentAdded, MilestoneAssigned,
        WatchersChanged, DueDateChanged, MilestoneMoved, CriterionSet, MilestoneCompleted,
        MilestoneReopened, MilestoneCancelled, MilestoneDeleted, UserJoined, RoleChanged,
        PlanChanged, CalendarSettingsChanged, WebhookAdded, ChallengeFinished,
        MilestoneOverdue,
    )
}

_ENVELOPE = ("tenant_id", "milestone_id", "actor_id", "at")


def payload(event: Event) -> dict[str, Any]:
    """The event's own fields as JSON-ready data (the envelope is stored in columns)."""
    data: dict[str, Any] = {}
    for f in dataclasses.fields(event):
        if f.name in _ENVELOPE:
            continue
        value = getattr(event, f.name)
        if f.name == "via" and not value:
            continue  # most changes are made in person: no key at all
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    return data


def restore(
    verb: str,
    data: dict[str, Any],
    *,
    tenant_id: TenantId,
    milestone_id: MilestoneId | None,
    actor_id: UserId | None,
    at: datetime,
) -> Event:
    """Rebuilds an event from its stored form; unknown fields from newer versions are ignored."""
    cls = EVENT_TYPES[verb]
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name in _ENVELOPE or f.name not in data:
            continue
        value = data[f.name]
        if f.type in ("date | None", "date") and isinstance(value, str):
            value = date.fromisoformat(value)
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        elif isinstance(value, dict):
            value = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
        kwargs[f.name] = value
    return cls(tenant_id=tenant_id, milestone_id=milestone_id, actor_id=actor_id, at=at, **kwargs)
