"""A milestone without a home channel of its own tells its news in the thread of its nearest
ancestor's card: a task under a goal posted in #launch is discussed under the goal's card."""

from __future__ import annotations

import json

from tests.slack.conftest import BOTH, Cairn


def posts(slack: Cairn, channel: str = "C0LAUNCH") -> list:
    return [c for c in slack.fake.called("chat.postMessage") if c.args["channel"] == channel]


@BOTH
async def test_a_task_without_a_channel_posts_in_its_goals_thread(slack: Cairn) -> None:
    await slack.answer("plan professional")
    await slack.answer('goal "Launch" <#C0LAUNCH|launch>')
    await slack.answer('milestone "Beta" parent:#1')
    await slack.answer('task "Docs" parent:#2 owner:<@U2|bob>')
    await slack.relay()
    card, *replies = posts(slack)
    assert card.args.get("thread_ts") is None and "Launch" in json.dumps(card.args["blocks"])
    ts = card.answer["ts"]
    assert [r.args["thread_ts"] for r in replies] == [ts, ts]
    assert "created milestone #2 “Beta”" in replies[0].args["text"]
    assert "created task #3 “Docs”" in replies[1].args["text"]
    await slack.answer("update #3 50% on track drafted", user="U2")
    await slack.relay()
    reply = posts(slack)[-1]
    assert reply.args["thread_ts"] == ts
    assert "@bob updated #3 to 50% (on track): drafted" in reply.args["text"]
    # The goal's card is edited in place: its progress rolled up from the grandchild.
    update = slack.fake.called("chat.update")[-1]
    assert update.args["ts"] == ts and "50%" in json.dumps(update.args["blocks"])


async def test_the_nearest_home_wins_and_a_deleted_child_is_told_above(slack: Cairn) -> None:
    await slack.answer("plan professional")
    await slack.answer('goal "Launch" <#C0LAUNCH|launch>')
    await slack.answer('milestone "Beta" parent:#1 <#C0BETA|beta>')
    await slack.answer('task "Docs" parent:#2')
    await slack.answer('task "Scratch" parent:#1')
    await slack.relay()
    beta_card, docs = posts(slack, "C0BETA")
    assert "created task #3 “Docs”" in docs.args["text"]
    assert docs.args["thread_ts"] == beta_card.answer["ts"]
    assert not any("#3" in r.args.get("text", "") for r in posts(slack))
    await slack.answer("delete #4")
    await slack.relay()
    gone = posts(slack)[-1]
    assert gone.args["thread_ts"] == posts(slack)[0].answer["ts"]
    assert "deleted #4 “Scratch”" in gone.args["text"]


async def test_nothing_is_posted_when_no_one_above_has_a_channel(slack: Cairn) -> None:
    await slack.answer('goal "Quiet"')
    await slack.answer('task "Also quiet" parent:#1')
    await slack.answer("update #2 10% on track")
    await slack.relay()
    assert slack.fake.called("chat.postMessage") == []
