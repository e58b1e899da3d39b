"""A milestone falls behind, check-in after check-in, on a clock the story moves: its forecast
is stored with each change, its card and lists show it at risk with the reason, and its owner
is alerted once per fall, through the nudge delivery queue."""

from __future__ import annotations

from bots.shell.session import ShellSession
from core.nudges.schedule import NudgeKind
from core.nudges.views import ForecastAlert
from tests.fakes import FrozenClock
from tests.nudge_harness import World, to
from tests.shell.talk import meet, say


async def as_(shell: ShellSession, who: str, line: str) -> str:
    await say(shell, f"as @{who}")
    return await say(shell, line)


def alerts(world: World) -> list[ForecastAlert]:
    return [v for v in to(world.chat.sent, "bob") if isinstance(v, ForecastAlert)]


async def test_check_ins_that_fall_behind_mark_the_milestone_at_risk_and_alert_once(
        shell: ShellSession, clock: FrozenClock) -> None:
    world = World(deps=shell.deps, clock=clock)
    await meet(shell, "bob")
    await say(shell, 'milestone "Beta" due:2026-12-31 owner:@bob')  # #1, Monday 23 November
    await as_(shell, "bob", "update #1 10%")
    clock.set("2026-11-30T09:00:00+00:00")
    await say(shell, "update #1 15%")
    assert "not enough history" in (await say(shell, "forecast #1")).lower()
    assert "At risk" not in await say(shell, "show #1")

    # The third check-in over 14 days: 5% a week leaves 80% for 16 weeks, past the due date.
    clock.set("2026-12-07T09:00:00+00:00")
    card = await say(shell, "update #1 20%")
    reason = "forecast P50 Mon 29 Mar 2027, due Thu 31 Dec"
    assert "At risk" in card and reason in card, card
    assert reason in await say(shell, "show #1")
    mine = await say(shell, "list")
    assert "At risk" in mine and reason in mine, mine
    assert "#1" in await say(shell, "list at-risk")
    assert "at risk: forecast Mon 29 Mar 2027" in await say(shell, "forecast #1")
    await say(shell, "update #1 21% still slow")  # at risk still: no second alert

    # Two sweeps (two ticks, or two instances): the alert is delivered once.
    for _ in range(2):
        await world.tick()
    assert [a.reason for a in alerts(world)] == [reason]
    assert alerts(world)[0].headline == f"#1 Beta is at risk: {reason}"
    arrived = await shell.arrivals()  # what reached bob's inbox, shown after his next line
    assert arrived is not None and f"#1 Beta is at risk: {reason}" in arrived, arrived

    # A later due date puts it back on track; an earlier one again: a second alert, once.
    await as_(shell, "alice", "due #1 2027-06-30")
    assert "At risk" not in await say(shell, "show #1")
    await world.tick()
    await say(shell, "due #1 2027-01-15")
    for _ in range(2):
        await world.tick()
    assert len(alerts(world)) == 2
    assert alerts(world)[1].kind == NudgeKind.FORECAST
    assert "due Fri 15 Jan 2027" in alerts(world)[1].reason
