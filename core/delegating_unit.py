"""A unit of work that is another one, except for what a subclass changes.

Wrappers of the use cases' unit of work (the retry's commit watch, the idempotency claim, the
scoring feed, the lent unit of a form) each change one thing - what `publish`, `commit`,
entering or leaving does - and hand every repository of the inner unit through. They subclass
`DelegatingUnitOfWork`, so a repository added to `core.ports.UnitOfWork` reaches all of them.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from core.events import Event
from core.ports import UnitOfWork

if TYPE_CHECKING:
    from core.access.ports import AccessRepository
    from core.calendar.ports import CalendarRepository
    from core.linking.ports import LinkRepository
    from core.nudges.ports import NudgeRepository
    from core.people.reachability import ReachRecords
    from core.ports import (
        ActivityRepository,
        CommentRepository,
        IdempotencyKeys,
        MilestoneRepository,
        NotificationRepository,
        Outbox,
        ProgressUpdateRepository,
        TenantRepository,
        UserRepository,
    )
    from core.scoring.ports import ForecastRecords
    from core.scoring.recording import ScoringPorts
    from core.webhooks.ports import WebhookEndpointRepository

#: Every repository a unit of work carries, as `core.ports.UnitOfWork` declares them.
REPOSITORIES: tuple[str, ...] = tuple(UnitOfWork.__annotations__)


class DelegatingUnitOfWork:
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

    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner
        for name in REPOSITORIES:
            setattr(self, name, getattr(inner, name))

    async def publish(self, event: Event) -> None:
        await self._inner.publish(event)

    async def commit(self) -> None:
        await self._inner.commit()

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self._inner.__aexit__(exc_type, exc, tb)
