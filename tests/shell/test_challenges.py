"""Challenges told through the shell on PostgreSQL, on a clock the story moves: teams, the
anti-gaming rules, the team mean, explanations, reopen, recompute equal to the running score,
badges, and the frozen results."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.shell.session import ShellSession
from core.bus import Deps
from core.tenancy import Plan
from storage import Database
from tests.fakes import FrozenClock
from tests.shell.talk import meet, refused, say


@pytest.fixture
async def pg_shell(pg_database: Database, clock: FrozenClock) -> AsyncIterator[ShellSession]:
    deps = Deps(uow=pg_database.unit_of_work(), clock=clock)
    yield await ShellSession.open(deps, tenant="acme", user="alice", timezone="Europe/Berlin",
                                  plan=Plan.PROFESSIONAL)


async def as_(shell: ShellSession, who: str, line: str) -> str:
    await say(shell, f"as @{who}")
    return await say(shell, line)


def row(board: str, name: str) -> str:
    return next(line for line in board.splitlines() if f" {name} " in line)


async def test_a_team_challenge_scores_outcomes_not_activity(pg_shell: ShellSession,
                                                             clock: FrozenClock) -> None:
    shell = pg_shell
    await meet(shell, "bob", "carol", "dave")
    await say(shell, 'team new "Sales" @alice @bob')
    await say(shell, 'team new "Ops" @carol @dave')
    assert "“Sales” (2): @alice, @bob" in await say(shell, "teams")
    await say(shell, 'challenge new "Q4 delivery" from:2026-11-23 to:2026-12-31 teams #delivery')
    assert "already" in await refused(shell, 'challenge new "q4 DELIVERY" from:2026-11-23 '
                                             'to:2026-12-31')
    await say(shell, 'challenge add "Q4 delivery" "Sales" "Ops"')
    assert "only an admin" in (await as_refused(shell, "bob", 'challenge start "Q4 delivery"'))
    await as_(shell, "alice", 'challenge start "Q4 delivery"')

    # Monday 23 November: the plan.
    await say(shell, 'milestone "Beta" due:2026-12-04 owner:@bob priority:high')  # 1
    await say(shell, 'milestone "Docs" due:2026-12-04 owner:@carol')  # 2
    await say(shell, 'milestone "Audit" due:2026-12-04 owner:@dave')  # 3
    await say(shell, 'milestone "Rush" due:2026-11-25 owner:@bob')  # 4: created too late
    await say(shell, 'milestone "Moved" due:2026-12-01 owner:@carol')  # 5
    await say(shell, 'milestone "Helped" due:2026-12-04 owner:@dave')  # 6
    clock.set("2026-11-25T10:00:00+00:00")
    await as_(shell, "bob", "done #4")
    clock.set("2026-11-27T10:00:00+00:00")  # after the planning window: a later due date
    await as_(shell, "carol", "due #5 2026-12-10")
    clock.set("2026-12-03T10:00:00+00:00")
    await as_(shell, "bob", "done #1")  # on time, high priority: 4.5
    # Reopening takes the points away; closing again scores again; a repeat changes nothing.
    assert "4.5 points" in await say(shell, "score")
    await say(shell, "reopen #1")
    assert "0 points" in await say(shell, "score")
    await say(shell, "done #1")
    await shell.answer("done #1")
    assert "4.5 points" in await say(shell, "score")
    await as_(shell, "alice", "done #6")  # closed for dave by someone else: 0
    clock.set("2026-12-08T10:00:00+00:00")
    await as_(shell, "carol", "done #2")  # two working days late: within the grace, 1
    clock.set("2026-12-09T10:00:00+00:00")
    await as_(shell, "dave", "done #3")  # three working days late: 0
    await as_(shell, "carol", "done #5")  # late against the planned date, not the moved one

    board = await as_(shell, "alice", 'leaderboard "Q4 delivery" teams')
    assert "Sales" in row(board, "Sales") and "2.25" in row(board, "Sales")
    assert " 1 " in row(board, "Sales")[:8] and "◀ you" in row(board, "Sales")
    assert "0.5" in row(board, "Ops") and " 2 " in row(board, "Ops")[:8]

    bob = await say(shell, "score @bob")
    # In a challenge between teams, a person's own on-time rate still shows (no rank).
    assert "@bob in Q4 delivery: 4.5 points · on time 21%" in bob
    assert "+4.5  done on time (due Fri 4 Dec), high priority ×1.5" in bob
    rush = bob[bob.index("#4 Rush"):]
    assert "created" in rush and "before its due date" in rush
    dave = await say(shell, "score @dave")
    helped = dave[dave.index("#6 Helped"):]
    assert "@alice" in helped and "0 pts" in dave[dave.index("#6 Helped"):].splitlines()[0]
    carol = await say(shell, "score @carol")
    assert "@carol in Q4 delivery: 1 point ·" in carol
    moved = carol[carol.index("#5 Moved"):]
    assert "Tue 1 Dec" in moved  # judged against the due date as planned


    # Rebuilt from the history, the scores are the same.
    before = [await as_(shell, "alice", 'leaderboard "Q4 delivery"'),
              await say(shell, "score @bob"), await say(shell, "score @carol")]
    assert "Recomputed" in await say(shell, 'challenge recompute "Q4 delivery"')
    after = [await say(shell, 'leaderboard "Q4 delivery"'), await say(shell, "score @bob"),
             await say(shell, "score @carol")]
    assert after == before

    assert "🎯 Bullseye" in await say(shell, "badges @bob")
    ended = await say(shell, 'challenge end "Q4 delivery"')
    assert "finished" in ended and "frozen" in ended
    assert "🏆 Champion: won a challenge" in await say(shell, "badges @bob")
    assert "Badges: 🎯 Bullseye" in await say(shell, "me @bob")  # `me` lists them too
    assert "“Q4 delivery” has finished: 1. Sales (2.25), 2. Ops (0.5)" in await as_(
        shell, "carol", "inbox")
    await say(shell, "as @alice")
    assert "🏆 Champion:" not in await say(shell, "badges @carol")
    final = await say(shell, 'leaderboard "Q4 delivery"')
    assert "Final results" in final
    assert "frozen" in await refused(shell, 'challenge recompute "Q4 delivery"')
    await say(shell, 'milestone "Late one" due:2026-12-31 owner:@bob')
    assert await say(shell, 'leaderboard "Q4 delivery"') == final


async def as_refused(shell: ShellSession, who: str, line: str) -> str:
    await say(shell, f"as @{who}")
    return (await refused(shell, line)).lower()


async def test_people_join_and_leave_and_the_reader_sees_their_own_line(
        shell: ShellSession, clock: FrozenClock) -> None:
    await meet(shell, "bob")
    await say(shell, 'challenge new "Sprint" from:2026-11-23 to:2026-12-18')
    await as_(shell, "bob", 'challenge join "Sprint"')
    assert "already" in await say(shell, 'challenge join "sprint"')
    assert "bob" in await say(shell, 'challenge "Sprint"')
    await as_(shell, "alice", 'challenge start "Sprint"')
    assert "between people" in await as_refused(shell, "alice", "leaderboard teams")
    board = await as_(shell, "bob", "leaderboard")
    assert "◀ you" in row(board, "bob")
    assert "You left" in await say(shell, 'challenge leave "Sprint"')
    assert "Sprint" in await say(shell, "challenge list")
    assert "there is no challenge" in (await refused(shell, 'challenge "Nope"')).lower()
    assert "from:" in await refused(shell, 'challenge new "X" from:2026-12-01')
    assert "ends" in await refused(shell, 'challenge new "X" from:2026-12-01 to:2026-11-01')
    assert "is not a person" in await refused(shell, 'team new "A" bob')
