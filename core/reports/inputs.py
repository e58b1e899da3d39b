"""What reports read: milestones, check-ins and check-in requests as plain rows, and the scope
they are read over. Storage streams these through `core.reports.ports.ReportSource`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.model import Kind, Milestone, MilestoneId, Priority, Status


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportMilestone:
    """A milestone as reports see it: its own fields plus the handle and number they show."""

    id: MilestoneId
    number: int
    kind: Kind
    title: str
    parent_id: MilestoneId | None = None
    parent_number: int | None = None
    owner: str  # handle, without the @
    status: Status
    progress: int
    priority: Priority = Priority.MEDIUM
    weight: int = 1
    tags: tuple[str, ...] = ()
    start_date: date | None = None
    due_date: date | None = None
    created_at: datetime
    completed_at: datetime | None = None  # done or cancelled at
    last_update_at: datetime | None = None

    @classmethod
    def of(cls, milestone: Milestone, *, owner: str, parent_number: int | None) -> ReportMilestone:
        if milestone.id is None:
            raise ValueError("a milestone is reported once it is stored")
        return cls(
            id=milestone.id, number=milestone.number, kind=milestone.kind,
            title=milestone.title, parent_id=milestone.parent_id, parent_number=parent_number,
            owner=owner, status=milestone.status, progress=milestone.progress,
            priority=milestone.priority, weight=milestone.weight, tags=tuple(milestone.tags),
            start_date=milestone.start_date, due_date=milestone.due_date,
            created_at=milestone.created_at, completed_at=milestone.completed_at,
            last_update_at=milestone.last_update_at,
        )

    @property
    def ref(self) -> str:
        return f"#{self.number}"

    @property
    def done(self) -> bool:
        return self.status == Status.DONE

    @property
    def cancelled(self) -> bool:
        return self.status == Status.CANCELLED

    def exists_at(self, moment: datetime) -> bool:
        return self.created_at <= moment

    def open_at(self, moment: datetime) -> bool:
        """Created by then and not yet done or cancelled."""
        if not self.exists_at(moment):
            return False
        closed_at = self.completed_at if self.status.closed else None
        return closed_at is None or closed_at > moment


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportUpdate:
    """A check-in: a percent (or only a status), by someone, at a moment."""

    milestone_id: MilestoneId
    author: str  # handle, without the @
    at: datetime
    percent: int | None
    status: Status
    notes: str = ""
    blockers: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckinRequest:
    """A check-in request sent to a person, and when they answered it (if they did)."""

    person: str  # handle, without the @
    asked_at: datetime
    answered_at: datetime | None = None

    @property
    def latency(self) -> timedelta | None:
        if self.answered_at is None:
            return None
        return max(timedelta(0), self.answered_at - self.asked_at)


@dataclass(frozen=True, slots=True)
class SubtreeScope:
    """A milestone and everything below it."""

    number: int

    @property
    def label(self) -> str:
        return f"#{self.number}"


@dataclass(frozen=True, slots=True)
class PersonScope:
    """What one person owns."""

    handle: str

    @property
    def label(self) -> str:
        return f"@{self.handle}"


@dataclass(frozen=True, slots=True)
class TeamScope:
    """What the members of a team own: its name, and its members' handles (read from the
    scoring package's teams when the scope was resolved)."""

    name: str
    members: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"Team {self.name}"


@dataclass(frozen=True, slots=True)
class CompanyScope:
    """Everything of the tenant."""

    @property
    def label(self) -> str:
        return "Company"


Scope = SubtreeScope | PersonScope | TeamScope | CompanyScope
