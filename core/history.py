"""What happened to milestones: progress updates, comments, notifications and the activity log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.model import MilestoneId, Status, TenantId, UserId


@dataclass(slots=True, kw_only=True)
class ProgressUpdate:
    """A check-in: what moved, how it feels, what is in the way."""

    id: int | None = None
    tenant_id: TenantId
    milestone_id: MilestoneId
    author_id: UserId
    percent: int | None
    status: Status
    notes: str = ""
    blockers: str = ""
    created_at: datetime


@dataclass(slots=True, kw_only=True)
class Comment:
    id: int | None = None
    tenant_id: TenantId
    milestone_id: MilestoneId
    author_id: UserId
    body: str
    mentions: list[UserId] = field(default_factory=list)
    created_at: datetime


@dataclass(slots=True, kw_only=True)
class Notification:
    id: int | None = None
    tenant_id: TenantId
    user_id: UserId
    kind: str
    text: str
    milestone_id: MilestoneId | None = None
    actor_id: UserId | None = None
    created_at: datetime
    read_at: datetime | None = None

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(slots=True, kw_only=True)
class Activity:
    """One entry of the append-only feed: a domain event as it was recorded."""

    id: int | None = None
    tenant_id: TenantId
    milestone_id: MilestoneId | None
    actor_id: UserId | None
    verb: str
    data: dict[str, object]
    created_at: datetime
