"""Nudges delivered in Teams: a message in a person's personal chat with the bot, a post in a
channel or group chat (a milestone's home).

`TeamsNotifier` is the core's `Notifier` for Teams. The delivery queue paces it per
destination and retries what it reports as failed, after Teams' Retry-After when Teams gave
one; on top of that every send of one Cairn tenant waits its turn under a per-tenant rate
(`TEAMS_TENANT_RATE`, 30 a second by default).

Who is reachable:
- a person with a Teams identity (`teams:<tenant>:<aad>`) whose personal chat Cairn has a
  reference for (stored when they installed the app or last wrote to it). Someone who never
  did is unreachable: the nudge stays in their inbox, where `people` shows admins why;
- a home channel stored as a Teams conversation id (`19:…@thread…`) Cairn was added to.
A 403 or 404 (the app was removed, the person left) forgets the reference and is not retried;
429, 412, 5xx and timeouts are retried.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time

from bots.teams import render
from bots.teams.ports import ConversationReferences
from bots.teams.proactive import ProactiveSender, SendFailed
from core.nudges.notifier import SENT, Outgoing, PersonAddress, RouteResult, RouteStatus

logger = logging.getLogger(__name__)

NAME = "teams"
IDENTITY = re.compile(r"^teams:([0-9A-Za-z._-]{1,255}):([0-9A-Za-z._-]{1,255})$")
CONVERSATION_ID = re.compile(r"^19:[^\s]{1,240}$")
RETRIED = frozenset({0, 412, 429, 500, 502, 503, 504})


class TenantPace:
    """At most `rate` sends a second per tenant (a send waits for its slot)."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate if rate > 0 else 0.0
        self._next: dict[int, float] = {}

    async def wait(self, tenant_id: int) -> None:
        if not self._gap:
            return
        now = time.monotonic()
        slot = max(now, self._next.get(tenant_id, now))
        self._next[tenant_id] = slot + self._gap
        if slot > now:
            await asyncio.sleep(slot - now)


def _identities(to: PersonAddress) -> list[tuple[str, str]]:
    found = [IDENTITY.match(i) for i in sorted(to.identities)]
    return [(m.group(1), m.group(2)) for m in found if m is not None]


class TeamsNotifier:
    name = NAME

    def __init__(self, references: ConversationReferences, sender: ProactiveSender, *,
                 tenant_rate: float = 30.0) -> None:
        self._references = references
        self._sender = sender
        self._pace = TenantPace(tenant_rate)

    def destination(self, message: Outgoing) -> str | None:
        to = message.to
        if isinstance(to, PersonAddress):
            found = _identities(to)
            if not found:
                return None  # never came through Teams
            tenant, aad = found[0]
            return f"teams:dm:{tenant}:{aad}"
        if CONVERSATION_ID.match(to.channel):
            return f"teams:channel:{to.tenant_id}:{to.channel.split(';')[0]}"
        return None

    async def send(self, message: Outgoing) -> RouteResult:
        payload = render.message(message.view)
        to = message.to
        if isinstance(to, PersonAddress):
            found = _identities(to)
            references = [(t, await self._references.personal_reference(t, a))
                          for t, a in found]
            usable = [(t, r) for t, r in references if r is not None]
            if not usable:
                return self._unreachable(message, "no chat with Cairn yet (they have not "
                                         "opened Cairn in Teams)")
            teams_tenant, reference = usable[0]
        else:
            stored = await self._references.conversation_reference(to.tenant_id, to.channel)
            if stored is None:
                return self._unreachable(message, "Cairn was not added to that Teams channel")
            teams_tenant, reference = stored.teams_tenant_id, stored.reference
        await self._pace.wait(to.tenant_id)
        try:
            await self._sender.send(reference, payload)
        except SendFailed as failed:
            if failed.gone:
                conversation = str((reference.get("conversation") or {}).get("id") or "")
                await self._references.forget_conversation(teams_tenant, conversation)
                why = ("the app is uninstalled or blocked" if failed.status == 403 else
                       "gone from Teams")
                return self._unreachable(message, f"{why} ({failed.reason})")
            if failed.status in RETRIED:
                return RouteResult(RouteStatus.FAILED, failed.reason, failed.retry_after)
            logger.error("nudge %d refused by Teams, not retried: %s", message.nudge_id,
                         failed.reason)
            return RouteResult(RouteStatus.UNREACHABLE, failed.reason)
        return SENT

    @staticmethod
    def _unreachable(message: Outgoing, why: str) -> RouteResult:
        logger.info("nudge %d not sent in Teams: %s", message.nudge_id, why)
        return RouteResult(RouteStatus.UNREACHABLE, why)
