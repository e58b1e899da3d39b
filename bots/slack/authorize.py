"""Per-request authorization for bolt, on Cairn's installation store.

`CairnAuthorize` answers bolt's "which token for this request" from the store through a short
in-memory cache (`AuthorizationCache`), so a request costs no `auth.test` round trip (bolt's
default makes one per request), rotates tokens that are about to expire, and records the
request's tenant in the context. `StaticToken` is the single-workspace mode.
"""

from __future__ import annotations

import logging

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.authorization_cache import AuthorizationCache
from bots.slack.failures import CONTEXT_DEADLINE, before_the_ack
from bots.slack.installations import CairnInstallationStore, install_key
from bots.slack.people import Workspaces

logger = logging.getLogger(__name__)

CONTEXT_TENANT = "cairn_tenant_id"


class StaticToken:
    """Single-workspace mode: one bot token from the environment, identified once."""

    def __init__(self, token: str) -> None:
        self._token = token
        self._result: AuthorizeResult | None = None

    async def result(self, client: AsyncWebClient) -> AuthorizeResult | None:
        if self._result is None:
            try:
                answer = await client.auth_test(token=self._token)
            except SlackApiError as error:
                logger.error("SLACK_BOT_TOKEN was refused by auth.test: %s",
                             error.response.get("error"))
                return None
            self._result = AuthorizeResult(
                enterprise_id=answer.get("enterprise_id"), team_id=answer.get("team_id"),
                bot_user_id=answer.get("user_id"), bot_id=answer.get("bot_id"),
                bot_token=self._token, team=answer.get("team"))
        return self._result

    def __repr__(self) -> str:
        return "StaticToken(***)"


class CairnAuthorize(AsyncAuthorize):
    """bolt's authorize step, served from Cairn's store and a cache; sets the tenant."""

    def __init__(self, *, workspaces: Workspaces, cache: AuthorizationCache,
                 store: CairnInstallationStore | None = None, static: StaticToken | None = None,
                 rotator: AsyncTokenRotator | None = None, rotation_minutes: int = 120) -> None:
        self._workspaces = workspaces
        self._cache = cache
        self._store = store
        self._static = static
        self._rotator = rotator
        self.token_rotation_expiration_minutes = rotation_minutes

    async def __call__(self, *, context: AsyncBoltContext, enterprise_id: str | None,
                       team_id: str | None, user_id: str | None,
                       actor_enterprise_id: str | None = None, actor_team_id: str | None = None,
                       actor_user_id: str | None = None) -> AuthorizeResult | None:
        # Before the ack: bounded by the request's deadline (a database that hangs must not
        # hold the ack past Slack's three seconds).
        async with before_the_ack(context.get(CONTEXT_DEADLINE), "authorizing the workspace"):
            base = await self.for_workspace(
                enterprise_id, team_id, context.client,
                is_enterprise_install=bool(context.is_enterprise_install))
            if base is None:
                return None
            tenant = await self._workspaces.tenant_of(
                enterprise_id, team_id, create=True, name=str(base.get("team") or ""))
        context[CONTEXT_TENANT] = tenant
        return AuthorizeResult(
            enterprise_id=enterprise_id or base.enterprise_id, team_id=team_id or base.team_id,
            team=base.get("team"), bot_user_id=base.bot_user_id, bot_id=base.bot_id,
            bot_token=base.bot_token, bot_scopes=base.bot_scopes, user_id=user_id)

    async def for_workspace(self, enterprise_id: str | None, team_id: str | None,
                            client: AsyncWebClient, *, is_enterprise_install: bool = False
                            ) -> AuthorizeResult | None:
        """The bot token (and ids) for a workspace, rotated when it is about to expire."""
        key = install_key(enterprise_id, team_id, is_enterprise_install)
        found = self._cache.get(key, self.token_rotation_expiration_minutes * 60)
        if found is not None:
            return found
        loaded = await self._load(client, enterprise_id, team_id, is_enterprise_install)
        if loaded is None:
            return None
        result, expires_at = loaded
        self._cache.put(key, result, expires_at)
        return result

    async def _load(self, client: AsyncWebClient, enterprise_id: str | None,
                    team_id: str | None, is_enterprise_install: bool
                    ) -> tuple[AuthorizeResult, float | None] | None:
        if self._static is not None:
            result = await self._static.result(client)
            if result is None or (team_id and result.team_id and result.team_id != team_id):
                return None
            return result, None
        assert self._store is not None
        installation = await self._store.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=is_enterprise_install)
        if installation is None or not installation.bot_token:
            return None
        if installation.bot_refresh_token and self._rotator is not None:
            try:
                refreshed = await self._rotator.perform_token_rotation(
                    installation=installation,
                    minutes_before_expiration=self.token_rotation_expiration_minutes)
            except SlackTokenRotationError:
                logger.error("Slack token rotation failed for %s", (enterprise_id, team_id))
                return None
            if refreshed is not None:
                await self._store.async_save(refreshed)
                installation = refreshed
        result = AuthorizeResult(
            enterprise_id=installation.enterprise_id, team_id=installation.team_id,
            bot_user_id=installation.bot_user_id, bot_id=installation.bot_id,
            bot_token=installation.bot_token, bot_scopes=installation.bot_scopes,
            team=installation.team_name)
        return result, (float(installation.bot_token_expires_at)
                        if installation.bot_token_expires_at else None)
