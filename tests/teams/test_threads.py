"""Threads under a milestone's card in Teams: a milestone whose home is a Teams channel gets a
card there, and its updates and comments are replies under that card (the connector's reply
chain, `19:…;messageid=<card id>`), as in Slack; the card is edited in place; a redelivered
outbox message posts nothing twice."""

from __future__ import annotations

from typing import Any

from core.model import TenantId
from core.relay import drain
from tests.teams.conftest import TENANT
from tests.teams.fake_connector import Conversation, FakeConnector, Member
from tests.teams.harness import TeamsCairn, card_text


async def relay(cairn: TeamsCairn) -> None:
    for consumer in cairn.attached.consumers:
        await drain(consumer, cairn.deps.uow, cairn.deps.clock)


async def say_with_channel(cairn: TeamsCairn, member: Member, channel: Conversation,
                           text: str) -> None:
    """A message that mentions the channel itself (Teams' channel mention)."""
    body = cairn.message(member, channel, f"{text} <at>General</at>")
    body["entities"].append({"type": "mention", "text": "<at>General</at>",
                             "mentioned": {"id": channel.id, "name": "General"}})
    posted = await cairn.post(body)
    assert posted.status == 202, posted.text


def replies_to(connector: FakeConnector, channel: Conversation, card_id: str
               ) -> list[dict[str, Any]]:
    return [a for a in connector.activities_in(channel.id) if a.get("replyToId") == card_id]


async def test_updates_and_comments_are_replies_under_the_milestones_card(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    bob = connector.add_member("Bob Brown", tenant_id=TENANT)
    channel = connector.channel(TENANT, [alice, bob])
    await say_with_channel(teams, alice, channel, 'milestone "Atlas launch" due:2026-12-15')
    await relay(teams)
    tenant_id = await teams.store.tenant_of(TENANT)
    assert tenant_id is not None
    card = await _card_of_number(teams, tenant_id)
    assert card is not None and card[0] == channel.id
    posted = connector.activities_in(channel.id)
    root = next(a for a in posted if a["id"] == card[1])
    assert not root.get("replyToId") and "Atlas launch" in card_text(
        root["attachments"][0]["content"])

    await teams.say(alice, channel, "update #1 40% on track halfway there")
    await teams.say(bob, channel, "comment #1 Looks good, <b>ship</b> it")
    await relay(teams)
    await relay(teams)  # a second pass posts nothing again
    replies = replies_to(connector, channel, card[1])
    assert len(replies) == 2, replies
    assert "40%" in replies[0]["text"] and "Looks good" in replies[1]["text"]
    assert "<b>" not in replies[1]["text"]  # people's text is escaped
    threaded = [c for c in connector.succeeded("send") if ";messageid=" in c.conversation_id]
    assert {c.conversation_id for c in threaded} == {f"{channel.id};messageid={card[1]}"}
    # The card itself shows where things stand now.
    updated = connector.activities_in(channel.id)
    root = next(a for a in updated if a["id"] == card[1])
    assert "40%" in card_text(root["attachments"][0]["content"])


async def test_a_milestone_without_a_teams_home_posts_no_thread(
        teams: TeamsCairn, connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    channel = connector.channel(TENANT, [alice])
    await teams.say(alice, channel, 'milestone "Quiet one" #general')
    await teams.say(alice, channel, "update #1 10%")
    before = len(connector.activities_in(channel.id))
    await relay(teams)
    assert len(connector.activities_in(channel.id)) == before
    tenant_id = await teams.store.tenant_of(TENANT)
    assert tenant_id is not None and await teams.store.card_of(tenant_id, 1) is None


async def _card_of_number(teams: TeamsCairn, tenant_id: int) -> tuple[str, str] | None:
    async with teams.deps.uow(TenantId(tenant_id)) as tx:
        found = await tx.milestones.by_number(1)
    return await teams.store.card_of(tenant_id, found.id) if found and found.id else None
