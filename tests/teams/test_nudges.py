"""Nudges in Teams: through the same sweep and delivery queue as Slack, sent proactively to a
person's personal chat and to a milestone's home channel, with Teams' 429 Retry-After honoured
and a removed app (403) not retried and its reference forgotten."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from core.model import TenantId
from core.nudges.notifier import ChannelAddress, Outgoing, RouteStatus
from core.nudges.pacing import Pacer
from core.nudges.schedule import NudgeKind
from core.nudges.views import ChannelDigest
from storage import Database
from tests.fakes import FrozenClock
from tests.nudge_harness import InstantSleep
from tests.teams.conftest import TENANT
from tests.teams.fake_connector import Conversation, FakeConnector, Member
from tests.teams.harness import TeamsCairn, card_text, running
from tests.teams.tokens import TokenKit
from wiring.nudges import NudgeEngine

START = "2026-11-16T10:00:00+00:00"  # a Monday
BOB_MONDAY = "2026-11-23T08:00:00+00:00"  # Monday 09:00 in Berlin


@pytest.fixture(params=("postgres",))
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)  # the delivery queue claims rows: PostgreSQL's locking matters


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
async def cairn(database: Database, connector: FakeConnector, token_kit: TokenKit,
                clock: FrozenClock) -> AsyncIterator[TeamsCairn]:
    async for found in running(database, connector, token_kit, clock=clock):
        yield found


async def tick(cairn: TeamsCairn, clock: FrozenClock, at: str, *, sweep: bool = True) -> None:
    clock.set(at)
    engine = NudgeEngine(cairn.runtime)
    time = InstantSleep()
    engine.pacer = Pacer(1.0, monotonic=time.monotonic, sleep=time.sleep)
    if sweep:
        await engine.tick()
    else:
        await engine.deliver()


async def company(cairn: TeamsCairn, connector: FakeConnector
                  ) -> tuple[Member, Member, Conversation, Conversation]:
    """Alice (admin) gives Bob a task in a channel; Bob has opened his chat with Cairn."""
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    bob = connector.add_member("Bob Brown", tenant_id=TENANT)
    bob_chat = connector.personal_chat(bob)
    await cairn.say(bob, bob_chat, "help")
    channel = connector.channel(TENANT, [alice, bob])
    await cairn.say(alice, channel, "plan professional")
    [card] = await cairn.say(alice, channel, 'task "Security review" due:2026-12-10 owner:'
                             f"<at>{bob.name}</at>", mentions=[bob])
    assert "Security review" in card_text(card), card_text(card)
    return alice, bob, bob_chat, channel


def sends(connector: FakeConnector, conversation: Conversation) -> list[Any]:
    return [c for c in connector.attempts("send") if c.conversation_id == conversation.id]


async def test_a_check_in_arrives_in_the_personal_chat_after_teams_asked_to_wait(
        cairn: TeamsCairn, connector: FakeConnector, clock: FrozenClock) -> None:
    _, _, bob_chat, _ = await company(cairn, connector)
    connector.fail("send", status=429, retry_after=90)
    await tick(cairn, clock, BOB_MONDAY)
    assert [c.status for c in sends(connector, bob_chat)] == [429]
    await tick(cairn, clock, "2026-11-23T08:01:29+00:00", sweep=False)
    assert len(sends(connector, bob_chat)) == 1  # Teams said: after 90 seconds
    await tick(cairn, clock, "2026-11-23T08:01:31+00:00", sweep=False)
    [refused, sent] = sends(connector, bob_chat)
    assert refused.status == 429
    assert sent.status == 201 and sent.authorization is not None
    assert "Security review" in card_text(sent.body) and "check-in" in card_text(sent.body)
    await tick(cairn, clock, "2026-11-23T09:00:00+00:00")
    assert len(sends(connector, bob_chat)) == 2  # once


async def test_a_removed_app_is_not_retried_and_its_reference_is_forgotten(
        cairn: TeamsCairn, connector: FakeConnector, clock: FrozenClock) -> None:
    _, bob, bob_chat, _ = await company(cairn, connector)
    connector.uninstall(bob_chat.id)
    await tick(cairn, clock, BOB_MONDAY)
    assert [c.status for c in sends(connector, bob_chat)] == [403]
    assert await cairn.store.personal_reference(TENANT, bob.aad_object_id) is None
    await tick(cairn, clock, "2026-11-23T10:00:00+00:00", sweep=False)
    await tick(cairn, clock, "2026-11-24T10:00:00+00:00", sweep=False)
    assert len(sends(connector, bob_chat)) == 1


async def test_a_digest_is_posted_in_a_channel_cairn_was_added_to(
        cairn: TeamsCairn, connector: FakeConnector) -> None:
    _, _, _, channel = await company(cairn, connector)
    tenant_id = await cairn.store.tenant_of(TENANT)
    assert tenant_id is not None
    [notifier] = cairn.runtime.notifiers
    digest = ChannelDigest(nudge_id=11, kind=NudgeKind.DIGEST, headline="This week in General",
                           channel=channel.id, period="Sat 14 Nov – Fri 20 Nov", quiet=1,
                           actions=(), snoozes=())
    out = Outgoing(nudge_id=11, to=ChannelAddress(tenant_id=TenantId(tenant_id),
                                                  channel=channel.id), view=digest, text="x")
    assert notifier.destination(out) == f"teams:channel:{tenant_id}:{channel.id}"
    assert (await notifier.send(out)).status == RouteStatus.SENT
    [posted] = [c for c in sends(connector, channel) if c.status == 201]
    assert "This week in General" in card_text(posted.body)
    elsewhere = Outgoing(nudge_id=12, to=ChannelAddress(tenant_id=TenantId(tenant_id),
                                                        channel="#launch"), view=digest, text="x")
    assert notifier.destination(elsewhere) is None  # a name typed in the shell: not Teams'
    connector.fail("send", status=502)
    failed = await notifier.send(out)
    assert failed.status == RouteStatus.FAILED


async def test_a_challenge_posts_its_leaderboard_weekly_and_its_results_in_its_channel(
        cairn: TeamsCairn, connector: FakeConnector, clock: FrozenClock) -> None:
    alice, bob, _, channel = await company(cairn, connector)  # Bob spoke first: the admin
    await cairn.say(bob, channel, f'challenge new "Sprint" from:today to:in 30 days '
                    f"channel:{channel.id}")
    await cairn.say(bob, channel, f'challenge add "Sprint" <at>{alice.name}</at> @bob',
                    mentions=[alice])
    [started] = await cairn.say(bob, channel, 'challenge start "Sprint"')
    assert "has started" in card_text(started)
    before = len(sends(connector, channel))
    for at in ("2026-11-20T16:00:00+00:00", "2026-11-20T16:00:40+00:00"):  # Friday 16:00 UTC
        await tick(cairn, clock, at)
    [weekly] = sends(connector, channel)[before:]
    assert weekly.status == 201 and weekly.authorization is not None
    shown = card_text(weekly.body)
    assert "this week's leaderboard" in shown and "alice" in shown and "bob" in shown
    clock.set("2026-11-24T10:00:00+00:00")
    await cairn.say(bob, channel, 'challenge end "Sprint"')
    after_end = len(sends(connector, channel))
    await tick(cairn, clock, "2026-11-24T10:00:10+00:00")
    await tick(cairn, clock, "2026-11-27T16:00:00+00:00")
    [final] = sends(connector, channel)[after_end:]
    assert "has finished: the final results" in card_text(final.body)
