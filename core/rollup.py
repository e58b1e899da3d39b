"""Progress roll-up: a parent's progress is the weighted mean of its non-cancelled children.

Only the changed node's ancestors are recomputed, one level at a time, so an update costs a few
queries per level of depth however large the tree is. Each parent is locked before its children
are summed: two concurrent updates of siblings then serialise on the parent and the second sees
the first's committed value.
"""

from __future__ import annotations

from core.model import MilestoneId, Status
from core.ports import UnitOfWork


def mean_percent(weighted_sum: int, total_weight: int) -> int:
    # Half-up, not banker's rounding: 62.5% shows as 63% on every surface.
    return (2 * weighted_sum + total_weight) // (2 * total_weight)


async def rollup_from(tx: UnitOfWork, parent_id: MilestoneId | None) -> int:
    """Recomputes `parent_id` and its ancestors; returns how many changed."""
    changed = 0
    while parent_id is not None:
        parent = await tx.milestones.lock(parent_id)
        if parent is None or parent.status == Status.DONE:
            break
        totals = await tx.milestones.children_rollup(parent_id)
        if totals is None or totals[1] == 0:
            break
        progress = mean_percent(*totals)
        status = parent.status
        if status == Status.NOT_STARTED and progress > 0:
            status = Status.ON_TRACK
        if progress == parent.progress and status == parent.status:
            break
        await tx.milestones.set_rollup(parent_id, progress, status)
        changed += 1
        parent_id = parent.parent_id
    return changed


async def has_children(tx: UnitOfWork, milestone_id: MilestoneId) -> bool:
    return await tx.milestones.children_rollup(milestone_id) is not None
