"""`core.webhooks.ports.WebhookSender` over aiohttp: one signed POST per attempt.

What a hostile or broken endpoint cannot do to Cairn:
- make it reach an address inside the network: the URL rules run before every attempt and
  the connector's resolver (`guard.GuardedResolver`) checks every address it connects to;
- move the request elsewhere: redirects are not followed (a 3xx is a failed attempt);
- hold a worker: every attempt has a total timeout, connecting and reading included;
- fill the memory: at most `response_cap` bytes of the answer are read, compressed answers are
  not inflated, and the rest of the connection is dropped;
- plant cookies for another endpoint: the session keeps none, and reads no proxy settings.

The `webhook-timestamp` is the sender's clock at the attempt (the system clock in production).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp.abc import AbstractResolver

from core.errors import InvalidInput
from core.ports import Clock
from core.webhooks.decisions import ERROR_MAX, AttemptOutcome
from core.webhooks.ports import WebhookRequest
from core.webhooks.urls import check_url
from integrations.webhooks.guard import AddressRefused, GuardedResolver
from integrations.webhooks.signing import signature_header, timestamp_header

logger = logging.getLogger(__name__)

TIMEOUT_S = 10.0
RESPONSE_CAP = 4096
USER_AGENT = "Cairn-Webhooks/1"


class AiohttpWebhookSender:
    def __init__(self, *, clock: Clock, allow_private: bool = False,
                 timeout: float = TIMEOUT_S, response_cap: int = RESPONSE_CAP,
                 resolver: Callable[[], AbstractResolver] | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """`resolver` makes the resolver under the guard (the system's, through a thread, by
        default); it is called inside the event loop when the first attempt opens the session.
        """
        self._clock = clock
        self._allow_private = allow_private
        self._timeout = timeout
        self._cap = response_cap
        self._make_resolver = resolver or aiohttp.ThreadedResolver
        self._monotonic = monotonic
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            resolver = GuardedResolver(self._make_resolver(), allow_private=self._allow_private)
            connector = aiohttp.TCPConnector(resolver=resolver, use_dns_cache=False)
            self._session = aiohttp.ClientSession(
                connector=connector, cookie_jar=aiohttp.DummyCookieJar(), trust_env=False,
                auto_decompress=False, timeout=aiohttp.ClientTimeout(total=self._timeout))
        return self._session

    async def send(self, request: WebhookRequest) -> AttemptOutcome:
        started = self._monotonic()

        def outcome(status: int | None = None, error: str = "", response: str = ""
                    ) -> AttemptOutcome:
            elapsed = round((self._monotonic() - started) * 1000)
            return AttemptOutcome(status=status, latency_ms=elapsed, error=error[:ERROR_MAX],
                                  response=response)

        try:
            check_url(request.url, allow_private=self._allow_private)
        except InvalidInput as refused:
            return outcome(error=f"refused: {refused.message}")
        if not request.secrets:
            return outcome(error="no signing secret")
        now = self._clock.now()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "accept-encoding": "identity",
            "webhook-id": request.message_id,
            "webhook-timestamp": timestamp_header(now),
            "webhook-signature": signature_header(request.secrets, request.message_id, now,
                                                  request.body),
        }
        try:
            async with self._open().post(request.url, data=request.body.encode("utf-8"),
                                         headers=headers, allow_redirects=False) as response:
                excerpt = await self._read_start(response)
                error = ""
                if 300 <= response.status < 400:
                    where = response.headers.get("location", "")
                    error = f"redirect to {where[:200]} not followed" if where else \
                        "redirect not followed"
                return outcome(response.status, error, excerpt)
        except TimeoutError:
            return outcome(error=f"no answer within {self._timeout:g} s")
        except aiohttp.ClientConnectorError as failed:
            if isinstance(failed.os_error, AddressRefused):
                return outcome(error=f"refused: {failed.os_error}")
            why = failed.os_error.strerror or str(failed.os_error) or type(failed).__name__
            return outcome(error=f"could not connect: {why}")
        except aiohttp.ClientError as failed:
            return outcome(error=f"{type(failed).__name__}: {failed}")
        except (OSError, ValueError) as failed:
            return outcome(error=f"{type(failed).__name__}: {failed}")

    async def _read_start(self, response: aiohttp.ClientResponse) -> str:
        """Up to the cap of the answer, as text for the log; the rest is never read."""
        chunks: list[bytes] = []
        size = 0
        while size < self._cap:
            chunk = await response.content.read(self._cap - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if not response.content.at_eof():
            response.close()  # drop the connection rather than read what is left
        text = b"".join(chunks).decode("utf-8", errors="replace")
        return "".join(c if c.isprintable() or c in "\n\t" else " " for c in text).strip()
