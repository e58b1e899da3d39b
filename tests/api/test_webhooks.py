"""Webhooks end to end: an admin registers an endpoint in chat or through the API, a change
made through the API reaches a real receiver that verifies it with the `standardwebhooks`
library; failures are retried, 410 disables the endpoint and the admins are told."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bots.shell.session import ShellSession
from core.bus import Deps
from core.relay import OutboxConsumer, drain
from core.tenancy import Plan
from core.webhooks.dispatch import Dispatched
from storage import Database
from tests.api.conftest import seal_secrets, secret_in
from tests.fakes import FrozenClock
from tests.shell.talk import meet, say
from tests.webhooks.receiver import WebhookReceiver, payload_of
from wiring.runtime import Runtime
from wiring.server import build_app
from wiring.settings import Settings
from wiring.webhooks import CONSUMER, WebhookPlanner, WebhooksAdapter

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
WHSEC = re.compile(r"`(whsec_[A-Za-z0-9+/=]+)`")


@dataclass
class Hooked:
    shell: ShellSession
    clock: FrozenClock
    deps: Deps
    base: str
    http: aiohttp.ClientSession
    token: str
    receiver: WebhookReceiver
    planner: OutboxConsumer
    send_job: object
    overdue_job: object

    async def api(self, method: str, path: str, json: object = None) -> tuple[int, object]:
        async with self.http.request(method, self.base + path, json=json, headers={
                "Authorization": f"Bearer {self.token}"}) as response:
            return response.status, await response.json(content_type=None) \
                if response.status != 204 else None

    async def deliver(self) -> Dispatched:
        await drain(self.planner, self.deps.uow, self.deps.clock)
        sent: Dispatched = await self.send_job()  # type: ignore[operator]
        return sent

    async def pinged(self, endpoint: int = 1) -> None:
        """A new endpoint's test ping, delivered and signed with its secret."""
        assert (await self.deliver()).delivered == 1
        body = payload_of(self.receiver.accepted()[-1])
        assert body["type"] == "ping" and body["data"]["details"]["endpoint_id"] == endpoint


@pytest.fixture
async def hooked(database: Database) -> AsyncIterator[Hooked]:
    # The receiver checks timestamps against the wall clock: start the clock at the real now.
    clock = FrozenClock(datetime.now(UTC))
    seal_secrets(database)
    deps = Deps(uow=database.unit_of_work({CONSUMER: WebhookPlanner.verbs}), clock=clock,
                allow_private_webhooks=True)
    runtime = Runtime(settings=Settings(database_url="sqlite://unused",
                                        webhooks_allow_private=True),
                      database=database, deps=deps)
    server = TestServer(build_app(runtime))
    await server.start_server()
    attached = await WebhooksAdapter().attach(runtime, web.Application())
    receiver = await WebhookReceiver([]).start()
    shell = await ShellSession.open(deps, tenant="acme", user="alice", plan=Plan.PROFESSIONAL)
    await meet(shell, "bob")
    token = secret_in(await say(shell, 'token new "CRM" write'))
    async with aiohttp.ClientSession() as http:
        yield Hooked(shell=shell, clock=clock, deps=deps, base=str(server.make_url("/api/v1")),
                     http=http, token=token, receiver=receiver, planner=attached.consumers[0],
                     send_job=attached.jobs[0].run, overdue_job=attached.jobs[1].run)
    for stop in attached.on_stop:
        await stop()
    await receiver.close()
    await server.close()


async def test_a_check_in_through_the_api_reaches_the_endpoint_signed(hooked: Hooked) -> None:
    added = await say(hooked.shell, f"webhook add {hooked.receiver.url()} milestone.progress")
    hooked.receiver.secrets = [WHSEC.search(added).group(1)]  # type: ignore[union-attr]
    await hooked.pinged()
    await hooked.api("POST", "/milestones", {"title": "Launch beta"})
    status, _ = await hooked.api("POST", "/milestones/1/updates", {"percent": 60})
    assert status == 201
    sent = await hooked.deliver()
    assert sent.delivered == 1
    [_, got] = hooked.receiver.accepted()
    body = payload_of(got)
    assert body["type"] == "milestone.progress"
    assert body["data"]["milestone"]["progress"] == 60
    assert body["data"]["milestone"]["number"] == 1 and body["data"]["actor"] == "alice"
    assert (await hooked.deliver()).attempted == 0  # nothing twice
    assert "milestone.progress" in await say(hooked.shell, "webhook log 1")


async def test_a_500_is_retried_and_delivered_once_with_the_same_id(hooked: Hooked) -> None:
    status, created = await hooked.api("POST", "/webhooks", {"url": hooked.receiver.url()})
    assert status == 201 and created["secret"].startswith("whsec_")  # type: ignore[index]
    hooked.receiver.secrets = [created["secret"]]  # type: ignore[index]
    await hooked.pinged()
    hooked.receiver.then(500)
    await hooked.api("POST", "/milestones", {"title": "Launch beta"})
    assert (await hooked.deliver()).retried == 1
    hooked.clock.advance(seconds=6)
    assert (await hooked.deliver()).delivered == 1
    _, first, second = hooked.receiver.received
    assert first.id == second.id and first.status == 500 and second.accepted
    status, log = await hooked.api("GET", "/webhooks/1/log")
    assert [a["verdict"] for a in log["items"]] == ["delivered", "retry",  # type: ignore[index]
                                                    "delivered"]  # the ping


async def test_410_disables_the_endpoint_and_tells_the_admins(hooked: Hooked) -> None:
    added = await say(hooked.shell, f"webhook add {hooked.receiver.url()}")
    hooked.receiver.secrets = [WHSEC.search(added).group(1)]  # type: ignore[union-attr]
    await hooked.pinged()
    hooked.receiver.then(410)
    await hooked.api("POST", "/milestones", {"title": "Launch beta"})
    assert (await hooked.deliver()).disabled == 1
    listed = await say(hooked.shell, "webhooks")
    assert "off: The endpoint answered 410 Gone" in listed
    assert "410 Gone" in await say(hooked.shell, "inbox")
    await hooked.api("POST", "/milestones", {"title": "Another"})
    assert (await hooked.deliver()).attempted == 0
    status, page = await hooked.api("GET", "/webhooks")
    assert status == 200 and page["items"][0]["enabled"] is False  # type: ignore[index]


async def test_only_admins_and_only_public_https_addresses(hooked: Hooked) -> None:
    await say(hooked.shell, "as @bob")
    refused = await hooked.shell.answer("webhook add https://example.com/hook")
    assert refused is not None and not refused.ok
    await say(hooked.shell, "as @alice")
    status, problem = await hooked.api("POST", "/webhooks", {"url": "ftp://example.com/x"})
    assert status == 422 and problem["errors"]  # type: ignore[index]
    status, _ = await hooked.api("DELETE", "/webhooks/99")
    assert status == 404


async def test_a_rotated_secret_keeps_the_old_one_signing_during_the_grace(hooked: Hooked
                                                                           ) -> None:
    added = await say(hooked.shell, f"webhook add {hooked.receiver.url()}")
    old = WHSEC.search(added).group(1)  # type: ignore[union-attr]
    hooked.receiver.secrets = [old]
    await hooked.pinged()
    rotated = await say(hooked.shell, "webhook rotate 1")
    new = WHSEC.search(rotated).group(1)  # type: ignore[union-attr]
    assert new != old and "24 hours" in rotated
    hooked.receiver.secrets = [old]  # a receiver that has not switched yet
    await hooked.api("POST", "/milestones", {"title": "Launch beta"})
    assert (await hooked.deliver()).delivered == 1
    hooked.receiver.secrets = [new]  # and one that has
    await hooked.api("POST", "/milestones", {"title": "Another"})
    assert (await hooked.deliver()).delivered == 1
    assert len(hooked.receiver.accepted()) == 3


async def test_an_at_risk_check_in_is_a_milestone_at_risk_event(hooked: Hooked) -> None:
    added = await say(hooked.shell, f"webhook add {hooked.receiver.url()} milestone.at_risk")
    hooked.receiver.secrets = [WHSEC.search(added).group(1)]  # type: ignore[union-attr]
    assert "added webhook 1" in await say(hooked.shell, "activity")
    await hooked.pinged()  # whatever it subscribed to
    await hooked.api("POST", "/milestones", {"title": "Launch beta"})
    await hooked.api("POST", "/milestones/1/updates", {"percent": 20})
    assert (await hooked.deliver()).attempted == 0  # on track: not an at-risk event
    await hooked.api("POST", "/milestones/1/updates", {"status": "at_risk", "notes": "slipping"})
    assert (await hooked.deliver()).delivered == 1
    body = payload_of(hooked.receiver.accepted()[-1])
    assert body["type"] == "milestone.at_risk"
    assert body["data"]["milestone"]["status"] == "at_risk"
    assert body["data"]["details"]["notes"] == "slipping"


async def test_ending_a_challenge_is_a_challenge_finished_event(hooked: Hooked) -> None:
    added = await say(hooked.shell, f"webhook add {hooked.receiver.url()} challenge.finished")
    hooked.receiver.secrets = [WHSEC.search(added).group(1)]  # type: ignore[union-attr]
    await hooked.pinged()
    today = hooked.clock.now().date()
    await say(hooked.shell, f'challenge new "Sprint" from:{today} to:{today + timedelta(days=30)}')
    await say(hooked.shell, 'challenge add "Sprint" @alice @bob')
    await say(hooked.shell, 'challenge start "Sprint"')
    await hooked.api("POST", "/milestones", {"title": "Launch beta"})
    assert (await hooked.deliver()).attempted == 0  # not subscribed to milestones
    await say(hooked.shell, 'challenge end "Sprint"')
    assert (await hooked.deliver()).delivered == 1
    body = payload_of(hooked.receiver.accepted()[-1])
    assert body["type"] == "challenge.finished" and body["data"]["actor"] == "alice"
    assert body["data"]["details"]["challenge"] == "Sprint"
    assert [p[1] for p in body["data"]["details"]["podium"]] == ["alice", "bob"]


async def test_a_passed_due_date_is_a_milestone_overdue_event_once(hooked: Hooked) -> None:
    added = await say(hooked.shell, f"webhook add {hooked.receiver.url()} milestone.overdue")
    hooked.receiver.secrets = [WHSEC.search(added).group(1)]  # type: ignore[union-attr]
    await hooked.pinged()
    today = hooked.clock.now().date()  # the receiver checks timestamps: keep the clock
    yesterday, tomorrow = str(today - timedelta(days=1)), str(today + timedelta(days=1))
    await hooked.api("POST", "/milestones", {"title": "Launch beta", "due_date": yesterday})
    await hooked.api("POST", "/milestones", {"title": "Done late", "due_date": yesterday})
    await hooked.api("POST", "/milestones/2/done", {})
    await hooked.api("POST", "/milestones", {"title": "Still in time", "due_date": tomorrow})
    assert await hooked.overdue_job() == 1  # type: ignore[operator]
    assert await hooked.overdue_job() == 0  # type: ignore[operator]  # once per due date
    assert (await hooked.deliver()).delivered == 1
    body = payload_of(hooked.receiver.accepted()[-1])
    assert body["type"] == "milestone.overdue" and body["data"]["milestone"]["number"] == 1
    assert body["data"]["details"]["due"] == yesterday
    assert "#1 is overdue" in await say(hooked.shell, "activity #1")
