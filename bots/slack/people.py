"""Who is speaking: Slack workspaces as tenants, Slack users as Cairn users.

A workspace becomes a tenant on install (or, with a single bot token, on its first request). A
Slack user becomes a Cairn user on first contact, from `users.info` (name, email, IANA time
zone); so does anyone they mention. Lookups are cached briefly in memory: the hot path of a
command needs no query to know who is asking.
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.ports import SlackMembers, WorkspaceDirectory
from core.bus import Deps
from core.commands import Actor
from core.errors import DomainError, NotFound
from core.model import TenantId
from core.people.use_cases import ensure_tenant, join, known_actor
from core.ports import Clock

logger = logging.getLogger(__name__)

K = TypeVar("K")
V = TypeVar("V")

ACTOR_TTL_S = 60.0
MAX_ID = 32  # the longest Slack id the workspace columns hold
MENTION = re.compile(r"<@([UW][A-Z0-9]{1,40})(?:\|[^>]*)?>")


class TimedCache(Generic[K, V]):
    """A small LRU whose entries expire; enough to spare the database the same lookup."""

    def __init__(self, size: int, ttl: float) -> None:
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._size, self._ttl = size, ttl

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        if time.monotonic() - found[0] > self._ttl:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return found[1]

    def put(self, key: K, value: V) -> None:
        self._items[key] = (time.monotonic(), value)
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()


def workspace_key(enterprise_id: str | None, team_id: str | None) -> tuple[str, str]:
    return (enterprise_id or "", team_id or "")


def identity(team_id: str, user_id: str) -> str:
    return f"slack:{team_id}:{user_id}"


def identity_prefix(team_id: str) -> str:
    return f"slack:{team_id}:"


class Workspaces:
    """Slack workspace -> Cairn tenant, created on first need."""

    def __init__(self, directory: WorkspaceDirectory, deps: Deps) -> None:
        self._directory = directory
        self._deps = deps
        self._tenants: TimedCache[tuple[str, str], TenantId] = TimedCache(10_000, 3600)
        self._epoch = deps.links.value

    async def tenant_of(self, enterprise_id: str | None, team_id: str | None, *,
                        create: bool, name: str = "") -> TenantId | None:
        key = workspace_key(enterprise_id, team_id)
        if key == ("", "") or max(len(part) for part in key) > MAX_ID:
            return None  # no workspace at all, or ids no Slack workspace has
        epoch = await self._deps.links.current()
        if self._epoch != epoch:  # linked or unlinked (here or elsewhere): tenants moved
            self._epoch = epoch
            self._tenants.clear()
        cached = self._tenants.get(key)
        if cached is not None:
            return cached
        found = await self._directory.tenant_of(*key)
        if found is None and create:
            slug = "slack-" + "-".join(part for part in key if part)
            tenant = await ensure_tenant(self._deps, slug=slug, name=name or slug)
            assert tenant.id is not None
            found = await self._directory.link_workspace(*key, tenant.id, name=name,
                                                         at=self._deps.clock.now())
        if found is None:
            return None
        self._tenants.put(key, TenantId(found))
        return TenantId(found)

    async def of_tenant(self, tenant_id: int) -> list[tuple[str, str]]:
        return await self._directory.workspaces_of(tenant_id)


@dataclass(frozen=True, slots=True)
class Speaker:
    """A Slack user in a request, with the tenant their workspace maps to."""

    tenant_id: TenantId
    team_id: str
    user_id: str
    name_hint: str = ""


class People:
    """Slack users -> Cairn actors; provisions on first contact."""

    def __init__(self, deps: Deps, members: SlackMembers, clock: Clock) -> None:
        self._deps = deps
        self._members = members
        self._clock = clock
        self._actors: TimedCache[tuple[int, str], Actor] = TimedCache(50_000, ACTOR_TTL_S)
        self._epoch = deps.links.value

    async def known(self, tenant_id: TenantId, team_id: str, user_id: str) -> Actor | None:
        """The actor, from the cache or one query; None for someone never seen."""
        key = (tenant_id, identity(team_id, user_id))
        epoch = await self._deps.links.current()
        if self._epoch != epoch:  # linked or unlinked (here or elsewhere): people moved
            self._epoch = epoch
            self._actors.clear()
        actor = self._actors.get(key)
        if actor is not None:
            return actor
        actor = await known_actor(self._deps, tenant_id, key[1])
        if actor is None:
            return None
        self._actors.put(key, actor)
        return actor

    def forget(self, tenant_id: TenantId, team_id: str, user_id: str) -> None:
        self._actors.drop((tenant_id, identity(team_id, user_id)))

    async def actor(self, speaker: Speaker, client: AsyncWebClient) -> Actor:
        known = await self.known(speaker.tenant_id, speaker.team_id, speaker.user_id)
        if known is not None:
            return known
        return await self.provision(speaker.tenant_id, speaker.team_id, speaker.user_id, client,
                                    name_hint=speaker.name_hint)

    async def provision(self, tenant_id: TenantId, team_id: str, user_id: str,
                        client: AsyncWebClient, *, name_hint: str = "") -> Actor:
        """Adds a Slack user to the tenant from `users.info`. Raises DomainError when the plan
        has no room or Slack does not know them."""
        profile = await self._lookup(client, user_id)
        if profile is None and not name_hint:
            raise NotFound(f"Slack does not know the user {user_id}",
                           hint="mention people with @ so Slack fills in who they are")
        info = profile or {}
        details: dict[str, Any] = info.get("profile") or {}
        handle = (details.get("display_name") or info.get("name") or name_hint or user_id)
        actor = await join(
            self._deps, tenant_id, handle=str(handle),
            display_name=str(details.get("real_name") or info.get("real_name") or handle),
            timezone=str(info.get("tz") or "UTC"), identity=identity(team_id, user_id),
            email=str(details.get("email") or ""))
        await self._members.link_member(tenant_id, actor.user_id, team_id=team_id,
                                        slack_user_id=user_id)
        self._actors.put((tenant_id, identity(team_id, user_id)), actor)
        return actor

    async def _lookup(self, client: AsyncWebClient, user_id: str) -> dict[str, Any] | None:
        try:
            answer = await client.users_info(user=user_id)
        except SlackApiError as error:
            logger.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            return None
        user = answer.get("user")
        return user if isinstance(user, dict) else None

    async def unknown_mentions(self, tenant_id: TenantId, team_id: str, text: str) -> list[str]:
        found = []
        for user_id in dict.fromkeys(MENTION.findall(text)):
            if await self.known(tenant_id, team_id, user_id) is None:
                found.append(user_id)
        return found

    async def provision_mentions(self, tenant_id: TenantId, team_id: str, text: str,
                                 client: AsyncWebClient) -> list[str]:
        """Adds everyone mentioned who is new; returns the problems (people Slack did not know,
        or no room on the plan) as sentences, and leaves the rest to the grammar."""
        problems: list[str] = []
        for user_id in await self.unknown_mentions(tenant_id, team_id, text):
            try:
                await self.provision(tenant_id, team_id, user_id, client)
            except DomainError as error:
                problems.append(error.message)
        return problems
