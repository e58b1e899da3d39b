"""What API access needs from storage (reached as `tx.access` in a unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from core.access.tokens import ApiToken, TokenId
from core.model import UserId


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredReply:
    """The first answer to a request made with an `Idempotency-Key`; `status` 0 while the
    first request is still running."""

    fingerprint: str
    status: int
    body: str


class AccessRepository(Protocol):
    async def add(self, token: ApiToken) -> ApiToken:
        """Stores a new token of the unit of work's tenant; returns it with its id."""
        ...
    async def tokens(self, *, user_id: UserId | None) -> list[ApiToken]:
        """Active tokens of the tenant: one person's, or the app tokens (None), oldest first."""
        ...
    async def revoke(self, token_id: TokenId, at: datetime) -> None: ...
    async def by_hash(self, token_hash: str) -> ApiToken | None:
        """*Any tenant*: the token with this hash, revoked or not."""
        ...
    async def hit(self, token_id: TokenId, window: datetime) -> int:
        """*Any tenant*: counts one request of the token in the window starting at `window`,
        atomically across instances; returns the count so far, this one included. Also
        records the token as used."""
        ...
    async def claim_reply(self, token_id: TokenId, key: str, fingerprint: str,
                          at: datetime) -> StoredReply | None:
        """*Any tenant*: the reply stored under the key, or None after claiming the key for
        this request (a request that is first commits its claim before it runs)."""
        ...
    async def save_reply(self, token_id: TokenId, key: str, status: int, body: str) -> None: ...
    async def release_reply(self, token_id: TokenId, key: str) -> None:
        """Forgets a claim whose request failed before changing anything."""
        ...
    async def forget_replies(self, before: datetime) -> int:
        """*Any tenant*: drops replies claimed before the moment."""
        ...
