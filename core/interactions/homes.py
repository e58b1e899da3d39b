"""Where a milestone's news goes: its home channel, or, without one, its nearest ancestor's.

Decided here, once, so every platform posts a task's updates in its goal's channel (in the
thread of the goal's card) without working the tree out itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.model import Milestone, MilestoneId
from core.ports import UnitOfWork
from core.use_case import MAX_DEPTH


@dataclass(frozen=True, slots=True)
class Home:
    channel: str
    #: The milestone whose card heads the thread: the milestone itself, or the ancestor whose
    #: channel it inherits.
    milestone: Milestone

    def inherited_by(self, m: Milestone) -> bool:
        return self.milestone.id != m.id


async def home_of(tx: UnitOfWork, m: Milestone) -> Home | None:
    """`m`'s own home channel, else its nearest ancestor's; None when no one above has one."""
    current: Milestone | None = m
    for _ in range(MAX_DEPTH):
        if current is None:
            return None
        if current.channel:
            return Home(channel=current.channel, milestone=current)
        current = await tx.milestones.get(current.parent_id) if current.parent_id else None
    return None


async def home_above(tx: UnitOfWork, parent_id: MilestoneId | None) -> Home | None:
    """The home a milestone under `parent_id` inherits (one deleted a moment ago, say)."""
    parent = await tx.milestones.get(parent_id) if parent_id is not None else None
    return await home_of(tx, parent) if parent is not None else None
