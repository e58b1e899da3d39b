"""Progress roll-up: a parent's progress is the weighted mean of its non-cancelled children.

Only the changed node's ancestors are recomputed, bottom up, stopping at the first that does not
change. Storage hands over the chain with its children's sums (locked first, then read, so two
concurrent updates in one tree queue and the second sees the first's committed values); the rule
is applied here, each level's change carried into the sums of the level above, and every changed
parent is written at once: three statements whatever the depth.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from core.model import MilestoneId, Status
from core.ports import UnitOfWork


def mean_percent(weighted_sum: int, total_weight: int) -> int:
    # Half-up, not banker's rounding: 62.5% shows as 63% on every surface.
    return (2 * weighted_sum + total_weight) // (2 * total_weight)


def rolled_up_sums(status: Status, progress: int, weighted: int, weight: int
                   ) -> tuple[int, Status] | None:
    """The (progress, status) a parent gets from its children's sums; None leaves it as it is:
    it is done, nothing below it counts, or nothing changes. A parent that was not started is
    on track as soon as its children show any progress."""
    if status == Status.DONE or weight == 0:
        return None
    new = mean_percent(weighted, weight)
    new_status = Status.ON_TRACK if status == Status.NOT_STARTED and new > 0 else status
    if (new, new_status) == (progress, status):
        return None
    return new, new_status


def rolled_up(
    status: Status, progress: int, children: Iterable[tuple[int, int, Status]]
) -> tuple[int, Status] | None:
    """`rolled_up_sums` from the children's (progress, weight, status)."""
    counted = [(p, w) for p, w, s in children if s != Status.CANCELLED]
    return rolled_up_sums(status, progress, sum(p * w for p, w in counted),
                          sum(w for _, w in counted))


async def rollup_from(tx: UnitOfWork, parent_id: MilestoneId | None, at: datetime) -> int:
    """Recomputes `parent_id` and its ancestors as far as they change; returns how many did.

    A parent whose progress moves counts as updated at `at`: its children's check-ins are news
    about it, so it is not flagged as stale while they report.
    """
    return len(await rollup_changes(tx, parent_id, at))


async def rollup_changes(tx: UnitOfWork, parent_id: MilestoneId | None, at: datetime
                         ) -> dict[MilestoneId, tuple[int, Status]]:
    """`rollup_from`, returning the (progress, status) of every ancestor it changed.

    The chain stays locked until the unit of work ends: a use case that can, rolls up as the
    last thing before it commits, so check-ins under one goal queue for that moment only."""
    changes: dict[MilestoneId, tuple[int, Status]] = {}
    if parent_id is None:
        return changes
    carry = 0  # how much the level below moved its parent's weighted sum
    for node in await tx.milestones.ancestry(parent_id):
        found = rolled_up_sums(node.status, node.progress, node.children_weighted + carry,
                               node.children_weight)
        if found is None:
            break
        changes[node.id] = found
        carry = (found[0] - node.progress) * node.weight if node.status != Status.CANCELLED else 0
    if changes:
        await tx.milestones.write_rollups(changes, at)
    return changes


async def has_children(tx: UnitOfWork, milestone_id: MilestoneId) -> bool:
    return await tx.milestones.children_rollup(milestone_id) is not None
