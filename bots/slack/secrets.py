"""Tokens at rest and in logs.

`TokenCipher` encrypts a workspace's tokens with Fernet (AES-128-CBC + HMAC-SHA256) under the key
in `CAIRN_SECRET_KEY`. Several comma-separated keys rotate it: the first encrypts, all decrypt.
`RedactTokens` is a logging filter that blanks anything shaped like a Slack token or a client
secret, in case a library logs a request body at DEBUG level.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretKeyError(ValueError):
    pass


class TokenCipher:
    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise SecretKeyError("CAIRN_SECRET_KEY is empty")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
        except (ValueError, TypeError):
            raise SecretKeyError(
                "CAIRN_SECRET_KEY must be Fernet keys (32 url-safe base64-encoded bytes); make "
                "one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'") from None

    def seal(self, secrets: dict[str, str | None]) -> str:
        return self._fernet.encrypt(json.dumps(secrets).encode()).decode()

    def open(self, sealed: str) -> dict[str, str | None]:
        try:
            data: dict[str, Any] = json.loads(self._fernet.decrypt(sealed.encode()))
        except InvalidToken:
            raise SecretKeyError("stored Slack tokens cannot be decrypted with CAIRN_SECRET_KEY "
                                 "(was the key changed without keeping the old one?)") from None
        return {k: v if isinstance(v, str) else None for k, v in data.items()}

    def __repr__(self) -> str:
        return "TokenCipher(***)"


_TOKENS = re.compile(r"xox[a-z](?:\.xox[a-z])?-[A-Za-z0-9.-]+")
_SECRET_FIELDS = re.compile(
    r"""(['"]?(?:client_secret|refresh_token|access_token|token|code)['"]?\s*[:=]\s*['"]?)"""
    r"""([^'"&\s,}]+)""")


def redact(text: str) -> str:
    """Text with Slack tokens and secret-looking fields blanked."""
    text = _TOKENS.sub(lambda m: m.group(0)[:5] + "***", text)
    return _SECRET_FIELDS.sub(lambda m: m.group(1) + "***", text)


class RedactTokens(logging.Filter):
    """Blanks Slack tokens and secrets in a record's message before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_redaction() -> None:
    """Adds the filter to every handler of the root logger: a logger's own filters do not
    apply to its children's records, a handler's filters apply to everything it writes."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactTokens) for f in handler.filters):
            handler.addFilter(RedactTokens())
