"""What the core needs from the outside world, as Protocols named by role.

Implementations are named by technology and role (`TortoiseUnitOfWork`), fakes by `Fake...` /
`InMemory...`. A unit of work is opened per use case call and scoped to one tenant: every
repository it hands out only ever sees that tenant's rows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from core.events import Event
from core.model import (
    Activity,
    Comment,
    Milestone,
    MilestoneId,
    Notification,
    ProgressUpdate,
    Status,
    Tenant,
    TenantId,
    User,
    UserId,
)
from core.nudge_ports import Notifier as Notifier  # re-exported: the ports live here
from core.nudge_ports import NudgeRepository as NudgeRepository


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
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class RollupStep:
    parent_id: MilestoneId | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OutboxMessage:
    id: int
    tenant_id: TenantId
    consumer: str
    event: Event
    attempts: int


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
    async def lock_ancestors(self, milestone_id: MilestoneId) -> None:
        """Locks the milestone and every milestone above it, in one go and in a fixed order,
        until the unit of work ends (so two roll-ups of one tree queue instead of racing)."""
        ...
    async def roll_up(self, milestone_id: MilestoneId, at: datetime) -> RollupStep | None:
        """Applies `core.rollup.rolled_up` to one parent (locked by `lock_ancestors`); a parent
        that changes is stamped as updated at `at`.

        Returns where the walk goes on (its own parent) when the parent changed; None when it
        did not change, is done, has nothing to count, or is not in this tenant.
        """
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
        """Updates with a percent since a moment, oldest first, for forecasts."""
        ...


class CommentRepository(Protocol):
    async def add(self, comment: Comment) -> Comment: ...
    async def recent(self, milestone_id: MilestoneId, limit: int) -> list[Comment]: ...


class ActivityRepository(Protocol):
    async def recent(
        self, *, milestone_id: MilestoneId | None = None, limit: int = 20
    ) -> list[Activity]:
        """Newest first; the whole tenant's feed when no milestone is given."""
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


class UnitOfWork(Protocol):
    tenants: TenantRepository
    users: UserRepository
    milestones: MilestoneRepository
    updates: ProgressUpdateRepository
    comments: CommentRepository
    activity: ActivityRepository
    notifications: NotificationRepository
    outbox: Outbox
    nudges: NudgeRepository

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


class UnitOfWorkFactory(Protocol):
    def __call__(self, tenant_id: TenantId | None = None) -> UnitOfWork:
        """A new unit of work; scoped repositories need a tenant."""
        ...
