"""`core.access.ports.AccessRepository` on tortoise: tokens of the unit of work's tenant, and
the lookups every request makes whatever the tenant (by hash, the rate window, replies).

The rate count is one upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`), atomic on both
backends, so every instance sharing the database counts into the same row.
"""

from __future__ import annotations

from datetime import datetime

from core.access.ports import StoredReply
from core.access.tokens import ApiToken, Scope, TokenId
from core.model import TenantId, UserId
from storage.api.models import ApiTokenRow
from storage.mapping import utc
from storage.scoped import Repository

_HIT = ("INSERT INTO api_rate_windows (token_id, minute, count) VALUES (?, ?, 1) "
        "ON CONFLICT (token_id, minute) DO UPDATE SET count = api_rate_windows.count + 1 "
        "RETURNING count")
_CLAIM = ("INSERT INTO api_replies (token_id, key, fingerprint, status, body, created) "
          "VALUES (?, ?, ?, 0, '', ?) ON CONFLICT (token_id, key) DO NOTHING RETURNING id")


class TortoiseAccess(Repository):
    async def add(self, token: ApiToken) -> ApiToken:
        self.require_tenant(token.tenant_id, "token", token.name)
        row = await ApiTokenRow.create(
            using_db=await self.db(), tenant_id=token.tenant_id, user_id=token.user_id,
            name=token.name, scopes=sorted(s.value for s in token.scopes),
            token_hash=token.token_hash, hint=token.hint, created_by_id=token.created_by,
            created_at=utc(token.created_at))
        return _token(row)

    async def tokens(self, *, user_id: UserId | None) -> list[ApiToken]:
        query = (await self.scoped(ApiTokenRow)).filter(revoked_at__isnull=True)
        query = query.filter(user_id__isnull=True) if user_id is None \
            else query.filter(user_id=user_id)
        return [_token(row) for row in await query.order_by("id")]

    async def revoke(self, token_id: TokenId, at: datetime) -> None:
        await (await self.scoped(ApiTokenRow)).filter(id=token_id).update(revoked_at=utc(at))

    async def by_hash(self, token_hash: str) -> ApiToken | None:
        row = await ApiTokenRow.filter(token_hash=token_hash).using_db(await self.db()).first()
        return None if row is None else _token(row)

    async def hit(self, token_id: TokenId, window: datetime) -> int:
        minute = int(window.timestamp() // 60)
        rows = await self.sql(_HIT, [token_id, minute])
        count = int(rows[0]["count"])
        if count == 1:  # the first request of a minute: tidy up and note the use
            await self.sql("DELETE FROM api_rate_windows WHERE token_id = ? AND minute < ?",
                           [token_id, minute])
            await ApiTokenRow.filter(id=token_id).using_db(await self.db()).update(
                last_used_at=utc(window))
        return count

    async def claim_reply(self, token_id: TokenId, key: str, fingerprint: str,
                          at: datetime) -> StoredReply | None:
        if await self.sql(_CLAIM, [token_id, key, fingerprint, int(at.timestamp())]):
            return None
        rows = await self.sql("SELECT fingerprint, status, body FROM api_replies "
                              "WHERE token_id = ? AND key = ?", [token_id, key])
        if not rows:  # forgotten between the two statements: claim again next time
            return StoredReply(fingerprint=fingerprint, status=0, body="")
        row = rows[0]
        return StoredReply(fingerprint=str(row["fingerprint"]), status=int(row["status"]),
                           body=str(row["body"]))

    async def save_reply(self, token_id: TokenId, key: str, status: int, body: str) -> None:
        await self.sql("UPDATE api_replies SET status = ?, body = ? WHERE token_id = ? "
                       "AND key = ?", [status, body, token_id, key])

    async def release_reply(self, token_id: TokenId, key: str) -> None:
        await self.sql("DELETE FROM api_replies WHERE token_id = ? AND key = ? AND status = 0",
                       [token_id, key])

    async def forget_replies(self, before: datetime) -> int:
        rows = await self.sql("DELETE FROM api_replies WHERE created < ? RETURNING id",
                              [int(before.timestamp())])
        return len(rows)


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=TokenId(row.id), tenant_id=TenantId(row.tenant_id),
        user_id=UserId(row.user_id) if row.user_id is not None else None, name=row.name,
        scopes=frozenset(Scope(s) for s in row.scopes if s in Scope._value2member_map_),
        token_hash=row.token_hash, hint=row.hint, created_by=UserId(row.created_by_id),
        created_at=utc(row.created_at), last_used_at=utc(row.last_used_at),
        revoked_at=utc(row.revoked_at))
