"""Slack installations on Cairn's own database.

`CairnInstallationStore` is slack_sdk's installation store on top of the `InstallationRepository`
port, with the tokens encrypted by `TokenCipher` before they leave this module. Each save or
delete drops the workspace from the `AuthorizationCache`; `authorize.CairnAuthorize` reads the
tokens back from here for a request.
"""

from __future__ import annotations

import inspect
import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt.error import BoltError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bots.slack.authorization_cache import AuthorizationCache
from bots.slack.people import Workspaces, workspace_key
from bots.slack.ports import InstallationRepository
from bots.slack.secrets import SecretKeyError, TokenCipher
from core.ports import Clock

logger = logging.getLogger(__name__)

SECRET_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")


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
