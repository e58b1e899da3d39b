"""The ports of nudges: where reminder data lives (`NudgeRepository`, reached as `tx.nudges`)
and how a nudge leaves Cairn (`Notifier`, one per chat platform).

The repository works in two modes, like the outbox. Opened for a tenant, it reads and changes
that tenant's settings, vacations and snoozes. Opened without one (the scheduler), its sweep
queries span every tenant: each takes or returns whole sets, never one person at a time, so a
sweep costs a fixed number of statements whatever the number of people.

Candidates (`people_due`, `milestones_due`, `teams_due`) may be a superset of what is due: the
core decides exactly with `core.nudges.schedule`; they must never miss anyone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol

from core.model import Kind, MilestoneId, Priority, Status, TenantId, User, UserId
from core.nudges.follow_ups import AskState
from core.nudges.schedule import Cadence, NudgeKind, PersonPolicy, TeamPolicy, ZoneWindow
from core.nudges.snooze import Snooze
from core.nudges.views import NudgeView
from core.nudges.workweek import Vacation, Workweek

Person = tuple[TenantId, UserId]
#: A delivery's unique key: tenant, user (0 for a channel), channel ("" for a person), kind,
#: milestone (0 for none), period.
NudgeKey = tuple[int, int, str, str, int, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeMilestone:
    """What a nudge shows of a milestone; loaded in bulk across tenants."""

    id: MilestoneId
    tenant_id: TenantId
    number: int
    kind: Kind
    title: str
    owner_id: UserId
    parent_id: MilestoneId | None
    status: Status
    progress: int
    priority: Priority
    due_date: date | None
    created_at: datetime
    last_update_at: datetime | None
    completed_at: datetime | None = None
    channel: str | None = None

    @property
    def ref(self) -> str:
        return f"#{self.number}"

    @property
    def is_open(self) -> bool:
        return not self.status.closed

    @property
    def last_news(self) -> datetime:
        return self.last_update_at or self.created_at


class PersonDay(NamedTuple):
    """A person whose daily moment may fall in the window on their local `day`.

    A named tuple: a sweep makes one per person whose moment is near, tens of thousands.
    People with the same settings share the same `week`, `team` and `own` objects.
    """

    tenant_id: TenantId
    user_id: UserId
    day: date
    week: Workweek
    team: TeamPolicy
    own: PersonPolicy
    #: Owns an open milestone that follows their own cadence and whose requests are not
    #: paused (escalated, and the owner has not acted since); known at least on any day that
    #: may be their check-in day.
    askable: bool = False

    @property
    def cadence(self) -> Cadence:
        return self.own.cadence(self.team.checkin)


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneDay:
    """An open milestone with a cadence of its own that may be due on its owner's `day`."""

    tenant_id: TenantId
    owner_id: UserId
    milestone_id: MilestoneId
    day: date
    week: Workweek
    cadence: Cadence


@dataclass(frozen=True, slots=True, kw_only=True)
class TeamDay:
    """A tenant whose weekly digest may fall in the window on its local `day`."""

    tenant_id: TenantId
    timezone: str
    day: date
    policy: TeamPolicy


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


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestData:
    """What a channel's weekly digest is made of."""

    milestones: Sequence[NudgeMilestone] = ()
    #: Per milestone: check-ins since the start of the week, and the percent before it.
    moves: Mapping[MilestoneId, tuple[int, int]] = field(default_factory=dict)
    readers: Collection[UserId] = ()
    timezone: str = "UTC"  # the tenant's


class NudgeRepository(Protocol):
    # --- settings of one tenant ---------------------------------------------------------------
    async def team_policy(self) -> TeamPolicy: ...
    async def save_team_policy(self, policy: TeamPolicy) -> None: ...
    async def person_policy(self, user_id: UserId) -> PersonPolicy: ...
    async def save_person_policy(self, user_id: UserId, policy: PersonPolicy) -> None: ...
    async def milestone_cadences(self, milestone_ids: Collection[MilestoneId]
                                 ) -> dict[MilestoneId, Cadence]:
        """Milestones with a cadence of their own (any tenant when unscoped)."""
        ...
    async def owned_cadences(self, owner_id: UserId) -> dict[MilestoneId, Cadence]: ...
    async def save_milestone_cadence(self, milestone_id: MilestoneId, owner_id: UserId,
                                     cadence: Cadence | None) -> None: ...
    async def vacations(self, user_id: UserId, since: date) -> list[Vacation]:
        """Vacations ending on or after `since`, earliest first."""
        ...
    async def add_vacation(self, user_id: UserId, vacation: Vacation) -> None: ...
    async def clear_vacations(self, user_id: UserId, since: date) -> int: ...
    async def snoozes(self, user_id: UserId, now: datetime) -> list[Snooze]: ...
    async def add_snooze(self, user_id: UserId, snooze: Snooze) -> None: ...
    async def clear_snoozes(self, user_id: UserId, milestone_id: MilestoneId | None) -> int: ...
    async def nudge(self, nudge_id: int) -> Nudge | None: ...
    async def latest_nudges(self, user_id: UserId, since: datetime) -> list[Nudge]:
        """The nudges this person got last (all of those sent at that moment), since a moment."""
        ...
    async def reschedule(self, nudge_id: int, not_before: datetime) -> None:
        """Sends a nudge again at `not_before` (snoozed): pending, as if new."""
        ...
    async def receipts(self, user_id: UserId, *, after: int = 0, unread_only: bool = False,
                       limit: int = 20) -> list[Receipt]:
        """Nudges that reached this person's inbox, newest first."""
        ...

    # --- the sweep (every tenant) ---------------------------------------------------------------
    async def people_due(self, windows: Sequence[ZoneWindow]) -> list[PersonDay]:
        """People whose daily moment may be in a window on a working day of theirs, who are
        not on vacation that day and whose daily pass of that day has not run yet (a pass
        that claimed its check-in, detail "pass", has run)."""
        ...
    async def milestones_due(self, windows: Sequence[ZoneWindow]) -> list[MilestoneDay]:
        """Open milestones with a cadence of their own whose time may be in a window."""
        ...
    async def teams_due(self, windows: Sequence[ZoneWindow]) -> list[TeamDay]:
        """Tenants whose weekly digest may be in a window."""
        ...
    async def open_due(self, people: Collection[Person], until: date) -> list[NudgeMilestone]:
        """Open milestones these people own that are due on or before `until`."""
        ...
    async def watched_overdue(self, people: Collection[Person], before: date
                              ) -> list[tuple[UserId, NudgeMilestone]]:
        """Open milestones these people watch, due before `before`, whose overdue alert they
        have not had (watchers hear of an overdue milestone once)."""
        ...
    async def vacations_of(self, user_ids: Collection[UserId], since: date
                           ) -> dict[UserId, list[Vacation]]: ...
    async def digest_channels(self, tenant_ids: Collection[TenantId], since: datetime
                              ) -> list[tuple[TenantId, str]]:
        """Home channels with open milestones or ones completed since `since`."""
        ...
    async def claim(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        """Records deliveries under their unique keys; returns the keys that were new."""
        ...
    async def claimed(self, nudges: Sequence[NewNudge]) -> set[NudgeKey]:
        """The keys of these that are claimed already (previews)."""
        ...
    async def claim_day(self, nudges: Sequence[NewNudge],
                        passes: Sequence[tuple[TenantId, UserId, date]]) -> int:
        """Claims a sweep's nudges and records the daily passes that ran, in one go; returns
        how many nudges were new. A pass that claimed its check-in (detail "pass") is recorded
        by that claim; the others are recorded as run for their day."""
        ...

    # --- delivery (every tenant) ----------------------------------------------------------------
    async def lease(self, now: datetime, limit: int, lease_for: timedelta) -> list[Nudge]:
        """Takes pending deliveries that are due, so no other worker takes them before
        `now + lease_for` (then they come back: a crash delays a nudge, never loses it)."""
        ...
    async def pending(self, now: datetime, limit: int) -> list[Nudge]:
        """Pending deliveries due at `now`, without taking them (previews)."""
        ...
    async def people(self, user_ids: Collection[UserId]
                     ) -> dict[UserId, tuple[User, tuple[str, ...]]]:
        """Users with their platform identities, across tenants."""
        ...
    async def open_owned(self, people: Collection[Person]
                         ) -> dict[UserId, list[NudgeMilestone]]:
        """The open milestones these people own."""
        ...
    async def milestones(self, ids: Collection[MilestoneId]) -> dict[MilestoneId, NudgeMilestone]:
        """Milestones by id (not deleted), any status."""
        ...
    async def watchers(self, milestone_ids: Collection[MilestoneId]
                       ) -> dict[MilestoneId, set[UserId]]: ...
    async def admins(self, tenant_ids: Collection[TenantId]) -> dict[TenantId, list[UserId]]: ...
    async def policies(self, tenant_ids: Collection[TenantId], user_ids: Collection[UserId]
                       ) -> tuple[dict[TenantId, TeamPolicy], dict[UserId, PersonPolicy]]: ...
    async def snoozes_of(self, user_ids: Collection[UserId], now: datetime
                         ) -> dict[UserId, list[Snooze]]: ...
    async def ask_states(self, milestone_ids: Collection[MilestoneId]
                         ) -> dict[MilestoneId, AskState]: ...
    async def save_ask_states(self, states: Mapping[MilestoneId, tuple[TenantId, AskState]]
                              ) -> None: ...
    async def digest_data(self, channels: Collection[tuple[TenantId, str]], since: datetime
                          ) -> dict[tuple[TenantId, str], DigestData]: ...
    async def add_inbox(self, entries: Sequence[InboxEntry]) -> None:
        """Inbox notifications for nudges, and the receipts that link them to the nudge."""
        ...
    async def mark_prepared(self, nudge_ids: Collection[int]) -> None: ...
    async def settle(self, outcomes: Sequence[Outcome], at: datetime) -> None: ...
