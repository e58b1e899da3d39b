"""Progress roll-up: a parent's progress is the weighted mean of its non-cancelled children.

Only the changed node's ancestors are recomputed, one level at a time, and the walk stops at the
first ancestor that does not change: an update costs a statement or two per level of depth
however large the tree is. Storage applies `rolled_up` in SQL so a level is one round trip. The
ancestors are locked first, in one statement, before any children are summed: two concurrent
updates in one tree queue there, and the second sees the first's committed values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.model import MilestoneId, Status
from core.ports import UnitOfWork

MAX_DEPTH = 64


def mean_percent(weighted_sum: int, total_weight: int) -> int:
    # Half-up, not banker's rounding: 62.5% shows as 63% on every surface.
    return (2 * weighted_sum + total_weight) // (2 * total_weight)


def rolled_up(
    status: Status, progress: int, children: Iterable[tuple[int, int, Status]]
) -> tuple[int, Status] | None:
    """The (progress, status) a parent gets from its children's (progress, weight, status).

    None leaves the parent as it is: it is done, nothing below it counts, or nothing changes.
    A parent that was not started is on track as soon as its children show any progress.
    """
    if status == Status.DONE:
        return None
    counted = [(p, w) for p, w, s in children if s != Status.CANCELLED]
    total = sum(w for _, w in counted)
    if total == 0:
        return None
    new = mean_percent(sum(p * w for p, w in counted), total)
    new_status = Status.ON_TRACK if status == Status.NOT_STARTED and new > 0 else status
    if (new, new_status) == (progress, status):
        return None
    return new, new_status


async def rollup_from(tx: UnitOfWork, parent_id: MilestoneId | None, at: datetime) -> int:
    """Recomputes `parent_id` and its ancestors as far as they change; returns how many did.

    A parent whose progress moves counts as updated at `at`: its children's check-ins are news
    about it, so it is not flagged as stale while they report.
    """
    changed = 0
    if parent_id is not None:
        await tx.milestones.lock_ancestors(parent_id)
    for _ in range(MAX_DEPTH):
        if parent_id is None:
            break
        step = await tx.milestones.roll_up(parent_id, at)
        if step is None:
            break
        changed += 1
        parent_id = step.parent_id
    return changed


async def has_children(tx: UnitOfWork, milestone_id: MilestoneId) -> bool:
    return await tx.milestones.children_rollup(milestone_id) is not None
