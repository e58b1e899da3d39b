"""The signed sender over real HTTP, against a receiver that verifies with `standardwebhooks`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from core.webhooks.ports import WebhookRequest
from integrations.webhooks.guard import AddressRefused, GuardedResolver
from integrations.webhooks.sender import AiohttpWebhookSender
from integrations.webhooks.signing import new_secret, signature_header
from tests.fakes import FrozenClock
from tests.webhooks.fakes import FakeDns
from tests.webhooks.receiver import Reply, WebhookReceiver, payload_of
from wiring.runtime import SystemClock

BODY = '{"type":"milestone.done","timestamp":"2026-11-23T09:00:00.000Z","data":{"n":1}}'


def request(url: str, *secrets: str, message_id: str = "evt_1") -> WebhookRequest:
    return WebhookRequest(url=url, message_id=message_id, body=BODY, secrets=secrets)


@pytest.fixture
async def strict_sender() -> AsyncIterator[AiohttpWebhookSender]:
    """As in production: WEBHOOKS_ALLOW_PRIVATE off."""
    async with AiohttpWebhookSender(clock=SystemClock(), allow_private=False) as sender:
        yield sender


def test_signatures_match_the_specification_test_vector() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    moment = datetime.fromtimestamp(1614265330, UTC)
    header = signature_header([secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", moment,
                              '{"test": 2432232314}')
    assert header == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = b'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}'
    assert header == "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()
                                              ).decode()


async def test_a_delivery_is_signed_and_verified_by_the_library(
        sender: AiohttpWebhookSender, receiver: WebhookReceiver, secret: str) -> None:
    before = time.time()
    outcome = await sender.send(request(receiver.url(), secret))
    assert outcome.delivered and outcome.status == 200 and outcome.error == ""
    (got,) = receiver.received
    assert got.accepted and got.payload == payload_of(got)
    assert got.body.decode() == BODY
    assert got.headers["webhook-id"] == "evt_1"
    assert got.headers["content-type"] == "application/json"
    assert before - 1 <= int(got.headers["webhook-timestamp"]) <= time.time()
    assert got.headers["webhook-signature"].startswith("v1,")
    assert "cookie" not in got.headers and "authorization" not in got.headers


async def test_a_wrong_secret_is_refused_by_the_receiver(
        sender: AiohttpWebhookSender, receiver: WebhookReceiver) -> None:
    outcome = await sender.send(request(receiver.url(), new_secret()))
    assert outcome.status == 401 and not outcome.delivered
    assert receiver.received[0].error == "No matching signature found"


async def test_during_a_rotation_both_the_old_and_the_new_secret_verify(
        sender: AiohttpWebhookSender, receiver: WebhookReceiver, secret: str) -> None:
    new = new_secret()
    both = request(receiver.url(), new, secret)
    assert (await sender.send(both)).delivered  # the receiver still has only the old one
    receiver.secrets = [new]
    assert (await sender.send(both)).delivered  # it switched to the new one
    assert len(receiver.received[-1].headers["webhook-signature"].split(" ")) == 2
    receiver.secrets = [secret]
    assert (await sender.send(request(receiver.url(), new))).status == 401  # grace is over


@pytest.mark.parametrize(("skew", "says"), [(timedelta(minutes=-10), "too old"),
                                             (timedelta(minutes=10), "too new")])
async def test_the_timestamp_is_signed_and_checked_by_the_receiver(
        receiver: WebhookReceiver, secret: str, skew: timedelta, says: str) -> None:
    skewed = FrozenClock(datetime.now(UTC) + skew)
    async with AiohttpWebhookSender(clock=skewed, allow_private=True) as sender:
        outcome = await sender.send(request(receiver.url(), secret))
    assert outcome.status == 401
    assert says in receiver.received[0].error
    assert int(receiver.received[0].headers["webhook-timestamp"]) == int(
        skewed.now().timestamp())


async def test_redirects_are_not_followed(sender: AiohttpWebhookSender,
                                          receiver: WebhookReceiver, secret: str) -> None:
    receiver.then(Reply(307, headers={"Location": receiver.url("/elsewhere")}))
    outcome = await sender.send(request(receiver.url(), secret))
    assert outcome.status == 307 and not outcome.delivered
    assert outcome.error == f"redirect to {receiver.url('/elsewhere')} not followed"
    assert [r.path for r in receiver.received] == ["/hook"]


async def test_a_slow_receiver_times_out(receiver: WebhookReceiver, secret: str) -> None:
    receiver.then(Reply(200, delay=5))
    async with AiohttpWebhookSender(clock=SystemClock(), allow_private=True,
                                    timeout=0.3) as sender:
        outcome = await sender.send(request(receiver.url(), secret))
    assert outcome.status is None and outcome.error == "no answer within 0.3 s"


async def test_only_the_start_of_an_answer_is_read(sender: AiohttpWebhookSender,
                                                   receiver: WebhookReceiver,
                                                   secret: str) -> None:
    # A body that never ends would time out if the sender read it all.
    receiver.then(Reply(200, body=b"ok\x00" + b"x" * 10_000, endless=True),
                  Reply(500, body=b"<h1>Oops</h1>" + b"y" * 50_000))
    outcome = await sender.send(request(receiver.url(), secret))
    assert outcome.delivered and outcome.error == ""
    assert outcome.response.startswith("ok x") and len(outcome.response) <= 4096
    failed = await sender.send(request(receiver.url(), secret))
    assert failed.status == 500 and failed.response.startswith("<h1>Oops</h1>yyy")


async def test_cookies_set_by_one_answer_are_never_sent_back(
        sender: AiohttpWebhookSender, receiver: WebhookReceiver, secret: str) -> None:
    receiver.then(Reply(200, headers={"Set-Cookie": "session=abc; Path=/"}))
    await sender.send(request(receiver.url(), secret))
    await sender.send(request(receiver.url(), secret))
    assert "cookie" not in receiver.received[1].headers


async def test_a_receiver_that_is_down_is_a_failed_attempt(
        sender: AiohttpWebhookSender, receiver: WebhookReceiver, secret: str) -> None:
    await receiver.stop()
    outcome = await sender.send(request(receiver.url(), secret))
    assert outcome.status is None and outcome.error.startswith("could not connect")


# Only answers on this machine: were the guard broken, the test must not reach anything else
# (other inward classes are covered by the rules' tests and the guard's own test below).
@pytest.mark.parametrize("answer", [["127.0.0.1"], ["::ffff:127.0.0.1"], ["127.0.0.2"],
                                    ["::1"]])
async def test_a_name_that_resolves_inward_is_refused_before_connecting(
        receiver: WebhookReceiver, secret: str, answer: list[str]) -> None:
    dns = FakeDns({"hooks.example.com": [answer]})
    async with AiohttpWebhookSender(clock=SystemClock(), allow_private=False,
                                    resolver=lambda: dns) as sender:
        url = receiver.url(host="hooks.example.com", scheme="https")
        outcome = await sender.send(request(url, secret))
    assert outcome.status is None
    assert outcome.error.startswith(f"refused: hooks.example.com: {answer[0]} ")
    assert "WEBHOOKS_ALLOW_PRIVATE" in outcome.error
    assert receiver.received == []


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "2130706433",
                                  "127.1", "localhost"])
async def test_inward_addresses_in_the_url_are_refused(strict_sender: AiohttpWebhookSender,
                                                       receiver: WebhookReceiver, secret: str,
                                                       host: str) -> None:
    for scheme in ("https", "http"):
        url = f"{scheme}://{host}:{receiver.port}/hook"
        outcome = await strict_sender.send(request(url, secret))
        assert outcome.status is None and outcome.error.startswith("refused: "), outcome
    assert receiver.received == []


async def test_the_address_checked_is_the_address_connected_to(
        receiver: WebhookReceiver, secret: str) -> None:
    """With private addresses allowed, a name resolving to the receiver is reached through the
    guard; the name is looked up once per connection, never again between check and connect."""
    dns = FakeDns({"hooks.example.test": [["127.0.0.1"], ["127.0.0.2"]]})
    async with AiohttpWebhookSender(clock=SystemClock(), allow_private=True,
                                    resolver=lambda: dns) as sender:
        url = receiver.url(host="hooks.example.test")
        first = await sender.send(request(url, secret, message_id="a"))
        second = await sender.send(request(url, secret, message_id="b"))  # kept alive
    assert first.delivered and second.delivered
    assert dns.lookups == ["hooks.example.test"]
    assert [r.id for r in receiver.accepted()] == ["a", "b"]


async def test_the_guard_refuses_a_name_with_any_inward_answer_and_reads_the_real_dns() -> None:
    mixed = GuardedResolver(FakeDns({"mixed.example.com": [["93.184.215.14", "127.0.0.1"]]}),
                            allow_private=False)
    with pytest.raises(AddressRefused, match=r"127\.0\.0\.1 is a loopback address"):
        await mixed.resolve("mixed.example.com", 443)
    for inward, says in (("10.0.0.7", "private"), ("169.254.169.254", "link-local"),
                         ("fd00::5", "unique-local"), ("100.64.0.9", "carrier-grade")):
        guard = GuardedResolver(FakeDns({"in.example.com": [[inward]]}), allow_private=False)
        with pytest.raises(AddressRefused, match=says):
            await guard.resolve("in.example.com", 443)
    public = GuardedResolver(FakeDns({"ok.example.com": [["93.184.215.14"]]}),
                             allow_private=False)
    assert [r["host"] for r in await public.resolve("ok.example.com", 443)] == [
        "93.184.215.14"]
    system = GuardedResolver(aiohttp.ThreadedResolver(), allow_private=False)
    with pytest.raises(AddressRefused, match="loopback"):
        await system.resolve("localhost", 443)
    assert await GuardedResolver(aiohttp.ThreadedResolver(), allow_private=True).resolve(
        "localhost", 443)


async def test_turning_webhooks_allow_private_off_stops_private_endpoints(
        strict_sender: AiohttpWebhookSender, receiver: WebhookReceiver, secret: str) -> None:
    outcome = await strict_sender.send(request(receiver.url(), secret))
    assert outcome.error.startswith("refused: A webhook address starts with https://")
    assert receiver.received == []
