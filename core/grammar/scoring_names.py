"""The words the scoring grammar shares: the context a scoring parser reads, a quoted name and
the people named with @."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from core import text as lex
from core.commands import Actor, UserRef
from core.errors import InvalidInput


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...

    @property
    def identity_prefix(self) -> str: ...

    @property
    def today(self) -> date: ...


def _name(token: lex.Token | None, example: str, what: str = "name") -> str:
    if token is None or not token.text.strip():
        raise InvalidInput(what, f"which {what}? put it in quotes", hint=example)
    return " ".join(token.text.split())


def people_named(tokens: list[lex.Token], ctx: Context, example: str) -> tuple[UserRef, ...]:
    found: list[UserRef] = []
    for token in tokens:
        for word in token.text.replace(",", " ").split():
            person = lex.user_ref(word, ctx.identity_prefix)
            if person is None or token.quoted:
                raise InvalidInput("people", f"“{word[:30]}” is not a person", hint=example)
            found.append(person)
    return tuple(dict.fromkeys(found))


def quoted_name(tokens: list[lex.Token], example: str) -> tuple[str, list[lex.Token]]:
    """A name is the quoted token, or the unquoted words before the first @ or option."""
    if not tokens:
        raise InvalidInput("name", "which one? put its name in quotes", hint=example)
    if tokens[0].quoted:
        return _name(tokens[0], example), tokens[1:]
    words: list[str] = []
    rest = list(tokens)
    while rest and not rest[0].text.startswith(("@", "<@", "#")) and rest[0].key_value is None:
        words.append(rest.pop(0).text)
    if not words:
        raise InvalidInput("name", "which one? put its name in quotes", hint=example)
    return " ".join(words), rest
