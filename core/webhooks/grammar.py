"""`webhook add <url> [events…]`, `webhooks`, `webhook remove|log|rotate|enable <id>`."""

from __future__ import annotations

from typing import Protocol

from core import text as lex
from core.commands import Actor, Command
from core.errors import InvalidInput
from core.webhooks.commands import (
    AddWebhook,
    EnableWebhook,
    ListWebhooks,
    RemoveWebhook,
    RotateWebhookSecret,
    ShowWebhookLog,
)

USAGE = ("webhook add <https url> [events…] · webhooks · webhook remove <id> · "
         "webhook log <id> · webhook rotate <id> · webhook enable <id>")
EXAMPLES = ("webhook add https://hooks.zapier.com/hooks/catch/1/abc milestone.done",
            "webhook add https://example.com/cairn milestone.*", "webhooks", "webhook log 3",
            "webhook rotate 3", "webhook remove 3")
_BY_ID = {"remove": RemoveWebhook, "delete": RemoveWebhook, "rm": RemoveWebhook,
          "log": ShowWebhookLog, "rotate": RotateWebhookSecret, "enable": EnableWebhook}


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...


def parse_webhooks(rest: str, ctx: Context) -> Command:
    if rest.strip():
        raise InvalidInput("text", "`webhooks` takes nothing more", hint="webhooks")
    return ListWebhooks(actor=ctx.actor)


def parse_webhook(rest: str, ctx: Context) -> Command:
    word, tail = lex.split_word(rest)
    word = word.lower()
    if word in ("", "list", "ls"):
        return parse_webhooks(tail, ctx)
    if word in ("add", "new"):
        url, events = lex.split_word(tail)
        url = url.strip("<>")
        if not url:
            raise InvalidInput("url", "which address?", hint=EXAMPLES[0])
        return AddWebhook(actor=ctx.actor, url=url, events=tuple(events.split()))
    command = _BY_ID.get(word)
    if command is None:
        raise InvalidInput("text", f"`webhook {word[:30]}` is not something I know", hint=USAGE)
    number, extra = lex.split_word(tail)
    number = number.lstrip("#")
    if not number.isdigit() or len(number) > 9 or extra:
        raise InvalidInput("endpoint", f"`webhook {word}` takes the endpoint's number",
                           hint=f"webhook {word} 3 (`webhooks` lists them)")
    return command(actor=ctx.actor, endpoint=int(number))
