"""The token kit signs Bot Framework-shaped JWTs that a standard validator, reading the kit's
OpenID metadata and JWKS over HTTP, accepts when good and refuses for the right reason when not."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp
import jwt
import pytest

from tests.teams.conftest import APP_ID
from tests.teams.tokens import BOT_FRAMEWORK_ISSUER, TokenKit

SERVICE_URL = "https://smba.trafficmanager.net/amer/"


async def validate(kit: TokenKit, token: str) -> dict[str, Any]:
    """What a validator does: metadata -> jwks_uri -> the key named by `kid` -> checks."""
    async with aiohttp.ClientSession() as http:
        async with http.get(kit.openid_metadata_url) as answer:
            metadata = await answer.json()
        async with http.get(metadata["jwks_uri"]) as answer:
            keys = {k["kid"]: k for k in (await answer.json())["keys"]}
    kid = jwt.get_unverified_header(token).get("kid")
    if kid not in keys:
        raise jwt.InvalidKeyError(f"no key {kid!r}")
    key = jwt.PyJWK(keys[kid]).key
    return jwt.decode(token, key, algorithms=["RS256"], audience=APP_ID,
                      issuer=metadata["issuer"], leeway=300)


async def test_a_good_token_passes_and_carries_the_service_url(token_kit: TokenKit) -> None:
    claims = await validate(token_kit, token_kit.good(SERVICE_URL))
    assert claims["serviceurl"] == SERVICE_URL and claims["iss"] == BOT_FRAMEWORK_ISSUER
    assert token_kit.metadata_requests == 1 and token_kit.keys_requests == 1


@pytest.mark.parametrize(("shape", "error"), [
    ("expired", jwt.ExpiredSignatureError),
    ("wrong_audience", jwt.InvalidAudienceError),
    ("wrong_issuer", jwt.InvalidIssuerError),
    ("unknown_key", jwt.InvalidKeyError),
    ("no_key_id", jwt.InvalidKeyError),
    ("tampered", jwt.InvalidSignatureError),
])
async def test_bad_tokens_fail_for_their_reason(token_kit: TokenKit, shape: str,
                                                error: type[Exception]) -> None:
    with pytest.raises(error):
        await validate(token_kit, getattr(token_kit, shape)(SERVICE_URL))


async def test_a_bad_service_url_token_is_valid_but_names_another_host(token_kit: TokenKit
                                                                       ) -> None:
    claims = await validate(token_kit, token_kit.bad_service_url(SERVICE_URL))
    assert urlsplit(claims["serviceurl"]).hostname != urlsplit(SERVICE_URL).hostname


async def test_the_sdk_validator_accepts_the_kit_once_pointed_at_it(
        token_kit: TokenKit, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK takes the JWKS address of the Bot Framework issuer from a table, not from
    settings (see the notes on JWT validation); pointed at the kit, its verdicts match."""
    from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, _entra_issuers
    from microsoft_agents.hosting.core.authorization.jwt import JwtTokenValidator

    monkeypatch.setitem(_entra_issuers.BOTFRAMEWORK_JWKS_URIS, BOT_FRAMEWORK_ISSUER,
                        token_kit.jwks_url)
    validator = JwtTokenValidator(AgentAuthConfiguration(client_id=APP_ID, validate_issuer=True))
    identity = await validator.validate_token(token_kit.good(SERVICE_URL))
    assert identity.get_claim_value("serviceurl") == SERVICE_URL
    for shape in ("expired", "wrong_audience", "unknown_key", "tampered"):
        with pytest.raises((jwt.PyJWTError, ValueError)):
            await validator.validate_token(getattr(token_kit, shape)(SERVICE_URL))
    # A token without `kid` is a KeyError, not a validation error: the SDK's middleware turns
    # it into a 500. Cairn's check must refuse it with a 401 before the SDK sees it.
    with pytest.raises(KeyError):
        await validator.validate_token(token_kit.no_key_id(SERVICE_URL))
