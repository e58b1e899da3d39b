"""How a nudge leaves Cairn: the addresses, the message on its way, and the Notifier port every
chat platform implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from core.model import TenantId, UserId
from core.nudges.views import NudgeView


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonAddress:
    """Who a nudge is for, with the platform identities a notifier needs to reach them."""

    tenant_id: TenantId
    user_id: UserId
    handle: str
    display_name: str
    timezone: str
    identities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelAddress:
    """A milestone's home channel, as stored: `#launch` or a platform id (`C0123`)."""

    tenant_id: TenantId
    channel: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Outgoing:
    """One nudge on its way to one platform."""

    nudge_id: int
    to: PersonAddress | ChannelAddress
    view: NudgeView
    text: str  # one line, for notifications and plain-text fallbacks


class RouteStatus(StrEnum):
    SENT = "sent"
    UNREACHABLE = "unreachable"  # the platform does not know this person or channel: done
    FAILED = "failed"  # try again later


@dataclass(frozen=True, slots=True)
class RouteResult:
    status: RouteStatus
    error: str = ""
    #: What the platform asked for (Slack's `Retry-After`); backoff applies otherwise.
    retry_after: timedelta | None = None


SENT = RouteResult(RouteStatus.SENT)
UNREACHABLE = RouteResult(RouteStatus.UNREACHABLE)


class Notifier(Protocol):
    """A platform's way to deliver nudges: a DM to a person, a post to a channel.

    The in-app inbox is not a notifier: every nudge lands there in the same transaction that
    records it. Deliveries to one `destination` are paced by the delivery queue (about one per
    second), whatever the platform.
    """

    name: str

    def destination(self, message: Outgoing) -> str | None:
        """Where the message would go on this platform (a DM or channel key), or None when the
        platform cannot reach that person or channel (then it is not retried)."""
        ...

    async def send(self, message: Outgoing) -> RouteResult:
        """Delivers; raising counts as a failure to retry."""
        ...
