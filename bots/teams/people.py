"""Who is speaking: Teams (Entra) tenants as Cairn tenants, Teams users as Cairn users.

A Teams tenant becomes a Cairn tenant on its first activity (its first person is the admin).
A Teams user is known by tenant id + AAD object id (`teams:<tenant>:<aad>`); on first contact
the conversation's roster (the connector's members API) gives their name and email, the
activity's `localTimezone` their time zone. Someone `<at>`-mentioned for the first time joins
on the spot, the same way. Lookups are cached briefly: the hot path needs no query.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bots.teams.cache import TimedCache
from bots.teams.ports import TeamsTenantDirectory
from core.bus import Deps
from core.commands import Actor
from core.model import TenantId
from core.people.use_cases import ensure_tenant, join, known_actor

logger = logging.getLogger(__name__)

ACTOR_TTL_S = 60.0
MAX_ID = 255

#: Looks a member of the conversation up by their channel account id or AAD object id.
Roster = Callable[[str], Awaitable[dict[str, Any] | None]]


def identity(teams_tenant_id: str, aad_object_id: str) -> str:
    return f"teams:{teams_tenant_id}:{aad_object_id}"


def identity_prefix(teams_tenant_id: str) -> str:
    return f"teams:{teams_tenant_id}:"


def tenant_slug(teams_tenant_id: str) -> str:
    # A digest, not a prefix of the id: two Entra tenants must never share a slug.
    return "teams-" + hashlib.sha256(teams_tenant_id.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Person:
    """A Teams user in an activity."""

    teams_tenant_id: str
    aad_object_id: str
    account_id: str = ""  # the "29:…" channel account id
    name: str = ""
    timezone: str = ""


class TeamsPeople:
    def __init__(self, deps: Deps, directory: TeamsTenantDirectory) -> None:
        self._deps = deps
        self._directory = directory
        self._tenants: TimedCache[str, TenantId] = TimedCache(10_000, 3600)
        self._actors: TimedCache[str, Actor] = TimedCache(50_000, ACTOR_TTL_S)
        self._epoch = deps.links.value

    async def _fresh(self) -> None:
        # A link or unlink (here or elsewhere) moved workspaces and people between tenants:
        # start again.
        epoch = await self._deps.links.current()
        if self._epoch != epoch:
            self._epoch = epoch
            self._tenants.clear()
            self._actors.clear()

    async def tenant_of(self, teams_tenant_id: str, *, create: bool = True) -> TenantId | None:
        if not teams_tenant_id or len(teams_tenant_id) > MAX_ID:
            return None
        await self._fresh()
        cached = self._tenants.get(teams_tenant_id)
        if cached is not None:
            return cached
        found = await self._directory.tenant_of(teams_tenant_id)
        if found is None and create:
            slug = tenant_slug(teams_tenant_id)
            tenant = await ensure_tenant(self._deps, slug=slug, name=f"Teams {teams_tenant_id[:8]}")
            assert tenant.id is not None
            found = await self._directory.link_teams_tenant(
                teams_tenant_id, tenant.id, name=tenant.name, at=self._deps.clock.now())
        if found is None:
            return None
        self._tenants.put(teams_tenant_id, TenantId(found))
        return TenantId(found)

    async def known(self, tenant_id: TenantId, key: str) -> Actor | None:
        await self._fresh()
        actor = self._actors.get(key)
        if actor is not None and actor.tenant_id == tenant_id:
            return actor
        actor = await known_actor(self._deps, tenant_id, key)
        if actor is None:
            return None
        self._actors.put(key, actor)
        return actor

    def forget(self, key: str) -> None:
        self._actors.drop(key)

    async def actor(self, tenant_id: TenantId, person: Person, roster: Roster) -> Actor:
        """The Cairn user behind a Teams user, added on first contact (DomainError when the
        plan has no room)."""
        key = identity(person.teams_tenant_id, person.aad_object_id)
        known = await self.known(tenant_id, key)
        if known is not None:
            return known
        member = await roster(person.account_id or person.aad_object_id) or {}
        name = str(member.get("name") or person.name or "someone")
        email = str(member.get("email") or member.get("userPrincipalName") or "")
        handle = email.split("@")[0] if email else name
        actor = await join(self._deps, tenant_id, handle=handle, display_name=name,
                           timezone=person.timezone or "UTC", identity=key, email=email)
        self._actors.put(key, actor)
        return actor
