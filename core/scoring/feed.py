"""Scoring fed by the domain's own events, in the unit of work that publishes them.

Every unit of work calls `score` from its `publish` (storage's, and the tests' fake): whatever
made the change (a chat command, a form, the REST API, a move in Google Calendar, the demo),
when a milestone's creation, close, reopen, cancel, deletion, new due date, priority or owner
is published, the matching scoring event is logged and every active challenge's ledger moves,
in the same transaction. A rolled-back change leaves no points behind; a retried one
(idempotency key) publishes nothing twice, and a repeated close is a no-op for the ledger.
"""

from __future__ import annotations

from datetime import time

from core import events as domain
from core.model import MemberRole, Milestone, Priority, UserId
from core.ports import UnitOfWork
from core.scoring import recording
from core.scoring.achievements import Award
from core.scoring.events import (
    ContributorsChanged,
    DeadlineMoved,
    ItemCancelled,
    ItemCreated,
    ItemDone,
    ItemReopened,
    OwnerChanged,
    PriorityChanged,
    ScoringEvent,
)
from core.scoring.workdays import Deadline, WorkingCalendar
from core.tenancy import User


def calendar_of(user: User | None) -> WorkingCalendar:
    if user is None:
        return WorkingCalendar()
    return WorkingCalendar(user.timezone, tuple(user.working_days))


def deadline_of(m: Milestone) -> Deadline | None:
    return Deadline(m.due_date, m.due_time) if m.due_date is not None else None


def item_created(m: Milestone, owner: User | None) -> ItemCreated:
    assert m.id is not None
    return ItemCreated(at=m.created_at, item=m.id, number=m.number, title=m.title, kind=m.kind,
                       owner=m.owner_id, calendar=calendar_of(owner), priority=m.priority,
                       deadline=deadline_of(m),
                       contributors=tuple(sorted(m.member_ids(MemberRole.CONTRIBUTOR))))


async def scoring_events(tx: UnitOfWork, event: domain.Event) -> list[ScoringEvent]:
    """What a domain event means for scores (nothing, for most)."""
    item, at, by = event.milestone_id, event.at, event.actor_id
    if item is None:
        return []
    if isinstance(event, domain.MilestoneCreated):
        m = await tx.milestones.get(item)
        return [item_created(m, await tx.users.get(m.owner_id))] if m is not None else []
    if isinstance(event, domain.DueDateChanged):
        at_time = time.fromisoformat(event.due_time) if event.due_time else None
        return [DeadlineMoved(at=at, item=item, deadline=Deadline(event.due, at_time)
                              if event.due is not None else None)]
    if isinstance(event, domain.MilestoneEdited) and "priority" in event.changes:
        return [PriorityChanged(at=at, item=item,
                                priority=Priority(event.changes["priority"][1]))]
    if isinstance(event, domain.MilestoneAssigned):
        found: list[ScoringEvent] = []
        if event.owner_id != event.previous_owner_id:
            owner = await tx.users.get(event.owner_id)
            found.append(OwnerChanged(at=at, item=item, owner=event.owner_id,
                                      calendar=calendar_of(owner)))
        found.append(ContributorsChanged(at=at, item=item,
                                         contributors=tuple(sorted(event.contributors))))
        return found
    actor = by if by is not None else UserId(0)
    if isinstance(event, domain.MilestoneCompleted):
        return [ItemDone(at=at, item=item, by=actor)]
    if isinstance(event, domain.MilestoneReopened):
        return [ItemReopened(at=at, item=item, by=actor)]
    if isinstance(event, domain.MilestoneCancelled | domain.MilestoneDeleted):
        return [ItemCancelled(at=at, item=item, by=actor)]
    return []


async def score(tx: UnitOfWork, event: domain.Event) -> list[Award]:
    """Scores a domain event inside `tx`, and tells each person of a badge they earned."""
    awards: list[Award] = []
    for scoring_event in await scoring_events(tx, event):
        awards += await recording.record(tx.scoring, scoring_event)
    await announce(tx, awards)
    return awards


async def announce(tx: UnitOfWork, awards: list[Award]) -> None:
    """Each new badge is announced to the person, and in its challenge's channel, once: queued
    here, in the transaction that awards it, and sent by the nudge delivery."""
    if awards:
        await tx.scoring.announcements.queue(awards)
