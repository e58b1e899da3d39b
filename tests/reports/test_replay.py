"""The replay rolls check-ins up the tree exactly like the live roll-up does."""

from __future__ import annotations

import pytest

from core.milestones.rollup import rolled_up
from core.model import Kind, MilestoneId, Status
from core.reports.replay import SCOPE, ProgressReplay
from tests.reports.builders import at, milestone, update

GOAL, SMALL, HEAVY, DROPPED = 1, 2, 3, 4


def tree() -> list:
    return [
        milestone(GOAL, kind=Kind.GOAL, progress=40),
        milestone(SMALL, parent=GOAL, status=Status.DONE, completed=at("2026-11-24")),
        milestone(HEAVY, parent=GOAL, weight=3, progress=20),
        milestone(DROPPED, parent=GOAL, status=Status.CANCELLED, progress=80,
                  completed=at("2026-11-25")),
    ]


def checkins() -> list:
    return [update(SMALL, at("2026-11-10"), 50), update(DROPPED, at("2026-11-12"), 80),
            update(HEAVY, at("2026-11-20"), 20)]


def test_a_goal_s_past_is_the_weighted_mean_of_what_its_children_said_by_then() -> None:
    replay = ProgressReplay(tree(), checkpoints=[at("2026-11-23", "00:00")],
                            follow={MilestoneId(GOAL)})
    for checkin in checkins():
        replay.add(checkin)
    result = replay.finish()
    before = result.snapshot(at("2026-11-23", "00:00"))
    assert before.progress[MilestoneId(GOAL)] == 38  # (50 + 3 x 20 + 80) / 5
    assert [value for _, value in result.series[MilestoneId(GOAL)]] == [10, 26, 38, 48, 40]
    assert result.series[SCOPE] == result.series[MilestoneId(GOAL)]


def test_the_replayed_present_matches_the_live_roll_up_rule() -> None:
    replay = ProgressReplay(tree(), checkpoints=[], follow={MilestoneId(GOAL)})
    for checkin in checkins():
        replay.add(checkin)
    last = replay.finish().series[MilestoneId(GOAL)][-1][1]
    live = rolled_up(Status.ON_TRACK, 0, [(100, 1, Status.DONE), (20, 3, Status.ON_TRACK),
                                          (80, 1, Status.CANCELLED)])
    assert live is not None and last == live[0] == 40


def test_a_snapshot_leaves_out_what_did_not_exist_yet_and_what_was_cancelled() -> None:
    milestones = [*tree(), milestone(5, parent=GOAL, created=at("2026-11-30"))]
    replay = ProgressReplay(milestones, checkpoints=[at("2026-11-26"), at("2026-12-01")])
    for checkin in checkins():
        replay.add(checkin)
    result = replay.finish()
    thursday, december = (result.snapshot(at("2026-11-26")), result.snapshot(at("2026-12-01")))
    assert MilestoneId(5) not in thursday.progress and MilestoneId(5) in december.progress
    assert MilestoneId(DROPPED) not in thursday.progress
    assert thursday.status[MilestoneId(SMALL)] == Status.DONE
    assert december.progress[MilestoneId(GOAL)] == 32  # (100 + 60 + 0) / 5


def test_a_check_in_at_the_moment_of_a_snapshot_comes_after_it() -> None:
    monday = at("2026-11-23", "00:00")
    replay = ProgressReplay(tree(), checkpoints=[monday])
    replay.add(update(HEAVY, monday, 90, status=Status.AT_RISK))
    snapshot = replay.finish().snapshot(monday)
    assert snapshot.progress[MilestoneId(HEAVY)] == 0
    assert snapshot.status[MilestoneId(HEAVY)] == Status.NOT_STARTED


def test_check_ins_out_of_order_are_refused() -> None:
    replay = ProgressReplay(tree(), checkpoints=[])
    replay.add(update(HEAVY, at("2026-11-20"), 20))
    with pytest.raises(ValueError, match="oldest first"):
        replay.add(update(HEAVY, at("2026-11-19"), 10))


def test_check_ins_outside_the_scope_and_status_only_ones_change_no_progress() -> None:
    replay = ProgressReplay(tree(), checkpoints=[at("2026-11-22")])
    replay.add(update(99, at("2026-11-20"), 70))
    replay.add(update(HEAVY, at("2026-11-21"), None, status=Status.BLOCKED))
    snapshot = replay.finish().snapshot(at("2026-11-22"))
    assert snapshot.progress[MilestoneId(GOAL)] == 0
    assert snapshot.status[MilestoneId(HEAVY)] == Status.BLOCKED
