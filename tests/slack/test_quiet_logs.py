"""Expected failures of the platform are one warning line with a reference, never an error with
a traceback: Slack taking too long to publish an App Home, to post in a thread, or to take an
answer at a response_url."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from storage import Database
from tests.slack.conftest import BOT_TOKEN, SECRET, Cairn, _cairn
from tests.slack.fake_slack import FakeSlack
from tests.slack.test_edge_unsigned import tracebacks
from wiring.runtime import SystemClock
from wiring.settings import Settings

SLOW_S = 2.0  # how long the fake Slack takes; Cairn's Web API timeout is a quarter of it


@pytest.fixture
async def impatient(database: Database, fake_slack: FakeSlack) -> AsyncIterator[Cairn]:
    settings = Settings(database_url=database.url, slack_signing_secret=SECRET,
                        slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.api_url,
                        _env_file=None)  # type: ignore[call-arg]
    async for cairn in _cairn(database, fake_slack, settings, SystemClock(),
                              web_timeout=SLOW_S / 4):
        yield cairn


def warnings_with_a_ref(caplog: pytest.LogCaptureFixture, what: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and what in r.getMessage() and "ref " in
            r.getMessage()]


async def test_a_slow_views_publish_is_one_warning_with_a_reference(
        impatient: Cairn, caplog: pytest.LogCaptureFixture) -> None:
    await impatient.answer("help")
    for _ in range(3):  # a retry, if the client makes one, is as slow
        impatient.fake.fail("views.publish", delay=SLOW_S)
    with caplog.at_level(logging.DEBUG):
        opened = await impatient.event({"type": "app_home_opened", "user": "U1",
                                        "tab": "home"})
        await impatient.settle()
    assert opened.status == 200
    assert tracebacks(caplog) == []
    [line] = warnings_with_a_ref(caplog, "views.publish")
    assert "Slack did not answer" in line


async def test_a_slow_thread_post_is_retried_later_with_one_warning(
        impatient: Cairn, caplog: pytest.LogCaptureFixture) -> None:
    await impatient.answer("plan professional")
    await impatient.answer('goal "Launch" <#C0LAUNCH|launch>')
    for _ in range(3):
        impatient.fake.fail("chat.postMessage", delay=SLOW_S)
    with caplog.at_level(logging.DEBUG):
        await impatient.relay()
    assert tracebacks(caplog) == []
    [line] = warnings_with_a_ref(caplog, "milestone thread")
    assert "retried later" in line


async def test_a_slow_response_url_is_one_warning(impatient: Cairn,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(4):
        impatient.fake.fail("response_url", delay=SLOW_S)
    with caplog.at_level(logging.DEBUG):
        await impatient.command("me")  # a first contact: answered through response_url
        await impatient.settle()
    assert tracebacks(caplog) == []
    assert warnings_with_a_ref(caplog, "response_url")
