"""What happens after an attempt: delivered, tried again later, given up, or the endpoint off.

- 2xx: delivered; the endpoint's run of failures ends.
- 410 Gone: the receiver says the endpoint is no more: it is disabled at once and the admins
  are told. Its other pending deliveries are held, not lost, should it be enabled again.
- Anything else (another status, a redirect, a timeout, no connection, a refused address):
  tried again on the Standard Webhooks schedule. When the schedule runs out, the delivery is
  given up; if the endpoint has delivered nothing since this delivery's first attempt it is
  disabled too (a dead receiver), otherwise it only refused this one event. Either way the
  admins are told.

Every attempt leaves one entry in the endpoint's delivery log.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from core.model import TenantId
from core.webhooks.deliveries import Delivery, DeliveryState
from core.webhooks.endpoints import EndpointId, WebhookEndpoint
from core.webhooks.events import EventType
from core.webhooks.schedule import MAX_ATTEMPTS, retry_delay

ERROR_MAX = 300
RESPONSE_MAX = 500


@dataclass(frozen=True, slots=True, kw_only=True)
class AttemptOutcome:
    """How one HTTP attempt ended; `status` is None when no answer came (a refused address,
    DNS, no connection, a timeout) and `error` says why. `response` is the start of the body."""

    status: int | None
    latency_ms: int
    error: str = ""
    response: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status == 410

    def summary(self) -> str:
        if self.status is None:
            return self.error or "no answer"
        return f"HTTP {self.status}" + (f": {self.error}" if self.error else "")


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GAVE_UP = "gave up"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryLogEntry:
    """One attempt, as `webhook log <id>` and the API show it."""

    tenant_id: TenantId
    endpoint_id: EndpointId
    event_id: str
    event_type: EventType
    attempt: int  # 1 for the first
    at: datetime
    status: int | None
    latency_ms: int
    error: str
    response: str
    verdict: Verdict
    next_attempt_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """Everything one attempt changes, to store in one transaction."""

    verdict: Verdict
    delivery: Delivery  # as it is to be saved
    log: DeliveryLogEntry
    #: The attempt reached the receiver and was taken (ends the endpoint's run of failures).
    endpoint_ok: bool
    #: Set when the endpoint is to be disabled.
    disable_reason: str | None = None
    #: What the tenant's admins are told, if anything.
    notice: str | None = None


def after_attempt(delivery: Delivery, endpoint: WebhookEndpoint, outcome: AttemptOutcome,
                  now: datetime) -> Decision:
    """The decision after the attempt of `delivery` to `endpoint` ended with `outcome` at `now`.

    `endpoint` is as it was before this attempt."""
    attempt = delivery.attempts + 1
    first = delivery.first_attempt_at or now
    error = outcome.summary()[:ERROR_MAX] if not outcome.delivered else ""
    disable: str | None = None
    notice: str | None = None
    next_at: datetime | None = None
    if outcome.delivered:
        verdict, state = Verdict.DELIVERED, DeliveryState.DELIVERED
    elif outcome.gone:
        verdict, state = Verdict.DISABLED, DeliveryState.FAILED
        disable = "The endpoint answered 410 Gone."
        notice = (f"{_name(endpoint)} answered 410 Gone to {delivery.event_type}, so it is "
                  "disabled and gets no more events.")
    elif (delay := retry_delay(attempt)) is not None:
        verdict, state, next_at = Verdict.RETRY, DeliveryState.PENDING, now + delay
    else:
        state = DeliveryState.FAILED
        dead = endpoint.failing_since is not None and endpoint.failing_since <= first
        if dead:
            verdict = Verdict.DISABLED
            disable = (f"Every delivery failed since {_when(first)} ({MAX_ATTEMPTS} attempts; "
                       f"the last: {error}).")
            notice = f"{_name(endpoint)} is disabled: {disable}"
        else:
            verdict = Verdict.GAVE_UP
            notice = (f"{_name(endpoint)} did not take {delivery.event_type} "
                      f"({delivery.event_id}) in {MAX_ATTEMPTS} attempts since {_when(first)} "
                      f"(the last: {error}); Cairn gave up on that event.")
    if notice is not None and endpoint.id is not None:
        notice += f" `webhook log {endpoint.id}` shows every attempt."
    saved = dataclasses.replace(
        delivery, state=state, attempts=attempt, first_attempt_at=first, last_attempt_at=now,
        last_error=error, due_at=next_at or delivery.due_at)
    log = DeliveryLogEntry(
        tenant_id=delivery.tenant_id, endpoint_id=delivery.endpoint_id,
        event_id=delivery.event_id, event_type=delivery.event_type, attempt=attempt, at=now,
        status=outcome.status, latency_ms=max(0, outcome.latency_ms), error=error,
        response=outcome.response[:RESPONSE_MAX], verdict=verdict, next_attempt_at=next_at)
    return Decision(verdict=verdict, delivery=saved, log=log, endpoint_ok=outcome.delivered,
                    disable_reason=disable, notice=notice)


def apply_to_endpoint(endpoint: WebhookEndpoint, decision: Decision,
                      now: datetime) -> WebhookEndpoint:
    """The endpoint after a decision (storage does the same in one atomic update)."""
    changed = endpoint.succeeded() if decision.endpoint_ok else endpoint.failed(now=now)
    if decision.disable_reason is not None and changed.enabled:
        changed = changed.disabled(decision.disable_reason, now=now)
    return changed


def _name(endpoint: WebhookEndpoint) -> str:
    host = urllib.parse.urlsplit(endpoint.url).hostname or endpoint.url
    number = f" {endpoint.id}" if endpoint.id is not None else ""
    return f"Webhook{number} ({host})"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
