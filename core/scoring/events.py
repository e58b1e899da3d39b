"""What scoring hears about: the domain events that change a score, in the past tense.

Each carries the facts scoring needs at the moment it happened (the owner's zone and working
days, the deadline as it was set), so a score never depends on reading today's state of a
milestone: replaying the same events always gives the same scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from core.errors import InvalidInput
from core.model import Kind, MilestoneId, Priority, UserId
from core.scoring.workdays import Deadline, WorkingCalendar


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoringEvent:
    at: datetime  # timezone-aware


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemEvent(ScoringEvent):
    item: MilestoneId


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemCreated(ItemEvent):
    number: int
    title: str
    kind: Kind = Kind.MILESTONE
    owner: UserId
    calendar: WorkingCalendar  # the owner's
    priority: Priority = Priority.MEDIUM
    deadline: Deadline | None = None
    contributors: tuple[UserId, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DeadlineMoved(ItemEvent):
    deadline: Deadline | None


@dataclass(frozen=True, slots=True, kw_only=True)
class MoveApproved(ItemEvent):
    """The owner of the parent accepted the deadline as it now stands (`approve #N`)."""

    deadline: Deadline
    by: UserId


@dataclass(frozen=True, slots=True, kw_only=True)
class PriorityChanged(ItemEvent):
    priority: Priority


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnerChanged(ItemEvent):
    owner: UserId
    calendar: WorkingCalendar


@dataclass(frozen=True, slots=True, kw_only=True)
class ContributorsChanged(ItemEvent):
    contributors: tuple[UserId, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemDone(ItemEvent):
    by: UserId


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemReopened(ItemEvent):
    by: UserId


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemCancelled(ItemEvent):
    by: UserId


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckInCycleEnded(ScoringEvent):
    """A person's check-in cycle is over: how many requests it had, how many were answered
    before their deadline. Both days included, in the person's own calendar."""

    person: UserId
    starts: date
    ends: date
    requested: int
    answered_on_time: int

    def __post_init__(self) -> None:
        if self.ends < self.starts or not 0 <= self.answered_on_time <= self.requested:
            raise InvalidInput("cycle", "a check-in cycle ends after it starts and answers at "
                               "most what it asked")

    @property
    def kept(self) -> bool:
        return self.requested > 0 and self.answered_on_time == self.requested


@dataclass(frozen=True, slots=True, kw_only=True)
class VacationRecorded(ScoringEvent):
    """Both days included, in the person's own calendar."""

    person: UserId
    starts: date
    ends: date

    def __post_init__(self) -> None:
        if self.ends < self.starts:
            raise InvalidInput("vacation", "a vacation ends after it starts",
                               hint="remind vacation 2026-12-21 2027-01-03")

