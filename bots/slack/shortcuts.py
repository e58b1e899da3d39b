"""Slack's shortcuts: *New milestone* (global), and, on a message, *Create milestone from this
message* and *Add as comment to a milestone*. Each acks at once and opens a form prefilled from
the message, with its permalink."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bots.slack.incoming import Ack, Incoming, incoming
from bots.slack.mrkdwn import unescape_incoming

if TYPE_CHECKING:
    from bots.slack.front import SlackFrontEnd

SHORTCUT_NEW = "cairn.new"
SHORTCUT_FROM_MESSAGE = "cairn.from_message"
SHORTCUT_COMMENT = "cairn.comment_from_message"


class Shortcuts:
    def __init__(self, front: SlackFrontEnd) -> None:
        self.front = front

    async def on_global_new(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        await ack()
        inc = incoming(body, context)
        if inc is not None:
            self.front.spawn(inc, self._new(inc), "new form")

    async def _new(self, inc: Incoming) -> None:
        await self.front.open_modal(inc, await self.front.forms.new(inc))

    async def on_message_shortcut(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        await ack()
        inc = incoming(body, context)
        if inc is None:
            return
        self.front.spawn(inc, self._from_message(inc, body), "message shortcut")

    async def _from_message(self, inc: Incoming, body: dict[str, Any]) -> None:
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or inc.channel_id)
        text = unescape_incoming(str(message.get("text") or "")).strip()
        link = await self._permalink(inc, body, channel, str(message.get("ts") or ""))
        callback = str(body.get("callback_id") or "")
        forms = self.front.forms
        if callback == SHORTCUT_COMMENT:
            quoted = f"{text}\n\n{link}".strip() if link else text
            await self.front.open_modal(inc, await forms.comment(inc, None, text=quoted[:3000]))
            return
        first_line = text.splitlines()[0] if text else ""
        description = f"{text}\n\n{link}".strip() if link else text
        await self.front.open_modal(inc, await forms.new(
            inc, title=first_line[:80], description=description[:3000],
            links=(link,) if link else ()))

    async def _permalink(self, inc: Incoming, body: dict[str, Any], channel: str,
                         ts: str) -> str:
        """The message's permalink, if Slack gives it quickly (the form must open within 3 s
        of the click); else the archive link built from the workspace domain."""
        if not channel or not ts:
            return ""
        try:
            async with asyncio.timeout(1.0):
                answer = await inc.client.chat_getPermalink(channel=channel, message_ts=ts)
            return str(answer.get("permalink") or "")
        except (SlackApiError, TimeoutError):
            domain = str((body.get("team") or {}).get("domain") or "")
            if not domain:
                return ""
            return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
