"""A webhook receiver over real HTTP, as an integrator would write it with `standardwebhooks`.

Every request is verified with the library (`Webhook(secret).verify`: the signature against
each secret the receiver knows, and the timestamp against the wall clock, five minutes either
way); one that fails gets 401, as a real receiver would answer. A verified request gets the
next scripted reply (then `default`, 200 unless changed): a status, a delay, a body, headers,
or a body that never ends. `stop()` and `start()` take the receiver down and up again on the
same port, so an outage is a refused connection, as in life.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError


@dataclass(frozen=True)
class Reply:
    status: int = 200
    delay: float = 0.0
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: Send `body`, then keep the response open forever.
    endless: bool = False


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    payload: Any  # the verified JSON, None if it did not verify
    error: str  # why it did not verify
    status: int  # what the receiver answered

    @property
    def id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def accepted(self) -> bool:
        return not self.error and 200 <= self.status < 300


class WebhookReceiver:
    def __init__(self, secrets: list[str]) -> None:
        self.secrets = list(secrets)
        self.script: deque[Reply] = deque()
        #: Replies by event type, used before the script (e.g. one type always refused).
        self.by_type: dict[str, Reply] = {}
        #: The reply once the script is used up.
        self.default = Reply()
        self.received: list[Received] = []
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()

    def url(self, path: str = "/hook", host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"

    def then(self, *replies: Reply | int) -> WebhookReceiver:
        self.script.extend(r if isinstance(r, Reply) else Reply(r) for r in replies)
        return self

    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.accepted]

    async def start(self) -> WebhookReceiver:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def close(self) -> None:
        self._closing.set()
        await self.stop()

    def verify(self, body: bytes, headers: dict[str, str]) -> tuple[Any, str]:
        errors = []
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers), ""
            except WebhookVerificationError as error:
                errors.append(str(error))
        return None, "; ".join(errors) or "no secret"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        payload, error = self.verify(body, headers)
        reply = Reply(401) if error else self._next(payload)
        self.received.append(Received(path=request.path, headers=headers, body=body,
                                      payload=payload, error=error, status=reply.status))
        if reply.delay:
            await self._wait(reply.delay)
        if reply.endless:
            response = web.StreamResponse(status=reply.status, headers=reply.headers)
            await response.prepare(request)
            await response.write(reply.body)
            await self._wait(3600)
            return response
        return web.Response(status=reply.status, body=reply.body, headers=reply.headers)

    def _next(self, payload: Any) -> Reply:
        kind = payload.get("type") if isinstance(payload, dict) else None
        if kind in self.by_type:
            return self.by_type[kind]
        return self.script.popleft() if self.script else self.default

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)


def payload_of(received: Received) -> dict[str, Any]:
    parsed = json.loads(received.body)
    assert isinstance(parsed, dict)
    return parsed
