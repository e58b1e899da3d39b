"""A local stand-in for Microsoft's identity side of Teams, over real HTTP, for tests.

Inbound: Teams signs every request to `/api/messages` with a JWT from the Bot Framework
(issuer `https://api.botframework.com`, audience the bot's app id, a `serviceurl` claim naming
the connector that sent it), with keys published at an OpenID metadata document's `jwks_uri`.
`TokenKit` holds an RSA key, serves that metadata document and its JWKS, and signs tokens of
that shape: good ones and every kind of bad one (`expired`, `wrong_audience`, `wrong_issuer`,
`unknown_key`, `bad_service_url`, `no_key_id`).

Outbound: a bot calls the connector with a token it got from Entra ID by the client-credentials
grant. `TokenKit` also answers that grant (`POST /<tenant>/oauth2/v2.0/token`) for the app ids
and secrets it was told about, and remembers what it issued, so a fake connector can require
exactly those tokens (`kit.issued`).

    kit = await TokenKit(app_id=APP_ID, app_password="secret").start()
    headers = {"Authorization": f"Bearer {kit.good(service_url)}"}
    ...
    await kit.close()
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
TOKEN_LIFETIME_S = 3600


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_b64url(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass
class SigningKey:
    """An RSA key and the JWK that publishes its public half."""

    kid: str
    private: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def new(cls, kid: str | None = None) -> SigningKey:
        return cls(kid=kid or secrets.token_hex(8),
                   private=rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @property
    def pem(self) -> bytes:
        return self.private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())

    def jwk(self) -> dict[str, Any]:
        numbers = self.private.public_key().public_numbers()
        thumbprint = _b64url(hashlib.sha1(self.kid.encode()).digest())
        # The Bot Framework's keys carry `endorsements` naming the channels allowed to use them.
        return {"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid, "x5t": thumbprint,
                "n": _int_b64url(numbers.n), "e": _int_b64url(numbers.e),
                "endorsements": ["msteams", "emulator", "webchat"]}


@dataclass
class IssuedToken:
    access_token: str
    client_id: str
    tenant: str
    scope: str
    expires_at: float


class TokenKit:
    """Signs Bot Framework-shaped JWTs and serves what a validator needs to check them."""

    def __init__(self, *, app_id: str, app_password: str = "", tenant_id: str = "botframework.com"
                 ) -> None:
        self.app_id = app_id
        self.tenant_id = tenant_id
        self.key = SigningKey.new()
        self.stranger = SigningKey.new()  # signs tokens whose key the JWKS does not list
        self.clients: dict[str, str] = {app_id: app_password} if app_password else {}
        self.issued: dict[str, IssuedToken] = {}
        self.metadata_requests = 0
        self.keys_requests = 0
        self.token_requests: list[dict[str, str]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- addresses ----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def openid_metadata_url(self) -> str:
        """Like `https://login.botframework.com/v1/.well-known/openidconfiguration`."""
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/keys"

    def token_url(self, tenant: str | None = None) -> str:
        """Where the client-credentials grant is answered (Entra ID's
        `/<tenant>/oauth2/v2.0/token`)."""
        return f"{self.base_url}/{tenant or self.tenant_id}/oauth2/v2.0/token"

    # --- inbound tokens -----------------------------------------------------------------------

    def sign(self, claims: dict[str, Any], *, key: SigningKey | None = None,
             headers: dict[str, Any] | None = None, with_kid: bool = True) -> str:
        key = key or self.key
        header: dict[str, Any] = {"typ": "JWT", "x5t": key.jwk()["x5t"], **(headers or {})}
        if with_kid:
            header["kid"] = key.kid
        return jwt.encode(claims, key.pem, algorithm="RS256", headers=header)

    def claims(self, service_url: str, *, audience: str | None = None,
               issuer: str = BOT_FRAMEWORK_ISSUER, issued_at: float | None = None,
               lifetime: int = TOKEN_LIFETIME_S) -> dict[str, Any]:
        """The claims Teams' tokens carry (see the Bot Framework's authentication docs)."""
        now = time.time() if issued_at is None else issued_at
        return {"serviceurl": service_url, "nbf": int(now) - 5, "iat": int(now) - 5,
                "exp": int(now) + lifetime, "iss": issuer,
                "aud": self.app_id if audience is None else audience}

    def good(self, service_url: str) -> str:
        return self.sign(self.claims(service_url))

    def expired(self, service_url: str) -> str:
        # Well past any clock-skew leeway a validator may allow (the SDK allows 5 minutes).
        return self.sign(self.claims(service_url, issued_at=time.time() - 2 * TOKEN_LIFETIME_S,
                                     lifetime=TOKEN_LIFETIME_S - 900))

    def wrong_audience(self, service_url: str) -> str:
        return self.sign(self.claims(service_url, audience="00000000-0000-0000-0000-00000000beef"))

    def wrong_issuer(self, service_url: str) -> str:
        return self.sign(self.claims(service_url, issuer="https://evil.example/"))

    def unknown_key(self, service_url: str) -> str:
        """Signed by a key the published JWKS does not hold."""
        return self.sign(self.claims(service_url), key=self.stranger)

    def bad_service_url(self, service_url: str) -> str:
        """A valid token whose `serviceurl` claim names another host than the activity's."""
        return self.sign(self.claims("https://smba.evil.example/amer/"))

    def no_key_id(self, service_url: str) -> str:
        """Signed by the right key but without a `kid` header to find it by."""
        return self.sign(self.claims(service_url), with_kid=False)

    def tampered(self, service_url: str) -> str:
        """A good token whose payload was changed after signing."""
        head, _, signature = self.good(service_url).split(".")
        payload = _b64url(json.dumps(self.claims(service_url, audience=self.app_id) | {
            "serviceurl": "https://smba.evil.example/"}).encode())
        return f"{head}.{payload}.{signature}"

    # --- server -------------------------------------------------------------------------------

    async def start(self) -> TokenKit:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _metadata(self, request: web.Request) -> web.Response:
        self.metadata_requests += 1
        return web.json_response({
            "issuer": BOT_FRAMEWORK_ISSUER,
            "authorization_endpoint": f"{self.base_url}/v1/.well-known/authorize",
            "jwks_uri": self.jwks_url,
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        })

    async def _keys(self, request: web.Request) -> web.Response:
        self.keys_requests += 1
        return web.json_response({"keys": [self.key.jwk()]})

    async def _token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"error": "unsupported_grant_type"}, status=400)
        client_id = form.get("client_id", "")
        if client_id not in self.clients or not secrets.compare_digest(
                self.clients[client_id], form.get("client_secret", "")):
            return web.json_response({"error": "invalid_client",
                                      "error_description": "AADSTS7000215: Invalid client "
                                                           "secret provided."}, status=401)
        access = "eyJ0eXAiOiJKV1QifQ." + secrets.token_urlsafe(32)
        self.issued[access] = IssuedToken(access, client_id, request.match_info["tenant"],
                                          form.get("scope", ""), time.time() + TOKEN_LIFETIME_S)
        return web.json_response({"token_type": "Bearer", "expires_in": TOKEN_LIFETIME_S,
                                  "ext_expires_in": TOKEN_LIFETIME_S, "access_token": access})
