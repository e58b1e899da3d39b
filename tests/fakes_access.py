"""An in-memory `AccessRepository` (tokens, rate windows, replies) for the fake unit of work;
its tables live in the fake store's state, so a rollback undoes them like the rest."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any, Protocol

from core.access.ports import StoredReply
from core.access.tokens import ApiToken, TokenId
from core.model import UserId


class _Uow(Protocol):
    tenant_id: Any
    store: Any


class FakeAccess:
    def __init__(self, uow: _Uow) -> None:
        self._uow = uow

    @property
    def _t(self) -> dict[str, Any]:
        tables: dict[str, Any] = self._uow.store.state.access
        for name in ("tokens", "hits", "replies"):
            tables.setdefault(name, {})
        return tables

    async def add(self, token: ApiToken) -> ApiToken:
        assert token.tenant_id == self._uow.tenant_id
        stored = dataclasses.replace(token, id=TokenId(len(self._t["tokens"]) + 1))
        self._t["tokens"][stored.id] = stored
        return stored

    async def tokens(self, *, user_id: UserId | None) -> list[ApiToken]:
        return [t for t in self._t["tokens"].values() if t.tenant_id == self._uow.tenant_id
                and t.user_id == user_id and t.revoked_at is None]

    async def revoke(self, token_id: TokenId, at: datetime) -> None:
        token = self._t["tokens"].get(token_id)
        if token is not None and token.tenant_id == self._uow.tenant_id:
            self._t["tokens"][token_id] = dataclasses.replace(token, revoked_at=at)

    async def by_hash(self, token_hash: str) -> ApiToken | None:
        return next((t for t in self._t["tokens"].values() if t.token_hash == token_hash), None)

    async def hit(self, token_id: TokenId, window: datetime) -> int:
        key = (token_id, window)
        self._t["hits"][key] = self._t["hits"].get(key, 0) + 1
        return int(self._t["hits"][key])

    async def claim_reply(self, token_id: TokenId, key: str, fingerprint: str,
                          at: datetime) -> StoredReply | None:
        found = self._t["replies"].get((token_id, key))
        if found is None:
            self._t["replies"][(token_id, key)] = (StoredReply(
                fingerprint=fingerprint, status=0, body=""), at)
            return None
        return found[0]

    async def save_reply(self, token_id: TokenId, key: str, status: int, body: str) -> None:
        reply, at = self._t["replies"][(token_id, key)]
        self._t["replies"][(token_id, key)] = (
            dataclasses.replace(reply, status=status, body=body), at)

    async def release_reply(self, token_id: TokenId, key: str) -> None:
        self._t["replies"].pop((token_id, key), None)

    async def forget_replies(self, before: datetime) -> int:
        old = [k for k, (_, at) in self._t["replies"].items() if at < before]
        for k in old:
            del self._t["replies"][k]
        return len(old)


class FakeWebhookEndpoints:
    """The fake unit of work's `webhooks`: the tenant's view of an `InMemoryWebhooks` kept in
    the store's state (so a rollback undoes it too)."""

    def __init__(self, uow: _Uow) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        from tests.webhooks.fakes import InMemoryWebhooks

        state = self._uow.store.state
        if state.webhooks is None:
            state.webhooks = InMemoryWebhooks()
        return getattr(state.webhooks.for_tenant(self._uow.tenant_id), name)
