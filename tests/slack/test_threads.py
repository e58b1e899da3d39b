"""Milestone threads: a card in the home channel, every change a reply under it, the card
edited in place; at-least-once delivery never posts twice; about a message a second per channel.
"""

from __future__ import annotations

import json
import time

from bots.slack.threads import THREADS_CONSUMER, ChannelPacer
from tests.slack.conftest import BOTH, POSTGRES, Cairn


def posts(slack: Cairn, channel: str = "C0LAUNCH") -> list:
    return [c for c in slack.fake.called("chat.postMessage") if c.args["channel"] == channel]


@BOTH
async def test_a_milestone_with_a_home_channel_gets_one_card_and_a_thread(slack: Cairn) -> None:
    await slack.answer("plan professional")
    await slack.answer('goal "Launch" <#C0LAUNCH|launch> owner:<@U2|bob>')
    await slack.relay()
    [card] = posts(slack)
    assert card.args.get("thread_ts") is None and "Launch" in json.dumps(card.args["blocks"])
    ts = card.answer["ts"]
    await slack.relay()
    assert len(posts(slack)) == 1  # nothing new, nothing posted
    long_comment = "We agreed on the plan. " * 12
    await slack.answer("update #1 40% on track design done", user="U2")
    await slack.answer(f"comment #1 {long_comment}")
    await slack.answer("due #1 2026-12-24")
    await slack.relay()
    replies = posts(slack)[1:]
    assert [r.args["thread_ts"] for r in replies] == [ts, ts, ts]
    texts = [r.args["text"] for r in replies]
    assert "@bob updated #1 to 40% (on track): design done" in texts[0]
    assert texts[1].startswith("💬 @alice: We agreed") and long_comment.strip() in texts[1]
    assert "set the due date of #1 to Thu 24 Dec" in texts[2]
    [update] = slack.fake.called("chat.update")  # the card, edited once for the whole batch
    assert update.args["ts"] == ts and "40%" in json.dumps(update.args["blocks"])


@POSTGRES
async def test_redelivered_changes_are_not_posted_twice(slack: Cairn) -> None:
    await slack.answer('goal "Launch" <#C0LAUNCH|launch>')
    await slack.relay()
    await slack.answer("update #1 10% on track")
    async with slack.deps.uow() as tx:
        messages = await tx.outbox.claim(THREADS_CONSUMER, now=slack.deps.clock.now(), limit=10)
        await tx.commit()
    threads = slack.app.threads
    assert await threads.handle(messages) == {m.id: None for m in messages}
    assert await threads.handle(messages) == {m.id: None for m in messages}  # again: a retry
    assert len(posts(slack)) == 2  # the card and one reply


async def test_a_new_home_channel_gets_a_new_card(slack: Cairn) -> None:
    await slack.answer('goal "Launch" <#C0LAUNCH|launch>')
    await slack.relay()
    await slack.answer("edit #1 channel:<#C0NEW|new>")
    await slack.relay()
    card, reply = posts(slack, "C0NEW")
    assert card.args.get("thread_ts") is None and reply.args["thread_ts"] == card.answer["ts"]
    assert "edited #1 (home channel)" in reply.args["text"]


async def test_a_deleted_milestone_leaves_a_note_on_its_card(slack: Cairn) -> None:
    await slack.answer('task "Scratch" <#C0LAUNCH|launch>')
    await slack.relay()
    await slack.answer("delete #1")
    await slack.relay()
    [edit] = slack.fake.called("chat.update")
    assert "#1 “Scratch” was deleted" in edit.args["text"]


async def test_a_card_deleted_in_slack_is_posted_again(slack: Cairn) -> None:
    await slack.answer('goal "Launch" <#C0LAUNCH|launch>')
    await slack.relay()
    slack.fake.messages.clear()  # someone deleted the card message
    await slack.answer("update #1 10% on track")
    await slack.relay()
    await slack.answer("update #1 20% on track")
    await slack.relay()
    cards = [c for c in posts(slack) if c.args.get("thread_ts") is None]
    assert len(cards) == 2


async def test_a_channel_slack_does_not_have_is_given_up_not_retried(slack: Cairn) -> None:
    await slack.answer('goal "Launch" <#CGONE1|gone>')
    await slack.relay()
    assert [c.answer["error"] for c in slack.fake.attempts("chat.postMessage")] == [
        "channel_not_found"]
    async with slack.deps.uow() as tx:
        left = await tx.outbox.claim(THREADS_CONSUMER, now=slack.deps.clock.now(), limit=10)
    assert left == []


async def test_posts_to_one_channel_are_spaced_out() -> None:
    pacer = ChannelPacer(0.2)
    started = time.monotonic()
    await pacer.wait("C1")
    await pacer.wait("C2")
    assert time.monotonic() - started < 0.1  # different channels do not wait on each other
    await pacer.wait("C1")
    assert time.monotonic() - started >= 0.2
