"""Milestone threads: one card per milestone in its home channel, every change a reply in the
card's thread, and the card edited in place to show where things stand.

An outbox consumer (`slack.threads`), so a Slack outage delays the thread and never loses it.
Delivery is at least once, so each reply is claimed under its outbox id before it is posted (a
redelivered message does not post it twice) and released again if the post fails. Posts to one
channel are spaced out (Slack allows about one message per second per channel).
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import time
from collections.abc import Mapping, Sequence

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render
from bots.slack.blocks import clip_mrkdwn
from bots.slack.mrkdwn import escape, escape_keeping_mentions, escape_readable
from bots.slack.ports import CardMessages, ProcessedKeys
from bots.slack.tokens import TenantClients
from core.bus import Deps
from core.events import CommentAdded, Event, MilestoneDeleted
from core.interactions.threads import change_account, thread_state
from core.model import MilestoneId, TenantId
from core.ports import OutboxMessage, by_milestone
from core.views import MilestoneCard

logger = logging.getLogger(__name__)

THREADS_CONSUMER = "slack.threads"
THREAD_VERBS = frozenset({
    "created", "edited", "progress", "comment", "assigned", "due_moved", "moved", "criteria",
    "completed", "reopened", "cancelled", "deleted",
})
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")
# Slack errors that no retry can fix: the consumer logs them and moves on.
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "no_permission",
             "invalid_auth", "account_inactive", "token_revoked", "not_authed",
             "restricted_action", "invalid_blocks", "msg_too_long", "team_access_not_granted"}
GONE = {"message_not_found", "cant_update_message", "edit_window_closed"}


class ChannelPacer:
    """Spaces posts to one channel `interval` seconds apart."""

    def __init__(self, interval: float = 1.1) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}

    async def wait(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None and self.interval > 0:
            delay = self.interval - (time.monotonic() - last)
            if delay > 0:
                await asyncio.sleep(delay)
        self._last[channel] = time.monotonic()


class _Permanent(Exception):
    pass


class SlackThreads:
    name = THREADS_CONSUMER
    verbs = THREAD_VERBS

    def __init__(self, deps: Deps, cards: CardMessages, keys: ProcessedKeys,
                 clients: TenantClients, pacer: ChannelPacer) -> None:
        self._deps = deps
        self._cards = cards
        self._keys = keys
        self._clients = clients
        self._pacer = pacer

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        results: dict[int, str | None] = {}
        for (tenant_id, milestone_id), batch in by_milestone(messages).items():
            try:
                await self._milestone(tenant_id, milestone_id, batch)
                results.update({m.id: None for m in batch})
            except _Permanent as error:
                logger.warning("milestone thread given up for %s: %s", milestone_id, error)
                results.update({m.id: None for m in batch})
            except SlackApiError as error:
                why = f"Slack: {error.response.get('error')}"
                results.update({m.id: why for m in batch})
            except (aiohttp.ClientError, TimeoutError) as error:
                # Slack slow or unreachable: the outbox tries again later; one line here.
                ref = secrets.token_hex(2)
                logger.warning("milestone thread of %s: Slack did not answer (%s, ref %s); "
                               "retried later", milestone_id, type(error).__name__, ref)
                results.update({m.id: f"Slack did not answer (ref {ref})" for m in batch})
        return results

    async def _milestone(self, tenant_id: TenantId, milestone_id: MilestoneId | None,
                         batch: list[OutboxMessage]) -> None:
        if milestone_id is None:
            return
        gone = next((x.event for x in batch if isinstance(x.event, MilestoneDeleted)), None)
        # Which thread tells it was decided when the change was recorded (the milestone's own
        # home channel, or the nearest one above it); the latest change says where it is now.
        target = next((x.audience.thread for x in reversed(batch) if x.audience is not None),
                      None)
        card = await self._cards.card_of(tenant_id, milestone_id)
        if card is None and (target is None or not CHANNEL_ID.match(target.channel)):
            return  # no card of its own and no Slack home channel: no thread to tell
        state = await thread_state(self._deps, tenant_id, milestone_id,
                                   target.milestone_id if target is not None else None)
        deleted = not state.exists or gone is not None
        if deleted and card is not None:
            channel = card[0]  # its own card says it is gone
        elif deleted and gone is None:
            channel = ""  # deleted since: its deletion tells the thread
        else:
            channel = target.channel if target is not None else ""
        if not CHANNEL_ID.match(channel):
            return  # no Slack home channel: nothing to thread
        workspaces = await self._clients.of_tenant(tenant_id)
        if not workspaces:
            return  # not installed (any more)
        client = workspaces[0].client
        if deleted and card is not None:
            await self._deleted(client, tenant_id, milestone_id, card, batch)
            return
        assert target is not None
        head_id = target.milestone_id  # the card whose thread tells this milestone's news
        view = state.head
        if view is None:
            return  # the card heading the thread was deleted since: nowhere to tell it
        own = head_id == milestone_id
        head_card = card if own else await self._cards.card_of(tenant_id, head_id)
        if head_card is None or head_card[0] != channel:
            head_card = await self._post_card(client, tenant_id, head_id, channel, view)
            if own:  # the new card announces its own creation
                batch = [x for x in batch if x.event.verb != "created"]
                if not batch:
                    return
        for message in batch:
            if own and message.event.verb == "created":
                continue
            await self._reply(client, tenant_id, head_card, message)
        await self._update_card(client, tenant_id, head_id, head_card, view)

    async def _post_card(self, client: AsyncWebClient, tenant_id: TenantId,
                         milestone_id: MilestoneId, channel: str, view: MilestoneCard
                         ) -> tuple[str, str]:
        await self._pacer.wait(channel)
        answer = await _call(client.chat_postMessage(channel=channel, **render.message(view)))
        ts = str(answer["ts"])
        await self._cards.save_card(tenant_id, milestone_id,
                                    channel=str(answer.get("channel") or channel), ts=ts,
                                    at=self._deps.clock.now())
        return str(answer.get("channel") or channel), ts

    async def _reply(self, client: AsyncWebClient, tenant_id: TenantId, card: tuple[str, str],
                     message: OutboxMessage) -> None:
        key = f"thread:{message.id}"
        if not await self._keys.claim_key(key, tenant_id=tenant_id, at=self._deps.clock.now()):
            return  # posted on an earlier delivery
        try:
            text = await self._sentence(tenant_id, message.event)
            await self._pacer.wait(card[0])
            await _call(client.chat_postMessage(channel=card[0], thread_ts=card[1], text=text,
                                                unfurl_links=False))
        except BaseException:
            await self._keys.release_key(key)
            raise

    async def _update_card(self, client: AsyncWebClient, tenant_id: TenantId,
                           milestone_id: MilestoneId, card: tuple[str, str],
                           view: MilestoneCard) -> None:
        try:
            await _call(client.chat_update(channel=card[0], ts=card[1], **render.message(view)))
        except _Permanent as error:
            if str(error) in GONE:
                await self._cards.forget_card(tenant_id, milestone_id)  # reposted next time
                return
            raise

    async def _deleted(self, client: AsyncWebClient, tenant_id: TenantId,
                       milestone_id: MilestoneId, card: tuple[str, str] | None,
                       batch: list[OutboxMessage]) -> None:
        if card is None:
            return
        gone = next((x for x in batch if isinstance(x.event, MilestoneDeleted)), None)
        title = (f"#{gone.event.number} “{gone.event.title}”" if gone and isinstance(
            gone.event, MilestoneDeleted) else "This milestone")
        text = f"🗑 {escape(title)} was deleted."
        try:
            await _call(client.chat_update(channel=card[0], ts=card[1], text=text, blocks=[
                {"type": "section", "text": {"type": "mrkdwn", "text": clip_mrkdwn(text, 3000)}}]))
        except _Permanent as error:
            if str(error) not in GONE:
                raise
        await self._cards.forget_card(tenant_id, milestone_id)

    async def _sentence(self, tenant_id: TenantId, event: Event) -> str:
        """The change in words, like the activity feed, with the whole comment."""
        told = await change_account(self._deps, tenant_id, event)
        # The account of the change holds titles: nothing in it may ping the channel.
        sentence = escape_readable(told.sentence)
        if isinstance(event, CommentAdded) and told.comment:
            author = sentence.split(" ", 1)[0]
            return clip_mrkdwn(f"💬 {author}: {escape_keeping_mentions(told.comment)}", 3000)
        if told.blockers:
            sentence += f" · blockers: {escape_keeping_mentions(told.blockers)}"
        return clip_mrkdwn(sentence, 3000)

async def _call(pending: object) -> dict[str, object]:
    """Awaits a Web API call; errors no retry can fix become `_Permanent`."""
    try:
        answer = await pending  # type: ignore[misc]
    except SlackApiError as error:
        code = str(error.response.get("error"))
        if code in PERMANENT or code in GONE:
            raise _Permanent(code) from error
        raise
    return dict(answer.data) if hasattr(answer, "data") else dict(answer)
