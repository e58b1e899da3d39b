"""A running Cairn with its Slack adapter, driven over real HTTP with signed requests, against
the fake Slack Web API (`tests.slack.fake_slack`).

`slack` is single-workspace (SLACK_BOT_TOKEN for team T1); `slack_multi` is the OAuth install
with workspaces T1 and T2 installed through `/slack/install` and `/slack/oauth_redirect`. Both
run on the `clock` fixture: the system's, unless a test module overrides it (nudges use a
`FrozenClock`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet

from bots.slack.app import SlackApp
from bots.slack.web import RetryPolicy
from core.bus import Deps
from core.ports import Clock
from core.relay import drain
from core.reports.ports import ReportTools
from core.view_cache import ViewCache
from storage import Database
from tests.slack import payloads
from tests.slack.blockkit import message_problems
from tests.slack.fake_slack import FakeSlack
from wiring.adapters import Attached
from wiring.registry import audiences_for, subscriptions_for
from wiring.runtime import Runtime, SystemClock
from wiring.server import build_app
from wiring.settings import Settings
from wiring.slack import SLACK, SlackAdapter

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
_MARKUP = re.compile(r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|https?://[^<>\s]+|![a-z]+)(?:\|[^<>]*)?>")


def as_slack_sends(text: str) -> str:
    """Text the way Slack delivers it: `&`, `<`, `>` escaped, its own markup left as is."""
    out, last = [], 0
    for match in _MARKUP.finditer(text):
        out.append(_escape(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def signed_headers(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
BOT_TOKEN = "xoxb-T1-static-token"
SECRET_KEY = Fernet.generate_key().decode()


@dataclass
class Sent:
    """What Cairn answered over HTTP, and where its later answers go."""

    status: int
    text: str
    elapsed: float
    response_url: str = ""

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.text) if self.text.startswith("{") else {}


@dataclass
class Cairn:
    """Cairn's HTTP server with the Slack adapter, and the fake Slack it talks to."""

    http: aiohttp.ClientSession
    fake: FakeSlack
    runtime: Runtime
    attached: Attached
    app: SlackApp
    signing_secret: str = SECRET
    users: dict[str, str] = field(default_factory=dict)

    @property
    def deps(self) -> Deps:
        return self.runtime.deps

    async def post(self, body: str, *, content_type: str = "application/x-www-form-urlencoded",
                   timestamp: int | None = None, secret: str | None = None,
                   headers: dict[str, str] | None = None) -> Sent:
        started = time.perf_counter()
        signed = signed_headers(body, secret or self.signing_secret, timestamp)
        async with self.http.post("/slack/events", data=body.encode(), headers={
                "Content-Type": content_type, **signed, **(headers or {})}) as response:
            text = await response.text()
            return Sent(response.status, text, time.perf_counter() - started)

    async def command(self, text: str, *, user: str = "U1", team: str = "T1",
                      channel: str = "C1", check: bool = True) -> Sent:
        url = self.fake.response_url()
        body = payloads.slash_command(as_slack_sends(text), user_id=user, team_id=team,
                                      channel=channel, response_url=url)
        sent = await self.post(body)
        sent.response_url = url
        if check:
            assert sent.status == 200, sent.text
            if sent.json:
                assert message_problems(sent.json) == [], sent.json
        return sent

    async def answer(self, text: str, **kwargs: Any) -> dict[str, Any]:
        """The message a command produced: from the ack, or else its response_url."""
        sent = await self.command(text, **kwargs)
        await self.settle()
        if sent.json.get("blocks"):
            return sent.json
        later = self.fake.responses_to(sent.response_url)
        assert later, f"no answer to {text!r}: {sent.text!r}"
        return later[-1]

    async def interact(self, payload: dict[str, Any]) -> Sent:
        sent = await self.post(payloads.interactive(payload))
        assert sent.status == 200, sent.text
        return sent

    async def event(self, event: dict[str, Any], *, team: str = "T1", event_id: str = "",
                    retry: int | None = None) -> Sent:
        body = payloads.event_callback(event, team_id=team, event_id=event_id)
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if (
            retry) else None
        return await self.post(json.dumps(body), content_type="application/json",
                               headers=headers)

    async def settle(self) -> None:
        """Lets the work that followed the acks finish."""
        await self.app.background.idle()

    async def relay(self) -> None:
        """Runs the outbox consumers once, as `serve` does on its tick."""
        await self.settle()
        for consumer in self.attached.consumers:
            await drain(consumer, self.deps.uow, self.deps.clock)
        await self.settle()


def add_people(fake: FakeSlack) -> None:
    fake.add_workspace("T1", "Acme", token=BOT_TOKEN)
    fake.add_user("T1", "U1", "alice", real_name="Alice Martin", tz="Europe/Berlin")
    fake.add_user("T1", "U2", "bob", real_name="Bob Chen", tz="America/New_York")
    fake.add_user("T1", "U3", "carol", real_name="Carol Diaz", tz="Europe/London")
    fake.add_user("T1", "U4", "dave", real_name="Dave Okafor", tz="Not/AZone")
    fake.add_workspace("T2", "Globex")
    fake.add_user("T2", "U9", "mallory", real_name="Mallory", tz="Asia/Tokyo")
    fake.add_user("T2", "U8", "trent", real_name="Trent", tz="UTC")


@pytest.fixture(params=("sqlite",))
def backend(request: pytest.FixtureRequest) -> str:
    """Slack tests run on SQLite (no server needed) unless they say otherwise: `BOTH` for the
    main stories, `POSTGRES` where concurrency is the point (races, retries, double clicks)."""
    return str(request.param)


BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
POSTGRES = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    add_people(fake)
    yield fake
    await fake.close()


@pytest.fixture
def clock() -> Clock:
    return SystemClock()


async def _cairn(database: Database, fake: FakeSlack, settings: Settings, clock: Clock,
                 reports: ReportTools | None = None, **overrides: Any) -> AsyncIterator[Cairn]:
    """`overrides` tune the Slack front end (`SlackConfig` fields); `reports` turns on the
    report, chart and export commands."""
    adapter = SlackAdapter(**{"post_interval": 0.0, "retries": RetryPolicy(backoff=0.01),
                              **overrides})
    subscriptions = subscriptions_for(settings, [adapter])
    # Wired as `start_runtime` wires it, read cache included.
    deps = Deps(uow=database.unit_of_work(subscriptions, audiences_for(settings, [adapter])),
                clock=clock, views=ViewCache(database.versions(), clock), reports=reports)
    runtime = Runtime(settings=settings, database=database, subscriptions=subscriptions,
                      deps=deps)
    web_app = build_app(runtime)
    attached = await adapter.attach(runtime, web_app)
    runtime.notifiers[:] = attached.notifiers  # as `serve` does
    server = TestServer(web_app)
    await server.start_server()
    http = aiohttp.ClientSession(base_url=str(server.make_url("")))
    try:
        yield Cairn(http=http, fake=fake, runtime=runtime, attached=attached,
                    app=web_app[SLACK])
    finally:
        await http.close()
        await server.close()
        for hook in attached.on_stop:
            await hook()


@pytest.fixture
async def slack(database: Database, fake_slack: FakeSlack, clock: Clock
                ) -> AsyncIterator[Cairn]:
    settings = Settings(database_url=database.url, slack_signing_secret=SECRET,
                        slack_bot_token=BOT_TOKEN, slack_api_url=fake_slack.api_url,
                        _env_file=None)  # type: ignore[call-arg]
    async for cairn in _cairn(database, fake_slack, settings, clock):
        yield cairn


async def install(cairn: Cairn, team: str, *, code: str = "") -> aiohttp.ClientResponse:
    """Installs the app into a workspace the way a browser does."""
    code = code or f"code-{team}"
    cairn.fake.offer_install(code, team)
    async with cairn.http.get("/slack/install", allow_redirects=False) as page:
        assert page.status == 200, await page.text()
        html = await page.text()
        cookie = page.headers["Set-Cookie"].split(";")[0]
    state = re.search(r"state=([\w-]+)", html)
    assert state is not None, html
    async with cairn.http.get(f"/slack/oauth_redirect?code={code}&state={state.group(1)}",
                              headers={"Cookie": cookie}) as done:
        await done.read()
        return done


@pytest.fixture
async def slack_multi(database: Database, fake_slack: FakeSlack, clock: Clock
                      ) -> AsyncIterator[Cairn]:
    settings = Settings(database_url=database.url, slack_signing_secret=SECRET,
                        slack_client_id="111.222", slack_client_secret="client-secret-abc",
                        cairn_secret_key=SECRET_KEY, slack_api_url=fake_slack.api_url,
                        public_url="https://cairn.example.com",
                        _env_file=None)  # type: ignore[call-arg]
    async for cairn in _cairn(database, fake_slack, settings, clock):
        yield cairn
