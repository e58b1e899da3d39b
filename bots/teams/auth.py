"""Who may post to `/api/messages`, and how Cairn proves itself to the Bot Connector.

Inbound: Teams signs each request with a Bot Framework JWT. `BotTokenValidator` checks it
before anything reads the body: RS256, a `kid` the published keys hold (fetched from the
OpenID metadata document's `jwks_uri`, cached, fetched again at most once a minute for an
unknown `kid`), issuer, audience (the app id), expiry with five minutes of leeway. The
`serviceurl` claim is compared with the activity's `serviceUrl` once the body is parsed
(`service_url_matches`). The SDK's own check answers 500 to a kid-less token and only logs a
foreign service URL: Cairn checks first and refuses both with 401.

Outbound: `ClientCredentialsTokens` gets the bot's token from Entra ID by the client-credentials
grant at a configurable authority (tests point it at a local fake), cached until shortly before
it expires; the SDK asks it whenever it calls the connector.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

logger = logging.getLogger(__name__)

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_METADATA = "https://login.botframework.com/v1/.well-known/openidconfiguration"
LOGIN_URL = "https://login.microsoftonline.com"
BOT_SCOPE = "https://api.botframework.com/.default"
LEEWAY_S = 300
KEYS_TTL_S = 24 * 3600.0
REFETCH_AFTER_S = 60.0
TOKEN_MARGIN_S = 300.0
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=10)
MAX_TOKEN = 4 * 1024


class Unauthorized(Exception):
    """The request does not prove it comes from Teams (the reason is for the log)."""


@dataclass
class BotTokenValidator:
    app_id: str
    metadata_url: str = BOT_FRAMEWORK_METADATA
    tenant_id: str = ""
    _keys: dict[str, Any] = field(default_factory=dict)
    _fetched_at: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def issuers(self) -> list[str]:
        found = [BOT_FRAMEWORK_ISSUER]
        if self.tenant_id:  # single-tenant and managed-identity bots get Entra-issued tokens
            found += [f"https://sts.windows.net/{self.tenant_id}/",
                      f"https://login.microsoftonline.com/{self.tenant_id}/v2.0"]
        return found

    async def claims(self, authorization: str | None) -> dict[str, Any]:
        """The token's claims; raises Unauthorized."""
        if not authorization or not authorization.startswith("Bearer "):
            raise Unauthorized("no bearer token")
        token = authorization.removeprefix("Bearer ").strip()
        if len(token) > MAX_TOKEN:
            raise Unauthorized("a token too long to be one")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("not a JWT") from None
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("a token without a key id")
        if header.get("alg") != "RS256":
            raise Unauthorized("a token not signed with RS256")
        key = await self._key(kid)
        if key is None:
            raise Unauthorized("a token signed by an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.app_id, issuer=self.issuers,
                leeway=LEEWAY_S, options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as error:
            raise Unauthorized(f"an invalid token ({type(error).__name__})") from None
        return claims

    async def _key(self, kid: str) -> Any:
        now = time.monotonic()
        stale = now - self._fetched_at > KEYS_TTL_S
        if kid not in self._keys or stale:
            async with self._lock:
                now = time.monotonic()
                if (kid not in self._keys and now - self._fetched_at > REFETCH_AFTER_S) or (
                        now - self._fetched_at > KEYS_TTL_S):
                    await self._fetch_keys()
        return self._keys.get(kid)

    async def _fetch_keys(self) -> None:
        try:
            async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
                async with http.get(self.metadata_url) as answer:
                    answer.raise_for_status()
                    metadata = await answer.json(content_type=None)
                async with http.get(str(metadata["jwks_uri"])) as answer:
                    answer.raise_for_status()
                    document = await answer.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, KeyError, TypeError, ValueError) as error:
            logger.warning("could not fetch the Bot Framework's signing keys: %s",
                           type(error).__name__)
            return
        keys: dict[str, Any] = {}
        for jwk in document.get("keys") or []:
            try:
                keys[str(jwk["kid"])] = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(jwk))
            except (KeyError, ValueError, TypeError, jwt.PyJWTError):
                continue
        self._keys, self._fetched_at = keys, time.monotonic()


def service_url_matches(claims: dict[str, Any], service_url: str) -> bool:
    """The token names the connector the activity says it came from (same host)."""
    claimed = claims.get("serviceurl") or claims.get("serviceUrl")
    if not isinstance(claimed, str):
        return False
    try:
        ours, theirs = urlsplit(claimed).hostname, urlsplit(service_url).hostname
    except ValueError:
        return False
    return bool(ours) and (ours or "").casefold() == (theirs or "").casefold()


class ClientCredentialsTokens(AnonymousTokenProvider):
    """The bot's own token for calling the connector (Entra ID's client-credentials grant)."""

    def __init__(self, *, app_id: str, password: str, tenant_id: str = "",
                 login_url: str = LOGIN_URL) -> None:
        self._app_id, self._password = app_id, password
        self._url = f"{login_url.rstrip('/')}/{tenant_id or 'botframework.com'}/oauth2/v2.0/token"
        self._token, self._expires = "", 0.0
        self._lock = asyncio.Lock()

    async def get_access_token(self, resource_url: str, scopes: list[str],
                               force_refresh: bool = False) -> str:
        async with self._lock:
            if force_refresh or not self._token or time.time() > self._expires - TOKEN_MARGIN_S:
                await self._fetch()
            return self._token

    async def _fetch(self) -> None:
        form = {"grant_type": "client_credentials", "client_id": self._app_id,
                "client_secret": self._password, "scope": BOT_SCOPE}
        async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http, http.post(
                self._url, data=form) as answer:
            body = await answer.json(content_type=None)
            if answer.status != 200 or not isinstance(body, dict) or not body.get(
                    "access_token"):
                error = body.get("error") if isinstance(body, dict) else None
                raise PermissionError("Entra ID refused the bot's credentials "
                                      f"({error or answer.status})")
        self._token = str(body["access_token"])
        self._expires = time.time() + float(body.get("expires_in") or 3600)
