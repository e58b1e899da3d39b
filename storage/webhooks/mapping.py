"""Rows <-> the webhooks core's dataclasses."""

from __future__ import annotations

from datetime import datetime

from core.model import MilestoneId, TenantId, UserId
from core.webhooks.decisions import DeliveryLogEntry, Verdict
from core.webhooks.deliveries import Delivery, DeliveryState
from core.webhooks.endpoints import EndpointId, WebhookEndpoint
from core.webhooks.events import EventType
from core.webhooks.signing_secrets import SigningSecret
from storage.mapping import utc
from storage.webhooks.models import WebhookDeliveryRow, WebhookEndpointRow, WebhookLogRow
from storage.webhooks.sealing import SEALED, SecretBox, needed


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def secrets_json(endpoint: WebhookEndpoint, box: SecretBox | None
                 ) -> list[dict[str, str | None]]:
    """The signing secrets as stored: each value sealed (`storage.webhooks.sealing`)."""
    return [{"value": needed(box).seal(s.value),
             "created_at": utc(s.created_at).isoformat(),
             "expires_at": utc(s.expires_at).isoformat() if s.expires_at else None}
            for s in endpoint.secrets]


def endpoint_from(row: WebhookEndpointRow, box: SecretBox | None) -> WebhookEndpoint:
    secrets = tuple(SigningSecret(value=_opened(str(s["value"]), box),
                                  created_at=_moment(s["created_at"]) or row.created_at,
                                  expires_at=_moment(s.get("expires_at")))
                    for s in row.secrets)
    return WebhookEndpoint(
        id=EndpointId(row.id), tenant_id=TenantId(row.tenant_id), url=row.url,
        events=frozenset(EventType(e) for e in row.events if e in EventType._value2member_map_),
        secrets=secrets, created_at=utc(row.created_at),
        created_by=UserId(row.created_by_id) if row.created_by_id is not None else None,
        description=row.description, disabled_at=utc(row.disabled_at),
        disabled_reason=row.disabled_reason, consecutive_failures=row.consecutive_failures,
        failing_since=utc(row.failing_since))


def _opened(stored: str, box: SecretBox | None) -> str:
    if box is None and not stored.startswith(SEALED):
        return stored
    return needed(box).open(stored)


def delivery_from(row: WebhookDeliveryRow) -> Delivery:
    return Delivery(
        id=row.id, tenant_id=TenantId(row.tenant_id), endpoint_id=EndpointId(row.endpoint_id),
        event_id=row.event_id, event_type=EventType(row.event_type),
        milestone_id=MilestoneId(row.milestone_id) if row.milestone_id is not None else None,
        sequence=row.sequence, body=row.body, created_at=utc(row.created_at),
        due_at=utc(row.due_at), state=DeliveryState(row.state), attempts=row.attempts,
        first_attempt_at=utc(row.first_attempt_at), last_attempt_at=utc(row.last_attempt_at),
        last_error=row.last_error)


def log_from(row: WebhookLogRow) -> DeliveryLogEntry:
    return DeliveryLogEntry(
        tenant_id=TenantId(row.tenant_id), endpoint_id=EndpointId(row.endpoint_id),
        event_id=row.event_id, event_type=EventType(row.event_type), attempt=row.attempt,
        at=utc(row.at), status=row.status, latency_ms=row.latency_ms, error=row.error,
        response=row.response, verdict=Verdict(row.verdict),
        next_attempt_at=utc(row.next_attempt_at))
