"""The bot's own token from an Azure managed identity, for a bot registered with one
(`MICROSOFT_APP_TYPE=UserAssignedMSI`): no client secret anywhere.

MSAL's `ManagedIdentityClient` knows every Azure host's token service (App Service, Container
Apps and Functions through `IDENTITY_ENDPOINT` and `IDENTITY_HEADER`, virtual machines and AKS
through the instance metadata service, Azure Arc, Service Fabric, Cloud Shell) and keeps the
token until shortly before it expires. It is synchronous, so it runs in a thread: the event
loop never waits on its HTTP call.
"""

from __future__ import annotations

import asyncio

import msal  # type: ignore[import-untyped]
import requests
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

from bots.teams.auth import CredentialsRefused

#: The Bot Connector's resource: a managed identity asks for a token to it.
BOT_RESOURCE = "https://api.botframework.com"
USER_ASSIGNED = "userassignedmsi"


def is_managed_identity(app_type: str) -> bool:
    """Whether the bot's app type (`MICROSOFT_APP_TYPE`) names a user-assigned managed
    identity, as Azure Bot registrations call it."""
    return app_type.strip().lower() == USER_ASSIGNED


class ManagedIdentityTokens(AnonymousTokenProvider):
    """The bot's token for calling the connector, from the host's managed identity whose client
    id is the bot's app id."""

    def __init__(self, *, client_id: str) -> None:
        self._client = msal.ManagedIdentityClient(
            msal.UserAssignedManagedIdentity(client_id=client_id),
            http_client=requests.Session())
        self._lock = asyncio.Lock()

    async def get_access_token(self, resource_url: str, scopes: list[str],
                               force_refresh: bool = False) -> str:
        async with self._lock:  # one thread asks at a time; MSAL caches what it got
            try:
                answer = await asyncio.to_thread(self._client.acquire_token_for_client,
                                                 resource=BOT_RESOURCE)
            except (requests.RequestException, msal.ManagedIdentityError, ValueError) as error:
                raise CredentialsRefused("the managed identity's token service did not answer "
                                         f"({type(error).__name__})") from error
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not token:
            why = answer.get("error") if isinstance(answer, dict) else None
            raise CredentialsRefused("the managed identity's token service refused the bot's "
                                     f"token ({why or 'no token'})")
        return str(token)
