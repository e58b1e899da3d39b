"""Nudges delivered in Slack: a DM from the bot to a person, a post in a home channel.

`SlackNotifier` is the core's `Notifier` for Slack. The delivery queue paces it per
`destination` (one Slack DM or channel: about a message a second) and retries what it reports
as failed, after Slack's Retry-After when Slack gave one. So this client does not sleep on a 429
itself: it reports it and the queue tries again later, while other destinations go on.

Who is reachable:
- a person through a Slack identity of theirs (`slack:<team>:<user>`) in a workspace of their
  tenant where Cairn is installed; the DM is opened with `conversations.open` (scope
  `im:write`) and posted with `chat.postMessage` (`chat:write`);
- a home channel stored as a Slack channel id (`C…`, `G…`), in any installed workspace of the
  tenant (`chat:write.public` posts in public channels without an invitation). A channel
  typed as a plain name (`#launch`, from the shell) is not a Slack channel: nothing is posted.

What Slack will never accept (no such user, a deactivated account, a channel gone or closed to
the bot, the app uninstalled) is reported as unreachable, so it is not retried; outages,
5xx and rate limits are reported as failures, to retry.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render
from bots.slack.people import TimedCache
from bots.slack.render_nudges import notification_text
from bots.slack.tokens import TenantClients, WorkspaceClient
from core.nudges.notifier import (
    SENT,
    ChannelAddress,
    Outgoing,
    PersonAddress,
    RouteResult,
    RouteStatus,
)

logger = logging.getLogger(__name__)

NAME = "slack"
IDENTITY = re.compile(r"^slack:([A-Z0-9]{2,40}):([UW][A-Z0-9]{1,40})$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,30}$")
#: Answers no retry can change: the person, the channel or the installation is not there.
UNREACHABLE_ERRORS = frozenset({
    "user_not_found", "user_disabled", "user_not_visible", "account_inactive",
    "channel_not_found", "not_in_channel", "is_archived", "cannot_dm_bot",
    "restricted_action", "no_permission", "team_access_not_granted", "ekm_access_denied",
    "invalid_auth", "not_authed", "token_revoked", "token_expired", "missing_scope",
    "not_allowed_token_type", "org_login_required", "messages_tab_disabled",
    # Our own payload refused: retrying sends the same thing again (logged as an error).
    "invalid_blocks", "invalid_blocks_format", "msg_too_long", "too_many_attachments",
})
OUR_FAULT = frozenset({"invalid_blocks", "invalid_blocks_format", "msg_too_long",
                       "too_many_attachments"})
DM_CHANNELS_KEPT = 50_000
DM_CHANNEL_TTL_S = 24 * 3600.0
#: A batch of nudges looks a tenant's workspaces up once (tokens are cached as long upstream).
WORKSPACES_TTL_S = 60.0


class _Unreachable(Exception):
    pass


class SlackNotifier:
    name = NAME

    def __init__(self, clients: TenantClients) -> None:
        self._clients = clients
        # (team, user) -> the DM's channel id: one conversations.open per person a day.
        self._dms: TimedCache[tuple[str, str], str] = TimedCache(DM_CHANNELS_KEPT,
                                                                 DM_CHANNEL_TTL_S)
        self._workspaces: TimedCache[int, list[WorkspaceClient]] = TimedCache(
            10_000, WORKSPACES_TTL_S)

    def destination(self, message: Outgoing) -> str | None:
        to = message.to
        if isinstance(to, PersonAddress):
            found = _identities(to)
            if not found:
                return None  # never came through Slack
            team, user = found[0]
            return f"slack:dm:{team}:{user}"
        if CHANNEL_ID.match(to.channel):
            return f"slack:channel:{to.tenant_id}:{to.channel}"
        logger.info("nudge %d: the home channel %r is a name, not a Slack channel: not posted "
                    "in Slack (pick the channel in the milestone's form)", message.nudge_id,
                    to.channel[:80])
        return None

    async def send(self, message: Outgoing) -> RouteResult:
        payload = {**render.message(message.view),
                   "text": notification_text(message.view, message.text),
                   "unfurl_links": False, "unfurl_media": False}
        try:
            workspaces = await self._installed(message.to.tenant_id)
            if not workspaces:
                raise _Unreachable("Cairn is not installed in a Slack workspace of this tenant")
            if isinstance(message.to, PersonAddress):
                await self._to_person(message.to, workspaces, payload)
            else:
                await self._to_channel(message.to, workspaces, payload)
        except _Unreachable as why:
            logger.info("nudge %d not sent in Slack: %s", message.nudge_id, why)
            return RouteResult(RouteStatus.UNREACHABLE, str(why))
        except SlackApiError as error:
            return _failure(message, error)
        except (aiohttp.ClientError, TimeoutError) as error:
            return RouteResult(RouteStatus.FAILED, f"Slack unreachable: {type(error).__name__}")
        return SENT

    async def _installed(self, tenant_id: int) -> list[WorkspaceClient]:
        found = self._workspaces.get(tenant_id)
        if found is None:
            found = await self._clients.of_tenant(tenant_id, rate_limits=False)
            if found:  # an install a minute from now must count at once
                self._workspaces.put(tenant_id, found)
        return found

    async def _to_person(self, to: PersonAddress, workspaces: list[WorkspaceClient],
                         payload: dict[str, Any]) -> None:
        installed = {w.team_id: w for w in workspaces}
        targets = [(installed[team], user) for team, user in _identities(to) if team in installed]
        if not targets:
            raise _Unreachable(f"@{to.handle} is in no installed workspace of their tenant")
        workspace, user = targets[0]
        key = (workspace.team_id, user)
        channel = self._dms.get(key)
        if channel is None:
            channel = await _open_dm(workspace.client, user)
            self._dms.put(key, channel)
        try:
            await workspace.client.chat_postMessage(channel=channel, **payload)
        except SlackApiError as error:
            if _code(error) in UNREACHABLE_ERRORS:
                self._dms.drop(key)  # a DM that closed is opened afresh next time
            raise

    async def _to_channel(self, to: ChannelAddress, workspaces: list[WorkspaceClient],
                          payload: dict[str, Any]) -> None:
        # A tenant with several workspaces: the channel is in one of them.
        for index, workspace in enumerate(workspaces):
            try:
                await workspace.client.chat_postMessage(channel=to.channel, **payload)
                return
            except SlackApiError as error:
                last = index == len(workspaces) - 1
                if _code(error) != "channel_not_found" or last:
                    raise


async def _open_dm(client: AsyncWebClient, user: str) -> str:
    answer = await client.conversations_open(users=user)
    channel = (answer.get("channel") or {}).get("id")
    if not isinstance(channel, str) or not channel:
        raise _Unreachable(f"Slack opened no DM with {user}")
    return channel


def _identities(to: PersonAddress) -> list[tuple[str, str]]:
    """(team, user) of each Slack identity, in a stable order."""
    found = [IDENTITY.match(i) for i in sorted(to.identities)]
    return [(m.group(1), m.group(2)) for m in found if m is not None]


def _code(error: SlackApiError) -> str:
    data = error.response.data
    return str(data.get("error") or "") if isinstance(data, dict) else ""


def _failure(message: Outgoing, error: SlackApiError) -> RouteResult:
    status = error.response.status_code
    code = _code(error)
    if status == 429 or code == "ratelimited":
        wait = _retry_after(error)
        return RouteResult(RouteStatus.FAILED, "Slack: rate limited", wait)
    if code in UNREACHABLE_ERRORS:
        log = logger.error if code in OUR_FAULT else logger.warning
        log("nudge %d not sent in Slack, and not retried: %s", message.nudge_id, code)
        return RouteResult(RouteStatus.UNREACHABLE, f"Slack: {code}")
    return RouteResult(RouteStatus.FAILED, f"Slack: {code or f'HTTP {status}'}")


def _retry_after(error: SlackApiError) -> timedelta | None:
    headers = error.response.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        seconds = int(str(value))
    except ValueError:
        return None
    return timedelta(seconds=max(0, min(seconds, 3600)))
