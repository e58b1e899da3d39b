"""The HTTP edge of every endpoint that takes a body from outside (Slack's events, Google's push
notifications, and any platform added later): nothing parses a request that has not proved
where it comes from.

`guarded` reads the raw bytes under a size cap (413 before reading when the declared length is
over it, and while reading when it is not declared), lets the platform authenticate those bytes
and the headers (a signature, a channel token: no I/O), and only then hands the bytes to the
handler. A refused request costs one log line, without its body or header values (a forged
8 KB signature must not fill the log), and never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

logger = logging.getLogger(__name__)

READ_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request is turned away: the status to answer and a reason for the log."""

    status: int
    reason: str


#: Checks the headers and the raw body; None accepts. Pure and quick: no I/O, no parsing.
Authenticate = Callable[[Mapping[str, str], bytes], Refusal | None]
#: Handles a request whose body was read and authenticated (the body is given, read once).
BodyHandler = Callable[[web.Request, bytes], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ERRORS = {400: "malformed payload", 401: "invalid request", 403: "forbidden",
          404: "not found", 413: "request body too large"}


def refuse(request: web.Request, refusal: Refusal, size: int | None) -> web.Response:
    """The answer to a refused request, logged in one line."""
    logger.warning("refused %s %s from %s: %s (%s bytes)", request.method, request.path,
                   request.remote or "?", refusal.reason, "?" if size is None else size)
    return web.json_response({"error": ERRORS.get(refusal.status, "refused")},
                             status=refusal.status)


async def read_capped(request: web.Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to exceed `limit` bytes."""
    declared = request.content_length
    if declared is not None and declared > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def guarded(handler: BodyHandler, *, limit: int, authenticate: Authenticate,
            answer: Callable[[web.Request, Refusal, int | None], web.Response] = refuse
            ) -> Handler:
    """`handler` behind the edge: at most `limit` bytes, authenticated before it runs.
    `answer` words a refusal the way the platform's clients expect (logged either way)."""

    async def edge(request: web.Request) -> web.StreamResponse:
        body = await read_capped(request, limit)
        if body is None:
            return answer(request, Refusal(413, f"a body over {limit} bytes"),
                          request.content_length)
        refusal = authenticate(request.headers, body)
        if refusal is not None:
            return answer(request, refusal, len(body))
        return await handler(request, body)

    edge.cairn_edge_limit = limit  # type: ignore[attr-defined]  # tests find guarded routes
    return edge
