"""Check-in streaks told through the shell, with the scheduler's tick run by hand on a clock the
story moves: weekly check-ins answered on time grow a streak (a point per full week, the
4-week badge), a vacation pauses it, a missed check-in breaks it."""

from __future__ import annotations

from bots.shell.session import ShellSession
from core.nudges.views import BadgeAnnouncement
from tests.fakes import FrozenClock
from tests.nudge_harness import World
from tests.shell.talk import meet, say

#: Mondays, 09:00 in Berlin: everyone's weekly check-in.
MONDAYS = ("2026-11-16", "2026-11-23", "2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21")


async def as_(shell: ShellSession, who: str, line: str) -> str:
    await say(shell, f"as @{who}")
    return await say(shell, line)


async def test_answered_check_ins_grow_a_streak_a_vacation_pauses_it_a_miss_breaks_it(
        shell: ShellSession, clock: FrozenClock) -> None:
    clock.set("2026-11-02T10:00:00+00:00")
    await meet(shell, "bob", "carol")
    await say(shell, 'challenge new "Steady" from:2026-11-16 to:2027-01-31 rules:streaks '
                     '#steady')
    await as_(shell, "bob", 'challenge join "Steady"')
    await as_(shell, "carol", 'challenge join "Steady"')
    await as_(shell, "alice", 'challenge start "Steady"')
    await as_(shell, "bob", 'task "Beta"')  # 1
    await as_(shell, "carol", 'task "Docs"')  # 2
    world = World(shell.deps, clock)

    async def monday(day: str, *answering: str) -> None:
        await world.tick(f"{day}T08:00")  # the cycle before ends, the new one is asked
        clock.set(f"{day}T13:00:00+00:00")
        for who, ref in answering:
            await as_(shell, who, f"update {ref} 10% on it")

    await monday(MONDAYS[0], ("bob", "#1"), ("carol", "#2"))
    await monday(MONDAYS[1], ("bob", "#1"), ("carol", "#2"))
    await monday(MONDAYS[2], ("bob", "#1"))
    # Carol leaves without answering Monday's request: her streak pauses, it does not break.
    await as_(shell, "carol", "remind vacation 2026-12-02 2026-12-11")
    await monday(MONDAYS[3], ("bob", "#1"))  # no check-in for carol: she is away
    await monday(MONDAYS[4], ("carol", "#2"))  # bob misses this one
    await monday(MONDAYS[5])

    bob = await as_(shell, "alice", 'score @bob "Steady"')
    assert "@bob in Steady: 4 points" in bob
    assert "Check-in streak (0 weeks now)" in bob  # broken by the missed check-in
    assert "+4  check-in streak: 4 full weeks" in bob  # the weeks earned stay earned
    assert "📅 Steady: a 4-week streak of check-ins answered on time" in await say(
        shell, "badges @bob")
    carol = await say(shell, 'score @carol "Steady"')
    assert "Check-in streak (3 weeks now)" in carol  # two weeks, the pause, one more
    assert "+3  check-in streak: 3 full weeks" in carol
    assert "📅 Steady" not in (await say(shell, "badges @carol")).split("Still to earn")[0]

    # Ticks that run again (another instance, the same minute) record no cycle twice, and the
    # badge was announced once: a DM to bob, a post in the challenge's channel.
    await world.tick(f"{MONDAYS[5]}T08:01")
    other = World(shell.deps, clock)
    await other.deliver()
    assert bob == await say(shell, 'score @bob "Steady"')
    news = [m for m in [*world.chat.sent, *other.chat.sent]
            if isinstance(m.view, BadgeAnnouncement)]
    assert sorted((m.view.channel, m.view.headline) for m in news) == [
        ("", "🏅 New badge: 📅 Steady, a 4-week streak of check-ins answered on time"),
        ("#steady", "🏅 @bob earned a badge: 📅 Steady")]
    await say(shell, "as @bob")
    arrived = await shell.arrivals()
    assert arrived is not None and arrived.count("New badge: 📅 Steady") == 1
    # Rebuilt from the logged events, the streaks are the same.
    await as_(shell, "alice", 'challenge recompute "Steady"')
    assert bob == await say(shell, 'score @bob "Steady"')
    assert carol == await say(shell, 'score @carol "Steady"')
