"""The Teams front end on Cairn's aiohttp server: `POST /api/messages` with the Agents SDK.

The route is behind `wiring.edge.guarded` (a body cap; a bearer token present when an app id
is configured). Here, before anything parses the body, the token is validated
(`auth.BotTokenValidator`); then the body is checked (`activity.parse`) and the token's
`serviceurl` must name the activity's connector. Only then does the SDK's `CloudAdapter` run
the turn (`turns.CairnAgent`), with Cairn's turn-error handler in place of the SDK's. Without
an app id (local mode: the emulator, tests) nothing is signed and the SDK calls the connector
without a token.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import AgentAuthConfiguration, ConnectionManager
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider, ClaimsIdentity
from microsoft_agents.hosting.core.http import HttpResponse

from bots.teams import render
from bots.teams.activity import Malformed, parse
from bots.teams.auth import (
    BOT_FRAMEWORK_METADATA,
    LOGIN_URL,
    BotTokenValidator,
    ClientCredentialsTokens,
    Unauthorized,
    service_url_matches,
)
from bots.teams.clicks import Clicks
from bots.teams.managed_identity import ManagedIdentityTokens, is_managed_identity
from bots.teams.notifier import TeamsNotifier
from bots.teams.people import TeamsPeople
from bots.teams.ports import TeamsStore
from bots.teams.proactive import ProactiveSender, SendFailed
from bots.teams.turns import CairnAgent, on_turn_error
from core import commands as c
from core.bus import Deps
from core.views import View

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TeamsConfig:
    app_id: str = ""
    password: str = ""
    tenant_id: str = ""
    #: `MICROSOFT_APP_TYPE`: "SingleTenant" (a client secret) or "UserAssignedMSI" (the host's
    #: managed identity gets the bot's token; no secret).
    app_type: str = ""
    metadata_url: str = BOT_FRAMEWORK_METADATA
    login_url: str = LOGIN_URL
    tenant_rate: float = 30.0

    @property
    def local(self) -> bool:
        return not self.app_id

    @property
    def managed_identity(self) -> bool:
        return bool(self.app_id) and is_managed_identity(self.app_type)


class _ParsedRequest:
    """The request as the SDK's `process_request` reads it, with the body already checked."""

    def __init__(self, request: web.Request, body: dict[str, Any], claims: ClaimsIdentity
                 ) -> None:
        self._request, self._body, self._claims = request, body, claims
        self.method = request.method
        self.headers = request.headers

    async def json(self) -> dict[str, Any]:
        return self._body

    def get_claims_identity(self) -> ClaimsIdentity:
        return self._claims

    def get_path_param(self, name: str) -> str:
        return self._request.match_info[name]


class TeamsApp:
    def __init__(self, config: TeamsConfig, *, deps: Deps, store: TeamsStore) -> None:
        self.config = config
        self.deps = deps
        self.store = store
        tokens: AnonymousTokenProvider | None = None
        if config.managed_identity:
            tokens = ManagedIdentityTokens(client_id=config.app_id)
        elif not config.local:
            tokens = ClientCredentialsTokens(
                app_id=config.app_id, password=config.password, tenant_id=config.tenant_id,
                login_url=config.login_url)
        auth = AgentAuthConfiguration(anonymous_allowed=True) if config.local else (
            AgentAuthConfiguration(client_id=config.app_id, tenant_id=config.tenant_id or None,
                                   client_secret=config.password or None,
                                   validate_issuer=True))
        self.adapter = CloudAdapter(connection_manager=ConnectionManager(
            provider_factory=lambda _: tokens or AnonymousTokenProvider(),
            connections_configurations={"SERVICE_CONNECTION": auth}))
        self.adapter.on_turn_error = on_turn_error
        self.validator = None if config.local else BotTokenValidator(
            app_id=config.app_id, metadata_url=config.metadata_url, tenant_id=config.tenant_id)
        self.sender = ProactiveSender(tokens)
        self.people = TeamsPeople(deps, store)
        self.clicks = Clicks(deps, store, self.tell_privately)
        self.agent = CairnAgent(deps=deps, people=self.people, references=store,
                                clicks=self.clicks)
        self.notifier = TeamsNotifier(store, self.sender, tenant_rate=config.tenant_rate)

    async def handle(self, request: web.Request, body: bytes) -> web.StreamResponse:
        claims: dict[str, Any] = {}
        if self.validator is not None:
            try:
                claims = await self.validator.claims(request.headers.get("Authorization"))
            except Unauthorized as why:
                return _refuse(request, 401, str(why))
        try:
            activity = parse(body)
        except Malformed as why:
            return _refuse(request, 400, str(why))
        if claims and not service_url_matches(claims, str(activity.service_url)):
            return _refuse(request, 401, "the token names another service URL")
        identity = ClaimsIdentity(claims, authentication_type="Bearer") if claims else (
            ClaimsIdentity())
        data = activity.model_dump(mode="json", by_alias=True, exclude_none=True)
        try:
            answer: HttpResponse = await self.adapter.process_request(
                _ParsedRequest(request, data, identity), self.agent)
        except Exception:
            # Before the turn (the bot's own token, the connector client): Teams retries.
            ref = secrets.token_hex(2)
            logger.exception("Teams activity not processed (ref %s)", ref)
            return web.json_response({"error": f"not processed (ref {ref})"}, status=503)
        return CloudAdapter._to_aiohttp_response(answer)

    async def tell_privately(self, actor: c.Actor, view: View) -> bool:
        found = await self.store.personal_references_of(actor.tenant_id, [actor.user_id])
        reference = found.get(actor.user_id)
        if reference is None:
            return False
        try:
            await self.sender.send(reference, render.message(view))
        except SendFailed as failed:
            logger.info("could not tell a Teams user privately: %s", failed.reason)
            return False
        return True


def _refuse(request: web.Request, status: int, reason: str) -> web.Response:
    logger.warning("refused %s %s from %s: %s", request.method, request.path,
                   request.remote or "?", reason)
    return web.json_response({"error": "invalid request" if status == 401
                              else "malformed payload"}, status=status)

