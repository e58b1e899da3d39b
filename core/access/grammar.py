"""`token new "name" [read|write]`, `token new "name" app <scopes…>` (admins), `tokens`,
`token revoke [app] "name"`."""

from __future__ import annotations

from typing import Protocol

from core import text as lex
from core.access.commands import CreateToken, ListTokens, RevokeToken
from core.access.tokens import EXAMPLE, Access, Scope, parse_scopes, scopes_for
from core.commands import Actor, AnyCommand
from core.errors import InvalidInput

USAGE = ('token new "name" [read|write] · token new "name" app <scopes…> · tokens · '
         'token revoke [app] "name"')
EXAMPLES = ('token new "CRM sync" write', 'token new "Reporting" read', "tokens",
            'token revoke "CRM sync"', 'token new "Zapier" app milestones:read webhooks:write',
            'token new app "Make" scopes:milestones:read,milestones:write')
APP_EXAMPLE = 'token new app "Zapier" scopes:milestones:read,webhooks:write'
_SCOPE_WORDS = {"read", "write"} | {s.value for s in Scope}


class Context(Protocol):
    @property
    def actor(self) -> Actor: ...


def parse_tokens(rest: str, ctx: Context) -> AnyCommand:
    if rest.strip():
        raise InvalidInput("text", "`tokens` takes nothing more", hint="tokens")
    return ListTokens(actor=ctx.actor)


def parse_token(rest: str, ctx: Context) -> AnyCommand:
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


def _new(tail: str, ctx: Context) -> AnyCommand:
    parts = lex.tokenize(tail)
    # `token new app "Zapier" …` reads as `token new "Zapier" app …`.
    app_first = len(parts) > 1 and not parts[0].quoted and parts[0].text.lower() == "app"
    if app_first:
        parts = parts[1:]
    name_words: list[str] = []
    rest: list[str] = []
    for i, part in enumerate(parts):
        if part.quoted and not name_words and not rest:
            name_words.append(part.text)
            rest = [p.text for p in parts[i + 1:]]
            break
        if not part.quoted and (part.text.lower() in _SCOPE_WORDS or part.text.lower() == "app"
                                or part.text.lower().startswith("scopes:")):
            rest = [p.text for p in parts[i:]]
            break
        name_words.append(part.text)
    name = " ".join(name_words)
    if not name.strip():
        raise InvalidInput("name", "a token needs a name", hint=EXAMPLE)
    app = app_first or (bool(rest) and rest[0].lower() == "app")
    words = _scope_words(rest[1:] if rest and rest[0].lower() == "app" else rest)
    for word in words:
        if word.lower() not in _SCOPE_WORDS:
            raise InvalidInput("scopes", f"`{word[:40]}` is not read, write or a scope",
                               hint=APP_EXAMPLE if app else EXAMPLE)
    scopes = parse_scopes(words)
    if app and not scopes:
        raise InvalidInput("scopes", "an app token names its scopes", hint=APP_EXAMPLE)
    return CreateToken(actor=ctx.actor, name=name, app=app,
                       scopes=scopes or scopes_for(Access.READ))


def _scope_words(words: list[str]) -> list[str]:
    """`scopes:milestones:read,webhooks:write` as well as `milestones:read webhooks:write`."""
    found: list[str] = []
    for word in words:
        if word.lower().startswith("scopes:"):
            word = word[len("scopes:"):]
        found += [w for w in word.split(",") if w.strip()]
    return found
