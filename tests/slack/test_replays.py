"""A slash command captured and sent again byte for byte, within the five minutes its signature
stays valid, changes nothing twice: its signature is recorded in the database when it is first
accepted, so every instance on that database recognises the replay and answers "already done".
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from storage import Database
from tests.slack import payloads
from tests.slack.conftest import BOT_TOKEN, BOTH, POSTGRES, SECRET, Cairn, _cairn
from tests.slack.test_reliability import count
from wiring.settings import Settings

PROGRESS = "SELECT COUNT(*) FROM progress_updates"


def update_body(slack: Cairn) -> str:
    return payloads.slash_command("update #1 40% on track", user_id="U1", team_id="T1",
                                  channel="C1", response_url=slack.fake.response_url())


@BOTH
async def test_a_replayed_command_is_run_once_and_answered_already_done(
        slack: Cairn, database: Database) -> None:
    await slack.answer('goal "Ship it"')
    body = update_body(slack)
    stamp = int(time.time())
    first = await slack.post(body, timestamp=stamp)
    assert first.status == 200 and "40%" in first.text
    replays = [await slack.post(body, timestamp=stamp) for _ in range(3)]
    for replay in replays:
        assert replay.status == 200
        assert replay.json["response_type"] == "ephemeral"
        assert "Already done" in replay.json["text"]
    await slack.settle()
    assert await count(database, PROGRESS) == 1
    # The same command typed again is a new request (a new timestamp, a new signature).
    again = await slack.post(body, timestamp=stamp + 1)
    assert "40%" in again.text
    await slack.settle()
    assert await count(database, PROGRESS) == 2


@POSTGRES
async def test_concurrent_replays_on_two_instances_run_once(slack: Cairn,
                                                            database: Database) -> None:
    await slack.answer('goal "Ship it"')
    settings = Settings(database_url=database.url, slack_signing_secret=SECRET,
                        slack_bot_token=BOT_TOKEN, slack_api_url=slack.fake.api_url,
                        _env_file=None)  # type: ignore[call-arg]
    async for other in _cairn(database, slack.fake, settings, slack.deps.clock):
        body = update_body(slack)
        stamp = int(time.time())
        sent = await asyncio.gather(*(cairn.post(body, timestamp=stamp)
                                      for cairn in (slack, other, slack, other)))
        assert [s.status for s in sent] == [200] * 4
        ran = [s for s in sent if "40%" in s.text]
        refused = [s for s in sent if "Already done" in s.text]
        assert len(ran) == 1 and len(refused) == 3, [s.text[:80] for s in sent]
        await slack.settle()
        await other.settle()
    assert await count(database, PROGRESS) == 1


@BOTH
async def test_signatures_are_forgotten_once_no_request_could_carry_them(
        slack: Cairn, database: Database) -> None:
    store = slack.app.edge._seen
    now = slack.deps.clock.now()
    assert await store.first_sight("a" * 64, team_id="T1", at=now - timedelta(minutes=20))
    assert await store.first_sight("b" * 64, team_id="T1", at=now - timedelta(minutes=2))
    [job] = [j for j in slack.attached.jobs if j.name == "slack:forget-signatures"]
    assert await job.run() == 1
    assert await count(database, "SELECT COUNT(*) FROM slack_seen_requests") == 1
    # Still remembered: the recent one is refused again.
    assert not await store.first_sight("b" * 64, team_id="T1", at=now)
