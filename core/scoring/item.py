"""An item as scoring knows it: the facts its events established, folded one event at a time.

The deadline and priority are remembered twice: as they stood at the end of the planning window
(3 days after creation by default) and as they stand now. On time is judged against the planned
deadline unless a later one was approved, so moving a deadline out does not earn on-time points.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from core.model import Kind, MilestoneId, Priority, UserId
from core.scoring.events import (
    ContributorsChanged,
    DeadlineMoved,
    ItemCancelled,
    ItemCreated,
    ItemDone,
    ItemEvent,
    ItemReopened,
    MoveApproved,
    OwnerChanged,
    PriorityChanged,
)
from core.scoring.workdays import Deadline, WorkingCalendar


class ItemState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class Contribution:
    """What an item adds to its owner's score now: points on a local day, and whether it
    counts in the on-time rate (done, in the period, not voided by an anti-gaming rule)."""

    person: UserId
    day: date
    points: Decimal
    judged: bool
    on_time: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemRecord:
    item: MilestoneId
    number: int
    title: str
    kind: Kind
    owner: UserId
    calendar: WorkingCalendar
    created_at: datetime
    planned_priority: Priority
    priority: Priority
    planned: Deadline | None  # as it stood at the end of the planning window
    deadline: Deadline | None  # as it stands now
    approved: Deadline | None = None  # the latest deadline the parent's owner approved
    contributors: tuple[UserId, ...] = ()
    state: ItemState = ItemState.OPEN
    closed_at: datetime | None = None
    closed_by: UserId | None = None
    #: What the ledger counts for it now; set by the ledger, never by `advance`.
    contribution: Contribution | None = None

    @property
    def ref(self) -> str:
        return f"#{self.number}"


def advance(record: ItemRecord | None, event: ItemEvent, *, planning_days: int
            ) -> ItemRecord | None:
    """The record after one event. Events of an unknown item are ignored, and so are repeats
    (a second `done` of a done item): a retried event changes nothing twice."""
    if isinstance(event, ItemCreated):
        return record if record is not None else _created(event)
    if record is None:
        return None
    planning = event.at <= record.created_at + timedelta(days=planning_days)
    change = dataclasses.replace
    if isinstance(event, DeadlineMoved):
        if planning:
            return change(record, deadline=event.deadline, planned=event.deadline)
        return change(record, deadline=event.deadline)
    if isinstance(event, MoveApproved):
        # An approval names the deadline it saw; one that has moved since is not approved.
        return change(record, approved=event.deadline) if event.deadline == record.deadline \
            else record
    if isinstance(event, PriorityChanged):
        if planning:
            return change(record, priority=event.priority, planned_priority=event.priority)
        return change(record, priority=event.priority)
    if isinstance(event, OwnerChanged):
        return change(record, owner=event.owner, calendar=event.calendar)
    if isinstance(event, ContributorsChanged):
        return change(record, contributors=event.contributors)
    if isinstance(event, ItemDone):
        if record.state == ItemState.DONE:
            return record
        return change(record, state=ItemState.DONE, closed_at=event.at, closed_by=event.by)
    if isinstance(event, ItemReopened):
        if record.state == ItemState.OPEN:
            return record
        return change(record, state=ItemState.OPEN, closed_at=None, closed_by=None)
    if isinstance(event, ItemCancelled):
        if record.state == ItemState.CANCELLED:
            return record
        return change(record, state=ItemState.CANCELLED, closed_at=event.at, closed_by=event.by)
    return record


def _created(event: ItemCreated) -> ItemRecord:
    return ItemRecord(
        item=event.item, number=event.number, title=event.title, kind=event.kind,
        owner=event.owner, calendar=event.calendar, created_at=event.at,
        planned_priority=event.priority, priority=event.priority,
        planned=event.deadline, deadline=event.deadline, contributors=event.contributors,
    )
