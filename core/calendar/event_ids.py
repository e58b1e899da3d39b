"""Deterministic event ids: the same milestone always has the same event id in every calendar.

Google accepts client-chosen ids made of base32hex characters (a-v, 0-9), 5 to 1024 long. An
id derived from the milestone's identity makes a retried insert harmless: the second attempt
gets 409 (it exists) and becomes a patch. Feeds use the same id as their UID, so a calendar
that sees both never shows a deadline twice.
"""

from __future__ import annotations

import base64
import re

from core.model import MilestoneId, TenantId

PREFIX = "cairn"  # keeps our ids recognisable among the calendar's other events
_VALID = re.compile(r"^[a-v0-9]{5,1024}$")


def event_id(tenant_id: TenantId, milestone_id: MilestoneId) -> str:
    identity = f"{PREFIX}:{tenant_id}:{milestone_id}".encode()
    return base64.b32hexencode(identity).decode().rstrip("=").lower()


def identity_of(event_id_text: str) -> tuple[TenantId, MilestoneId] | None:
    """The (tenant, milestone) an id was made from; None for ids that are not ours."""
    if not _VALID.match(event_id_text):
        return None
    padded = event_id_text.upper() + "=" * (-len(event_id_text) % 8)
    try:
        prefix, tenant, milestone = base64.b32hexdecode(padded).decode().split(":")
        if prefix != PREFIX:
            return None
        return TenantId(int(tenant)), MilestoneId(int(milestone))
    except ValueError:
        return None


def valid(event_id_text: str) -> bool:
    return bool(_VALID.match(event_id_text))
