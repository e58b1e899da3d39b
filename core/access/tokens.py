"""A token: who it acts as, what it may do, and how it is recognised without being kept.

A personal token acts as its person, with that person's role, narrowed by its scopes (`read`
gives every `*:read` scope, `write` every scope). An app token, made by an admin, acts for the
tenant as an app with the scopes it names. Only the SHA-256 of the secret is stored: the secret
is 256 random bits, so the hash cannot be reversed by guessing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NewType

from core.errors import Forbidden, InvalidInput
from core.model import TenantId, UserId

TokenId = NewType("TokenId", int)

PREFIX = "cairn_"
TOKEN_BYTES = 32
NAME_MAX = 60
#: Active tokens one person may hold, and app tokens one tenant may hold.
TOKENS_PER_PERSON = 20
#: What an Authorization header may carry: the prefix and 43 URL-safe characters.
TOKEN_TEXT = re.compile(r"^cairn_[A-Za-z0-9_-]{43}$")


class Scope(StrEnum):
    MILESTONES_READ = "milestones:read"
    MILESTONES_WRITE = "milestones:write"
    PEOPLE_READ = "people:read"
    PEOPLE_WRITE = "people:write"
    WEBHOOKS_READ = "webhooks:read"
    WEBHOOKS_WRITE = "webhooks:write"


READ_SCOPES = frozenset(s for s in Scope if s.value.endswith(":read"))
ALL_SCOPES = frozenset(Scope)
EXAMPLE = 'token new "CRM sync" write'


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiToken:
    id: TokenId | None = None
    tenant_id: TenantId
    #: The person it acts as; None for an app token (it acts for the tenant).
    user_id: UserId | None
    name: str
    scopes: frozenset[Scope]
    token_hash: str
    #: The first characters of the secret, to tell tokens apart in a list.
    hint: str
    created_by: UserId
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_app(self) -> bool:
        return self.user_id is None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise Forbidden(f"this token lacks the `{scope.value}` scope",
                            hint="make a token with the scope it needs: " + EXAMPLE)


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name", "a token needs a name, to tell it apart later", hint=EXAMPLE)
    if len(name) > NAME_MAX:
        raise InvalidInput("name", f"a token's name is at most {NAME_MAX} characters",
                           hint=EXAMPLE)
    return name


def scopes_for(access: Access) -> frozenset[Scope]:
    return ALL_SCOPES if access is Access.WRITE else READ_SCOPES


def parse_scopes(words: Iterable[str]) -> frozenset[Scope]:
    chosen: set[Scope] = set()
    for raw in words:
        word = raw.strip().strip(",").lower()
        if not word:
            continue
        if word in ("read", "write"):
            chosen |= scopes_for(Access(word))
            continue
        try:
            chosen.add(Scope(word))
        except ValueError:
            known = ", ".join(s.value for s in Scope)
            raise InvalidInput("scopes", f"unknown scope `{word[:40]}`; the scopes are {known}",
                               hint='token new "Zapier" app milestones:read webhooks:write'
                               ) from None
    return frozenset(chosen)
