"""What the pinned Agents SDK (1.9.0) does when mounted on aiohttp, over real HTTP against the
fake Bot Connector: the facts Cairn's Teams adapter is built around (and must guard against).
If an upgrade changes one of them, this fails and says which guard to revisit.

The agent here is a bare `on_turn`; Cairn's own handlers come with the Teams adapter.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ConversationReference,
    InvokeResponse,
)
from microsoft_agents.hosting.aiohttp import CloudAdapter, jwt_authorization_decorator
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    ConnectionManager,
    MessageFactory,
    TurnContext,
)
from microsoft_agents.hosting.core.authorization import (
    AnonymousTokenProvider,
    ClaimsIdentity,
    _entra_issuers,
)

from tests.teams.conftest import APP_ID, TENANT
from tests.teams.fake_connector import Conversation, FakeConnector, Member
from tests.teams.tokens import BOT_FRAMEWORK_ISSUER, TokenKit

# The SDK keys aiohttp's app and request storage with plain strings (it is its API, not ours).
pytestmark = pytest.mark.filterwarnings("ignore:It is recommended to use web.:UserWarning")


class FixedToken(AnonymousTokenProvider):
    """An outbound token provider that needs no Entra ID (MSAL cannot reach a local fake)."""

    async def get_access_token(self, resource_url: str, scopes: list[str],
                               force_refresh: bool = False) -> str:
        return "outbound-token"


class EchoAgent:
    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.type == ActivityTypes.invoke:
            await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=(
                InvokeResponse(status=200, body={"task": {"type": "message", "value": "ok"}}))))
        elif activity.text == "boom":
            raise RuntimeError("a secret detail")
        else:
            await context.send_activity(MessageFactory.text(f"echo {activity.text}"))


@dataclass
class Bot:
    url: str
    adapter: CloudAdapter
    chat: Conversation
    alice: Member

    def activity(self, connector: FakeConnector, **fields: Any) -> dict[str, Any]:
        return {"type": "message", "id": "1700000000001", "text": "hello",
                "channelId": "msteams", "serviceUrl": connector.service_url,
                "from": {"id": self.alice.id, "aadObjectId": self.alice.aad_object_id},
                "recipient": {"id": "28:cairn-bot"}, "conversation": {
                    "id": self.chat.id, "conversationType": "personal", "tenantId": TENANT},
                **fields}


async def serve(config: AgentAuthConfiguration, connector: FakeConnector,
                provider: Callable[[AgentAuthConfiguration], Any]) -> tuple[Bot, web.AppRunner]:
    adapter = CloudAdapter(connection_manager=ConnectionManager(
        provider_factory=provider, connections_configurations={"SERVICE_CONNECTION": config}))
    agent = EchoAgent()

    @jwt_authorization_decorator
    async def messages(request: web.Request) -> web.StreamResponse:
        answer = await adapter.process(request, agent)
        assert answer is not None
        return answer

    app = web.Application()
    app["agent_configuration"] = config
    app.router.add_post("/api/messages", messages)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    alice = connector.add_member("Alice Adams", tenant_id=TENANT)
    bot = Bot(f"http://127.0.0.1:{runner.addresses[0][1]}/api/messages", adapter,
              connector.personal_chat(alice), alice)
    return bot, runner


@pytest.fixture
async def local_bot(connector: FakeConnector) -> AsyncIterator[Bot]:
    bot, runner = await serve(AgentAuthConfiguration(anonymous_allowed=True), connector,
                              lambda _: AnonymousTokenProvider())
    try:
        yield bot
    finally:
        await runner.cleanup()


async def post(url: str, body: Any, token: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with aiohttp.ClientSession() as http, http.post(url, json=body,
                                                          headers=headers) as answer:
        return answer.status, await answer.text()


def texts(connector: FakeConnector) -> list[str]:
    return [str(c.body.get("text")) for c in connector.calls if isinstance(c.body, dict)]


async def test_a_message_is_answered_as_a_reply_at_the_service_url(
        local_bot: Bot, connector: FakeConnector) -> None:
    assert (await post(local_bot.url, local_bot.activity(connector)))[0] == 202
    [call] = connector.calls
    assert call.kind == "reply" and call.activity_id == "1700000000001"
    assert call.authorization is None  # local mode: anonymous, no token
    assert texts(connector) == ["echo hello"]


async def test_an_invoke_is_answered_in_the_http_response(local_bot: Bot,
                                                          connector: FakeConnector) -> None:
    status, body = await post(local_bot.url, local_bot.activity(
        connector, type="invoke", name="task/fetch", value={"data": {}}))
    assert (status, body) == (200, '{"task": {"type": "message", "value": "ok"}}')


async def test_the_default_turn_error_handler_tells_users_the_exception(
        local_bot: Bot, connector: FakeConnector) -> None:
    assert (await post(local_bot.url, local_bot.activity(connector, text="boom")))[0] == 202
    assert texts(connector) == ["Exception caught : a secret detail"]  # Cairn replaces it


@pytest.mark.parametrize("broken", [{"type": 5}, {"from": "x"}])
async def test_an_activity_pydantic_refuses_is_a_500(local_bot: Bot, connector: FakeConnector,
                                                     broken: dict[str, Any]) -> None:
    status, _ = await post(local_bot.url, local_bot.activity(connector, **broken))
    assert status == 500  # Cairn must check the body before the SDK parses it
    assert (await post(local_bot.url, [1]))[0] == 500
    assert (await post(local_bot.url, {"type": "message"}))[0] == 400


async def test_proactive_sends_in_local_mode_and_what_happens_to_their_errors(
        local_bot: Bot, connector: FakeConnector) -> None:
    reference = Activity.model_validate(local_bot.activity(connector)).get_conversation_reference()
    stored = reference.model_dump(mode="json", by_alias=True, exclude_none=True)
    continuation = ConversationReference.model_validate(stored).get_continuation_activity()

    async def say(context: TurnContext) -> None:
        await context.send_activity(MessageFactory.text("nudge"))

    with pytest.raises(ValueError, match="user token client"):
        await local_bot.adapter.continue_conversation("", continuation, say)
    anonymous = ClaimsIdentity({})
    await local_bot.adapter.continue_conversation_with_claims(anonymous, continuation, say)
    continuation.id = None  # a new message rather than a reply to the continuation's id
    await local_bot.adapter.continue_conversation_with_claims(anonymous, continuation, say)
    assert [c.kind for c in connector.calls] == ["reply", "send"]
    connector.fail("send", status=429, retry_after=5)
    await local_bot.adapter.continue_conversation_with_claims(anonymous, continuation, say)
    # The 429 never reached the caller: the default turn-error handler swallowed it and
    # posted its text to the person instead.
    assert [c.status for c in connector.calls[-2:]] == [429, 201]
    assert texts(connector)[-1].startswith("Exception caught : 429")


async def test_with_credentials_the_service_url_claim_is_not_enforced(
        connector: FakeConnector, token_kit: TokenKit, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(_entra_issuers.BOTFRAMEWORK_JWKS_URIS, BOT_FRAMEWORK_ISSUER,
                        token_kit.jwks_url)
    config = AgentAuthConfiguration(client_id=APP_ID, tenant_id=TENANT, client_secret="x",
                                    validate_issuer=True)
    bot, runner = await serve(config, connector, lambda _: FixedToken())
    try:
        url = connector.service_url
        verdicts: dict[str, int] = {}
        shapes: dict[str, Callable[[str], str]] = {
            "good": token_kit.good, "expired": token_kit.expired,
            "wrong audience": token_kit.wrong_audience, "unknown key": token_kit.unknown_key,
            "tampered": token_kit.tampered, "no kid": token_kit.no_key_id,
            "bad service url": token_kit.bad_service_url}
        for name, make in shapes.items():
            verdicts[name] = (await post(bot.url, bot.activity(connector), make(url)))[0]
        verdicts["none"] = (await post(bot.url, bot.activity(connector)))[0]
    finally:
        await runner.cleanup()
    assert verdicts == {"good": 202, "expired": 401, "wrong audience": 401,
                        "unknown key": 401, "tampered": 401, "none": 401,
                        "no kid": 500,  # a KeyError inside the SDK's validator
                        "bad service url": 202}  # only logged: Cairn must refuse it
    assert {c.authorization for c in connector.calls} == {"Bearer outbound-token"}

