"""The Slack front end assembled: a slack-bolt AsyncApp, its listeners, the aiohttp handlers
that feed it, the outbox consumers for threads and App Homes, and the notifier of nudges.

bolt runs with `process_before_response=True`: a listener's ack becomes the HTTP response as
soon as the listener returns, and every listener returns right after acking (slow work goes to
`BackgroundWork`). bolt's other mode polls for the ack every 10 ms, which costs latency for
nothing here.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.signature import SignatureVerifier

from bots.slack import actions, forms
from bots.slack.background import BackgroundWork
from bots.slack.form_data import FormData
from bots.slack.front import (
    SHORTCUT_COMMENT,
    SHORTCUT_FROM_MESSAGE,
    SHORTCUT_NEW,
    SlackFrontEnd,
)
from bots.slack.home import HomePublisher, HomeRefresher
from bots.slack.installations import (
    AuthorizationCache,
    CairnAuthorize,
    CairnInstallationStore,
    CairnStateStore,
    StaticToken,
)
from bots.slack.notifier import SlackNotifier
from bots.slack.people import People, Workspaces
from bots.slack.ports import SlackStore
from bots.slack.secrets import TokenCipher, install_redaction
from bots.slack.threads import ChannelPacer, SlackThreads
from bots.slack.tokens import TenantClients
from bots.slack.web import RetryPolicy, SlackWeb
from core.services import Deps

logger = logging.getLogger(__name__)

COMMAND = "/cairn"
BOT_SCOPES = ("commands", "chat:write", "chat:write.public", "im:write", "users:read",
              "users:read.email")
EVENTS = ("app_home_opened", "app_uninstalled", "tokens_revoked")


@dataclass(frozen=True)
class SlackConfig:
    signing_secret: str = field(repr=False)
    api_url: str = "https://slack.com/api/"
    public_url: str = "http://localhost:3000"
    bot_token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    authorization_url: str = "https://slack.com/oauth/v2/authorize"
    ack_budget: float = 1.0
    post_interval: float = 1.1
    retries: RetryPolicy = field(default_factory=RetryPolicy)
    rotation_minutes: int = 120

    @property
    def multi_workspace(self) -> bool:
        return bool(self.client_id and self.client_secret)


class _QuietTokenWarning(logging.Filter):
    """bolt reads SLACK_BOT_TOKEN from the environment on its own, then warns that the client
    Cairn gives it wins: true, expected, and confusing in an operator's log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


class SlackApp:
    """Everything the Slack front end is; `close` it on shutdown."""

    def __init__(self, config: SlackConfig, *, deps: Deps, store: SlackStore) -> None:
        install_redaction()
        bolt_logger = logging.getLogger("slack_bolt.AsyncApp")
        if not any(isinstance(f, _QuietTokenWarning) for f in bolt_logger.filters):
            bolt_logger.addFilter(_QuietTokenWarning())
        self.config = config
        self.web = SlackWeb(config.api_url, retries=config.retries)
        self.background = BackgroundWork()
        self.cache = AuthorizationCache()
        self.workspaces = Workspaces(store, deps)
        self.people = People(deps, store, deps.clock)
        self.installations: CairnInstallationStore | None = None
        oauth: AsyncOAuthSettings | None = None
        if config.multi_workspace:
            assert config.client_id and config.client_secret and config.secret_key
            self.installations = CairnInstallationStore(
                store, TokenCipher(config.secret_key), self.workspaces, deps.clock, self.cache)
            oauth = AsyncOAuthSettings(
                client_id=config.client_id, client_secret=config.client_secret,
                scopes=list(BOT_SCOPES), user_scopes=[],
                redirect_uri=config.public_url.rstrip("/") + "/slack/oauth_redirect",
                installation_store=self.installations,
                state_store=CairnStateStore(store, deps.clock),
                authorization_url=config.authorization_url,
                token_rotation_expiration_minutes=config.rotation_minutes)
            self.authorize = CairnAuthorize(
                workspaces=self.workspaces, cache=self.cache, store=self.installations,
                rotator=AsyncTokenRotator(client_id=config.client_id,
                                          client_secret=config.client_secret,
                                          client=self.web.client()),
                rotation_minutes=config.rotation_minutes)
        else:
            assert config.bot_token, "SLACK_BOT_TOKEN or SLACK_CLIENT_ID/SECRET is needed"
            self.authorize = CairnAuthorize(workspaces=self.workspaces, cache=self.cache,
                                            static=StaticToken(config.bot_token))
        self.clients = TenantClients(self.workspaces, self.authorize, self.web)
        self.home = HomePublisher(deps, self.people)
        self.front = SlackFrontEnd(
            deps=deps, people=self.people, forms=FormData(deps, store, self.people), keys=store,
            web=self.web, background=self.background, home=self.home,
            ack_budget=config.ack_budget)
        self.threads = SlackThreads(deps, store, store, self.clients,
                                    ChannelPacer(config.post_interval))
        self.home_refresher = HomeRefresher(deps, self.home, store, self.clients)
        self.notifier = SlackNotifier(self.clients)
        self.bolt = AsyncApp(
            name="cairn", signing_secret=config.signing_secret, client=self.web.client(),
            authorize=self.authorize,  # type: ignore[arg-type]  # an AsyncAuthorize is accepted
            oauth_settings=oauth, process_before_response=True,
            installation_store=self.installations)
        self._register()

    def _register(self) -> None:
        app, front = self.bolt, self.front
        app.command(COMMAND)(front.on_command)

        async def on_action(ack: Any, body: dict[str, Any], context: Any) -> None:
            await actions.on_action(front, ack, body, context)

        app.action(re.compile(r"^cairn\."))(on_action)
        for callback in (forms.MILESTONE_FORM, forms.CHECKIN_FORM, forms.COMMENT_FORM,
                         forms.VACATION_FORM, forms.SETTINGS_FORM):
            app.view(callback)(front.on_submit)
        for picker in (forms.PARENT_PICKER, forms.MILESTONE_PICKER):
            app.options(picker)(front.on_options)
        app.shortcut(SHORTCUT_NEW)(front.on_global_new)
        app.shortcut(SHORTCUT_FROM_MESSAGE)(front.on_message_shortcut)
        app.shortcut(SHORTCUT_COMMENT)(front.on_message_shortcut)
        app.event("app_home_opened")(front.on_home_opened)
        app.event("app_uninstalled")(self._uninstalled)
        app.event("tokens_revoked")(self._tokens_revoked)
        app.error(self._failed)

    async def _uninstalled(self, body: dict[str, Any]) -> None:
        """The workspace removed Cairn: its tokens go at once (data stays with the tenant)."""
        enterprise_id, team_id = body.get("enterprise_id"), body.get("team_id")
        if self.installations is not None:
            await self.installations.async_delete_all(enterprise_id=enterprise_id,
                                                      team_id=team_id)
        self.cache.drop((enterprise_id or "", team_id or ""))
        self.cache.drop((enterprise_id or "", ""))
        logger.info("Cairn was uninstalled from %s", (enterprise_id, team_id))

    async def _tokens_revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        enterprise_id, team_id = body.get("enterprise_id"), body.get("team_id")
        tokens = event.get("tokens") or {}
        if self.installations is not None:
            for user_id in tokens.get("oauth") or []:
                await self.installations.async_delete_installation(
                    enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
            if tokens.get("bot"):
                await self.installations.async_delete_bot(enterprise_id=enterprise_id,
                                                          team_id=team_id)
        self.cache.drop((enterprise_id or "", team_id or ""))
        self.cache.drop((enterprise_id or "", ""))

    async def _failed(self, error: Exception, body: dict[str, Any]) -> None:
        ref = secrets.token_hex(2)
        kind = body.get("type") or body.get("command") or "request"
        logger.error("Slack %s failed (ref %s)", kind, ref, exc_info=error)

    # --- aiohttp ------------------------------------------------------------------------------

    async def handle_events(self, request: web.Request) -> web.Response:
        """`POST /slack/events`: commands, interactivity, options and events."""
        try:
            bolt_request = await to_bolt_request(request)
        except (ValueError, UnicodeDecodeError):
            return await self._malformed(request)
        try:
            response = await self.bolt.async_dispatch(bolt_request)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError):
            # bolt trips over signed payloads that lack what their type promises.
            ref = secrets.token_hex(2)
            logger.warning("Slack request bolt could not read (ref %s)", ref, exc_info=True)
            return await self._malformed(request)
        return await to_aiohttp_response(response)

    async def _malformed(self, request: web.Request) -> web.Response:
        body = await request.read()
        verifier = SignatureVerifier(self.config.signing_secret)
        if not verifier.is_valid_request(body, dict(request.headers)):
            return web.json_response({"error": "invalid request"}, status=401)
        return web.json_response({"error": "malformed payload"}, status=400)

    async def handle_install(self, request: web.Request) -> web.Response:
        flow = self.bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(await flow.handle_installation(
            await to_bolt_request(request)))

    async def handle_oauth_redirect(self, request: web.Request) -> web.Response:
        flow = self.bolt.oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(await flow.handle_callback(
            await to_bolt_request(request)))

    async def close(self) -> None:
        await self.background.close()
        await self.web.close()


