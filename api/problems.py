"""RFC 9457 problem details: every error of the API, 401 and 429 included, with the core's
wording (the same sentence chat would show)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from pydantic import ValidationError

from api.schemas import FieldError, Problem
from core.access.errors import RateLimited, Unauthenticated
from core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    LimitReached,
    NotFound,
    StorageUnavailable,
    UnknownReference,
)

CONTENT_TYPE = "application/problem+json"
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
          405: "Method Not Allowed", 409: "Conflict", 412: "Precondition Failed",
          413: "Content Too Large", 415: "Unsupported Media Type",
          422: "Unprocessable Content", 428: "Precondition Required", 429: "Too Many Requests",
          500: "Internal Server Error", 503: "Service Unavailable"}


def problem(status: int, detail: str = "", *, hint: str = "",
            errors: list[FieldError] | None = None,
            headers: Mapping[str, str] | None = None) -> web.Response:
    body = Problem(title=TITLES.get(status, "Error"), status=status, detail=detail, hint=hint,
                   errors=errors or [])
    return web.Response(status=status, text=body.model_dump_json(), content_type=CONTENT_TYPE,
                        headers=dict(headers or {}))


def sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "!", "?")) else ".")


def status_of(error: DomainError) -> int:
    if isinstance(error, Unauthenticated):
        return 401
    if isinstance(error, RateLimited):
        return 429
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, UnknownReference):
        return 422  # the input names something that is not here; the address was fine
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, InvalidInput):
        return 422
    if isinstance(error, Conflict | LimitReached):
        return 409
    if isinstance(error, StorageUnavailable):
        return 503
    return 422


def from_domain(error: DomainError, headers: Mapping[str, str] | None = None) -> web.Response:
    status = status_of(error)
    extra = dict(headers or {})
    errors = None
    if isinstance(error, InvalidInput | UnknownReference):
        errors = [FieldError(field=error.field, message=sentence(error.message))]
    if isinstance(error, Unauthenticated):
        extra["WWW-Authenticate"] = 'Bearer realm="cairn"'
    if isinstance(error, RateLimited):
        extra["Retry-After"] = str(error.retry_after)
        extra["RateLimit-Limit"] = str(error.limit)
        extra["RateLimit-Remaining"] = "0"
        extra["RateLimit-Reset"] = str(error.retry_after)
    if isinstance(error, StorageUnavailable):
        extra["Retry-After"] = "5"
    return problem(status, sentence(error.message), hint=error.hint, errors=errors,
                   headers=extra)


def from_validation(error: ValidationError, where: str) -> web.Response:
    errors = [FieldError(field=".".join(str(p) for p in e["loc"]) or where,
                         message=sentence(str(e["msg"]))) for e in error.errors()[:20]]
    return problem(422, f"The {where} is not valid.", errors=errors)
