"""Webhook routes (admins): list, register (the secret shown once), remove, delivery log."""

from __future__ import annotations

from api.http import Answer, Call, Route
from api.schemas import (
    AttemptOut,
    AttemptPage,
    FeedParams,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WebhookPage,
)
from core.access.tokens import Scope
from core.bus import execute
from core.milestones import records
from core.webhooks.commands import AddWebhook, RemoveWebhook
from core.webhooks.endpoints import WebhookEndpoint
from core.webhooks.views import WebhookCreatedView

ONE = "/webhooks/{id}"


def _out(e: WebhookEndpoint) -> WebhookOut:
    return WebhookOut(id=e.id or 0, url=e.url, events=sorted(t.value for t in e.events),
                      description=e.description, enabled=e.enabled,
                      disabled_reason=e.disabled_reason, created_at=e.created_at)


async def list_webhooks(call: Call) -> Answer:
    found = await records.webhook_records(call.principal.actor, call.deps)
    return Answer(WebhookPage(items=[_out(e) for e in found]))


async def add_webhook(call: Call) -> Answer:
    b: WebhookIn = call.body
    view = await execute(AddWebhook(actor=call.principal.actor, url=b.url,
                                    events=tuple(b.events), description=b.description),
                         call.deps)
    assert isinstance(view, WebhookCreatedView)
    endpoint, _ = await records.webhook_log_records(call.principal.actor, view.line.id,
                                                    limit=0, deps=call.deps)
    return Answer(WebhookCreated(**_out(endpoint).model_dump(), secret=view.secret),
                  status=201, headers={"Location": f"/api/v1/webhooks/{view.line.id}"})


async def remove_webhook(call: Call) -> Answer:
    await execute(RemoveWebhook(actor=call.principal.actor,
                                endpoint=int(call.request.match_info["id"])), call.deps)
    return Answer(None, status=204)


async def webhook_log(call: Call) -> Answer:
    q: FeedParams = call.query
    _, entries = await records.webhook_log_records(
        call.principal.actor, int(call.request.match_info["id"]), limit=q.limit, deps=call.deps)
    return Answer(AttemptPage(items=[AttemptOut(
        event_id=e.event_id, event_type=e.event_type.value, attempt=e.attempt, at=e.at,
        status=e.status, latency_ms=e.latency_ms, error=e.error, verdict=e.verdict.value,
        next_attempt_at=e.next_attempt_at) for e in entries]))


W = "Webhooks"
ROUTES = (
    Route("GET", "/webhooks", "listWebhooks", "The workspace's webhook endpoints (admins)", W,
          Scope.WEBHOOKS_READ, list_webhooks, WebhookPage, cached=True),
    Route("POST", "/webhooks", "addWebhook", "Register an endpoint; its secret is shown once",
          W, Scope.WEBHOOKS_WRITE, add_webhook, WebhookCreated, 201, body=WebhookIn),
    Route("DELETE", ONE, "removeWebhook", "Remove an endpoint with its pending deliveries", W,
          Scope.WEBHOOKS_WRITE, remove_webhook, None, 204),
    Route("GET", ONE + "/log", "webhookLog", "The endpoint's latest delivery attempts", W,
          Scope.WEBHOOKS_READ, webhook_log, AttemptPage, params=FeedParams, cached=True),
)
