"""What the core needs from the outside world, as Protocols named by role.

Implementations are named by technology and role (`TortoiseUnitOfWork`), fakes by `Fake...` /
`InMemory...`. A unit of work is opened per use case call and scoped to one tenant: every
repository it hands out only ever sees that tenant's rows.

Features declare their own ports in their package (`core.calendar.ports`, `core.nudges.ports`,
`core.access.ports`, ...); the unit of work below hands them out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from core.access.ports import AccessRepository
from core.calendar.ports import CalendarRepository
from core.events import Event
from core.history import Activity, Comment, Notification, ProgressUpdate
from core.interactions.audience import Audience
from core.linking.ports import LinkRepository
from core.model import Kind, Milestone, MilestoneId, Status, TenantId, UserId
from core.nudges.ports import NudgeRepository
from core.people.reachability import ReachRecords
from core.scoring.ports import ForecastRecords
from core.scoring.recording import ScoringPorts
from core.tenancy import Tenant, User
from core.webhooks.ports import WebhookEndpointRepository


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneFilter:
    """A query over one tenant's milestones; every condition given must hold."""

    ids: Collection[MilestoneId] | None = None
    owner_id: UserId | None = None
    involving: UserId | None = None
    parent_id: MilestoneId | None = None
    open_only: bool = True
    due_before: date | None = None
    statuses: Collection[Status] | None = None
    stale_before: datetime | None = None
    due_after: date | None = None
    kinds: Collection[Kind] | None = None
    #: Carrying this tag (any case); every word of `text` in the title or description.
    tag: str | None = None
    text: str | None = None
    #: Only numbers above this one (cursor pagination; results are in number order).
    after_number: int | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RollupNode:
    """A milestone on the way up from a change, with the sums of its children that count."""

    id: MilestoneId
    parent_id: MilestoneId | None
    progress: int
    weight: int
    status: Status
    children_weighted: int  # sum of progress x weight over non-cancelled children
    children_weight: int  # sum of their weights


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxMessage:
    id: int
    tenant_id: TenantId
    consumer: str
    event: Event
    attempts: int
    #: Who the change concerns, worked out when it was recorded (`core.interactions.concerned`);
    #: None for a consumer that did not ask for it (see `UnitOfWorkFactory`).
    audience: Audience | None = None


def by_milestone(messages: Sequence[OutboxMessage]
                 ) -> dict[tuple[TenantId, MilestoneId | None], list[OutboxMessage]]:
    """Outbox messages grouped by the milestone they are about, in order (a thread's posts)."""
    groups: dict[tuple[TenantId, MilestoneId | None], list[OutboxMessage]] = {}
    for message in messages:
        groups.setdefault((message.tenant_id, message.event.milestone_id), []).append(message)
    return groups


class TenantRepository(Protocol):
    async def get(self, tenant_id: TenantId) -> Tenant | None: ...
    async def by_slug(self, slug: str) -> Tenant | None: ...
    async def add(self, tenant: Tenant) -> Tenant: ...
    async def save(self, tenant: Tenant) -> None: ...
    async def next_number(self, tenant_id: TenantId) -> int:
        """Hands out the next short number (`#12`) of the tenant; never the same one twice."""
        ...


class UserRepository(Protocol):
    async def get(self, user_id: UserId) -> User | None: ...
    async def get_many(self, user_ids: Collection[UserId]) -> dict[UserId, User]: ...
    async def by_handle(self, handle: str) -> User | None: ...
    async def by_identity(self, key: str) -> User | None:
        """The user linked to a platform identity such as `slack:T1:U9`."""
        ...
    async def link_identity(self, user_id: UserId, key: str) -> None: ...
    async def all(self) -> list[User]: ...
    async def count(self) -> int: ...
    async def add(self, user: User) -> User: ...
    async def save(self, user: User) -> None: ...


class MilestoneRepository(Protocol):
    async def get(self, milestone_id: MilestoneId, *, lock: bool = False) -> Milestone | None:
        """With `lock`, the row stays locked until the unit of work ends."""
        ...
    async def by_number(self, number: int, *, lock: bool = False) -> Milestone | None: ...
    async def add(self, milestone: Milestone) -> Milestone: ...
    async def save(self, milestone: Milestone) -> None: ...
    async def ancestry(self, milestone_id: MilestoneId) -> list[RollupNode]:
        """The milestone and every milestone above it, nearest first, each with its children's
        sums. Locks them all first, in a fixed order, until the unit of work ends, and only
        then sums the children: two roll-ups in one tree queue instead of racing, and the second
        sees what the first committed. Empty when the milestone is not in this tenant."""
        ...
    async def write_rollups(self, changes: Mapping[MilestoneId, tuple[int, Status]],
                            at: datetime) -> None:
        """Sets (progress, status) of each, stamped as updated at `at`, in one write."""
        ...
    async def delete(self, milestone_id: MilestoneId) -> None: ...
    async def find(self, query: MilestoneFilter) -> list[Milestone]: ...
    async def count_active(self) -> int: ...
    async def descendant_ids(self, milestone_id: MilestoneId) -> list[MilestoneId]:
        """Every milestone below this one, at any depth (not itself)."""
        ...
    async def children_rollup(self, parent_id: MilestoneId) -> tuple[int, int] | None:
        """(sum of progress x weight, sum of weights) over the non-cancelled children."""
        ...


class ProgressUpdateRepository(Protocol):
    async def add(self, update: ProgressUpdate) -> ProgressUpdate: ...
    async def recent(self, milestone_id: MilestoneId, limit: int) -> list[ProgressUpdate]:
        """Newest first."""
        ...
    async def history(
        self, milestone_ids: Collection[MilestoneId], since: datetime
    ) -> dict[MilestoneId, list[ProgressUpdate]]:
        """Every update since a moment, oldest first: forecasts use those with a percent, a
        card the latest."""
        ...


class CommentRepository(Protocol):
    async def add(self, comment: Comment) -> Comment: ...
    async def recent(self, milestone_id: MilestoneId, limit: int) -> list[Comment]: ...


class ActivityRepository(Protocol):
    async def recent(
        self, *, milestone_id: MilestoneId | None = None, limit: int = 20,
        before_id: int | None = None,
    ) -> list[Activity]:
        """Newest first; the whole tenant's feed when no milestone is given; only entries
        older than `before_id` when given (cursor pagination)."""
        ...


class NotificationRepository(Protocol):
    async def add(self, notification: Notification) -> Notification: ...
    async def for_user(
        self, user_id: UserId, *, limit: int = 20, unread_only: bool = False
    ) -> list[Notification]: ...
    async def unread_count(self, user_id: UserId) -> int: ...
    async def mark_read(self, user_id: UserId, at: datetime) -> int: ...


class Outbox(Protocol):
    """Events waiting for a consumer outside the database (calendar, chat threads, delivery)."""

    async def claim(self, consumer: str, *, now: datetime, limit: int) -> list[OutboxMessage]:
        """Takes due messages for one consumer so no other worker takes them meanwhile."""
        ...
    async def done(self, message_ids: Sequence[int]) -> None: ...
    async def retry(self, message_id: int, *, at: datetime, error: str) -> None: ...


class IdempotencyKeys(Protocol):
    """Requests already carried out, per tenant: a key is claimed inside the unit of work of
    the change it guards, so the claim and the change commit together or not at all."""

    async def claim(self, key: str, *, command: str, at: datetime) -> bool:
        """True for the first claim of `key` in this tenant; False when a committed unit of work
        claimed it before (on PostgreSQL a concurrent claim waits for the other's outcome)."""
        ...

    async def claimed(self, key: str) -> str | None:
        """The command that claimed `key`, if one committed; None otherwise."""
        ...

    async def forget(self, *, before: datetime) -> int:
        """Drops claims older than `before` (any tenant); how many."""
        ...


class UnitOfWork(Protocol):
    tenants: TenantRepository
    users: UserRepository
    milestones: MilestoneRepository
    updates: ProgressUpdateRepository
    comments: CommentRepository
    activity: ActivityRepository
    notifications: NotificationRepository
    outbox: Outbox
    calendar: CalendarRepository
    nudges: NudgeRepository
    scoring: ScoringPorts
    forecasts: ForecastRecords
    access: AccessRepository
    webhooks: WebhookEndpointRepository
    idempotency: IdempotencyKeys
    links: LinkRepository
    reach: ReachRecords

    async def publish(self, event: Event) -> None:
        """Records an event in the activity feed and the outbox of every consumer of it."""
        ...

    async def commit(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Rolls back whatever was not committed."""
        ...


class TenantVersions(Protocol):
    async def current(self, tenant_id: TenantId) -> int:
        """A number that changes whenever a unit of work of the tenant commits (any instance)."""
        ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, tenant_id: TenantId | None = None) -> UnitOfWork:
        """A new unit of work; scoped repositories need a tenant."""
        ...
