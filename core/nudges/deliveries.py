"""Nudges as recorded: a new one, its delivery status and outcome, and what lands in a person's
inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.model import MilestoneId, TenantId, UserId
from core.nudges.schedule import NudgeKind

#: A delivery's unique key: tenant, user (0 for a channel), channel ("" for a person), kind,
#: milestone (0 for none), period.
NudgeKey = tuple[int, int, str, str, int, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class NewNudge:
    """A delivery to claim. Its key (tenant, user, channel, kind, milestone, period) is unique:
    claiming one twice, from two instances or after a restart, claims it once."""

    tenant_id: TenantId
    kind: NudgeKind
    period: str
    not_before: datetime
    user_id: UserId | None = None
    channel: str = ""
    milestone_id: MilestoneId | None = None
    detail: str = ""

    @property
    def key(self) -> NudgeKey:
        return (self.tenant_id, self.user_id or 0, self.channel, self.kind.value,
                self.milestone_id or 0, self.period)


class NudgeStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True, kw_only=True)
class Nudge:
    """A claimed delivery."""

    id: int
    tenant_id: TenantId
    kind: NudgeKind
    period: str
    user_id: UserId | None
    channel: str
    milestone_id: MilestoneId | None
    detail: str
    status: NudgeStatus
    not_before: datetime
    attempts: int
    created_at: datetime
    #: Routes (notifier names) that already have it; a retry sends to the others only.
    routes_done: tuple[str, ...] = ()
    #: In the inbox already, with its consequences recorded (asks, escalations).
    prepared: bool = False
    #: Came back after a snooze.
    snoozed: bool = False
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How one delivery attempt ended: sent, skipped (with why), or due again at `retry_at`."""

    nudge_id: int
    status: NudgeStatus
    retry_at: datetime | None = None
    error: str = ""
    routes_done: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class InboxEntry:
    """A nudge in someone's inbox (`inbox` in the shell, App Home in Slack)."""

    tenant_id: TenantId
    user_id: UserId
    nudge_id: int
    kind: str
    text: str
    milestone_id: MilestoneId | None
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Receipt:
    """A nudge that reached a person's inbox (the shell shows these as they arrive)."""

    id: int
    nudge: Nudge
    user_id: UserId
    unread: bool
