"""Milestone threads in Teams: one card per milestone in its home channel, each update and
comment a reply under it (the reply chain `19:…;messageid=<card id>`), and the card edited in
place to show where things stand - what `bots.slack.threads` does in Slack.

An outbox consumer (`teams.threads`), so a Teams outage delays the thread and never loses it.
Delivery is at least once, so each reply is claimed under its outbox id before it is posted and
released again if the post fails. A channel Cairn was never added to (or was removed from) has
no thread: nothing is posted, nothing is retried.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from bots.teams import render
from bots.teams.markdown import paragraphs
from bots.teams.notifier import CONVERSATION_ID, RETRIED
from bots.teams.ports import CardPosts, ConversationReferences, ProcessedKeys
from bots.teams.proactive import ProactiveSender, SendFailed
from core.bus import Deps
from core.events import CommentAdded, Event, MilestoneDeleted
from core.interactions.threads import change_account, thread_state
from core.model import MilestoneId, TenantId
from core.ports import OutboxMessage, by_milestone

logger = logging.getLogger(__name__)

THREADS_CONSUMER = "teams.threads"
THREAD_VERBS = frozenset({
    "created", "edited", "progress", "comment", "assigned", "due_moved", "moved", "criteria",
    "completed", "reopened", "cancelled", "deleted",
})
REPLY_LIMIT = 4000


class ThreadStore(CardPosts, ConversationReferences, ProcessedKeys, Protocol):
    pass


def channel_reference(reference: dict[str, Any]) -> dict[str, Any]:
    """The channel itself, not the thread the reference was last seen in."""
    conversation = dict(reference.get("conversation") or {})
    conversation["id"] = str(conversation.get("id") or "").split(";")[0]
    return {**reference, "conversation": conversation}


class TeamsThreads:
    name = THREADS_CONSUMER
    verbs = THREAD_VERBS

    def __init__(self, deps: Deps, store: ThreadStore, sender: ProactiveSender) -> None:
        self._deps = deps
        self._store = store
        self._sender = sender

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        results: dict[int, str | None] = {}
        for (tenant_id, milestone_id), batch in by_milestone(messages).items():
            try:
                await self._milestone(tenant_id, milestone_id, batch)
                results.update({m.id: None for m in batch})
            except SendFailed as failed:
                if failed.status in RETRIED:
                    results.update({m.id: failed.reason for m in batch})
                    continue
                logger.warning("Teams thread of milestone %s given up: %s", milestone_id,
                               failed.reason)
                results.update({m.id: None for m in batch})
        return results

    async def _milestone(self, tenant_id: TenantId, milestone_id: MilestoneId | None,
                         batch: list[OutboxMessage]) -> None:
        if milestone_id is None:
            return
        gone = any(isinstance(x.event, MilestoneDeleted) for x in batch)
        # Which thread tells it was decided when the change was recorded (its own home channel
        # or the nearest one above it); the latest change says where it is now.
        target = next((x.audience.thread for x in reversed(batch) if x.audience is not None),
                      None)
        card = await self._store.card_of(tenant_id, milestone_id)
        channel = target.channel.split(";")[0] if target is not None else ""
        if card is None and not CONVERSATION_ID.match(channel):
            return  # no card of its own and no Teams home channel: no thread to tell
        state = await thread_state(self._deps, tenant_id, milestone_id,
                                   target.milestone_id if target is not None else None)
        if gone or not state.exists:
            if card is not None:
                await self._deleted(tenant_id, milestone_id, card)
            return
        if target is None or not CONVERSATION_ID.match(channel) or state.head is None:
            return  # no Teams home channel (or the card heading the thread is gone)
        stored = await self._store.conversation_reference(tenant_id, channel)
        if stored is None:
            return  # Cairn is not in that channel
        reference = channel_reference(stored.reference)
        head_id = target.milestone_id
        own = head_id == milestone_id
        head = card if own else await self._store.card_of(tenant_id, head_id)
        if head is None or head[0] != channel:
            posted = await self._sender.send(reference, render.message(state.head))
            await self._store.save_card(tenant_id, head_id, conversation_id=channel,
                                        activity_id=posted, at=self._deps.clock.now())
            head = (channel, posted)
            if own:  # the new card announces its own creation
                batch = [x for x in batch if x.event.verb != "created"]
        for message in batch:
            if own and message.event.verb == "created":
                continue
            await self._reply(tenant_id, reference, head[1], message)
        try:
            await self._sender.update(reference, head[1], render.message(state.head))
        except SendFailed as failed:
            if not failed.gone:
                raise
            await self._store.forget_card(tenant_id, head_id)  # posted afresh next time

    async def _reply(self, tenant_id: TenantId, reference: dict[str, Any], card_id: str,
                     message: OutboxMessage) -> None:
        key = f"teams-thread:{message.id}"
        if not await self._store.claim_key(key, tenant_id=tenant_id,
                                           at=self._deps.clock.now()):
            return  # posted on an earlier delivery
        try:
            text = await self._sentence(tenant_id, message.event)
            await self._sender.send(reference, {"type": "message", "textFormat": "markdown",
                                                "text": text}, thread=card_id)
        except BaseException:
            await self._store.release_key(key)
            raise

    async def _deleted(self, tenant_id: TenantId, milestone_id: MilestoneId,
                       card: tuple[str, str]) -> None:
        stored = await self._store.conversation_reference(tenant_id, card[0])
        if stored is not None:
            try:
                await self._sender.update(channel_reference(stored.reference), card[1], {
                    "type": "message", "textFormat": "markdown",
                    "text": "🗑 This milestone was deleted."})
            except SendFailed as failed:
                if not failed.gone:
                    raise
        await self._store.forget_card(tenant_id, milestone_id)

    async def _sentence(self, tenant_id: TenantId, event: Event) -> str:
        """The change in words, like the activity feed, with the whole comment."""
        told = await change_account(self._deps, tenant_id, event)
        sentence = told.sentence  # plain text: escaped once, below
        if isinstance(event, CommentAdded) and told.comment:
            author = sentence.split(" ", 1)[0]
            return paragraphs(f"💬 {author}: {told.comment}", REPLY_LIMIT)
        if told.blockers:
            sentence += f" · blockers: {told.blockers}"
        return paragraphs(sentence, REPLY_LIMIT)
