"""Platform-neutral view models.

A use case returns one of these; each front end has one renderer that turns it into Block Kit,
an Adaptive Card or text. Dates are already phrased for the reader (their time zone, relative to
their today) so every surface says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.model import Kind, Priority, Status


class Tone(StrEnum):
    SUCCESS = "success"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Action(StrEnum):
    """What the reader may do next with a milestone; renderers turn these into buttons."""

    UPDATE = "update"
    COMMENT = "comment"
    DONE = "done"
    REOPEN = "reopen"
    EDIT = "edit"
    ASSIGN = "assign"
    DUE = "due"
    MOVE = "move"
    WATCH = "watch"
    UNWATCH = "unwatch"


@dataclass(frozen=True, slots=True, kw_only=True)
class View:
    """Base of every view."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DueLabel:
    iso: str
    text: str  # "Thu 31 Dec"
    relative: str  # "in 40 days", "today", "3 days overdue"
    overdue: bool = False
    soon: bool = False
    time: str = ""  # "17:00" for a timed deadline, in the reader's time zone; "" all day


@dataclass(frozen=True, slots=True, kw_only=True)
class Flag:
    """A warning worth a glance: overdue, at risk, stale, forecast late."""

    code: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneLine(View):
    number: int
    kind: Kind
    title: str
    percent: int
    #: The badge: the milestone's own status, or at risk when its forecast says so (a flag
    #: then says why).
    status: Status
    owner: str  # handle
    owner_name: str = ""
    due: DueLabel | None = None
    priority: Priority = Priority.MEDIUM
    flags: tuple[Flag, ...] = ()
    depth: int = 0
    children: int = 0

    @property
    def ref(self) -> str:
        return f"#{self.number}"


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateLine:
    author: str
    when: str
    percent: int | None
    status: Status
    notes: str = ""
    blockers: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentLine:
    author: str
    when: str
    body: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityLine:
    when: str
    text: str
    number: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneCard(View):
    """One milestone with what the reader needs to act on it."""

    line: MilestoneLine
    headline: str = ""
    #: How the headline reads: done (a change was made), or only information ("was already
    #: done", "How is #8 going?").
    tone: Tone = Tone.SUCCESS
    description: str = ""
    start: str = ""
    criterion: str = ""
    parent: MilestoneLine | None = None
    contributors: tuple[str, ...] = ()
    watchers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    channel: str = ""
    children: tuple[MilestoneLine, ...] = ()
    last_update: UpdateLine | None = None
    updates: tuple[UpdateLine, ...] = ()
    comments: tuple[CommentLine, ...] = ()
    activity: tuple[ActivityLine, ...] = ()
    forecast: str = ""
    actions: tuple[Action, ...] = ()
    detailed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ListSection:
    title: str
    lines: tuple[MilestoneLine, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MilestoneList(View):
    title: str
    sections: tuple[ListSection, ...]
    empty: str = "Nothing here."
    total: int = 0
    page: int = 1
    pages: int = 1
    next_command: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice(View):
    text: str
    tone: Tone = Tone.SUCCESS
    hint: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpEntry:
    usage: str
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpSection:
    title: str
    entries: tuple[HelpEntry, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class HelpView(View):
    intro: str
    sections: tuple[HelpSection, ...]
    footer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonLine:
    handle: str
    name: str
    role: str
    timezone: str
    active_milestones: int = 0
    is_you: bool = False
    #: For admins: why a platform could not reach them ("Teams: no chat with Cairn yet").
    unreachable: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PeopleView(View):
    tenant: str
    plan: str
    people: tuple[PersonLine, ...]
    usage: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileView(View):
    person: PersonLine
    email: str = ""
    working_days: str = ""
    working_hours: str = ""
    identities: tuple[str, ...] = ()
    headline: str = ""
    badges: tuple[str, ...] = ()  # "🎯 First on time", oldest first


@dataclass(frozen=True, slots=True, kw_only=True)
class InboxItem:
    when: str
    text: str
    unread: bool
    number: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class InboxView(View):
    items: tuple[InboxItem, ...]
    unread: int = 0
    headline: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityView(View):
    title: str
    entries: tuple[ActivityLine, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarStatusView(View):
    """`calendar status`: is sync on, where deadlines go, what waits or fails."""

    headline: str = ""
    google: bool = False  # this installation can write to Google Calendar
    enabled: bool = True  # the workspace wants its deadlines in calendars
    destinations: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    events: int = 0
    pending: int = 0
    failing: int = 0
    last_error: str = ""
    next_retry: str = ""  # "in 4 min"
    last_pushed: str = ""  # "5 min ago"
    last_pulled: str = ""
    feeds: tuple[str, ...] = ()  # the reader's own ICS feeds
    advice: tuple[str, ...] = ()  # what to do next, with commands that work


@dataclass(frozen=True, slots=True, kw_only=True)
class CalendarFeedView(View):
    """An ICS address to subscribe to, and how."""

    title: str
    url: str
    created: bool = False
    kinds: tuple[str, ...] = ()
    how_to: tuple[str, ...] = ()
    revoke: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DashboardView(View):
    """One person's overview: what they own or help with, what it rolls up to, what is new."""

    mine: MilestoneList
    goals: tuple[MilestoneLine, ...] = ()
    inbox: InboxView = field(default_factory=lambda: InboxView(items=()))
    badges: tuple[str, ...] = ()  # "🎯 Bullseye", oldest first
