"""What the webhook verbs answer with; every front end renders these."""

from __future__ import annotations

from dataclasses import dataclass

from core.views import View


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookLine:
    id: int
    url: str  # host and path only: query strings often hold a token
    events: str
    state: str  # "on", or why it is off
    created: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookCreatedView(View):
    line: WebhookLine
    #: The signing secret, shown when the endpoint is made or its secret rotated.
    secret: str
    headline: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookListView(View):
    endpoints: tuple[WebhookLine, ...]
    how: str = "webhook add https://example.com/hooks milestone.done"


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookAttempt:
    at: str
    event: str
    attempt: int
    outcome: str  # "HTTP 200 in 35 ms", "timeout"
    verdict: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookLogView(View):
    line: WebhookLine
    attempts: tuple[WebhookAttempt, ...]
