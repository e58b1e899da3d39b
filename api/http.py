"""How one API route runs: token and rate limit, scope, query and body validation, writes
in one unit of work with their key and version checks, and the answer as JSON or a problem."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ValidationError

from api import problems
from core.access.through_app import through_app
from core.access.tokens import Scope
from core.access.use_cases import Principal, authenticate
from core.bus import Deps
from core.errors import DomainError
from core.interactions.replays import ReplyKey
from core.interactions.requests import Answered, carried_out

logger = logging.getLogger(__name__)

KEY_MAX = 255


@dataclass(frozen=True, slots=True)
class ApiConfig:
    deps: Deps
    #: Requests per minute per token.
    rate_limit: int = 600


CONFIG = web.AppKey("api_config", ApiConfig)
#: Where the server's edge leaves a body it already read (under its cap) for the route.
READ_BODY = web.RequestKey("cairn_api_body", bytes)


@dataclass(frozen=True, slots=True)
class Call:
    request: web.Request
    principal: Principal
    deps: Deps
    query: Any = None  # the route's `params` model, validated
    body: Any = None  # the route's `body` model, validated

    def number(self) -> int:
        return int(self.request.match_info["number"])

    @property
    def if_match(self) -> str | None:
        return self.request.headers.get("If-Match")


@dataclass(frozen=True, slots=True)
class Answer:
    model: BaseModel | None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class PreconditionFailed(Exception):
    """`If-Match` named another version than the current one."""


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    operation: str
    summary: str
    tag: str
    scope: Scope
    handler: Callable[[Call], Awaitable[Answer]]
    response: type[BaseModel] | None = None
    status: int = 200
    body: type[BaseModel] | None = None
    params: type[BaseModel] | None = None
    #: Reads answer with an ETag and honour If-None-Match.
    cached: bool = False
    #: Writes to one milestone honour If-Match.
    conditional: bool = False


def etag(body: str) -> str:
    """A strong validator: the hash of the exact representation."""
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def matches(header: str | None, tag: str) -> bool:
    if header is None:
        return False
    return header.strip() == "*" or tag in (t.strip() for t in header.split(","))


def handler_for(route: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await run(route, request)

    return handle


async def run(route: Route, request: web.Request) -> web.StreamResponse:
    config = request.app[CONFIG]
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return problems.problem(401, "Send a token: `Authorization: Bearer cairn_…`.",
                                hint='`token new "name"` in chat makes one',
                                headers={"WWW-Authenticate": 'Bearer realm="cairn"'})
    try:
        principal = await authenticate(secret.strip(), config.deps, limit=config.rate_limit)
    except DomainError as error:
        return problems.from_domain(error)
    limits = {"RateLimit-Limit": str(principal.limit),
              "RateLimit-Remaining": str(principal.remaining),
              "RateLimit-Reset": str(principal.reset)}
    try:
        principal.token.require(route.scope)
        token = principal.token
        deps = through_app(config.deps, token.name) if token.is_app else config.deps
        call = Call(request=request, principal=principal, deps=deps)
        if route.params is not None:
            try:
                call = replace(call, query=route.params.model_validate(dict(request.query)))
            except ValidationError as error:
                return _headers(problems.from_validation(error, "query"), limits)
        text = ""
        if route.body is not None:
            text, refused = await _read_body(request)
            if refused is not None:
                return _headers(refused, limits)
            try:
                call = replace(call, body=route.body.model_validate_json(text or "{}"))
            except ValidationError as error:
                return _headers(problems.from_validation(error, "body"), limits)
        if route.method == "GET":
            response = await _answer(route, call)
        else:
            response = await _write(route, call, text)
    except DomainError as error:
        return _headers(problems.from_domain(error), limits)
    except PreconditionFailed:
        return _headers(problems.problem(
            412, "The milestone changed since the version in If-Match.",
            hint="GET it again and send its new ETag"), limits)
    return _headers(response, limits)


async def _answer(route: Route, call: Call) -> web.Response:
    answer = await route.handler(call)
    if answer.model is None:
        return web.Response(status=204, headers=answer.headers)
    body = answer.model.model_dump_json()
    headers = dict(answer.headers)
    if route.cached or route.conditional or route.method == "POST":
        headers["ETag"] = etag(body)
    if route.cached and matches(call.request.headers.get("If-None-Match"), headers["ETag"]):
        return web.Response(status=304, headers=headers)
    return web.Response(status=answer.status or route.status, text=body,
                        content_type="application/json", headers=headers)


async def _write(route: Route, call: Call, text: str) -> web.Response:
    """A write in one unit of work with its key claim and version check
    (`core.interactions.requests`): a stale If-Match or a refusal leaves nothing behind."""
    key = None
    given = call.request.headers.get("Idempotency-Key")
    if route.method == "POST" and given is not None:
        if not given or len(given) > KEY_MAX or not given.isprintable():
            return problems.problem(400, f"An Idempotency-Key is 1 to {KEY_MAX} printable "
                                    "characters.")
        assert call.principal.token.id is not None
        key = ReplyKey(token_id=call.principal.token.id, key=given,
                       fingerprint=hashlib.sha256(
                           f"{route.method} {call.request.path}\n{text}".encode()).hexdigest())
    lock = call.number() if route.conditional and call.if_match is not None else None

    async def work(deps: Deps) -> Answered[web.Response]:
        response = await _answer(route, replace(call, deps=deps))
        return Answered(value=response, status=response.status, body=response.text or "")

    done = await carried_out(call.principal.actor, call.deps, work, key=key, lock=lock)
    if isinstance(done, Answered):
        return done.value
    found = done.stored
    if key is None or found.fingerprint != key.fingerprint:
        return problems.problem(422, "This Idempotency-Key was used with another request.",
                                hint="use a new key for a new request")
    if found.status == 0:
        return problems.problem(409, "A request with this Idempotency-Key was just forgotten; "
                                "send it again.", headers={"Retry-After": "1"})
    return web.Response(status=found.status, text=found.body or None,
                        content_type="application/json" if found.body else None,
                        headers={"Idempotent-Replayed": "true"})


async def _read_body(request: web.Request) -> tuple[str, web.Response | None]:
    try:
        raw = request[READ_BODY] if READ_BODY in request else await request.read()
    except web.HTTPRequestEntityTooLarge:
        return "", problems.problem(413, "The body is too large.")
    if raw and request.content_type not in ("application/json",
                                            "application/merge-patch+json"):
        return "", problems.problem(415, "Send JSON: `Content-Type: application/json`.")
    try:
        text = raw.decode("utf-8")
        if text.strip():
            json.loads(text)
    except (UnicodeDecodeError, ValueError):
        return "", problems.problem(400, "The body is not valid JSON.")
    return text, None


def _headers(response: web.Response, extra: Mapping[str, str]) -> web.Response:
    for name, value in extra.items():
        response.headers.setdefault(name, value)
    return response


@web.middleware
async def errors(request: web.Request,
                 handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                 ) -> web.StreamResponse:
    """Everything under /api/v1 answers as a problem: unknown paths, wrong methods, bugs."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return problems.problem(error.status, error.reason + ".")
    except Exception:
        ref = secrets.token_hex(3)
        logger.exception("API request %s %s failed (ref %s)", request.method, request.path, ref)
        return problems.problem(500, f"Something went wrong (ref {ref}).")
