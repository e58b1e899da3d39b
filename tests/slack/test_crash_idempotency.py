"""A request killed mid-way is carried out exactly once when it comes again.

`python app.py serve` on PostgreSQL answers a click (a button whose value is `update #1 40%`),
and is killed with SIGKILL (`storage.crash_points`) first between the claim of the click's key
and the change, then between the commit and the answer. The same click sent again to a new
`serve` applies the change once: the first crash left neither the claim nor the change, the
second left both, so the third delivery changes nothing.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg

from storage.crash_points import VARIABLE
from tests.databases import empty_postgres
from tests.serve_process import port_of
from tests.shell.test_cli import ROOT, env_for
from tests.slack import payloads
from tests.slack.conftest import BOT_TOKEN, SECRET, signed_headers
from tests.slack.fake_slack import FakeSlack

START_S = 90


class Serve:
    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process, self.port = process, port

    async def post(self, body: str) -> int:
        async with aiohttp.ClientSession() as http, http.post(
                f"http://127.0.0.1:{self.port}/slack/events", data=body,
                headers={"Content-Type": "application/x-www-form-urlencoded",
                         **signed_headers(body, SECRET)}) as answer:
            return answer.status

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
        await self.process.wait()


async def serve(tmp_path: Path, url: str, fake: FakeSlack, crash_at: str = "") -> Serve:
    env = env_for(tmp_path, PORT="0", HOST="127.0.0.1", DATABASE_URL=url,
                  SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN=BOT_TOKEN,
                  SLACK_API_URL=fake.api_url)
    env.pop(VARIABLE, None)
    if crash_at:
        env[VARIABLE] = crash_at
    process = await asyncio.create_subprocess_exec(
        sys.executable, "app.py", "serve", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    return Serve(process, await port_of(process, [], within=START_S))


def click_body(fake: FakeSlack) -> str:
    """The same click every time: one button of one rendering, so one idempotency key."""
    click = payloads.block_action("cairn.run:update", "update #1 40%", user_id="U1",
                                  team_id="T1", response_url=fake.response_url("click"),
                                  block_id="card.crash")
    return payloads.interactive(click)


async def facts(url: str) -> dict[str, Any]:
    connection = await asyncpg.connect(url)
    try:
        row = await connection.fetchrow(
            "SELECT (SELECT progress FROM milestones WHERE number = 1) AS progress, "
            "(SELECT COUNT(*) FROM activity WHERE verb = 'progress') AS updates, "
            "(SELECT COUNT(*) FROM idempotency_keys) AS keys")
    finally:
        await connection.close()
    assert row is not None
    return dict(row)


async def test_a_click_killed_between_claim_and_change_is_applied_exactly_once(
        tmp_path: Path, postgres_url: str, fake_slack: FakeSlack) -> None:
    await empty_postgres(postgres_url)
    fake = fake_slack
    # 1. Killed after the key was inserted, before the change: neither is left.
    first = await serve(tmp_path, postgres_url, fake, crash_at="idempotency-claimed")
    try:
        command = payloads.slash_command('task "Beta"', user_id="U1", team_id="T1",
                                         channel="C1", response_url=fake.response_url("new"))
        assert await first.post(command) == 200  # no key, so no crash point on the way
        async with asyncio.timeout(30):
            await fake.wait_for_responses(1)
        assert await first.post(click_body(fake)) == 200  # acked, then the work is killed
        async with asyncio.timeout(30):
            await first.process.wait()
        assert first.process.returncode == -signal.SIGKILL
    finally:
        await first.stop()
    assert await facts(postgres_url) == {"progress": 0, "updates": 0, "keys": 0}

    # 2. The same click again, killed after the commit, before the answer: both are there.
    second = await serve(tmp_path, postgres_url, fake, crash_at="idempotency-committed")
    try:
        assert await second.post(click_body(fake)) == 200
        async with asyncio.timeout(30):
            await second.process.wait()
        assert second.process.returncode == -signal.SIGKILL
    finally:
        await second.stop()
    assert await facts(postgres_url) == {"progress": 40, "updates": 1, "keys": 1}
    assert fake.responses_to(fake.response_url("click")) == []  # nobody was told yet

    # 3. And again, on a healthy serve: already done, so nothing changes a second time.
    third = await serve(tmp_path, postgres_url, fake)
    try:
        assert await third.post(click_body(fake)) == 200
        show = payloads.slash_command("show #1", user_id="U1", team_id="T1", channel="C1",
                                      response_url=fake.response_url("show"))
        assert await third.post(show) == 200
        await asyncio.sleep(1.0)  # the click's work runs after its ack
    finally:
        await third.stop()
    assert await facts(postgres_url) == {"progress": 40, "updates": 1, "keys": 1}
    assert fake.responses_to(fake.response_url("click")) == []  # a repeat says nothing
