"""The token verbs: `token new "name" [read|write]`, `token new "name" app <scopes…>`
(admins), `tokens`, `token revoke "name"`."""

from __future__ import annotations

from dataclasses import dataclass

from core.access.tokens import Scope
from core.commands import Command


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateToken(Command):
    name: str
    scopes: frozenset[Scope]
    #: An app token (admins): it acts for the tenant, not as a person.
    app: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ListTokens(Command):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class RevokeToken(Command):
    name: str
    app: bool = False
