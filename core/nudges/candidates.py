"""Who and what the sweep may nudge: people, milestones and teams with their day, loaded in bulk
across tenants, and what a weekly digest is made of."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from core.model import Kind, MilestoneId, Priority, Status, TenantId, UserId
from core.nudges.schedule import Cadence, PersonPolicy, TeamPolicy
from core.nudges.workweek import Workweek

Person = tuple[TenantId, UserId]


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeMilestone:
    """What a nudge shows of a milestone; loaded in bulk across tenants."""

    id: MilestoneId
    tenant_id: TenantId
    number: int
    kind: Kind
    title: str
    owner_id: UserId
    parent_id: MilestoneId | None
    status: Status
    progress: int
    priority: Priority
    due_date: date | None
    created_at: datetime
    last_update_at: datetime | None
    completed_at: datetime | None = None
    channel: str | None = None

    @property
    def ref(self) -> str:
        return f"#{self.number}"

    @property
    def is_open(self) -> bool:
        return not self.status.closed

    @property
    def last_news(self) -> datetime:
        return self.last_update_at or self.created_at


class PersonDay(NamedTuple):
    """A person whose daily moment may fall in the window on their local `day`.

    A named tuple: a sweep makes one per person whose moment is near, tens of thousands.
    People with the same settings share the same `week`, `team` and `own` objects.
    """

    tenant_id: TenantId
    user_id: UserId
    day: date
    week: Workweek
    team: TeamPolicy
    own: PersonPolicy
    #: Owns an open milestone that follows their own cadence and whose requests are not
    #: paused (escalated, and the owner has not acted since); known at least on any day that
    #: may be their check-in day.
    askable: bool = False

    @property
    def cadence(self) -> Cadence:
        return self.own.cadence(self.team.checkin)


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneDay:
    """An open milestone with a cadence of its own that may be due on its owner's `day`."""

    tenant_id: TenantId
    owner_id: UserId
    milestone_id: MilestoneId
    day: date
    week: Workweek
    cadence: Cadence


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamDay:
    """A tenant whose weekly digest may fall in the window on its local `day`."""

    tenant_id: TenantId
    timezone: str
    day: date
    policy: TeamPolicy


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestData:
    """What a channel's weekly digest is made of."""

    milestones: Sequence[NudgeMilestone] = ()
    #: Per milestone: check-ins since the start of the week, and the percent before it.
    moves: Mapping[MilestoneId, tuple[int, int]] = field(default_factory=dict)
    readers: Collection[UserId] = ()
    timezone: str = "UTC"  # the tenant's
