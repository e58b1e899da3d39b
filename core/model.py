"""Entities and value objects of Cairn's domain.

Everything here is plain data plus the rules that keep it consistent. Persistence, platforms and
the clock live elsewhere: methods that need the time take it as an argument.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import NewType

from core.errors import InvalidInput

TenantId = NewType("TenantId", int)
UserId = NewType("UserId", int)
MilestoneId = NewType("MilestoneId", int)

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
NOTE_MAX = 2000
TAG_MAX = 40
LINK_MAX = 500
TAGS_MAX = 20
LINKS_MAX = 20


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


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class MemberRole(StrEnum):
    CONTRIBUTOR = "contributor"
    WATCHER = "watcher"


class Plan(StrEnum):
    FREE = "free"
    STARTER = "starter"
    PROFESSIONAL = "professional"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True, slots=True)
class PlanLimits:
    users: int | None
    active_milestones: int | None


PLAN_LIMITS: dict[Plan, PlanLimits] = {
    Plan.FREE: PlanLimits(users=3, active_milestones=10),
    Plan.STARTER: PlanLimits(users=5, active_milestones=20),
    Plan.PROFESSIONAL: PlanLimits(users=25, active_milestones=None),
    Plan.ENTERPRISE: PlanLimits(users=None, active_milestones=None),
}


@dataclass(slots=True, kw_only=True)
class Tenant:
    id: TenantId | None = None
    slug: str
    name: str
    plan: Plan = Plan.FREE
    timezone: str = "UTC"
    created_at: datetime

    @property
    def limits(self) -> PlanLimits:
        return PLAN_LIMITS[self.plan]


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(slots=True, kw_only=True)
class User:
    id: UserId | None = None
    tenant_id: TenantId
    handle: str
    display_name: str
    email: str = ""
    timezone: str = "UTC"
    role: Role = Role.MEMBER
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    work_starts: time = time(9, 0)
    work_ends: time = time(18, 0)
    created_at: datetime

    @property
    def mention(self) -> str:
        return f"@{self.handle}"


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


def check_percent(percent: int, ref: str = "#N") -> None:
    if not 0 <= percent <= 100:
        raise InvalidInput(
            "percent", f"progress must be between 0% and 100%, not {percent}%",
            hint=f"update {ref} 60% on track",
        )


def check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("title", "a title is needed", hint='milestone "Launch beta" due:friday')
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            "title",
            f"the title is {len(title):,} characters long; keep it under {TITLE_MAX}",
            hint="put the details in the description: desc:\"...\"",
        )
    return title


#: Fields named in the plural: "the notes are …", not "the notes is …".
PLURAL_FIELDS = frozenset({"notes", "blockers"})


def check_text(field_name: str, text: str, limit: int, hint: str = "") -> str:
    text = text.strip()
    if len(text) > limit:
        verb, them = ("are", "them") if field_name in PLURAL_FIELDS else ("is", "it")
        raise InvalidInput(
            field_name,
            f"the {field_name} {verb} {len(text):,} characters long; keep {them} under {limit:,}",
            hint=hint,
        )
    return text


def check_tags(tags: Iterable[str]) -> list[str]:
    """Tags as given, without repeats; too many or too long is refused, never cut short."""
    unique = list(dict.fromkeys(tags))
    if len(unique) > TAGS_MAX:
        raise InvalidInput("tags", f"that is {len(unique):,} tags; a milestone takes up to "
                           f"{TAGS_MAX}", hint="tags:launch,beta,q1")
    for tag in unique:
        if len(tag) > TAG_MAX:
            raise InvalidInput("tags", f"the tag “{tag[:20]}…” is {len(tag):,} characters long; "
                               f"keep tags under {TAG_MAX}", hint="tags:launch,beta,q1")
    return unique


def check_links(links: Iterable[str]) -> list[str]:
    """Links as given, without repeats; too many or too long is refused, never cut short."""
    unique = list(dict.fromkeys(links))
    if len(unique) > LINKS_MAX:
        raise InvalidInput("links", f"that makes {len(unique):,} links; a milestone keeps up to "
                           f"{LINKS_MAX}", hint="put a list of links in one document")
    for link in unique:
        if len(link) > LINK_MAX:
            raise InvalidInput("links", f"a link of {len(link):,} characters is too long; the "
                               f"most is {LINK_MAX}", hint="link:https://example.com/spec")
    return unique


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
