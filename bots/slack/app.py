"""The Slack front end assembled: a slack-bolt AsyncApp, its listeners, the aiohttp handlers
that feed it, the outbox consumers for threads and App Homes, and the notifier of nudges.

Requests reach bolt through `edge.SlackEdge`, already authenticated and read into a checked
envelope; bolt neither verifies nor parses them again. bolt runs with
`process_before_response=True`: a listener's ack becomes the HTTP response as soon as the
listener returns, and every listener returns right after acking (slow work goes to
`BackgroundWork`). bolt's other mode polls for the ack every 10 ms, which costs latency for
nothing here.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from bots.slack import actions, forms
from bots.slack.authorization_cache import AuthorizationCache
from bots.slack.authorize import CairnAuthorize, StaticToken
from bots.slack.background import BackgroundWork
from bots.slack.edge import SlackEdge
from bots.slack.failures import Failures, Probe, TrackCommits
from bots.slack.front import SlackFrontEnd
from bots.slack.home import HomePublisher, HomeRefresher
from bots.slack.installations import CairnInstallationStore
from bots.slack.mrkdwn import escape
from bots.slack.notifier import SlackNotifier
from bots.slack.oauth_states import CairnStateStore
from bots.slack.people import People, Workspaces
from bots.slack.ports import SlackStore
from bots.slack.secrets import TokenCipher, install_redaction
from bots.slack.shortcuts import SHORTCUT_COMMENT, SHORTCUT_FROM_MESSAGE, SHORTCUT_NEW
from bots.slack.signature import signature_checker
from bots.slack.threads import ChannelPacer, SlackThreads
from bots.slack.tokens import TenantClients
from bots.slack.web import RetryPolicy, SlackWeb
from core.bus import Deps

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
    #: Seconds for what must be looked up before the ack (the workspace, a command's
    #: signature); with `ack_budget` and the database probe, within Slack's three.
    lookup_budget: float = 1.2
    #: Seconds Slack's Web API has to answer a call.
    web_timeout: float = 15.0
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

    def __init__(self, config: SlackConfig, *, deps: Deps, store: SlackStore,
                 reachable: Probe | None = None) -> None:
        """`reachable` says whether the database answers (asked only once something failed,
        to tell people the right thing)."""
        install_redaction()
        bolt_logger = logging.getLogger("slack_bolt.AsyncApp")
        if not any(isinstance(f, _QuietTokenWarning) for f in bolt_logger.filters):
            bolt_logger.addFilter(_QuietTokenWarning())
        self.config = config
        self.check_signature = signature_checker(config.signing_secret)
        self.web = SlackWeb(config.api_url, timeout=config.web_timeout, retries=config.retries)
        self.background = BackgroundWork()
        self.failures = Failures(reachable)
        self.cache = AuthorizationCache()
        background_deps = deps
        # Requests see the use cases through a unit of work that notes each commit, so that a
        # failure after one is reported as "saved" rather than "nothing was saved".
        deps = dataclasses.replace(deps, uow=TrackCommits(deps.uow))
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
            deps=deps, people=self.people, members=store, keys=store,
            web=self.web, background=self.background, home=self.home,
            failures=self.failures, ack_budget=config.ack_budget)
        self.threads = SlackThreads(background_deps, store, store, self.clients,
                                    ChannelPacer(config.post_interval))
        self.home_refresher = HomeRefresher(self.home, store, self.clients)
        self.notifier = SlackNotifier(self.clients)
        self.bolt = AsyncApp(
            name="cairn", signing_secret=config.signing_secret, client=self.web.client(),
            authorize=self.authorize,  # type: ignore[arg-type]  # an AsyncAuthorize is accepted
            oauth_settings=oauth, process_before_response=True,
            installation_store=self.installations,
            # The edge verifies signatures on the raw bytes and answers Slack's checks itself.
            request_verification_enabled=False, ssl_check_enabled=False,
            url_verification_enabled=False)
        self.edge = SlackEdge(bolt=self.bolt, failures=self.failures, seen=store,
                              web=self.web, background=self.background, clock=deps.clock,
                              lookup_budget=config.lookup_budget)
        self._register()

    def _register(self) -> None:
        app, front = self.bolt, self.front
        app.command(COMMAND)(front.on_command)

        async def on_action(ack: Any, body: dict[str, Any], context: Any) -> None:
            await actions.on_action(front, ack, body, context)

        app.action(re.compile(r"^cairn\."))(on_action)
        for callback in forms.CALLBACKS:
            app.view(callback)(front.forms.on_submit)
        for picker in (forms.PARENT_PICKER, forms.MILESTONE_PICKER):
            app.options(picker)(front.forms.on_options)
        app.shortcut(SHORTCUT_NEW)(front.shortcuts.on_global_new)
        app.shortcut(SHORTCUT_FROM_MESSAGE)(front.shortcuts.on_message_shortcut)
        app.shortcut(SHORTCUT_COMMENT)(front.shortcuts.on_message_shortcut)
        app.event("app_home_opened")(front.on_home_opened)
        app.event("app_uninstalled")(self._uninstalled)
        app.event("tokens_revoked")(self._tokens_revoked)
        # Well-formed requests for things Cairn does not offer (a button of an older version,
        # another command of the same app): acked quietly. Without these, bolt would log each
        # one with its whole body.
        anything = re.compile(".*")
        app.command(anything)(_other_command)
        app.action(anything)(_ignored)
        app.view(anything)(_ignored)
        app.view_closed(anything)(_ignored)
        app.options(anything)(_no_options)
        app.shortcut(anything)(_ignored)
        app.error(self.edge.on_error)

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

    # --- aiohttp ------------------------------------------------------------------------------

    def signature_problem(self, headers: Mapping[str, str], body: bytes) -> str | None:
        """Why a request is not Slack's, checked on the raw bytes (for `wiring.edge`)."""
        return self.check_signature(headers, body)

    async def handle_events(self, request: web.Request, body: bytes) -> web.Response:
        """`POST /slack/events` with its authenticated body: commands, interactivity, options
        and events."""
        return await self.edge.handle(request, body)

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


async def _ignored(ack: Any, body: dict[str, Any]) -> None:
    await ack()
    detail = ((body.get("actions") or [{}])[0].get("action_id") or body.get("callback_id")
              or (body.get("view") or {}).get("callback_id") or "")
    logger.info("ignored a Slack %s %r Cairn does not offer", body.get("type"), detail[:80])


async def _no_options(ack: Any) -> None:
    await ack(options=[])


async def _other_command(ack: Any, command: dict[str, Any]) -> None:
    name = str(command.get("command") or "")
    await ack(response_type="ephemeral", text=f"Cairn answers {COMMAND} (try `{COMMAND} help`), "
                                              f"not {escape(name[:40])}.")


