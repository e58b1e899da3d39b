"""The App Home tab: published when a person opens it, and again when something it shows
changes (an outbox consumer, coalescing every change of a batch into one publish per person).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import render_home
from bots.slack.people import People, Speaker
from bots.slack.ports import SlackMembers
from bots.slack.tokens import TenantClients
from core.bus import Deps, execute
from core.commands import Actor, ShowDashboard
from core.errors import DomainError, StorageUnavailable
from core.model import TenantId, UserId
from core.ports import OutboxMessage
from core.reports.card import ReportCard
from core.reports.commands import ShowWeekGlance
from core.views import DashboardView

logger = logging.getLogger(__name__)

HOME_CONSUMER = "slack.home"
#: Every change that can alter what someone's App Home shows.
HOME_VERBS = frozenset({
    "created", "edited", "progress", "comment", "assigned", "watchers", "due_moved", "moved",
    "criteria", "completed", "reopened", "cancelled", "deleted",
})


class HomePublisher:
    def __init__(self, deps: Deps, people: People) -> None:
        self._deps = deps
        self._people = people

    async def publish(self, speaker: Speaker, client: AsyncWebClient, page: int = 1) -> bool:
        try:
            actor = await self._people.actor(speaker, client)
            view = await execute(ShowDashboard(actor=actor, page=max(1, page)), self._deps)
        except StorageUnavailable:
            raise  # the request's failure handling says what was saved before it
        except DomainError as error:
            logger.info("no App Home for %s: %s", speaker.user_id, error.message)
            return False
        assert isinstance(view, DashboardView)
        week = await self._week(actor)
        try:
            await client.views_publish(user_id=speaker.user_id,
                                       view=render_home.home(view, week=week))
        except SlackApiError as error:
            logger.warning("views.publish for %s failed: %s", speaker.user_id,
                           error.response.get("error"))
            return False
        except (aiohttp.ClientError, TimeoutError) as error:
            # Expected now and then (Slack slow or unreachable): the Home is rebuilt whole the
            # next time it is opened. One line, no traceback.
            logger.warning("views.publish for %s: Slack did not answer (%s, ref %s)",
                           speaker.user_id, type(error).__name__, secrets.token_hex(2))
            return False
        return True

    async def _week(self, actor: Actor) -> ReportCard | None:
        """This week's company figures (kept a few minutes by the core); None where reports
        are not set up or cannot be read now: the Home shows the person's work without them."""
        if self._deps.reports is None:
            return None
        try:
            return await execute(ShowWeekGlance(actor=actor), self._deps)
        except DomainError as error:
            logger.info("no week figures on the App Home: %s", error.message)
            return None


class HomeRefresher:
    """Outbox consumer: republishes the App Home of everyone a change concerns."""

    name = HOME_CONSUMER
    verbs = HOME_VERBS

    def __init__(self, publisher: HomePublisher, members: SlackMembers,
                 clients: TenantClients) -> None:
        self._publisher = publisher
        self._members = members
        self._clients = clients

    async def handle(self, messages: Sequence[OutboxMessage]) -> Mapping[int, str | None]:
        wanted: dict[TenantId, set[UserId]] = {}
        for message in messages:
            wanted.setdefault(message.tenant_id, set()).update(self._concerned(message))
        for tenant_id, user_ids in wanted.items():
            # Best effort: a Home that could not be refreshed is rebuilt whole the next time
            # its owner opens it, so a failed publish is logged, not retried.
            await self._refresh(tenant_id, user_ids)
        return {m.id: None for m in messages}

    @staticmethod
    def _concerned(message: OutboxMessage) -> set[UserId]:
        """The people whose Home shows this change, as the core decided when it was recorded
        (its actor, owner and members, people it names, the owners of everything above it)."""
        if message.audience is not None:
            return set(message.audience.people)
        actor = message.event.actor_id  # recorded before audiences travelled with changes
        return {actor} if actor is not None else set()

    async def _refresh(self, tenant_id: TenantId, user_ids: set[UserId]) -> bool:
        slack_users = await self._members.slack_users_of(tenant_id, user_ids)
        if not slack_users:
            return True
        clients = {w.team_id: w for w in await self._clients.of_tenant(tenant_id)}
        ok = True
        for team_id, slack_user in slack_users.values():
            workspace = clients.get(team_id)
            if workspace is None:
                continue  # uninstalled, or a workspace this instance cannot reach: nothing to do
            speaker = Speaker(tenant_id=tenant_id, team_id=team_id, user_id=slack_user)
            ok = await self._publisher.publish(speaker, workspace.client) and ok
        return ok
