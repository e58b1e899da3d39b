"""`link teams|slack` (admins: a one-time code for the other platform), `link <code>` (admins:
join the company that gave it), `unlink [slack|teams]` (admins), and the `me notify` choice."""

from __future__ import annotations

from typing import Protocol

from core import text as lex
from core.commands import Actor, AnyCommand
from core.errors import InvalidInput
from core.linking.codes import looks_like_code
from core.linking.commands import (
    NOTIFY_CHOICES,
    PLATFORMS,
    ChooseNotifyPlatform,
    IssueLinkCode,
    RedeemLinkCode,
    Unlink,
)

LINK_USAGE = "link teams|slack · link <code> · unlink [slack|teams]"
LINK_EXAMPLES = ("link teams", "link 7KQ4-M2XD-9PAB", "unlink teams")


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...
    @property
    def identity_prefix(self) -> str: ...


def parse_link(rest: str, ctx: Context) -> AnyCommand:
    word, tail = lex.split_word(rest.strip())
    if tail.strip():
        raise InvalidInput("text", "`link` takes one word", hint=LINK_USAGE)
    if word.lower() in PLATFORMS:
        return IssueLinkCode(actor=ctx.actor, here=ctx.identity_prefix, other=word.lower())
    if looks_like_code(word):
        return RedeemLinkCode(actor=ctx.actor, here=ctx.identity_prefix, code=word)
    if not word:
        raise InvalidInput("text", "link with what?", hint=LINK_USAGE)
    raise InvalidInput("code", f"“{word[:40]}” is not a link code (they look like "
                       "ABCD-EFGH-JKMN)", hint=LINK_USAGE)


def parse_unlink(rest: str, ctx: Context) -> AnyCommand:
    word = rest.strip().lower()
    if word and word not in PLATFORMS:
        raise InvalidInput("platform", "unlink slack, unlink teams, or just unlink",
                           hint="unlink teams")
    return Unlink(actor=ctx.actor, here=ctx.identity_prefix, platform=word)


def parse_notify(rest: str, actor: Actor) -> AnyCommand:
    """`me notify slack|teams|both|last`."""
    word = rest.strip().lower()
    if word not in NOTIFY_CHOICES:
        raise InvalidInput("notify", "choose slack, teams, both or last (the one you used last)",
                           hint="me notify teams")
    return ChooseNotifyPlatform(actor=actor, choice=word)
