"""The REST API on Cairn's server: always on, over the same use cases as chat."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from api import problems
from api.app import Handler, mount
from api.http import READ_BODY, ApiConfig
from core.access.tokens import TOKEN_TEXT
from wiring.edge import Refusal, guarded
from wiring.runtime import Runtime

#: The largest body the API reads (a milestone with a long description and 20 links fits).
BODY_LIMIT = 256 * 1024


def bearer_shape(headers: Mapping[str, str], body: bytes) -> Refusal | None:
    """Before a body is parsed: an `Authorization: Bearer cairn_…` of the right shape (the
    token itself is checked against the database by the route, with the rate limit)."""
    scheme, _, secret = headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not TOKEN_TEXT.match(secret.strip()):
        return Refusal(401, "no API token of the right shape")
    return None


def as_problem(request: web.Request, refusal: Refusal, size: int | None) -> web.Response:
    from wiring.edge import refuse

    refuse(request, refusal, size)  # the one log line
    if refusal.status == 401:
        return problems.problem(401, "Send a token: `Authorization: Bearer cairn_…`.",
                                hint='`token new "name"` in chat makes one',
                                headers={"WWW-Authenticate": 'Bearer realm="cairn"'})
    return problems.problem(refusal.status, f"The request was refused: {refusal.reason}.")


def guard(handler: Handler) -> Handler:
    async def with_body(request: web.Request, body: bytes) -> web.StreamResponse:
        request[READ_BODY] = body
        return await handler(request)

    return guarded(with_body, limit=BODY_LIMIT, authenticate=bearer_shape, answer=as_problem)


def attach_api(runtime: Runtime, app: web.Application) -> None:
    mount(app, ApiConfig(deps=runtime.deps, rate_limit=runtime.settings.api_rate_limit),
          guard)
