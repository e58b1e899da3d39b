"""What the token verbs answer with; every front end renders these."""

from __future__ import annotations

from dataclasses import dataclass

from core.views import View


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenCreatedView(View):
    name: str
    #: The secret, shown this once and never again.
    secret: str
    scopes: tuple[str, ...]
    app: bool = False
    api_url: str = ""
    revoke: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenLine:
    name: str
    hint: str
    scopes: str
    created: str
    used: str
    app: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenListView(View):
    tokens: tuple[TokenLine, ...]
    app_tokens: tuple[TokenLine, ...] = ()
    how: str = 'token new "CRM sync" write'
