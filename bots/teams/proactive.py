"""Messages Cairn starts (nudges, digests, a refusal told privately): an activity posted to a
stored conversation reference with the SDK's connector client, under the bot's own token.

Failures come back as `SendFailed` with the connector's status and Retry-After, so the caller
decides: the delivery queue retries 429 (after Retry-After), 412, 502 and 504, and a 403 or
404 (the app was removed, the person is gone) means the reference is forgotten, not retried.
The SDK's `continue_conversation` is not used: its turn-error handler swallows these.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import aiohttp
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core.authorization import AccessTokenProviderBase
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bots.teams.auth import BOT_SCOPE

logger = logging.getLogger(__name__)

GONE = frozenset({403, 404})
MAX_RETRY_AFTER_S = 3600


class SendFailed(Exception):
    def __init__(self, status: int, reason: str, retry_after: timedelta | None = None) -> None:
        super().__init__(reason)
        self.status, self.reason, self.retry_after = status, reason, retry_after

    @property
    def gone(self) -> bool:
        return self.status in GONE


def _retry_after(headers: Any) -> timedelta | None:
    try:
        seconds = int(str((headers or {}).get("Retry-After")))
    except (TypeError, ValueError):
        return None
    return timedelta(seconds=max(0, min(seconds, MAX_RETRY_AFTER_S)))


class ProactiveSender:
    def __init__(self, tokens: AccessTokenProviderBase | None) -> None:
        self._tokens = tokens

    async def send(self, reference: dict[str, Any], payload: dict[str, Any], *,
                   thread: str = "") -> str:
        """Posts `payload` (a message activity) where `reference` points; in a channel
        `thread` is the id of the message to reply under. Returns the new activity's id."""
        service_url = str(reference.get("serviceUrl") or "")
        conversation = dict(reference.get("conversation") or {})
        conversation_id = str(conversation.get("id") or "")
        if not service_url or not conversation_id:
            raise SendFailed(404, "a reference without a service URL or conversation")
        if thread:
            conversation_id = f"{conversation_id.split(';')[0]};messageid={thread}"
        activity = Activity.model_validate({
            **payload, "channelId": reference.get("channelId") or "msteams",
            "serviceUrl": service_url, "conversation": conversation,
            **({"from": reference["bot"]} if reference.get("bot") else {}),
            **({"replyToId": thread} if thread else {})})
        return await self._call(service_url, lambda client: client.conversations
                                .send_to_conversation(conversation_id, activity))

    async def update(self, reference: dict[str, Any], activity_id: str,
                     payload: dict[str, Any]) -> None:
        """Replaces a message Cairn posted (a milestone's card) where `reference` points."""
        service_url = str(reference.get("serviceUrl") or "")
        conversation = dict(reference.get("conversation") or {})
        conversation_id = str(conversation.get("id") or "").split(";")[0]
        if not service_url or not conversation_id:
            raise SendFailed(404, "a reference without a service URL or conversation")
        activity = Activity.model_validate({
            **payload, "id": activity_id, "channelId": reference.get("channelId") or "msteams",
            "serviceUrl": service_url, "conversation": conversation,
            **({"from": reference["bot"]} if reference.get("bot") else {})})
        await self._call(service_url, lambda client: client.conversations.update_activity(
            conversation_id, activity_id, activity))

    async def _call(self, service_url: str, request: Any) -> str:
        token = (await self._tokens.get_access_token(BOT_SCOPE, [BOT_SCOPE])
                 if self._tokens is not None else "")
        client = TeamsConnectorClient(endpoint=service_url, token=token)
        try:
            answer = await request(client)
        except aiohttp.ClientResponseError as error:
            raise SendFailed(error.status, f"Teams: HTTP {error.status}",
                             _retry_after(error.headers)) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise SendFailed(0, f"Teams unreachable: {type(error).__name__}") from None
        finally:
            await client.close()
        return str(getattr(answer, "id", "") or "")
