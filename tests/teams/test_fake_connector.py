"""The fake Bot Connector answers what the Agents SDK's own `ConnectorClient` calls, over real
HTTP, the way Teams does: every call recorded, Teams' refusals and injected failures surfacing
as the SDK surfaces them (`aiohttp.ClientResponseError` with the status and headers)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from microsoft_agents.activity import Activity, ConversationParameters
from microsoft_agents.hosting.core.connector.client import ConnectorClient

from tests.teams.adaptive_cards import CARD_CONTENT_TYPE, card_problems
from tests.teams.conftest import APP_ID, APP_PASSWORD, TENANT
from tests.teams.fake_connector import FakeConnector
from tests.teams.tokens import BOT_FRAMEWORK_SCOPE, TokenKit


def card_message(text: str, **extra: object) -> Activity:
    card = {"type": "AdaptiveCard", "version": "1.5",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}], **extra}
    return Activity.model_validate({"type": "message", "attachments": [
        {"contentType": CARD_CONTENT_TYPE, "content": card}]})


async def test_send_reply_update_delete_through_the_sdk_client(connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    client = ConnectorClient(endpoint=connector.service_url, token="t0ken")
    try:
        sent = await client.conversations.send_to_conversation(chat.id, card_message("Hello"))
        reply = await client.conversations.reply_to_activity(
            chat.id, sent.id, Activity(type="message", text="a reply"))
        await client.conversations.update_activity(
            chat.id, sent.id, card_message("Hello again"))
        await client.conversations.delete_activity(chat.id, reply.id)
    finally:
        await client.close()
    assert [c.kind for c in connector.calls] == ["send", "reply", "update", "delete"]
    assert all(c.path.startswith("/amer/v3/conversations/") for c in connector.calls)
    assert {c.authorization for c in connector.calls} == {"Bearer t0ken"}
    [left] = connector.activities_in(chat.id)
    assert left["id"] == sent.id
    assert connector.cards_in(chat.id)[0]["body"][0]["text"] == "Hello again"


async def test_a_personal_chat_is_created_and_the_roster_is_read(connector: FakeConnector
                                                                 ) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT, email="alice@contoso.example")
    bob = connector.add_member("Bob Brown", tenant_id=TENANT)
    channel = connector.channel(TENANT, [alice, bob])
    client = ConnectorClient(endpoint=connector.service_url, token="t0ken")
    try:
        created = await client.conversations.create_conversation(ConversationParameters(
            is_group=False, bot={"id": "28:cairn-bot"}, members=[{"id": alice.id}],
            tenant_id=TENANT))
        members = await client.conversations.get_conversation_members(channel.id)
        one = await client.conversations.get_conversation_member(channel.id, bob.aad_object_id)
        page = await client.conversations.get_conversation_paged_members(channel.id, page_size=1)
        with pytest.raises(aiohttp.ClientResponseError) as missing:
            await client.conversations.get_conversation_member(channel.id, "29:nobody")
    finally:
        await client.close()
    assert created.id == connector.personal_chat(alice).id
    assert [m.name for m in members] == ["Alice Adams", "Bob Brown"]
    assert members[0].model_dump(by_alias=True)["email"] == "alice@contoso.example"
    assert members[0].model_dump(by_alias=True)["aadObjectId"] == alice.aad_object_id
    assert one.id == bob.id
    assert len(page.members) == 1 and page.continuation_token == "1"
    assert missing.value.status == 404


@pytest.mark.parametrize("status", [429, 412, 502, 504, 403, 404])
async def test_injected_failures_reach_the_caller_with_status_and_retry_after(
        connector: FakeConnector, status: int) -> None:
    chat = connector.personal_chat(connector.add_member("Alice Adams", tenant_id=TENANT))
    connector.fail("send", status=status, retry_after=7 if status == 429 else None)
    client = ConnectorClient(endpoint=connector.service_url, token="t0ken")
    try:
        with pytest.raises(aiohttp.ClientResponseError) as failed:
            await client.conversations.send_to_conversation(chat.id, card_message("x"))
        again = await client.conversations.send_to_conversation(chat.id, card_message("x"))
    finally:
        await client.close()
    assert failed.value.status == status
    if status == 429:
        assert failed.value.headers is not None and failed.value.headers["Retry-After"] == "7"
    assert again.id and [c.status for c in connector.attempts("send")] == [status, 201]


async def test_slowness_is_injected_and_the_answer_still_comes(connector: FakeConnector) -> None:
    chat = connector.personal_chat(connector.add_member("Alice Adams", tenant_id=TENANT))
    connector.fail("send", status=None, delay=0.3)
    client = ConnectorClient(endpoint=connector.service_url, token="t0ken")
    try:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):
                await client.conversations.send_to_conversation(chat.id, card_message("x"))
    finally:
        await client.close()
    assert connector.attempts("send")


async def test_teams_refusals(connector: FakeConnector) -> None:
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    chat = connector.personal_chat(alice)
    client = ConnectorClient(endpoint=connector.service_url, token="t0ken")
    statuses: list[int] = []
    try:
        for attempt in (
            client.conversations.send_to_conversation(chat.id, card_message("x" * 30_000)),
            client.conversations.send_to_conversation(chat.id, card_message("<at>Bob</at>")),
            client.conversations.send_to_conversation(
                chat.id, card_message("x", version="1.6")),
            client.conversations.send_to_conversation("a:unknown", card_message("x")),
            client.conversations.update_activity(chat.id, "1999", card_message("x")),
        ):
            with pytest.raises(aiohttp.ClientResponseError) as refused:
                await attempt
            statuses.append(refused.value.status)
        connector.uninstall(chat.id)
        with pytest.raises(aiohttp.ClientResponseError) as gone:
            await client.conversations.send_to_conversation(chat.id, card_message("x"))
    finally:
        await client.close()
    assert statuses == [400, 400, 400, 404, 404]
    assert gone.value.status == 403
    assert connector.activities_in(chat.id) == []


def test_the_card_checker_knows_the_basics_of_1_5() -> None:
    good = {"type": "AdaptiveCard", "version": "1.5", "body": [
        {"type": "TextBlock", "text": "**Launch** &lt;beta&gt;", "wrap": True, "size": "large"},
        {"type": "FactSet", "facts": [{"title": "Owner", "value": "@bob"}]},
        {"type": "ColumnSet", "columns": [{"type": "Column", "width": "auto", "items": []}]},
        {"type": "ActionSet", "actions": [{"type": "Action.Submit", "title": "Done",
                                           "data": {"verb": "run"}}]}],
        "actions": [{"type": "Action.ShowCard", "title": "More", "card": {
            "type": "AdaptiveCard", "body": [], "actions": [
                {"type": "Action.OpenUrl", "title": "Open", "url": "https://x.example"}]}}],
        "msteams": {"width": "Full"}}
    assert card_problems(good) == []
    bad = {"type": "AdaptiveCard", "version": "1.5", "body": [
        {"type": "Carousel"}, {"type": "TextBlock", "text": "<b>x</b>", "size": "huge"},
        {"type": "Input.Text"}, {"type": "Input.Text", "id": "a"}, {"type": "Input.Text",
                                                                   "id": "a"}],
        "actions": [{"type": "Action.Submit"}] * 7}
    problems = " | ".join(card_problems(bad))
    for expected in ("Carousel", "raw HTML", "'huge'", "needs an id", "used twice",
                     "7 primary actions", "needs a title"):
        assert expected in problems


async def test_the_token_endpoint_and_the_connector_agree_on_outbound_tokens(
        connector: FakeConnector, token_kit: TokenKit) -> None:
    chat = connector.personal_chat(connector.add_member("Alice Adams", tenant_id=TENANT))
    connector.require_tokens(token_kit.issued)
    form = {"grant_type": "client_credentials", "client_id": APP_ID,
            "client_secret": APP_PASSWORD, "scope": BOT_FRAMEWORK_SCOPE}
    async with aiohttp.ClientSession() as http:
        async with http.post(token_kit.token_url(), data=form) as answer:
            assert answer.status == 200
            token = (await answer.json())["access_token"]
        async with http.post(token_kit.token_url(), data={**form, "client_secret": "no"}
                             ) as refused:
            assert refused.status == 401
    assert token_kit.issued[token].scope == BOT_FRAMEWORK_SCOPE
    for bearer, expected in (("forged", 401), (token, 201)):
        client = ConnectorClient(endpoint=connector.service_url, token=bearer)
        try:
            await client.conversations.send_to_conversation(chat.id, card_message("x"))
            status = 201
        except aiohttp.ClientResponseError as error:
            status = error.status
        finally:
            await client.close()
        assert status == expected
