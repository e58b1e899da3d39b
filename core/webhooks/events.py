"""What an integrator can subscribe to, and the message every delivery of an event carries.

The body follows the Standard Webhooks recommendation: `{"type", "timestamp", "data"}`, with the
event's id as the `webhook-id` header. It is written once, when the deliveries are planned, so
every retry sends the very same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from core.errors import InvalidInput
from core.model import MilestoneId, TenantId

#: Ids travel in the signed content `id.timestamp.body`: no dots, nothing to escape.
EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class EventType(StrEnum):
    MILESTONE_CREATED = "milestone.created"
    MILESTONE_UPDATED = "milestone.updated"
    MILESTONE_PROGRESS = "milestone.progress"
    MILESTONE_DONE = "milestone.done"
    MILESTONE_REOPENED = "milestone.reopened"
    MILESTONE_OVERDUE = "milestone.overdue"
    MILESTONE_AT_RISK = "milestone.at_risk"
    COMMENT_CREATED = "comment.created"
    CHALLENGE_FINISHED = "challenge.finished"
    #: A test message to one endpoint; every endpoint takes it, whatever it subscribed to.
    PING = "ping"


#: The types an endpoint may name when it is registered.
SUBSCRIBABLE: tuple[EventType, ...] = tuple(t for t in EventType if t is not EventType.PING)
_EXAMPLE = "webhook add https://example.com/hooks milestone.done comment.created"


def parse_event_types(words: Iterable[str]) -> frozenset[EventType]:
    """The types named (`milestone.done`, `milestone.*`, `*`); empty means every type."""
    chosen: set[EventType] = set()
    for raw in words:
        word = raw.strip().strip(",").lower()
        if not word:
            continue
        if word in ("*", "all"):
            return frozenset()
        if word.endswith(".*"):
            group = {t for t in SUBSCRIBABLE if t.value.startswith(word[:-1])}
            if not group:
                raise InvalidInput("events", f"No event type starts with `{word[:-1]}`.",
                                   hint=_EXAMPLE)
            chosen |= group
        elif word == EventType.PING.value:
            raise InvalidInput("events", "`ping` needs no subscription: every endpoint gets it.",
                               hint=_EXAMPLE)
        else:
            try:
                chosen.add(EventType(word))
            except ValueError:
                known = ", ".join(t.value for t in SUBSCRIBABLE)
                raise InvalidInput("events", f"Unknown event type `{word[:60]}`. "
                                   f"The types are {known}.", hint=_EXAMPLE) from None
    return frozenset() if chosen == set(SUBSCRIBABLE) else frozenset(chosen)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEvent:
    """Something to tell the endpoints of one tenant.

    `id` is stable (the outbox message it came from): it becomes the `webhook-id` receivers
    de-duplicate on, and with an endpoint the key that makes a delivery exist once. Deliveries
    of one milestone to one endpoint go out in the order of `sequence`.
    """

    id: str
    type: EventType
    tenant_id: TenantId
    occurred_at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)
    milestone_id: MilestoneId | None = None
    sequence: int = 0

    def __post_init__(self) -> None:
        if not EVENT_ID.match(self.id):
            raise ValueError(f"a webhook event id is 1-64 letters, digits, _ or -: {self.id!r}")
        if self.occurred_at.tzinfo is None:
            raise ValueError("a webhook event's time must be timezone-aware")

    def body(self) -> str:
        """The JSON body of every delivery of this event."""
        return json.dumps({"type": self.type.value, "timestamp": iso(self.occurred_at),
                           "data": self.data}, ensure_ascii=False, separators=(",", ":"))


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, to the millisecond."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
