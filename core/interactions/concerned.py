"""Works out who a change concerns, inside the unit of work that records it.

Every platform needs the same answers about a domain event: whose personal view of their
milestones (Slack's App Home, a Teams personal tab) now shows something else, which channel
thread tells the news, and whom the change names. They are decided here, once, when the event
is recorded, so they describe the tree as the change left it (a deleted milestone's thread is
still known), and the outbox hands them to every consumer with the event. No adapter walks the
tree again.
"""

from __future__ import annotations

from core.events import (
    CommentAdded,
    Event,
    MilestoneAssigned,
    MilestoneDeleted,
    WatchersChanged,
)
from core.interactions.audience import Audience, ThreadTarget
from core.model import Milestone, UserId
from core.ports import UnitOfWork

MAX_DEPTH = 64


def named_by(event: Event) -> set[UserId]:
    """The people an event names in its own fields."""
    if isinstance(event, CommentAdded):
        return set(event.mentions)
    if isinstance(event, MilestoneAssigned):
        return {event.owner_id, event.previous_owner_id, *event.contributors}
    if isinstance(event, WatchersChanged):
        return {*event.added, *event.removed}
    return set()


async def audience_of(tx: UnitOfWork, event: Event) -> Audience:
    """Who `event` concerns, read through the unit of work recording it."""
    named = named_by(event)
    people = set(named)
    if event.actor_id is not None:
        people.add(event.actor_id)
    m = await tx.milestones.get(event.milestone_id) if event.milestone_id is not None else None
    if isinstance(event, MilestoneDeleted) or m is None:
        # Gone (or going): its news goes where a milestone under its parent would tell it.
        parent_id = event.parent_id if isinstance(event, MilestoneDeleted) else None
        current = await tx.milestones.get(parent_id) if parent_id is not None else None
    else:
        people |= {m.owner_id, *m.member_ids()}
        current = m
    thread: ThreadTarget | None = None
    for _ in range(MAX_DEPTH):
        if current is None:
            break
        people.add(current.owner_id)
        if thread is None and current.channel:
            thread = _target(current)
        current = await tx.milestones.get(current.parent_id) if current.parent_id else None
    return Audience(people=frozenset(people), named=frozenset(named), thread=thread)


def _target(m: Milestone) -> ThreadTarget:
    assert m.id is not None and m.channel
    return ThreadTarget(channel=m.channel, milestone_id=m.id)
