"""The webhook verbs (admins): `webhook add <url> [events…]`, `webhooks`, `webhook remove <id>`,
`webhook log <id>`, `webhook rotate <id>`, `webhook enable <id>`."""

from __future__ import annotations

from dataclasses import dataclass

from core.commands import Command


@dataclass(frozen=True, slots=True, kw_only=True)
class AddWebhook(Command):
    url: str
    events: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ListWebhooks(Command):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveWebhook(Command):
    endpoint: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowWebhookLog(Command):
    endpoint: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RotateWebhookSecret(Command):
    endpoint: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EnableWebhook(Command):
    endpoint: int
