"""`token new "name" [read|write]`, `token new "name" app <scopes…>` (admins), `tokens`,
`token revoke [app] "name"`."""

from __future__ import annotations

from typing import Protocol

from core import text as lex
from core.access.commands import CreateToken, ListTokens, RevokeToken
from core.access.tokens import EXAMPLE, Access, Scope, parse_scopes, scopes_for
from core.commands import Actor, Command
from core.errors import InvalidInput

USAGE = ('token new "name" [read|write] · token new "name" app <scopes…> · tokens · '
         'token revoke [app] "name"')
EXAMPLES = ('token new "CRM sync" write', 'token new "Reporting" read', "tokens",
            'token revoke "CRM sync"', 'token new "Zapier" app milestones:read webhooks:write')
_SCOPE_WORDS = {"read", "write"} | {s.value for s in Scope}


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...


def parse_tokens(rest: str, ctx: Context) -> Command:
    if rest.strip():
        raise InvalidInput("text", "`tokens` takes nothing more", hint="tokens")
    return ListTokens(actor=ctx.actor)


def parse_token(rest: str, ctx: Context) -> Command:
    word, tail = lex.split_word(rest)
    word = word.lower()
    if word in ("", "list", "ls"):
        return parse_tokens(tail, ctx)
    if word in ("new", "create", "add"):
        return _new(tail, ctx)
    if word in ("revoke", "remove", "delete", "rm"):
        parts = lex.tokenize(tail)
        app = bool(parts) and not parts[0].quoted and parts[0].text.lower() == "app"
        name = " ".join(p.text for p in parts[1 if app else 0:])
        if not name.strip():
            raise InvalidInput("name", "which token?", hint='token revoke "CRM sync"')
        return RevokeToken(actor=ctx.actor, name=name, app=app)
    raise InvalidInput("text", f"`token {word[:30]}` is not something I know", hint=USAGE)


def _new(tail: str, ctx: Context) -> Command:
    parts = lex.tokenize(tail)
    name_words: list[str] = []
    rest: list[str] = []
    for i, part in enumerate(parts):
        if part.quoted and not name_words and not rest:
            name_words.append(part.text)
            rest = [p.text for p in parts[i + 1:]]
            break
        if not part.quoted and (part.text.lower() in _SCOPE_WORDS or part.text.lower() == "app"):
            rest = [p.text for p in parts[i:]]
            break
        name_words.append(part.text)
    name = " ".join(name_words)
    if not name.strip():
        raise InvalidInput("name", "a token needs a name", hint=EXAMPLE)
    app = bool(rest) and rest[0].lower() == "app"
    words = rest[1:] if app else rest
    for word in words:
        if word.lower() not in _SCOPE_WORDS:
            raise InvalidInput("scopes", f"`{word[:40]}` is not read, write or a scope",
                               hint=EXAMPLE)
    scopes = parse_scopes(words)
    if app and not scopes:
        raise InvalidInput("scopes", "an app token names its scopes",
                           hint='token new "Zapier" app milestones:read webhooks:write')
    return CreateToken(actor=ctx.actor, name=name, app=app,
                       scopes=scopes or scopes_for(Access.READ))
