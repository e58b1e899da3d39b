"""The token verbs: `token new "name" [read|write]`, `token new "name" app <scopes…>`
(admins), `tokens`, `token revoke "name"`."""

from __future__ import annotations

from dataclasses import dataclass

from core.access.tokens import Scope
from core.access.views import TokenCreatedView, TokenListView
from core.commands import Command
from core.views import Notice


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateToken(Command[TokenCreatedView]):
    name: str
    scopes: frozenset[Scope]
    #: An app token (admins): it acts for the tenant, not as a person.
    app: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ListTokens(Command[TokenListView]):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeToken(Command[Notice]):
    name: str
    app: bool = False
