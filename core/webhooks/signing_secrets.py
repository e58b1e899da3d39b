"""The secrets an endpoint's deliveries are signed with, and their rotation.

A Standard Webhooks secret is `whsec_` and the base64 of 24 to 64 random bytes. Rotating one
keeps the previous secrets for a grace period: meanwhile every delivery carries a signature per
secret (`v1,<a> v1,<b>`), so a receiver accepts it whether it has switched to the new secret
yet or not. Secret values never appear in a repr or a log line.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.errors import InvalidInput

PREFIX = "whsec_"
MIN_BYTES = 24
MAX_BYTES = 64
DEFAULT_GRACE = timedelta(hours=24)
MAX_GRACE = timedelta(days=7)
#: Secrets in use at once (the current one and those still in their grace period).
MAX_SECRETS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class SigningSecret:
    value: str = field(repr=False)
    created_at: datetime
    #: None while it is the current secret; set when a newer one replaces it.
    expires_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


def check_secret(value: str) -> str:
    """The secret if it is a valid `whsec_` secret; `InvalidInput` otherwise."""
    if not value.startswith(PREFIX):
        raise InvalidInput("secret", f"A signing secret starts with `{PREFIX}`.")
    try:
        key = base64.b64decode(value[len(PREFIX):], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("secret", "A signing secret is `whsec_` and base64.") from None
    if not MIN_BYTES <= len(key) <= MAX_BYTES:
        raise InvalidInput("secret", f"A signing secret holds {MIN_BYTES} to {MAX_BYTES} "
                           f"bytes; this one holds {len(key)}.")
    return value


def check_grace(grace: timedelta) -> timedelta:
    if not timedelta(0) <= grace <= MAX_GRACE:
        raise InvalidInput("grace", "The grace period of the old secret is between none and "
                           f"{MAX_GRACE.days} days.", hint="webhook rotate 3 grace:24h")
    return grace


def rotate(current: tuple[SigningSecret, ...], new: SigningSecret, *, now: datetime,
           grace: timedelta = DEFAULT_GRACE) -> tuple[SigningSecret, ...]:
    """The secrets after `new` replaces the current one: the old ones stay valid until the end
    of the grace period (never longer than they already were), expired ones go, newest first."""
    check_secret(new.value)
    check_grace(grace)
    end = now + grace
    kept = [s if s.expires_at is not None and s.expires_at <= end
            else SigningSecret(value=s.value, created_at=s.created_at, expires_at=end)
            for s in current if s.active(now) and s.value != new.value]
    kept = [s for s in kept if s.active(now)]
    fresh = SigningSecret(value=new.value, created_at=new.created_at, expires_at=None)
    return (fresh, *kept)[:MAX_SECRETS]


def active_values(secrets: tuple[SigningSecret, ...], now: datetime) -> tuple[str, ...]:
    """The values to sign with now, newest first."""
    ordered = sorted((s for s in secrets if s.active(now)), key=lambda s: s.created_at,
                     reverse=True)
    return tuple(s.value for s in ordered)
