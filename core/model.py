"""Entities and value objects of Cairn's domain: ids, milestones, their members and criteria.

Tenants and people are in `core.tenancy`, what happened to milestones in `core.history`, the
limits of typed fields in `core.field_checks`.

Everything here is plain data plus the rules that keep it consistent. Persistence, platforms and
the clock live elsewhere: methods that need the time take it as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import NewType

from core.errors import InvalidInput
from core.field_checks import check_percent

TenantId = NewType("TenantId", int)
UserId = NewType("UserId", int)
MilestoneId = NewType("MilestoneId", int)


class Kind(StrEnum):
    GOAL = "goal"
    MILESTONE = "milestone"
    TASK = "task"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Status(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def closed(self) -> bool:
        return self in (Status.DONE, Status.CANCELLED)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def troubled(self) -> bool:
        return self in (Status.AT_RISK, Status.OFF_TRACK, Status.BLOCKED)


#: Statuses a person may set with an update; done and cancelled have their own verbs.
REPORTABLE_STATUSES = (
    Status.NOT_STARTED,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.BLOCKED,
)


class MemberRole(StrEnum):
    CONTRIBUTOR = "contributor"
    WATCHER = "watcher"


@dataclass(slots=True, kw_only=True)
class SuccessCriterion:
    """A measurable result, like a key result: it drives the progress of a leaf."""

    metric: str
    start: float
    target: float
    current: float
    unit: str = ""

    def __post_init__(self) -> None:
        if self.start == self.target:
            raise InvalidInput(
                "criteria",
                "the start and the target of a success criterion must differ",
                hint='criteria #N "ARR" 1.2 -> 1.5 MUSD',
            )

    @property
    def percent(self) -> int:
        share = (self.current - self.start) / (self.target - self.start)
        return max(0, min(100, round(share * 100)))


@dataclass(frozen=True, slots=True)
class Member:
    user_id: UserId
    role: MemberRole


@dataclass(slots=True, kw_only=True)
class Milestone:
    id: MilestoneId | None = None
    tenant_id: TenantId
    number: int = 0
    kind: Kind = Kind.MILESTONE
    title: str
    description: str = ""
    owner_id: UserId
    parent_id: MilestoneId | None = None
    start_date: date | None = None
    due_date: date | None = None
    #: A deadline at a time of day, in the owner's time zone; None is all day (the default).
    due_time: time | None = None
    priority: Priority = Priority.MEDIUM
    status: Status = Status.NOT_STARTED
    progress: int = 0
    weight: int = 1
    criterion: SuccessCriterion | None = None
    members: list[Member] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    channel: str | None = None
    created_by: UserId
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    last_update_at: datetime | None = None

    @property
    def ref(self) -> str:
        return f"#{self.number}"

    @property
    def is_open(self) -> bool:
        return not self.status.closed

    def member_ids(self, *roles: MemberRole) -> set[UserId]:
        return {m.user_id for m in self.members if not roles or m.role in roles}

    def involves(self, user_id: UserId) -> bool:
        return user_id == self.owner_id or user_id in self.member_ids()

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today

    def add_member(self, user_id: UserId, role: MemberRole) -> bool:
        """Adds or promotes a member; watchers become contributors, never the reverse."""
        if user_id == self.owner_id:
            return False
        current = next((m for m in self.members if m.user_id == user_id), None)
        if current is not None:
            if current.role == role or role == MemberRole.WATCHER:
                return False
            self.members.remove(current)
        self.members.append(Member(user_id, role))
        return True

    def remove_member(self, user_id: UserId) -> bool:
        before = len(self.members)
        self.members = [m for m in self.members if m.user_id != user_id]
        return len(self.members) != before

    def record_progress(self, percent: int, status: Status | None, at: datetime) -> None:
        check_percent(percent, self.ref)
        self.progress = percent
        if status is not None:
            self.status = status
        elif self.status == Status.NOT_STARTED and percent > 0:
            self.status = Status.ON_TRACK
        self.last_update_at = at
        self.updated_at = at

    def complete(self, at: datetime) -> None:
        self.status = Status.DONE
        self.progress = 100
        self.completed_at = at
        self.last_update_at = at
        self.updated_at = at

    def cancel(self, at: datetime) -> None:
        self.status = Status.CANCELLED
        self.completed_at = at
        self.updated_at = at

    def reopen(self, progress: int, at: datetime) -> None:
        self.progress = progress
        self.status = Status.ON_TRACK if progress > 0 else Status.NOT_STARTED
        self.completed_at = None
        self.updated_at = at
