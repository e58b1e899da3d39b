"""Standard Webhooks signatures and secrets, through the `standardwebhooks` library.

The signed content is `{webhook-id}.{webhook-timestamp}.{body}`; the signature header holds one
`v1,<base64 HMAC-SHA256>` per secret in use, separated by spaces, so a receiver that has only
the old secret or only the new one during a rotation accepts the delivery.
"""

from __future__ import annotations

import base64
import math
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook

from core.webhooks.signing_secrets import PREFIX

SECRET_BYTES = 32


def timestamp_header(moment: datetime) -> str:
    """Whole seconds since the epoch, as the spec and the library's verifier read them."""
    return str(math.floor(moment.astimezone(UTC).timestamp()))


def signature_header(secrets_in_use: Sequence[str], message_id: str, moment: datetime,
                     body: str) -> str:
    # The library reads the time as UTC whatever its zone says: give it UTC.
    at = moment.astimezone(UTC)
    return " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets_in_use)


def new_secret() -> str:
    """`whsec_` and the base64 of 32 random bytes (the spec asks for 24 to 64)."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


class RandomSecrets:
    """`core.webhooks.ports.SecretGenerator` on the operating system's random source."""

    def new_secret(self) -> str:
        return new_secret()
