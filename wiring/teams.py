"""The Teams adapter: settings -> a running Teams front end on Cairn's HTTP server.

On with `MICROSOFT_APP_ID` (and its password or secret: every request must carry a valid Bot
Framework token), or with `TEAMS_ENABLED=1` and no app id: local mode, unauthenticated, for
the emulator and tests only (`serve` logs a loud warning).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING

from aiohttp import web

from bots.teams.app import TeamsApp, TeamsConfig
from bots.teams.threads import THREAD_VERBS, THREADS_CONSUMER, TeamsThreads
from storage.teams import TortoiseTeamsStore
from wiring.adapters import AdapterStatus, Attached
from wiring.edge import Refusal, guarded
from wiring.settings import Settings

if TYPE_CHECKING:
    from wiring.runtime import Runtime

logger = logging.getLogger(__name__)

#: Teams refuses messages over about 28 KB; an invoke carries at most a card's form values.
BODY_LIMIT = 256 * 1024
TEAMS = web.AppKey("teams", TeamsApp)


def teams_config(settings: Settings) -> TeamsConfig:
    password = settings.microsoft_app_password
    return TeamsConfig(
        app_id=(settings.microsoft_app_id or "").strip(),
        password=password.get_secret_value() if password is not None else "",
        tenant_id=(settings.microsoft_app_tenant_id or "").strip(),
        app_type=(settings.microsoft_app_type or "").strip(),
        metadata_url=settings.teams_openid_metadata_url, login_url=settings.teams_login_url,
        tenant_rate=settings.teams_tenant_rate)


class TeamsAdapter:
    name = "teams"

    def status(self, settings: Settings) -> AdapterStatus:
        config = teams_config(settings)
        if config.app_id:
            if not config.password and not config.managed_identity:
                # The bot's own token comes from its client secret, or from the host's managed
                # identity when the bot is registered with one.
                return AdapterStatus(self.name, False, "MICROSOFT_APP_ID is set but neither "
                                     "MICROSOFT_APP_PASSWORD nor "
                                     "MICROSOFT_APP_TYPE=UserAssignedMSI is")
            where = f"{settings.public_url.rstrip('/')}/api/messages"
            how = ", its token from the managed identity" if config.managed_identity else ""
            return AdapterStatus(self.name, True, f"bot {config.app_id}{how}, messaging "
                                 f"endpoint {where}, tokens validated")
        if settings.teams_enabled:
            return AdapterStatus(self.name, True, "LOCAL MODE: no MICROSOFT_APP_ID, requests "
                                 "are NOT authenticated (emulator and tests only)")
        return AdapterStatus(self.name, False, "MICROSOFT_APP_ID is not set")

    def subscriptions(self, settings: Settings) -> Mapping[str, frozenset[str]]:
        return {THREADS_CONSUMER: THREAD_VERBS}

    def audiences(self, settings: Settings) -> Collection[str]:
        return (THREADS_CONSUMER,)  # which milestone's thread tells each change

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        store = TortoiseTeamsStore(runtime.database.unit_of_work())
        config = teams_config(runtime.settings)
        teams = TeamsApp(config, deps=runtime.deps, store=store)
        app[TEAMS] = teams
        if config.local:
            logger.warning("Teams is in LOCAL MODE: /api/messages accepts unsigned requests. "
                           "Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD in production.")

        def authenticate(headers: Mapping[str, str], body: bytes) -> Refusal | None:
            # The token itself is validated by the front end before the body is parsed (its
            # keys may need fetching: no I/O here); a request without one stops here.
            if config.local:
                return None
            if not headers.get("Authorization", "").startswith("Bearer "):
                return Refusal(401, "no bearer token")
            return None

        app.router.add_post("/api/messages", guarded(teams.handle, limit=BODY_LIMIT,
                                                     authenticate=authenticate))
        return Attached(notifiers=[teams.notifier],
                        consumers=[TeamsThreads(runtime.deps, store, teams.sender)])
