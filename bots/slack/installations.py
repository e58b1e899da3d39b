"""Installations, OAuth state and per-request authorization, on Cairn's own database.

`CairnInstallationStore` is slack_sdk's installation store on top of the `InstallationRepository`
port, with the tokens encrypted by `TokenCipher` before they leave this module. `CairnAuthorize`
answers bolt's "which token for this request" from that store through a short in-memory cache,
so a request costs no `auth.test` round trip (bolt's default makes one per request), rotates
tokens that are about to expire, and records the request's tenant in the context.
"""

from __future__ import annotations

import inspect
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.failures import CONTEXT_DEADLINE, before_the_ack
from bots.slack.people import Workspaces, workspace_key
from bots.slack.ports import InstallationRepository, OAuthStates
from bots.slack.secrets import SecretKeyError, TokenCipher
from core.ports import Clock

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
STATE_LIFETIME = timedelta(minutes=10)
AUTHORIZATION_TTL_S = 60.0
CONTEXT_TENANT = "cairn_tenant_id"


def install_key(enterprise_id: str | None, team_id: str | None,
                is_enterprise_install: bool | None) -> tuple[str, str]:
    """Org-wide installs are stored under the enterprise alone."""
    return workspace_key(enterprise_id, None if is_enterprise_install else team_id)


_INSTALLATION_FIELDS = frozenset(inspect.signature(Installation.__init__).parameters) - {"self"}


def _json_ready(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


class CairnInstallationStore(AsyncInstallationStore):
    """One installation per workspace (the latest), tokens sealed with the cipher."""

    def __init__(self, repository: InstallationRepository, cipher: TokenCipher,
                 workspaces: Workspaces, clock: Clock, cache: AuthorizationCache) -> None:
        self._repository = repository
        self._cipher = cipher
        self._workspaces = workspaces
        self._clock = clock
        self._cache = cache

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_save(self, installation: Installation) -> None:
        key = install_key(installation.enterprise_id, installation.team_id,
                          installation.is_enterprise_install)
        values = installation.to_dict()
        sealed = self._cipher.seal({name: values.get(name) for name in SECRET_FIELDS})
        data = {k: _json_ready(v) for k, v in values.items() if k not in SECRET_FIELDS}
        try:
            await self._repository.save_installation(
                *key, is_enterprise_install=bool(installation.is_enterprise_install),
                installer_user_id=installation.user_id or "", data=data, secrets=sealed,
                installed_at=datetime.fromtimestamp(installation.installed_at, UTC),
                at=self._clock.now())
            # The workspace becomes a tenant now, not on its first request.
            await self._workspaces.tenant_of(
                installation.enterprise_id, installation.team_id
                if not installation.is_enterprise_install else None, create=True,
                name=installation.team_name or installation.enterprise_name or "")
        except Exception as error:  # bolt shows its failure page for a BoltError only
            logger.exception("could not save the Slack installation of %s", key)
            raise BoltError("the installation could not be saved") from error
        self._cache.drop(key)
        logger.info("Slack installation saved for %s", key)

    async def async_save_bot(self, bot: Bot) -> None:
        found = await self.async_find_installation(
            enterprise_id=bot.enterprise_id, team_id=bot.team_id,
            is_enterprise_install=bot.is_enterprise_install)
        if found is None:
            raise BoltError("no installation to attach the bot to")
        found.bot_token, found.bot_refresh_token = bot.bot_token, bot.bot_refresh_token
        found.bot_token_expires_at = bot.bot_token_expires_at
        await self.async_save(found)

    async def async_find_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        key = install_key(enterprise_id, team_id, is_enterprise_install)
        row = await self._repository.find_installation(*key)
        if row is None:
            return None
        if user_id is not None and user_id != row["installer_user_id"]:
            return None  # Cairn asks for bot scopes only: there are no per-user installations
        try:
            tokens = self._cipher.open(row["secrets"])
        except SecretKeyError:
            logger.error("the Slack tokens of %s cannot be decrypted; reinstall the app or "
                         "restore the old CAIRN_SECRET_KEY", key)
            return None
        data = dict(row["data"])
        data.pop("installed_at", None)
        for name in ("bot_token_expires_at", "user_token_expires_at"):
            if isinstance(data.get(name), str):
                data[name] = datetime.fromisoformat(data[name])
        known = _INSTALLATION_FIELDS
        values = {k: v for k, v in data.items() if k in known}
        custom = {k: v for k, v in data.items() if k not in known}
        arguments: dict[str, Any] = {**values, **tokens, "installed_at": row["installed_at"],
                                     "custom_values": custom}
        return Installation(**arguments)

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        found = await self.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id,
            is_enterprise_install=is_enterprise_install)
        return found.to_bot() if found is not None and found.bot_token else None

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None, user_id: str | None = None
                                        ) -> None:
        if user_id is None:
            await self.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
            return
        # A user's own token was revoked: keep the bot, drop that user's token if we hold it.
        for is_org in (False, True):
            found = await self.async_find_installation(
                enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                is_enterprise_install=is_org)
            if found is not None and found.user_token:
                found.user_token = found.user_refresh_token = None
                found.user_token_expires_at = None
                await self.async_save(found)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        for key in {workspace_key(enterprise_id, team_id), workspace_key(enterprise_id, None)}:
            if key == ("", ""):
                continue
            deleted = await self._repository.delete_installation(*key)
            self._cache.drop(key)
            if deleted:
                logger.info("Slack tokens of %s deleted", key)


class CairnStateStore(AsyncOAuthStateStore):
    """OAuth `state` values in the database: any instance can finish an install another began."""

    def __init__(self, states: OAuthStates, clock: Clock) -> None:
        self._states = states
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        await self._states.issue_state(state, expires_at=self._clock.now() + STATE_LIFETIME)
        return state

    async def async_consume(self, state: str) -> bool:
        if not state or len(state) > 200:
            return False
        return await self._states.consume_state(state, now=self._clock.now())


@dataclass
class _Authorized:
    result: AuthorizeResult = field(repr=False)
    expires_at: float | None  # the bot token's expiry (rotation), epoch seconds
    cached_at: float


class AuthorizationCache:
    """Workspace -> what authorized its last request; short-lived and dropped on uninstall."""

    def __init__(self, ttl: float = AUTHORIZATION_TTL_S) -> None:
        self._items: dict[tuple[str, str], _Authorized] = {}
        self._ttl = ttl

    def get(self, key: tuple[str, str], rotate_before_s: float) -> AuthorizeResult | None:
        found = self._items.get(key)
        if found is None:
            return None
        now = time.time()
        if now - found.cached_at > self._ttl or (
                found.expires_at is not None and found.expires_at - rotate_before_s <= now):
            del self._items[key]
            return None
        return found.result

    def put(self, key: tuple[str, str], result: AuthorizeResult,
            expires_at: float | None) -> None:
        self._items[key] = _Authorized(result, expires_at, time.time())

    def drop(self, key: tuple[str, str]) -> None:
        self._items.pop(key, None)


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
