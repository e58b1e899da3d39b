"""The webhook verbs (admins): `webhook add <url> [events…]`, `webhooks`, `webhook remove <id>`,
`webhook log <id>`, `webhook rotate <id>`, `webhook enable <id>`."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command
from core.views import Notice
from core.webhooks.views import WebhookCreatedView, WebhookListView, WebhookLogView


@dataclass(frozen=True, slots=True, kw_only=True)
class AddWebhook(Command[WebhookCreatedView]):
    url: str
    events: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListWebhooks(Command[WebhookListView]):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveWebhook(Command[Notice]):
    endpoint: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowWebhookLog(Command[WebhookLogView]):
    endpoint: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RotateWebhookSecret(Command[WebhookCreatedView]):
    endpoint: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EnableWebhook(Command[Notice]):
    endpoint: int
