"""Calls to Slack: the Web API (at `SLACK_API_URL`) and `response_url`s.

One aiohttp session is shared by every client, and every client retries what Slack asks to be
retried: 429 after its Retry-After, 5xx with backoff, a dropped connection once. These retries
sleep, so they only ever run after the ack.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

logger = logging.getLogger(__name__)


class AsyncServerErrorsRetryHandler(AsyncRetryHandler):
    """Retries every 5xx (slack_sdk's own handler stops at 500 and 503)."""

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        return response is not None and response.status_code >= 500


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    rate_limited: int = 3
    server_errors: int = 3
    backoff: float = 0.5  # seconds; doubles on each retry


class SlackWeb:
    """Makes Web API clients and posts to response URLs, over one shared session."""

    def __init__(self, api_url: str, *, timeout: float = 15,
                 retries: RetryPolicy = RetryPolicy()) -> None:
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        self.timeout = timeout
        self.retries = retries
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Created on first use, inside the running loop (never at import or build time).
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(
                total=self.timeout))
        return self._session

    def retry_handlers(self, *, rate_limits: bool = True) -> list[AsyncRetryHandler]:
        backoff = BackoffRetryIntervalCalculator(backoff_factor=self.retries.backoff)
        handlers: list[AsyncRetryHandler] = [
            AsyncServerErrorsRetryHandler(max_retry_count=self.retries.server_errors,
                                          interval_calculator=backoff),
            AsyncConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=backoff),
        ]
        if rate_limits:
            handlers.insert(0, AsyncRateLimitErrorRetryHandler(
                max_retry_count=self.retries.rate_limited))
        return handlers

    def client(self, token: str | None = None, *, rate_limits: bool = True) -> AsyncWebClient:
        """`rate_limits=False`: a 429 is raised at once (`SlackApiError`, status 429, with its
        Retry-After) instead of slept on, for callers that queue the retry themselves."""
        return AsyncWebClient(token=token, base_url=self.api_url, session=self.session,
                              timeout=self.timeout,
                              retry_handlers=self.retry_handlers(rate_limits=rate_limits))

    async def respond(self, response_url: str, payload: dict[str, Any]) -> bool:
        """Posts to a `response_url`; False (logged) when Slack would not take it."""
        hook = AsyncWebhookClient(url=response_url, session=self.session, timeout=self.timeout,
                                  retry_handlers=self.retry_handlers())
        for attempt in range(self.retries.server_errors + 1):
            try:
                answer = await hook.send_dict(payload)
            except (aiohttp.ClientError, TimeoutError) as error:
                logger.warning("could not post to a response_url: %s (ref %s)",
                               type(error).__name__, secrets.token_hex(2))
                return False
            # slack_sdk's webhook client retries 429 itself, but not 5xx.
            if answer.status_code < 500 or attempt == self.retries.server_errors:
                break
            await asyncio.sleep(self.retries.backoff * 2 ** attempt)
        if answer.status_code != 200:
            logger.warning("a response_url answered %s: %s", answer.status_code,
                           answer.body[:200])
            return False
        return True

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
