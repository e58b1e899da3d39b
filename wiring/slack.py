"""The Slack adapter: settings -> a running Slack front end on Cairn's HTTP server.

On with `SLACK_SIGNING_SECRET` and either `SLACK_BOT_TOKEN` (one workspace) or
`SLACK_CLIENT_ID` + `SLACK_CLIENT_SECRET` (OAuth install into any number of workspaces, tokens
encrypted under `CAIRN_SECRET_KEY`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bots.slack.app import SlackApp, SlackConfig
from bots.slack.home import HOME_CONSUMER, HOME_VERBS
from bots.slack.secrets import SecretKeyError, TokenCipher
from bots.slack.threads import THREAD_VERBS, THREADS_CONSUMER
from storage.slack import TortoiseSlackStore
from wiring.adapters import AdapterStatus, Attached
from wiring.edge import Refusal, guarded
from wiring.scheduler import PeriodicJob
from wiring.settings import Settings

if TYPE_CHECKING:
    from wiring.runtime import Runtime

#: A request is accepted while its timestamp is within five minutes of now, either way: ten
#: minutes at most after it was first seen. Its signature is kept a little longer than that.
KEEP_SIGNATURES = timedelta(minutes=15)
#: The largest body Slack sends is a form or a click carrying a whole modal or message (100
#: blocks of up to 3,000 characters): well under 1 MiB, which is the cap.
BODY_LIMIT = 1024 * 1024
SLACK = web.AppKey("slack", SlackApp)


def slack_config(settings: Settings) -> SlackConfig:
    def secret(value: object) -> str | None:
        return value.get_secret_value() if value is not None else None  # type: ignore[attr-defined]

    return SlackConfig(
        signing_secret=secret(settings.slack_signing_secret) or "",
        api_url=settings.slack_api_url, public_url=settings.public_url,
        bot_token=secret(settings.slack_bot_token), client_id=settings.slack_client_id,
        client_secret=secret(settings.slack_client_secret),
        secret_key=secret(settings.cairn_secret_key))


class SlackAdapter:
    """`overrides` tune the front end beyond the settings (tests: no pacing, quick retries)."""

    name = "slack"

    def __init__(self, **overrides: Any) -> None:
        self._overrides = overrides

    def status(self, settings: Settings) -> AdapterStatus:
        config = slack_config(settings)
        if not config.signing_secret:
            return AdapterStatus(self.name, False, "SLACK_SIGNING_SECRET is not set")
        if config.multi_workspace:
            if not config.secret_key:
                return AdapterStatus(self.name, False, "the OAuth install needs CAIRN_SECRET_KEY "
                                     "to encrypt workspace tokens")
            try:
                TokenCipher(config.secret_key)
            except SecretKeyError as error:
                return AdapterStatus(self.name, False, str(error))
            return AdapterStatus(self.name, True, "multi-workspace: install at "
                                 f"{settings.public_url.rstrip('/')}/slack/install")
        if config.bot_token:
            return AdapterStatus(self.name, True, "single workspace (SLACK_BOT_TOKEN)")
        return AdapterStatus(self.name, False, "SLACK_SIGNING_SECRET is set but neither "
                             "SLACK_BOT_TOKEN nor SLACK_CLIENT_ID + SLACK_CLIENT_SECRET")

    def subscriptions(self, settings: Settings) -> Mapping[str, frozenset[str]]:
        return {THREADS_CONSUMER: THREAD_VERBS, HOME_CONSUMER: HOME_VERBS}

    def audiences(self, settings: Settings) -> Collection[str]:
        return (THREADS_CONSUMER, HOME_CONSUMER)  # whose App Home, which thread

    async def attach(self, runtime: Runtime, app: web.Application) -> Attached:
        store = TortoiseSlackStore(runtime.database.unit_of_work())
        config = dataclasses.replace(slack_config(runtime.settings), **self._overrides)
        slack = SlackApp(config, deps=runtime.deps, store=store,
                         reachable=runtime.database.ping)
        app[SLACK] = slack

        def authenticate(headers: Mapping[str, str], body: bytes) -> Refusal | None:
            problem = slack.signature_problem(headers, body)
            return Refusal(401, problem) if problem else None

        app.router.add_post("/slack/events", guarded(slack.handle_events, limit=BODY_LIMIT,
                                                     authenticate=authenticate))
        if slack.config.multi_workspace:
            app.router.add_get("/slack/install", slack.handle_install)
            app.router.add_get("/slack/oauth_redirect", slack.handle_oauth_redirect)

        async def forget_signatures() -> int:
            return await store.forget_seen(before=runtime.deps.clock.now() - KEEP_SIGNATURES)

        return Attached(consumers=[slack.threads, slack.home_refresher],
                        jobs=[PeriodicJob("slack:forget-signatures", timedelta(minutes=5),
                                          forget_signatures)],
                        on_stop=[slack.close], notifiers=[slack.notifier])

