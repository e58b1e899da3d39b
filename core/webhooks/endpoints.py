"""A tenant's webhook endpoint: where to send, which events, how to sign, and its health."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NewType

from core.errors import InvalidInput, LimitReached
from core.model import TenantId, UserId
from core.webhooks.events import EventType
from core.webhooks.signing_secrets import (
    DEFAULT_GRACE,
    SigningSecret,
    active_values,
    check_secret,
    rotate,
)
from core.webhooks.urls import check_url

EndpointId = NewType("EndpointId", int)

MAX_ENDPOINTS = 20
DESCRIPTION_MAX = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEndpoint:
    id: EndpointId | None  # None until stored
    tenant_id: TenantId
    url: str
    #: The types it receives; empty means every type.
    events: frozenset[EventType]
    secrets: tuple[SigningSecret, ...]
    created_at: datetime
    created_by: UserId | None = None
    description: str = ""
    disabled_at: datetime | None = None
    disabled_reason: str = ""
    #: Failed attempts since the last delivered one, and when that run of failures began.
    consecutive_failures: int = 0
    failing_since: datetime | None = None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None

    def wants(self, event_type: EventType) -> bool:
        return event_type is EventType.PING or not self.events or event_type in self.events

    def signing_secrets(self, now: datetime) -> tuple[str, ...]:
        """Every secret to sign with now, newest first (several during a rotation's grace)."""
        return active_values(self.secrets, now)

    def rotated(self, new_secret: str, *, now: datetime,
                grace: timedelta = DEFAULT_GRACE) -> WebhookEndpoint:
        secret = SigningSecret(value=new_secret, created_at=now)
        return dataclasses.replace(self, secrets=rotate(self.secrets, secret, now=now,
                                                        grace=grace))

    def disabled(self, reason: str, *, now: datetime) -> WebhookEndpoint:
        return dataclasses.replace(self, disabled_at=now, disabled_reason=reason)

    def reenabled(self) -> WebhookEndpoint:
        """Enabled again with a clean record: deliveries held while it was off resume."""
        return dataclasses.replace(self, disabled_at=None, disabled_reason="",
                                   consecutive_failures=0, failing_since=None)

    def succeeded(self) -> WebhookEndpoint:
        return dataclasses.replace(self, consecutive_failures=0, failing_since=None)

    def failed(self, *, now: datetime) -> WebhookEndpoint:
        return dataclasses.replace(self, consecutive_failures=self.consecutive_failures + 1,
                                   failing_since=self.failing_since or now)


def new_endpoint(*, tenant_id: TenantId, url: str, events: Iterable[EventType], secret: str,
                 now: datetime, allow_private: bool, existing: int = 0,
                 created_by: UserId | None = None, description: str = "") -> WebhookEndpoint:
    """A valid endpoint to store, or the domain error that says what to change."""
    if existing >= MAX_ENDPOINTS:
        raise LimitReached(f"A workspace has at most {MAX_ENDPOINTS} webhook endpoints.",
                           hint="webhook remove <id>")
    checked = check_url(url, allow_private=allow_private)
    description = description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput("description", f"A description is at most {DESCRIPTION_MAX} "
                           "characters.")
    return WebhookEndpoint(
        id=None, tenant_id=tenant_id, url=checked.value, events=frozenset(events),
        secrets=(SigningSecret(value=check_secret(secret), created_at=now),),
        created_at=now, created_by=created_by, description=description)
