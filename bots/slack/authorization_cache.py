"""What authorized a workspace's last Slack request, kept briefly so a request costs no lookup."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from slack_bolt.authorization import AuthorizeResult

AUTHORIZATION_TTL_S = 60.0


@dataclass
class _Authorized:
    result: AuthorizeResult = field(repr=False)
    expires_at: float | None  # the bot token's expiry (rotation), epoch seconds
    cached_at: float


class AuthorizationCache:
    """Workspace -> what authorized its last request; short-lived and dropped on uninstall."""

    def __init__(self, ttl: float = AUTHORIZATION_TTL_S) -> None:
        self._items: dict[tuple[str, str], _Authorized] = {}
        self._ttl = ttl

    def get(self, key: tuple[str, str], rotate_before_s: float) -> AuthorizeResult | None:
        found = self._items.get(key)
        if found is None:
            return None
        now = time.time()
        if now - found.cached_at > self._ttl or (
                found.expires_at is not None and found.expires_at - rotate_before_s <= now):
            del self._items[key]
            return None
        return found.result

    def put(self, key: tuple[str, str], result: AuthorizeResult,
            expires_at: float | None) -> None:
        self._items[key] = _Authorized(result, expires_at, time.time())

    def drop(self, key: tuple[str, str]) -> None:
        self._items.pop(key, None)
