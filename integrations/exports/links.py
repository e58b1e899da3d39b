"""Signed, expiring addresses of the files Cairn made (a chart in a Teams card, an export to
download): HMAC-SHA256 over the file's token, name and expiry, so an address cannot be altered
to reach another file nor kept working past its time."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import quote

DEFAULT_TTL = timedelta(days=7)


class FileLinks:
    def __init__(self, public_url: str, secret: bytes, ttl: timedelta = DEFAULT_TTL) -> None:
        if not secret:
            raise ValueError("file links need a secret")
        self._base = public_url.rstrip("/")
        self._secret = secret
        self._ttl = ttl

    def _signature(self, token: str, name: str, expires: int) -> str:
        message = f"{token}/{name}/{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def address(self, token: str, name: str, now: datetime) -> str:
        expires = int((now + self._ttl).timestamp())
        signature = self._signature(token, name, expires)
        return f"{self._base}/files/{token}/{quote(name)}?expires={expires}&sig={signature}"

    def valid(self, token: str, name: str, expires: str, signature: str, now: datetime
              ) -> bool:
        """True for an address this made, until it expires."""
        if not expires.isdigit() or len(expires) > 12:
            return False
        expected = self._signature(token, name, int(expires))
        return hmac.compare_digest(expected, signature) and int(expires) > now.timestamp()
