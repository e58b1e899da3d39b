"""Clients for work that no request started (threads, App Home refreshes, nudges): the
tenant's workspaces and their bot tokens, through the same cache and rotation as requests."""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.authorize import CairnAuthorize
from bots.slack.people import Workspaces
from bots.slack.web import SlackWeb


@dataclass(frozen=True, slots=True)
class WorkspaceClient:
    enterprise_id: str
    team_id: str
    client: AsyncWebClient


class TenantClients:
    def __init__(self, workspaces: Workspaces, authorize: CairnAuthorize, web: SlackWeb) -> None:
        self._workspaces = workspaces
        self._authorize = authorize
        self._web = web

    async def of_tenant(self, tenant_id: int, *, rate_limits: bool = True
                        ) -> list[WorkspaceClient]:
        """Clients of the tenant's installed workspaces; `rate_limits` as `SlackWeb.client`."""
        found = []
        for enterprise_id, team_id in await self._workspaces.of_tenant(tenant_id):
            client = await self.of_workspace(enterprise_id, team_id, rate_limits=rate_limits)
            if client is not None:
                found.append(client)
        return found

    async def of_workspace(self, enterprise_id: str, team_id: str, *, rate_limits: bool = True
                           ) -> WorkspaceClient | None:
        for org_wide in (False, True):
            if org_wide and not enterprise_id:
                break
            result = await self._authorize.for_workspace(
                enterprise_id or None, team_id or None, self._web.client(),
                is_enterprise_install=org_wide)
            if result is not None and result.bot_token:
                return WorkspaceClient(enterprise_id, team_id, self._web.client(
                    result.bot_token, rate_limits=rate_limits))
        return None
