"""A challenge's leaderboard in its Slack channel: every week at the challenge's moment (Friday
16:00 in the tenant's zone unless changed), once per week whatever the number of sweeps or
instances, and the final results once when it ends; through the scheduler's tick (sweep, then
the delivery queue) on a clock the test moves, posted at the fake Slack in valid Block Kit."""

from __future__ import annotations

from typing import Any

import pytest

from core.nudges.pacing import Pacer
from storage import Database
from tests.fakes import FrozenClock
from tests.nudge_harness import InstantSleep
from tests.slack.blockkit import message_problems
from tests.slack.conftest import BOTH, Cairn
from tests.slack.test_commands import text_of
from wiring.nudges import NudgeEngine

START = "2026-11-16T10:00:00+00:00"  # a Monday; the tenant's zone is UTC
BOB, CAROL = "<@U2|bob>", "<@U3|carol>"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def tick(slack: Cairn, clock: FrozenClock, at: str) -> None:
    """One tick of a fresh scheduler (a new instance each time): a sweep, then a delivery."""
    clock.set(at)
    engine = NudgeEngine(slack.runtime)
    time = InstantSleep()
    engine.pacer = Pacer(1.0, monotonic=time.monotonic, sleep=time.sleep)
    await engine.tick()


def board(slack: Cairn) -> list[dict[str, Any]]:
    posted = slack.fake.posted_to("C0BOARD")
    for message in posted:
        assert message_problems(message) == [], message
    return posted


async def kinds(database: Database) -> list[tuple[str, str, str]]:
    async with database.unit_of_work()() as tx:
        rows = await (await tx.connection()).execute_query_dict(
            "SELECT kind, period, status FROM nudge_deliveries WHERE channel = 'C0BOARD' "
            "ORDER BY id")
    return [(r["kind"], r["period"].split(":", 1)[1], r["status"]) for r in rows]


@BOTH
async def test_the_leaderboard_is_posted_weekly_once_and_the_results_when_it_ends(
        slack: Cairn, clock: FrozenClock, database: Database) -> None:
    await slack.answer("plan professional")
    for user in ("U2", "U3"):
        await slack.answer("me", user=user)
    made = await slack.answer('challenge new "Sprint" from:today to:in 30 days '
                              "<#C0BOARD|board>")
    assert "Leaderboard posted in the challenge's channel every Friday at 16:00" in text_of(made)
    await slack.answer(f'challenge add "Sprint" {BOB} {CAROL}')
    await slack.answer('challenge start "Sprint"')

    await tick(slack, clock, "2026-11-20T15:59:00+00:00")
    assert board(slack) == []
    await tick(slack, clock, "2026-11-20T16:00:00+00:00")  # Friday 16:00
    await tick(slack, clock, "2026-11-20T16:00:30+00:00")  # another instance, same minute
    await tick(slack, clock, "2026-11-20T16:01:00+00:00")
    [weekly] = board(slack)
    shown = text_of(weekly)
    assert "“Sprint”: this week's leaderboard" in shown and weekly["text"].startswith("🏆")
    assert "bob" in shown and "carol" in shown and "2 taking part" in shown

    # An admin moves the post to Monday 09:00; the next one comes then, not on Friday.
    changed = await slack.answer('challenge rules "Sprint" post-day:1 post-hour:9')
    assert "every Monday at 09:00" in text_of(changed)
    await tick(slack, clock, "2026-11-23T09:00:00+00:00")
    await tick(slack, clock, "2026-11-27T16:00:00+00:00")
    assert len(board(slack)) == 2
    refused = await slack.answer('challenge rules "Sprint" post-hour:24')
    assert "Post-hour" in text_of(refused) and "between 0 and 23" in text_of(refused)

    clock.set("2026-11-27T17:00:00+00:00")
    await slack.answer('challenge end "Sprint"')
    await tick(slack, clock, "2026-11-27T17:00:10+00:00")
    await tick(slack, clock, "2026-11-30T09:00:00+00:00")  # over: no weekly post any more
    *_, final = board(slack)
    assert len(board(slack)) == 3
    assert "“Sprint” has finished: the final results" in text_of(final)
    assert "Final results" in text_of(final)
    assert await kinds(database) == [("leaderboard", "2026-11-16", "sent"),
                                     ("leaderboard", "2026-11-23", "sent"),
                                     ("results", "final", "sent")]


async def test_a_challenge_without_a_channel_or_not_started_posts_nothing(
        slack: Cairn, clock: FrozenClock, database: Database) -> None:
    await slack.answer("plan professional")
    await slack.answer('challenge new "Quiet" from:today to:in 30 days')
    await slack.answer('challenge new "Later" from:today to:in 30 days <#C0BOARD|board>')
    await slack.answer('challenge start "Quiet"')
    await tick(slack, clock, "2026-11-20T16:00:00+00:00")
    assert board(slack) == [] and await kinds(database) == []
    assert slack.fake.called("chat.postMessage") == []
