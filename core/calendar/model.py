"""Deadlines in calendars: what syncs where, feeds people subscribe to, and what an event says.

Pure data and rules. The sync use cases (`calendar_sync` out, `calendar_inbound` back in and
repairs, `calendar_push` channels, `calendar_placing`) work through the `CalendarGateway` port;
Google Calendar and the ICS feeds live in `integrations/calendar`: they turn a `CalendarEntry`
into an event of their own format, and report back through the types below. Times are the
owner's: a deadline at 17:00 is 17:00 where the owner lives.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from core.model import Kind, Milestone, MilestoneId, Status, TenantId, UserId
from core.tenancy import User

#: Kinds that reach calendars unless a workspace chooses otherwise.
DEFAULT_KINDS: frozenset[Kind] = frozenset({Kind.GOAL, Kind.MILESTONE})
#: The outbox consumer that writes deadlines to Google Calendar.
SYNC_CONSUMER = "calendar"
#: The `source` of a due date moved by someone in Google Calendar.
GOOGLE_SOURCE = "Google Calendar"
#: Popup reminders the day before: 09:00 the day before an all-day deadline (minutes before
#: its midnight start), 24 hours before a timed one.
ALL_DAY_REMINDER_MINUTES = 15 * 60
TIMED_REMINDER_MINUTES = 24 * 60
#: A timed deadline is shown as an event this long, starting at the deadline.
TIMED_EVENT_MINUTES = 30
CALENDAR_ID_MAX = 254


@dataclass(slots=True, kw_only=True)
class CalendarSettings:
    """A workspace's choices; the defaults hold until an admin changes something."""

    tenant_id: TenantId
    enabled: bool = True
    kinds: frozenset[Kind] = DEFAULT_KINDS
    #: Also write each deadline to its owner's own calendar (domain-wide delegation).
    owner_calendars: bool = False
    #: The workspace's own shared calendar; None uses the installation's GOOGLE_CALENDAR_ID.
    calendar_id: str | None = None
    updated_at: datetime | None = None

    def covers(self, m: Milestone) -> bool:
        """Whether the milestone belongs in calendars at all (Google and feeds alike)."""
        return (self.enabled and m.kind in self.kinds and m.due_date is not None
                and m.status != Status.CANCELLED)


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarSetup:
    """What an installation offers, from a process's configuration (the composition root's).

    `serve` stores its own when it starts (`CalendarInstallation`); the use cases read that
    one, so what a person is told never depends on the process they typed in.
    """

    google: bool = False
    #: The installation's calendar (GOOGLE_CALENDAR_ID); it holds one workspace's deadlines.
    calendar_id: str = ""
    #: GOOGLE_CALENDAR_TENANT: the slug of the workspace the installation's calendar holds.
    tenant: str = ""
    #: Whom to share a calendar with so Cairn may write to it.
    service_account: str = ""
    public_url: str = "http://localhost:3000"
    #: Google can call us back (an https public URL): moves arrive in seconds, not minutes.
    push: bool = False

    def feed_url(self, token: str) -> str:
        return f"{self.public_url.rstrip('/')}/calendar/{token}.ics"


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarInstallation:
    """The setup the last `serve` to start stored, and whom the installation's calendar holds."""

    setup: CalendarSetup
    started_at: datetime | None = None
    #: The workspace the installation's calendar was given to (see `core.calendar.tenancy`).
    holder: TenantId | None = None


def feed_token_hash(token: str) -> str:
    """What Cairn keeps of an ICS address: its SHA-256, enough to recognise it, not to show it.

    The token is 256 random bits, so a plain hash cannot be reversed by guessing."""
    return hashlib.sha256(token.encode()).hexdigest()


class FeedScope(StrEnum):
    PERSON = "person"  # a person's milestones
    TEAM = "team"  # a goal and everything under it
    GROUP = "group"  # a team of people (`team new "Sales"`): what its members own


@dataclass(slots=True, kw_only=True)
class CalendarFeed:
    """An ICS address; whoever has the token can read it, until it is revoked. Only the
    token's hash is kept: the address is shown once, when it is made."""

    id: int | None = None
    tenant_id: TenantId
    token_hash: str
    scope: FeedScope
    created_by: UserId
    user_id: UserId | None = None  # person feeds: whose milestones
    root_id: MilestoneId | None = None  # team feeds: the top of the subtree
    team_id: int | None = None  # group feeds: the team of people
    created_at: datetime
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarHealth:
    """How a workspace's calendar sync is doing, for `calendar status`."""

    pending: int = 0  # changes waiting to reach Google
    failing: int = 0  # of which at least one try failed
    last_error: str = ""
    next_retry: datetime | None = None
    events: int = 0  # events Cairn keeps in calendars for this workspace
    last_pushed: datetime | None = None
    last_pulled: datetime | None = None  # the last read of moves made in the calendars


@dataclass(frozen=True, slots=True, kw_only=True)
class EventTime:
    """All day on `day` (no `at`), or at a time of day in a time zone."""

    day: date
    at: time | None = None
    timezone: str = "UTC"

    @property
    def all_day(self) -> bool:
        return self.at is None

    def key(self) -> str:
        """A stable text form, to tell whether an event moved."""
        return self.day.isoformat() if self.at is None else (
            f"{self.day.isoformat()}T{self.at:%H:%M} {self.timezone}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarEntry:
    """A milestone's deadline as any calendar shows it."""

    tenant_id: TenantId
    milestone_id: MilestoneId
    number: int
    title: str
    description: str
    when: EventTime
    reminder_minutes: int = ALL_DAY_REMINDER_MINUTES
    updated_at: datetime

    @property
    def properties(self) -> Mapping[str, str]:
        """Our ids, carried by the event so it can always be traced back."""
        return {"cairn_tenant": str(self.tenant_id), "cairn_milestone": str(self.milestone_id),
                "cairn_number": str(self.number)}


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedContent:
    """What an ICS feed shows: a named calendar of deadlines."""

    name: str
    description: str
    entries: tuple[CalendarEntry, ...] = ()


def entry_for(m: Milestone, owner: User | None) -> CalendarEntry | None:
    """The calendar entry of a milestone with a due date (None without one).

    The way back to Cairn is the command that shows it (`show #12`), which works in every
    front end; Cairn has no web page of a milestone to link to.
    """
    if m.due_date is None or m.id is None:
        return None
    done = "✅ " if m.status == Status.DONE else ""
    owner_text = f"{owner.display_name} (@{owner.handle})" if owner else "someone"
    lines = [f"Owner: {owner_text}", f"Progress: {m.progress}% · {m.status.label}",
             f"In Cairn: show {m.ref}"]
    zone = owner.timezone if owner else "UTC"
    when = EventTime(day=m.due_date, at=m.due_time, timezone=zone if m.due_time else "UTC")
    return CalendarEntry(
        tenant_id=m.tenant_id, milestone_id=m.id, number=m.number,
        title=f"{done}{m.kind.value.capitalize()} {m.ref}: {m.title}",
        description="\n".join(lines), when=when,
        reminder_minutes=ALL_DAY_REMINDER_MINUTES if when.all_day else TIMED_REMINDER_MINUTES,
        updated_at=m.updated_at)


# --- what the Google sync keeps and exchanges ----------------------------------------------


@dataclass(frozen=True, slots=True)
class CalendarRef:
    """A calendar Cairn writes to: a shared one, or a person's own (domain-wide delegation)."""

    calendar_id: str
    #: Whom the service account acts as ("" for itself); owners' calendars are `primary`.
    subject: str = ""

    def __str__(self) -> str:
        return f"{self.subject}'s calendar" if self.subject else self.calendar_id


@dataclass(slots=True, kw_only=True)
class CalendarLink:
    """A milestone's event in one calendar, as Cairn last wrote it."""

    tenant_id: TenantId
    milestone_id: MilestoneId
    calendar: CalendarRef
    event_id: str
    etag: str = ""
    #: `EventTime.key()` of what Cairn last wrote or accepted: a different start in the
    #: calendar means someone moved the event.
    written_when: str = ""
    #: Of what the event says, apart from when it is (that is `written_when`).
    digest: str = ""
    deleted: bool = False  # Cairn removed it (cancelled, deleted, or no longer synced)
    #: Needs writing again although no change in Cairn says so: moved in the calendar to a
    #: date Cairn refused, or removed there.
    stale: bool = False
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarWrite:
    """Create or update an event (with `entry`), or remove it (without)."""

    calendar: CalendarRef
    event_id: str
    entry: CalendarEntry | None
    #: Cairn wrote this event before: patch it (and insert if it is gone). Otherwise insert
    #: (and patch when it turns out to exist).
    known: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class WriteResult:
    ok: bool
    etag: str = ""
    error: str = ""  # what Google said, or why it could not be reached


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoteEvent:
    """An event as the calendar reports it in a sync."""

    event_id: str
    etag: str
    cancelled: bool
    when: EventTime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarChanges:
    events: list[RemoteEvent] = field(default_factory=list)
    sync_token: str = ""


class SyncTokenExpired(Exception):
    """The calendar forgot our sync token (HTTP 410): read everything again."""


@dataclass(slots=True, kw_only=True)
class CalendarSyncState:
    """Where the last read of one calendar's changes left off."""

    calendar: CalendarRef
    sync_token: str | None = None
    synced_at: datetime | None = None
    error: str = ""


@dataclass(slots=True, kw_only=True)
class WatchChannel:
    """A push-notification channel: Google calls us when the calendar changes."""

    id: str
    calendar: CalendarRef
    token: str
    resource_id: str = ""
    expires_at: datetime
    created_at: datetime
    stopped_at: datetime | None = None
