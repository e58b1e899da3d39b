"""A new badge in Slack: a DM to the person and a post in the challenge's channel, each once
whatever the number of scheduler ticks or instances, through the delivery queue to the fake
Slack over HTTP; and the badge on the person's App Home."""

from __future__ import annotations

import pytest

from storage import Database
from tests.fakes import FrozenClock
from tests.slack.blockkit import message_problems, view_problems
from tests.slack.conftest import Cairn
from tests.slack.test_challenge_posts import tick
from tests.slack.test_commands import text_of

START = "2026-11-16T10:00:00+00:00"  # a Monday
BOB = "<@U2|bob>"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


async def test_a_badge_is_announced_once_to_the_person_and_in_the_channel(
        slack: Cairn, clock: FrozenClock, database: Database) -> None:
    await slack.answer("plan professional")
    await slack.answer("me", user="U2")
    await slack.answer('challenge new "Sprint" from:today to:in 30 days <#C0BOARD|board>')
    await slack.answer(f'challenge add "Sprint" {BOB}')
    await slack.answer('challenge start "Sprint"')
    await slack.answer('task "Beta" due:2026-11-20', user="U2")
    clock.set("2026-11-18T15:00:00+00:00")  # 10:00 for bob, in New York
    await slack.answer("done #1", user="U2")  # on time: 🎯 Bullseye

    for at in ("2026-11-18T15:01:00+00:00", "2026-11-18T15:01:30+00:00",
               "2026-11-18T15:05:00+00:00"):  # three ticks, each a fresh instance
        await tick(slack, clock, at)
    dms = [m for m in slack.fake.posted_to(slack.fake.dm_of("U2")) if "badge" in m["text"]]
    board = [m for m in slack.fake.posted_to("C0BOARD") if "badge" in m["text"]]
    assert len(dms) == 1 and len(board) == 1
    for message in (*dms, *board):
        assert message_problems(message) == [], message
    assert "New badge: 🎯 Bullseye, first milestone closed on time (#1)" in text_of(dms[0])
    assert "@bob earned a badge: 🎯 Bullseye (#1)" in text_of(board[0])

    await slack.event({"type": "app_home_opened", "user": "U2", "tab": "home"})
    await slack.settle()
    home = slack.fake.called("views.publish")[-1].args["view"]
    assert view_problems(home) == [] and "🎯 Bullseye" in str(home["blocks"])
