"""Slack's request signature, checked on the raw bytes before anything reads them.

Slack signs `v0:<timestamp>:<body>` with the app's signing secret (HMAC-SHA256) and sends the
timestamp and `v0=<hex digest>` in headers. A request older or newer than five minutes is
refused even with a good signature, so a captured request cannot be replayed later; within the
five minutes, `replays` makes sure it is not run twice.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping

#: How far a request's timestamp may be from now, either way (Slack's own advice).
MAX_AGE_S = 5 * 60
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"
_DIGEST = re.compile(r"v0=[0-9a-f]{64}")


def signature_problem(secret: bytes, headers: Mapping[str, str], body: bytes, *,
                      now: float) -> str | None:
    """Why the request is not Slack's (a phrase for the log), or None when it is."""
    timestamp = headers.get(TIMESTAMP)
    signature = headers.get(SIGNATURE)
    if timestamp is None or signature is None:
        return "no signature"
    if not (0 < len(timestamp) <= 12 and timestamp.isascii() and timestamp.isdigit()):
        return "a timestamp that is not a number"
    if abs(now - int(timestamp)) > MAX_AGE_S:
        return "a timestamp more than five minutes away"
    if not _DIGEST.fullmatch(signature):
        return "a signature that is not v0=<64 hex digits>"
    expected = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest("v0=" + expected.hexdigest(), signature):
        return "a bad signature"
    return None


def signature_checker(secret: str, clock: Callable[[], float] = time.time
                      ) -> Callable[[Mapping[str, str], bytes], str | None]:
    key = secret.encode()

    def check(headers: Mapping[str, str], body: bytes) -> str | None:
        return signature_problem(key, headers, body, now=clock())

    return check


def digest_of(headers: Mapping[str, str]) -> str:
    """The hex digest of an accepted request's signature: what identifies it byte for byte."""
    return headers.get(SIGNATURE, "").removeprefix("v0=")
