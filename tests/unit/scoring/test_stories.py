"""Scoring told as stories on a controllable clock, through the ports' fakes.

Alice, Bob and Carol work in Berlin, Monday to Friday. March 2026: Monday the 2nd to Tuesday
the 31st. Milestones are due Friday the 13th unless a story says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from decimal import Decimal

from core.model import Kind, Priority
from core.scoring import recording
from core.scoring.achievements import Badge
from core.scoring.challenge import ParticipantKind
from core.scoring.rules import ScoringRules
from core.scoring.views import ScoreLineView
from tests.fakes import FrozenClock
from tests.unit.scoring.conftest import ALICE, BOB, CAROL, Desk


def texts(lines: Iterable[ScoreLineView]) -> list[str]:
    return [f"{line.points} {line.text}" for line in lines]


async def test_on_time_scores_three_points_weighted_by_priority(desk: Desk,
                                                                clock: FrozenClock) -> None:
    await desk.challenge()
    plain = await desk.item()
    high = await desk.item(priority=Priority.HIGH)
    low = await desk.item(priority=Priority.LOW)
    clock.set("2026-03-12T15:00:00+00:00")  # Thursday, one working day before
    for item in (plain, high, low):
        await desk.done(item)
        clock.advance(minutes=5)
    assert await desk.points() == Decimal("9")  # 3 + 4.5 + 1.5
    score = await desk.score()
    assert score.points == "9"
    assert [i.points for i in score.items] == ["1.5", "4.5", "3"]  # newest close first
    assert texts(score.items[1].lines) == [
        "+4.5 done on time (due Fri 13 Mar), high priority ×1.5"]


async def test_the_end_of_the_due_day_is_in_the_owners_zone(desk: Desk,
                                                            clock: FrozenClock) -> None:
    await desk.challenge()
    before_midnight, after_midnight = await desk.item(), await desk.item()
    clock.set("2026-03-13T22:30:00+00:00")  # 23:30 in Berlin: still Friday
    await desk.done(before_midnight)
    clock.set("2026-03-13T23:30:00+00:00")  # 00:30 on Saturday in Berlin
    await desk.done(after_midnight)
    score = await desk.score()
    by_title = {i.title: i for i in score.items}
    assert by_title["Milestone 1"].points == "3"
    assert by_title["Milestone 2"].points == "1"
    assert texts(by_title["Milestone 2"].lines) == [
        "+1 done after the deadline (Fri 13 Mar), within the grace"]


async def test_a_due_time_is_the_deadline_when_there_is_one(desk: Desk,
                                                            clock: FrozenClock) -> None:
    await desk.challenge()
    first = await desk.item(at=time(17, 0))
    second = await desk.item(at=time(17, 0))
    clock.set("2026-03-13T15:59:00+00:00")  # 16:59 in Berlin
    await desk.done(first)
    clock.set("2026-03-13T16:30:00+00:00")  # 17:30 in Berlin
    await desk.done(second)
    assert [i.points for i in (await desk.score()).items] == ["1", "3"]


async def test_late_within_the_grace_of_two_working_days_scores_one_later_scores_zero(
        desk: Desk, clock: FrozenClock) -> None:
    await desk.challenge()
    in_grace, too_late = await desk.item(), await desk.item()
    clock.set("2026-03-17T10:00:00+00:00")  # Tuesday: Monday and Tuesday late
    await desk.done(in_grace)
    clock.set("2026-03-18T10:00:00+00:00")  # Wednesday: three working days late
    await desk.done(too_late)
    score = await desk.score()
    assert score.points == "1"
    assert texts(score.items[0].lines) == [
        "0 done 3 working days late, past the grace of 2: no points"]
    assert texts(score.items[1].lines) == [
        "+1 done 2 working days late, within the grace of 2"]


async def test_two_working_days_early_earns_the_bonus(desk: Desk, clock: FrozenClock) -> None:
    await desk.challenge()
    early, not_early = await desk.item(priority=Priority.CRITICAL), await desk.item()
    clock.set("2026-03-11T10:00:00+00:00")  # Wednesday: Thursday and Friday to spare
    await desk.done(early)
    clock.set("2026-03-12T10:00:00+00:00")  # Thursday: one to spare
    await desk.done(not_early)
    score = await desk.score()
    assert score.points == "10"  # 3 x 2 + 1, then 3
    assert texts(score.items[1].lines) == [
        "+6 done on time (due Fri 13 Mar), critical priority ×2",
        "+1 early bonus: done 2 working days before the due date"]


async def test_moving_a_deadline_later_earns_nothing_until_the_parents_owner_approves(
        desk: Desk, clock: FrozenClock) -> None:
    await desk.challenge()
    item = await desk.item(due="2026-03-06")
    clock.set("2026-03-05T10:00:00+00:00")  # Thursday: the planning window is over
    await desk.move(item, "2026-03-13")
    clock.set("2026-03-11T10:00:00+00:00")
    await desk.done(item)
    score = await desk.score()
    assert score.points == "0"
    assert texts(score.items[0].lines) == [
        "0 due date moved from Fri 6 Mar to Fri 13 Mar without approval: judged against "
        "Fri 6 Mar",
        "0 done 3 working days late, past the grace of 2: no points"]
    await desk.approve(item, "2026-03-13")
    score = await desk.score()
    assert score.points == "4"
    assert texts(score.items[0].lines) == [
        "0 due date moved from Fri 6 Mar to Fri 13 Mar, approved",
        "+3 done on time (due Fri 13 Mar), medium priority ×1",
        "+1 early bonus: done 2 working days before the due date"]


async def test_a_deadline_moved_while_planning_is_the_plan(desk: Desk,
                                                           clock: FrozenClock) -> None:
    await desk.challenge()
    item = await desk.item(due="2026-03-06")
    clock.set("2026-03-03T10:00:00+00:00")  # Tuesday, within three days of creation
    await desk.move(item, "2026-03-13")
    clock.set("2026-03-12T10:00:00+00:00")
    await desk.done(item)
    assert await desk.points() == 3


async def test_raising_the_priority_after_planning_does_not_raise_the_points(
        desk: Desk, clock: FrozenClock) -> None:
    from core.scoring.events import PriorityChanged
    await desk.challenge()
    item = await desk.item()
    clock.set("2026-03-12T09:00:00+00:00")
    await desk.record(PriorityChanged(at=clock.now(), item=item, priority=Priority.CRITICAL))
    await desk.done(item)
    score = await desk.score()
    assert score.points == "3"
    assert "priority raised to critical after planning" in score.items[0].lines[1].text


async def test_anti_gaming_rules_each_show_in_the_explanation(desk: Desk,
                                                              clock: FrozenClock) -> None:
    await desk.challenge()
    quick = await desk.item()
    clock.set("2026-03-02T11:00:00+00:00")  # three hours after it was created
    await desk.done(quick)
    clock.set("2026-03-11T09:00:00+00:00")  # Wednesday
    late_plan = await desk.item()  # due Friday: two days of lead
    someone_elses = await desk.item(due="2026-03-20")
    clock.set("2026-03-13T12:00:00+00:00")
    await desk.done(late_plan)
    await desk.done(someone_elses, by=BOB)
    score = await desk.score()
    assert score.points == "0"
    lines = {i.title: texts(i.lines) for i in score.items}
    assert lines["Milestone 1"] == [
        "+3 done on time (due Fri 13 Mar), medium priority ×1",
        "+1 early bonus: done 9 working days before the due date",
        "-4 closed 3 hours after it was created (at least 24 needed): scores 0"]
    assert lines["Milestone 2"] == [
        "+3 done on time (due Fri 13 Mar), medium priority ×1",
        "-3 created 2 days before its due date (at least 3 needed): scores 0"]
    assert lines["Milestone 3"] == [
        "+3 done on time (due Fri 20 Mar), medium priority ×1",
        "+1 early bonus: done 5 working days before the due date",
        "-4 closed by @bob, not by its owner: scores 0"]
    assert (await desk.points(BOB)) == 0  # nobody scores for closing someone else's


async def test_every_rule_that_applied_is_listed_not_only_the_first(desk: Desk,
                                                                    clock: FrozenClock) -> None:
    await desk.challenge()
    clock.set("2026-03-12T09:00:00+00:00")  # Thursday: due tomorrow
    item = await desk.item()
    clock.advance(hours=2)
    await desk.done(item, by=BOB)
    assert texts((await desk.score()).items[0].lines) == [
        "+3 done on time (due Fri 13 Mar), medium priority ×1",
        "-3 created 1 day before its due date (at least 3 needed): scores 0",
        "0 closed 2 hours after it was created (at least 24 needed): scores 0",
        "0 closed by @bob, not by its owner: scores 0"]


async def test_reopening_removes_the_points_and_closing_again_rescores(
        desk: Desk, clock: FrozenClock) -> None:
    await desk.challenge()
    item, dropped = await desk.item(), await desk.item()
    clock.set("2026-03-12T10:00:00+00:00")
    await desk.done(item)
    await desk.done(dropped)
    assert await desk.points() == 6
    await desk.reopen(item)
    await desk.cancel(dropped)
    assert await desk.points() == 0
    clock.set("2026-03-16T10:00:00+00:00")  # Monday: one working day late
    await desk.done(item)
    score = await desk.score()
    assert score.points == "1"
    assert [(i.state, i.points) for i in score.items] == [("done", "1"), ("cancelled", "0")]
    assert texts(score.items[1].lines) == ["0 cancelled: cancelled items score 0"]


async def test_at_most_twelve_points_a_day_the_last_closes_lose_what_is_over(
        desk: Desk, clock: FrozenClock) -> None:
    await desk.challenge()
    items = [await desk.item(priority=Priority.CRITICAL) for _ in range(4)]
    for hour, item in zip((9, 10, 11), items, strict=False):
        clock.set(f"2026-03-12T{hour:02}:00:00+00:00")
        await desk.done(item)
    assert await desk.points() == 12  # 6 + 6 + 6, capped
    clock.set("2026-03-13T09:00:00+00:00")
    await desk.done(items[3])
    score = await desk.score()
    assert score.points == "18"
    capped = [i for i in score.items if i.points == "0"]
    assert len(capped) == 1 and capped[0].title == "Milestone 3"
    assert texts(capped[0].lines)[-1] == "-6 over the daily cap of 12 points"
    # Reopening one of Thursday's closes gives its room to the one that was capped.
    await desk.reopen(items[0])
    assert await desk.points() == 18


async def test_a_vacation_pauses_a_streak_a_missed_cycle_breaks_it(desk: Desk,
                                                                   clock: FrozenClock) -> None:
    await desk.challenge(ends="2026-04-30")
    await desk.cycle(ALICE, "2026-03-02", "2026-03-08")
    await desk.cycle(ALICE, "2026-03-09", "2026-03-15")
    assert await desk.points() == 2
    await desk.vacation(ALICE, "2026-03-16", "2026-03-22")
    await desk.cycle(ALICE, "2026-03-16", "2026-03-22", answered=0)  # away: paused
    await desk.cycle(ALICE, "2026-03-23", "2026-03-29")
    assert await desk.points() == 3
    assert (await desk.score()).streak_weeks == 3
    await desk.cycle(ALICE, "2026-03-30", "2026-04-05", answered=1)  # one late answer
    assert (await desk.score()).streak_weeks == 0
    await desk.cycle(ALICE, "2026-04-06", "2026-04-12")
    score = await desk.score()
    assert score.points == "4"
    assert texts(score.streak) == ["+4 check-in streak: 4 full weeks"]
    # Without a vacation the same unanswered week breaks Bob's streak.
    await desk.cycle(BOB, "2026-03-09", "2026-03-15")
    await desk.cycle(BOB, "2026-03-16", "2026-03-22", answered=0)
    await desk.cycle(BOB, "2026-03-23", "2026-03-29")
    assert (await desk.score(BOB)).streak_weeks == 1


async def test_a_team_scores_the_mean_of_its_members(desk: Desk, clock: FrozenClock) -> None:
    sales = await desk.team("Sales", ALICE, BOB)
    ops = await desk.team("Ops", CAROL)
    await desk.challenge(kind=ParticipantKind.TEAMS, teams=[sales, ops])
    alices, bobs, carols = (await desk.item(owner=ALICE), await desk.item(owner=BOB),
                            await desk.item(owner=CAROL))
    clock.set("2026-03-12T10:00:00+00:00")
    await desk.done(alices)
    await desk.done(carols)
    clock.set("2026-03-19T10:00:00+00:00")
    await desk.done(bobs)  # too late: 0
    board = await desk.leaderboard(BOB)
    assert [(x.rank, x.name, x.points, x.members, x.is_reader) for x in board.lines] == [
        (1, "Ops", "3", 1, False), (2, "Sales", "1.5", 2, True)]


async def test_ties_share_a_rank_and_the_next_rank_skips(desk: Desk,
                                                         clock: FrozenClock) -> None:
    await desk.challenge()
    a, b = await desk.item(owner=ALICE), await desk.item(owner=BOB)
    clock.set("2026-03-12T10:00:00+00:00")
    await desk.done(a)
    await desk.done(b)
    board = await desk.leaderboard()
    assert [(x.rank, x.name, x.points) for x in board.lines] == [
        (1, "alice", "3"), (1, "bob", "3"), (3, "carol", "0")]


async def test_the_leaderboard_shows_movement_since_last_week(desk: Desk,
                                                              clock: FrozenClock) -> None:
    await desk.challenge()
    a = await desk.item(owner=ALICE, due="2026-03-06")
    b1, b2 = await desk.item(owner=BOB), await desk.item(owner=BOB)
    clock.set("2026-03-06T15:00:00+00:00")  # Friday: the weekly post
    await desk.done(a)
    await recording.keep_week(desk.ports, desk.challenge_now, await desk.standings(),
                              clock.now().date())
    clock.set("2026-03-12T15:00:00+00:00")
    await desk.done(b1)
    await desk.done(b2)
    board = await desk.leaderboard(previous_week="2026-03-09")
    assert [(x.name, x.rank, x.movement_text) for x in board.lines] == [
        ("bob", 1, "▲1"), ("alice", 2, "▼1"), ("carol", 3, "▼1")]


async def test_the_top_ten_and_the_readers_own_line(desk: Desk, clock: FrozenClock) -> None:
    from core.model import UserId
    people = [UserId(n) for n in range(1, 13)]
    for p in people:
        desk.names.setdefault(p, f"person{p:02}")
    await desk.challenge(people=people)
    items = {p: await desk.item(owner=p, priority=Priority.LOW) for p in people[1:]}
    clock.set("2026-03-12T10:00:00+00:00")
    for item in items.values():
        await desk.done(item)
    board = await desk.leaderboard(UserId(1))
    assert len(board.lines) == 10 and board.participants == 12
    assert [(x.rank, x.name, x.is_reader) for x in board.own] == [(12, "alice", True)]
    board = await desk.leaderboard(UserId(2))
    assert board.own == ()
    assert [x.name for x in board.lines if x.is_reader] == ["bob"]


async def test_recompute_rebuilds_the_very_same_scores(desk: Desk, clock: FrozenClock) -> None:
    c = await desk.challenge(rules=ScoringRules(daily_cap=Decimal(5)))
    items = [await desk.item(owner=who, priority=Priority.HIGH) for who in (ALICE, BOB, ALICE)]
    await desk.cycle(CAROL, "2026-03-02", "2026-03-08")
    clock.set("2026-03-10T10:00:00+00:00")
    for item in items:
        await desk.done(item)
    await desk.reopen(items[0])
    clock.set("2026-03-16T10:00:00+00:00")
    await desk.done(items[0])
    assert c.id is not None
    before = dict(desk.scoring.state.ledgers[c.id].tallies)
    await recording.rebuild(desk.ports, desk.challenge_now)
    assert desk.scoring.state.ledgers[c.id].tallies == before
    assert before[ALICE].points == 6  # 4.5 + 1 (early), capped to 5; then 1 late in grace


async def test_scoring_an_event_writes_one_bounded_step_per_active_challenge(
        desk: Desk, clock: FrozenClock) -> None:
    await desk.challenge()
    items = [await desk.item() for _ in range(30)]
    clock.set("2026-03-12T10:00:00+00:00")
    for item in items[:-1]:
        await desk.done(item)
    writes = desk.scoring.state.writes
    await desk.done(items[-1])
    assert desk.scoring.state.writes == writes + 1


async def test_badges_are_earned_once_and_only_for_what_scored(desk: Desk,
                                                               clock: FrozenClock) -> None:
    await desk.challenge()
    goal = await desk.item(kind=Kind.GOAL, contributors=(BOB,))
    others = [await desk.item() for _ in range(4)]
    clock.set("2026-03-11T10:00:00+00:00")
    awards = await desk.done(goal)
    assert {(a.person, a.badge) for a in awards} == {
        (ALICE, Badge.FIRST_ON_TIME), (ALICE, Badge.GOAL_EARLY), (BOB, Badge.TEAM_PLAYER)}
    for item in others[:3]:
        assert not [a for a in await desk.done(item) if a.badge == Badge.FIVE_IN_A_ROW]
        await desk.reopen(item)
        assert not await desk.done(item)  # the same item again is not one more in a row
    awards = await desk.done(others[3])
    assert [a.badge for a in awards] == [Badge.FIVE_IN_A_ROW]


async def test_winning_a_challenge_and_a_four_week_streak_earn_badges(
        desk: Desk, clock: FrozenClock) -> None:
    await desk.challenge()
    for week in range(4):
        awards = await desk.cycle(BOB, f"2026-03-{2 + 7 * week:02}",
                                  f"2026-03-{8 + 7 * week:02}")
    assert [a.badge for a in awards] == [Badge.STREAK_4_WEEKS]
    clock.set("2026-04-01T09:00:00+00:00")
    final, awards = await recording.finish(desk.ports, desk.challenge_now, desk.names,
                                           clock.now(), clock.now().date())
    assert [(s.rank, s.entry.name) for s in final][:1] == [(1, "bob")]
    assert [(a.person, a.badge, a.context) for a in awards] == [
        (BOB, Badge.CHALLENGE_WON, "“Q1 delivery”")]
