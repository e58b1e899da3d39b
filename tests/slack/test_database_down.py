"""Slack while PostgreSQL is out of reach: every request is acked within Slack's three seconds,
and the person reads that Cairn cannot reach its database and nothing was saved, or, when the
change had committed before the database went away, that it was saved.

Cairn runs on the session's PostgreSQL database through a TCP proxy (`db_proxy`) that the tests
cut (connections refused), stall (nothing answers) or arm to cut right after a commit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest

from storage import open_database
from tests.databases import empty_postgres
from tests.slack import payloads
from tests.slack.conftest import SECRET, SECRET_KEY, Cairn, _cairn, install
from tests.slack.db_proxy import DatabaseProxy
from tests.slack.fake_slack import FakeSlack
from wiring.runtime import SystemClock
from wiring.settings import Settings

pytestmark = pytest.mark.postgres

ACK_LIMIT_S = 3.0
DOWN = "Cairn cannot reach its database right now, so nothing was saved"
#: Loggers of the Slack side; storage's own account of the outage is storage's business.
SLACK_SIDE = ("bots", "slack_bolt", "slack_sdk", "wiring", "aiohttp")


@dataclass
class Outage:
    cairn: Cairn
    proxy: DatabaseProxy
    url: str  # the database itself, not through the proxy

    async def scalar(self, sql: str) -> int:
        connection = await asyncpg.connect(self.url)
        try:
            return int(await connection.fetchval(sql))
        finally:
            await connection.close()

    def forget_caches(self) -> None:
        """As if the outage had lasted longer than the caches (a minute for authorizations
        and people)."""
        self.cairn.app.cache.drop(("", "T1"))
        self.cairn.app.people._actors.clear()


@pytest.fixture
async def outage(postgres_url: str, fake_slack: FakeSlack) -> AsyncIterator[Outage]:
    await empty_postgres(postgres_url)
    proxy = await DatabaseProxy(postgres_url).start()
    database = await open_database(proxy.url, migrate=False)
    settings = Settings(database_url=database.url, slack_signing_secret=SECRET,
                        slack_client_id="111.222", slack_client_secret="client-secret-abc",
                        cairn_secret_key=SECRET_KEY, slack_api_url=fake_slack.api_url,
                        public_url="https://cairn.example.com",
                        _env_file=None)  # type: ignore[call-arg]
    try:
        async for cairn in _cairn(database, fake_slack, settings, SystemClock()):
            await install(cairn, "T1")
            await cairn.answer("plan professional")
            await cairn.answer('goal "Ship it"')
            yield Outage(cairn, proxy, postgres_url)
            await proxy.close()  # nothing left hanging on a stalled connection
    finally:
        await proxy.close()
        await database.close()


def slack_side_tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(SLACK_SIDE)
            and (r.exc_info or r.levelno >= logging.ERROR)]


async def test_a_command_from_a_workspace_not_in_the_cache_is_told_plainly(
        outage: Outage, caplog: pytest.LogCaptureFixture) -> None:
    """The issue's case: the installation lookup itself fails (it gave HTTP 500, empty)."""
    await outage.proxy.cut()
    outage.forget_caches()
    with caplog.at_level(logging.INFO):
        sent = await outage.cairn.command("list mine")
    assert sent.status == 200 and sent.elapsed < ACK_LIMIT_S, (sent.status, sent.elapsed)
    assert sent.json["response_type"] == "ephemeral" and DOWN in sent.json["text"]
    assert slack_side_tracebacks(caplog) == []
    said = [r.getMessage() for r in caplog.records if r.name.startswith("bots")]
    assert len(said) == 1 and "database" in said[0] and "ref" in said[0], said


async def test_a_database_that_hangs_still_gets_an_ack_in_time(
        outage: Outage, caplog: pytest.LogCaptureFixture) -> None:
    outage.forget_caches()
    outage.proxy.stall()
    with caplog.at_level(logging.INFO):
        sent = await outage.cairn.command('update #1 50%')
        click_url = outage.cairn.fake.response_url()
        clicked = await outage.cairn.interact(payloads.block_action(
            "cairn.run:done", "done #1", user_id="U1", team_id="T1", response_url=click_url))
    assert sent.status == 200 and sent.elapsed < ACK_LIMIT_S, sent.elapsed
    assert DOWN in sent.json["text"]
    assert clicked.status == 200 and clicked.elapsed < ACK_LIMIT_S, clicked.elapsed
    await outage.proxy.cut()  # the outage ends the way outages do: with errors, not answers
    await outage.cairn.settle()
    [told] = outage.cairn.fake.responses_to(click_url)
    assert DOWN in told["text"]
    assert slack_side_tracebacks(caplog) == []
    await outage.proxy.restore()
    assert await outage.scalar("SELECT COUNT(*) FROM progress_updates") == 0
    assert await outage.scalar("SELECT progress FROM milestones") == 0


async def test_people_are_told_on_every_surface_and_nothing_is_saved(
        outage: Outage, caplog: pytest.LogCaptureFixture) -> None:
    cairn = outage.cairn
    await outage.proxy.cut()
    outage.forget_caches()
    cairn.app.cache.put(*_authorized(cairn))  # the authorization itself still cached
    with caplog.at_level(logging.INFO):
        command = await cairn.command("done #1")
        click_url = cairn.fake.response_url()
        click = await cairn.interact(payloads.block_action(
            "cairn.run:done", "done #1", user_id="U1", team_id="T1", response_url=click_url))
        view = {"type": "modal", "callback_id": "cairn.comment", "private_metadata": "{}",
                "title": {"type": "plain_text", "text": "Comment"}}
        values = {"milestone": {"cairn.pick": {"type": "external_select",
                                               "selected_option": {"value": "#1"}}},
                  "text": {"value": {"type": "plain_text_input", "value": "Hello"}}}
        form = await cairn.interact(payloads.view_submission(view, values, user_id="U1",
                                                             team_id="T1"))
        search = await cairn.interact(payloads.suggestion("cairn.parent", "Ship",
                                                          user_id="U1", team_id="T1"))
        opened = await cairn.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
        await cairn.settle()
    for sent in (command, click, form, search, opened):
        assert sent.status == 200 and sent.elapsed < ACK_LIMIT_S, (sent.text, sent.elapsed)
    assert DOWN in command.json["text"]
    [told] = cairn.fake.responses_to(click_url)
    assert DOWN in told["text"]
    assert form.json["response_action"] == "errors"
    assert any(DOWN in text for text in form.json["errors"].values()), form.json
    assert search.json == {"options": []}
    assert slack_side_tracebacks(caplog) == []
    await outage.proxy.restore()
    assert await outage.scalar("SELECT COUNT(*) FROM comments") == 0
    assert await outage.scalar("SELECT COUNT(*) FROM activity WHERE verb = 'completed'") == 0


async def test_a_change_that_committed_before_the_database_went_away_is_reported_saved(
        outage: Outage, caplog: pytest.LogCaptureFixture) -> None:
    """Done from the App Home: the change commits, then the Home cannot be read back."""
    cairn = outage.cairn
    outage.forget_caches()
    cairn.app.cache.put(*_authorized(cairn))
    await cairn.command("help")  # who U1 is, cached again
    outage.proxy.cut_after_commit("activity")
    with caplog.at_level(logging.INFO):
        sent = await cairn.interact(payloads.block_action(
            "cairn.run:done", "done #1", user_id="U1", team_id="T1", home_view="VHOME"))
        await cairn.settle()
    assert sent.status == 200
    [dm] = cairn.fake.called("chat.postMessage")
    assert dm.args["channel"] == "U1"
    assert "That was saved, but Cairn lost its database" in json.dumps(dm.args)
    assert slack_side_tracebacks(caplog) == []
    await outage.proxy.restore()
    assert await outage.scalar("SELECT COUNT(*) FROM activity WHERE verb = 'completed'") == 1


def _authorized(cairn: Cairn) -> tuple[tuple[str, str], Any, None]:
    """The cache entry of T1's authorization, made from what the fake Slack issued."""
    from slack_bolt.authorization import AuthorizeResult

    token = next(t for t, team in cairn.fake.tokens.items() if team == "T1")
    result = AuthorizeResult(enterprise_id=None, team_id="T1", bot_user_id="UCAIRNBOT",
                             bot_id="BCAIRN", bot_token=token, team="Acme")
    return ("", "T1"), result, None
