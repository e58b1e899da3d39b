"""Progress through time, replayed from the check-ins with the roll-up rule.

Storage keeps each milestone's current progress, not its past: a goal's progress last Monday is
the roll-up of what its leaves said by then. The replay applies, in time order, every creation,
check-in, completion and cancellation to the tree, rolling each change up its ancestors exactly
as `core.milestones.rollup` does (a parent is the weighted mean of its non-cancelled children; a
done one
is 100%), and keeps:

- snapshots of every milestone's progress and status at a few moments (a period's start); a
  milestone not yet created or already cancelled then has no progress in it, and
- the series of the milestones it is asked to follow (goals for their burn-ups), plus the scope
  as a whole (`SCOPE`: the mean of the scope's top-level milestones).

Memory is a few integers per milestone: the check-ins stream through and are not kept.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from core.milestones.rollup import mean_percent
from core.model import MilestoneId, Status
from core.reports.inputs import ReportMilestone, ReportUpdate

#: The scope as a whole: a parent of every milestone whose parent is outside the scope.
SCOPE = MilestoneId(0)

Point = tuple[datetime, int]

# The order of events at the same moment: a milestone exists before it is checked in on, and a
# check-in in the second it is closed still counts before the close.
_CREATED, _UPDATE, _CLOSED = 0, 1, 2


@dataclass(slots=True)
class _Node:
    weight: int
    parent: _Node | None
    own: int = 0  # what its own check-ins said
    status: Status = Status.NOT_STARTED
    children_weighted: int = 0  # progress x weight over its counted children
    children_weight: int = 0
    value: int = 0
    done: bool = False
    counted: bool = False  # created and not cancelled: it weighs in its parent's mean
    series: list[Point] | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: datetime
    progress: dict[MilestoneId, int]
    status: dict[MilestoneId, Status]


@dataclass(frozen=True, slots=True)
class ReplayResult:
    snapshots: tuple[Snapshot, ...]
    series: dict[MilestoneId, tuple[Point, ...]] = field(default_factory=dict)

    def snapshot(self, at: datetime) -> Snapshot:
        for snapshot in self.snapshots:
            if snapshot.at == at:
                return snapshot
        raise KeyError(at)


class ProgressReplay:
    """Feed check-ins oldest first (`add`), then `finish`. Milestone events are merged in."""

    def __init__(self, milestones: Sequence[ReportMilestone], *, checkpoints: Iterable[datetime],
                 follow: Collection[MilestoneId] = ()) -> None:
        self._root = _Node(weight=1, parent=None, counted=True, series=[])
        self._nodes: dict[MilestoneId, _Node] = {m.id: _Node(weight=max(0, m.weight), parent=None)
                                                 for m in milestones}
        for m in milestones:
            node = self._nodes[m.id]
            node.parent = self._nodes.get(m.parent_id, self._root) if m.parent_id else self._root
            if m.id in follow:
                node.series = []
        events: list[tuple[datetime, int, MilestoneId]] = []
        for m in milestones:
            events.append((m.created_at, _CREATED, m.id))
            if m.status.closed and m.completed_at is not None:
                events.append((max(m.completed_at, m.created_at), _CLOSED, m.id))
        events.sort()
        self._events = events
        self._next_event = 0
        self._closing = {m.id: m.status for m in milestones if m.status.closed}
        self._checkpoints = sorted(set(checkpoints))
        self._next_checkpoint = 0
        self._snapshots: list[Snapshot] = []
        self._last: datetime | None = None

    def add(self, update: ReportUpdate) -> None:
        if self._last is not None and update.at < self._last:
            raise ValueError("check-ins must come oldest first")
        self._last = update.at
        self._advance(update.at, _UPDATE)
        node = self._nodes.get(update.milestone_id)
        if node is None:
            return  # a check-in on a milestone outside the scope
        node.status = update.status
        if update.percent is not None:
            node.own = update.percent
            self._recompute(node, update.at)

    def finish(self) -> ReplayResult:
        self._advance(None, _UPDATE)
        series = {mid: tuple(node.series) for mid, node in self._nodes.items()
                  if node.series is not None}
        series[SCOPE] = tuple(self._root.series or ())
        return ReplayResult(tuple(self._snapshots), series)

    def _advance(self, until: datetime | None, kind: int) -> None:
        """Applies the milestone events before (`until`, `kind`), snapshotting on the way."""
        while self._next_event < len(self._events):
            at, event, mid = self._events[self._next_event]
            if until is not None and (at, event) >= (until, kind):
                break
            self._snapshot_before(at)
            self._next_event += 1
            self._apply(event, self._nodes[mid], mid, at)
        self._snapshot_before(until)

    def _snapshot_before(self, moment: datetime | None) -> None:
        """Takes the snapshots due before `moment` (all of them at the end)."""
        while self._next_checkpoint < len(self._checkpoints):
            at = self._checkpoints[self._next_checkpoint]
            if moment is not None and moment < at:
                return
            self._next_checkpoint += 1
            progress = {mid: n.value for mid, n in self._nodes.items() if n.counted}
            progress[SCOPE] = self._root.value
            self._snapshots.append(Snapshot(
                at, progress, {mid: n.status for mid, n in self._nodes.items()}))

    def _apply(self, event: int, node: _Node, mid: MilestoneId, at: datetime) -> None:
        parent = node.parent
        if event == _CREATED:
            node.counted = True
            if parent is not None:
                parent.children_weight += node.weight
                parent.children_weighted += node.weight * node.value
                self._recompute(parent, at)
            return
        closing = self._closing[mid]
        node.status = closing
        if closing == Status.DONE:
            node.done = True
            self._recompute(node, at)
        elif node.counted and parent is not None:
            node.counted = False
            parent.children_weight -= node.weight
            parent.children_weighted -= node.weight * node.value
            self._recompute(parent, at)

    def _recompute(self, node: _Node | None, at: datetime) -> None:
        while node is not None:
            if node.done:
                new = 100
            elif node.children_weight > 0:
                new = mean_percent(node.children_weighted, node.children_weight)
            else:
                new = node.own
            if new == node.value:
                return
            old, node.value = node.value, new
            if node.status == Status.NOT_STARTED and new > 0:
                node.status = Status.ON_TRACK  # as the roll-up and a check-in both do
            if node.series is not None:
                node.series.append((at, new))
            if not node.counted:
                return
            parent = node.parent
            if parent is not None:
                parent.children_weighted += node.weight * (new - old)
            node = parent
