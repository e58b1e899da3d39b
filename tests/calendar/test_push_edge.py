"""`POST /google/notifications` at the edge: its body is capped (Google sends none), headers
Google never sends are refused before the database is asked about the channel, refusals are one
log line, and a database out of reach answers 503 (Google tries again) instead of a 500."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from core.calendar.push import PushChannels
from storage import Database
from tests.calendar.conftest import World
from tests.calendar.test_http import Served
from wiring.calendar import NOTIFICATIONS_PATH, notifications_handler
from wiring.server import build_app


@pytest.fixture
async def served(world: World) -> AsyncIterator[Served]:
    """The server with the notifications route, as the Google adapter adds it."""
    app = build_app(world.runtime)
    app.router.add_post(NOTIFICATIONS_PATH, notifications_handler(world.google))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    world.google.push = PushChannels(world.deps.uow, world.gateway, world.clock,
                                     address=url + NOTIFICATIONS_PATH)
    try:
        yield Served(world, url, world.google.push)
    finally:
        await runner.cleanup()


async def post(url: str, body: bytes = b"", **headers: str) -> int:
    async with aiohttp.ClientSession() as session, session.post(
            url + NOTIFICATIONS_PATH, data=body, headers=headers) as response:
        return response.status


async def live_channel(served: Served) -> dict[str, str]:
    w = served.world
    await w.say(w.alice, 'goal "Revenue" due:2026-12-31')
    await w.drain()
    await served.push.renew()
    (channel,) = w.fake.channels.values()
    return {"X-Goog-Channel-ID": channel["id"], "X-Goog-Channel-Token": channel["token"],
            "X-Goog-Resource-ID": channel["resourceId"], "X-Goog-Resource-State": "exists"}


async def test_malformed_notifications_are_refused_in_one_line_each(
        served: Served, caplog: pytest.LogCaptureFixture) -> None:
    headers = await live_channel(served)
    cases = [
        {**headers, "X-Goog-Resource-State": "everything"},
        {**headers, "X-Goog-Channel-Token": "t" * 300},
        {**headers, "X-Goog-Resource-ID": "with spaces in it"},
        {**headers, "X-Goog-Message-Number": "1" * 40},
        {**headers, "X-Goog-Channel-ID": "c" * 65},
    ]
    with caplog.at_level(logging.DEBUG):
        for case in cases:
            assert await post(served.url, **case) == 400, case
        assert await post(served.url, b"x" * 5000, **headers) == 413
    refused = [r for r in caplog.records if "refused POST /google/notifications" in
               r.getMessage()]
    assert len(refused) == len(cases) + 1
    assert all("t" * 50 not in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not served.world.google.notified
    assert await post(served.url, **headers) == 200  # the real one still gets through
    assert served.world.google.notified


async def test_a_database_out_of_reach_answers_503_without_a_traceback(
        served: Served, database: Database, caplog: pytest.LogCaptureFixture) -> None:
    headers = await live_channel(served)
    await database.close()  # the database goes away under the running server
    with caplog.at_level(logging.DEBUG):
        assert await post(served.url, **headers) == 503
    [line] = [r.getMessage() for r in caplog.records if r.name.startswith("wiring")]
    assert line.startswith("a Google notification could not be checked") and "503" in line
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
