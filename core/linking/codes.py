"""One-time link codes: short enough to type, random enough not to guess within their
15 minutes, kept only as a digest."""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed
LENGTH = 12


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, LENGTH, 4))


def normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def digest(code: str) -> str:
    return hashlib.sha256(normalised(code).encode()).hexdigest()


def looks_like_code(word: str) -> bool:
    plain = normalised(word)
    return len(plain) == LENGTH and all(ch in ALPHABET for ch in plain)
