"""The parts of a Slack request every path needs: who (the speaker, in which tenant), the
client with the workspace's token, and where to answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.authorize import CONTEXT_TENANT
from bots.slack.mrkdwn import unescape_incoming
from bots.slack.people import Speaker
from core.model import TenantId

Ack = Callable[..., Awaitable[Any]]

NOT_SET_UP = "Cairn is not set up in this workspace yet: ask an admin to install it."


@dataclass(frozen=True, slots=True)
class Incoming:
    """The parts of a Slack request every path needs."""

    speaker: Speaker
    client: AsyncWebClient
    channel_id: str = ""
    response_url: str = ""
    trigger_id: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    """A slash command's text: as Slack sent it (where only Slack's own mentions are live
    `<@U…>` tokens: one a person typed arrives as `&lt;@U…&gt;`) and as the person typed it."""

    as_sent: str
    text: str

    @classmethod
    def of(cls, as_sent: str) -> Line:
        return cls(as_sent=as_sent, text=unescape_incoming(as_sent))


def incoming(body: dict[str, Any], context: Any) -> Incoming | None:
    tenant = context.get(CONTEXT_TENANT)
    user = context.get("user_id") or ""
    team = context.get("team_id") or ""
    if tenant is None or not user or not team:
        return None
    name = str(body.get("user_name") or (body.get("user") or {}).get("username") or "")
    return Incoming(
        speaker=Speaker(tenant_id=TenantId(tenant), team_id=team, user_id=user, name_hint=name),
        client=context["client"], channel_id=context.get("channel_id") or "",
        response_url=context.get("response_url") or "", trigger_id=body.get("trigger_id") or "")
