"""Webhook endpoints (admins): add (the signing secret shown), list, remove, log, rotate the
secret, enable again. Deliveries are planned from the outbox and sent by a worker."""

from __future__ import annotations

import base64
import secrets
import urllib.parse
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from core.commands import AnyCommand
from core.errors import NotFound
from core.events import WebhookAdded
from core.humanize import when
from core.permissions import Right
from core.ports import UnitOfWork
from core.tenancy import User
from core.use_case import Deps, authorize, current_user
from core.views import Notice, Tone, View
from core.webhooks.commands import (
    AddWebhook,
    EnableWebhook,
    ListWebhooks,
    RemoveWebhook,
    RotateWebhookSecret,
    ShowWebhookLog,
)
from core.webhooks.endpoints import EndpointId, WebhookEndpoint, new_endpoint
from core.webhooks.events import parse_event_types
from core.webhooks.views import (
    WebhookAttempt,
    WebhookCreatedView,
    WebhookLine,
    WebhookListView,
    WebhookLogView,
)

SECRET_BYTES = 32


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


async def _admin(tx: UnitOfWork, deps: Deps, cmd: AddWebhook | ListWebhooks | RemoveWebhook
                 | ShowWebhookLog | RotateWebhookSecret | EnableWebhook) -> User:
    me = await current_user(tx, cmd.actor)
    await authorize(tx, me, Right.ADMIN, None)
    return me


async def _endpoint(tx: UnitOfWork, number: int) -> WebhookEndpoint:
    found = await tx.webhooks.get(EndpointId(number))
    if found is None:
        raise NotFound(f"there is no webhook {number} here", hint="`webhooks` lists them")
    return found


async def add_webhook(cmd: AddWebhook, deps: Deps) -> WebhookCreatedView:
    now = deps.clock.now()
    events = parse_event_types(cmd.events)
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await _admin(tx, deps, cmd)
        endpoint = new_endpoint(
            tenant_id=cmd.actor.tenant_id, url=cmd.url, events=events, secret=new_secret(),
            now=now, allow_private=deps.allow_private_webhooks,
            existing=await tx.webhooks.count(), created_by=me.id, description=cmd.description)
        stored = await tx.webhooks.add(endpoint)
        assert stored.id is not None
        # The ping goes out through the outbox, so it exists exactly when the endpoint does.
        await tx.publish(WebhookAdded(tenant_id=cmd.actor.tenant_id, milestone_id=None,
                                      actor_id=me.id, at=now, endpoint_id=int(stored.id)))
        await tx.commit()
    return WebhookCreatedView(line=line(stored, me, now), secret=endpoint.secrets[0].value,
                              headline=f"Webhook {stored.id} added")


async def list_webhooks(cmd: ListWebhooks, deps: Deps) -> WebhookListView:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await _admin(tx, deps, cmd)
        found = await tx.webhooks.all()
    return WebhookListView(endpoints=tuple(line(e, me, now) for e in found))


async def remove_webhook(cmd: RemoveWebhook, deps: Deps) -> Notice:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        await _admin(tx, deps, cmd)
        endpoint = await _endpoint(tx, cmd.endpoint)
        assert endpoint.id is not None
        await tx.webhooks.remove(endpoint.id)
        await tx.commit()
    return Notice(text=f"Webhook {cmd.endpoint} is removed, with its pending deliveries.",
                  tone=Tone.SUCCESS)


async def webhook_log(cmd: ShowWebhookLog, deps: Deps) -> WebhookLogView:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await _admin(tx, deps, cmd)
        endpoint = await _endpoint(tx, cmd.endpoint)
        assert endpoint.id is not None
        entries = await tx.webhooks.log(endpoint.id, limit=20)
    return WebhookLogView(line=line(endpoint, me, now), attempts=tuple(WebhookAttempt(
        at=when(e.at, now, me.timezone), event=e.event_type.value, attempt=e.attempt,
        outcome=(f"HTTP {e.status}" if e.status is not None else (e.error or "no answer"))
        + f" in {e.latency_ms} ms", verdict=e.verdict.value) for e in entries))


async def rotate_secret(cmd: RotateWebhookSecret, deps: Deps) -> WebhookCreatedView:
    now = deps.clock.now()
    async with deps.uow(cmd.actor.tenant_id) as tx:
        me = await _admin(tx, deps, cmd)
        endpoint = (await _endpoint(tx, cmd.endpoint)).rotated(new_secret(), now=now)
        await tx.webhooks.save(endpoint)
        await tx.commit()
    return WebhookCreatedView(
        line=line(endpoint, me, now), secret=endpoint.signing_secrets(now)[0],
        headline=f"Webhook {cmd.endpoint} has a new secret; the old one signs too for 24 hours")


async def enable_webhook(cmd: EnableWebhook, deps: Deps) -> Notice:
    async with deps.uow(cmd.actor.tenant_id) as tx:
        await _admin(tx, deps, cmd)
        endpoint = await _endpoint(tx, cmd.endpoint)
        await tx.webhooks.save(endpoint.reenabled())
        await tx.commit()
    return Notice(text=f"Webhook {cmd.endpoint} is on again; held deliveries resume.",
                  tone=Tone.SUCCESS)


def line(endpoint: WebhookEndpoint, me: User, now: datetime) -> WebhookLine:
    parts = urllib.parse.urlsplit(endpoint.url)
    shown = f"{parts.scheme}://{parts.netloc}{parts.path}"
    events = ", ".join(sorted(e.value for e in endpoint.events)) or "every event"
    state = "on" if endpoint.enabled else f"off: {endpoint.disabled_reason}"
    return WebhookLine(id=endpoint.id or 0, url=shown, events=events, state=state,
                       created=when(endpoint.created_at, now, me.timezone))


HANDLERS: dict[type[AnyCommand], Callable[[Any, Deps], Awaitable[View]]] = {
    AddWebhook: add_webhook, ListWebhooks: list_webhooks, RemoveWebhook: remove_webhook,
    ShowWebhookLog: webhook_log, RotateWebhookSecret: rotate_secret,
    EnableWebhook: enable_webhook,
}
