"""What webhooks need from the outside world: storage, an HTTP sender, a source of secrets.

Storage implements `WebhookEndpointRepository` (scoped to the unit of work's tenant, for the
admins' verbs and the API) and `WebhookDeliveryStore` (any tenant, for the workers that plan
and send deliveries). `tests/webhooks/fakes.py` holds the in-memory fakes that define the
expected behaviour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.webhooks.decisions import AttemptOutcome, Decision, DeliveryLogEntry
from core.webhooks.deliveries import Delivery
from core.webhooks.endpoints import EndpointId, WebhookEndpoint


class WebhookEndpointRepository(Protocol):
    """One tenant's endpoints (reached as `tx.webhooks` in a unit of work)."""

    async def add(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        """Stores a new endpoint; returns it with its id."""
        ...
    async def get(self, endpoint_id: EndpointId) -> WebhookEndpoint | None:
        """None for an id of another tenant as for one that does not exist."""
        ...
    async def all(self) -> list[WebhookEndpoint]:
        """Every endpoint of the tenant, enabled or not, oldest first."""
        ...
    async def count(self) -> int: ...
    async def save(self, endpoint: WebhookEndpoint) -> None:
        """Saves its url, events, secrets, description and enabled state."""
        ...
    async def remove(self, endpoint_id: EndpointId) -> bool:
        """Deletes the endpoint with its pending deliveries and its log; False if none."""
        ...
    async def log(self, endpoint_id: EndpointId, *, limit: int = 20) -> list[DeliveryLogEntry]:
        """The endpoint's latest attempts, newest first."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class LeasedDelivery:
    """A delivery taken for an attempt, with its endpoint as it was when taken."""

    delivery: Delivery
    endpoint: WebhookEndpoint


class WebhookDeliveryStore(Protocol):
    """Deliveries of every tenant. Each call is one transaction of its own."""

    async def enqueue(self, deliveries: Sequence[Delivery]) -> int:
        """Stores planned deliveries; one whose (endpoint, event) is stored already is skipped,
        so planning an event again changes nothing. Returns how many were new."""
        ...
    async def lease(self, now: datetime, *, limit: int, until: datetime
                    ) -> list[LeasedDelivery]:
        """Takes up to `limit` deliveries to attempt, so that no other worker takes them before
        `until` (`FOR UPDATE SKIP LOCKED` on PostgreSQL). A delivery is taken when it is
        pending, due, not leased by another worker, its endpoint is enabled, and it is the
        first pending one of its line (same endpoint and milestone, lowest sequence: see
        `deliveries.first_in_line`). Oldest due first."""
        ...
    async def settle(self, decision: Decision, now: datetime) -> None:
        """Applies an attempt's decision at once: saves the delivery (and ends its lease),
        appends the log entry, updates the endpoint's failure count atomically
        (`decisions.apply_to_endpoint`), disables it when told to, and puts the notice, if
        any, in the inbox of the tenant's admins."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookRequest:
    """One signed POST to make."""

    url: str
    message_id: str
    body: str
    #: Every secret to sign with, newest first; never logged.
    secrets: tuple[str, ...] = field(repr=False)


class WebhookSender(Protocol):
    """Sends one delivery over HTTP, signed per Standard Webhooks, with the address rules
    checked when it connects."""

    async def send(self, request: WebhookRequest) -> AttemptOutcome:
        """The outcome of one attempt; a failure of any kind is an outcome, never raised."""
        ...


class SecretGenerator(Protocol):
    def new_secret(self) -> str:
        """A fresh random `whsec_` secret."""
        ...
