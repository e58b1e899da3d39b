"""Webhook signing secrets at rest: sealed with Fernet under `CAIRN_SECRET_KEY`.

A database dump alone must not let anyone sign deliveries as Cairn. Several comma-separated
keys rotate the key: the first seals, all open. A secret stored in clear before sealing existed
(`whsec_…`) still opens, and is sealed the next time its endpoint is saved.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from core.errors import Conflict
from storage.errors import StorageError

SEALED = "fernet:"
MAKE_ONE = ("python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'")


class SecretKeyError(StorageError):
    """`CAIRN_SECRET_KEY` is missing, malformed, or not the key the secrets were sealed with
    (a storage error: `cairn serve` ends with the message, not a traceback)."""


class SecretBox:
    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise SecretKeyError("CAIRN_SECRET_KEY is empty")
        try:
            self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])
        except (ValueError, TypeError):
            raise SecretKeyError("CAIRN_SECRET_KEY must be Fernet keys (32 url-safe "
                                 f"base64-encoded bytes); make one with: {MAKE_ONE}") from None

    def seal(self, secret: str) -> str:
        return SEALED + self._fernet.encrypt(secret.encode()).decode()

    def open(self, stored: str) -> str:
        if not stored.startswith(SEALED):
            return stored  # stored in clear before sealing existed
        try:
            return self._fernet.decrypt(stored[len(SEALED):].encode()).decode()
        except InvalidToken:
            raise SecretKeyError("webhook signing secrets cannot be opened with "
                                 "CAIRN_SECRET_KEY (was it changed without keeping the old key "
                                 "after a comma?)") from None

    def __repr__(self) -> str:
        return "SecretBox(***)"


def needed(box: SecretBox | None) -> SecretBox:
    """The box, or a clear refusal: webhooks need the key on the server."""
    if box is None:
        raise Conflict("webhooks need CAIRN_SECRET_KEY on the server: their signing secrets "
                       "are stored encrypted under it",
                       hint=f"an operator sets it (a Fernet key: {MAKE_ONE}) and restarts")
    return box
