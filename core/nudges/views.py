"""Neutral views of nudges: what a check-in request, a deadline alert, an escalation and a
channel digest say, with the actions each offers in place.

Each platform renders them its own way (Block Kit DMs with buttons, Adaptive Cards, text in the
shell). Every action maps to a command of the shared grammar, so a button and a typed line do
the same thing:

- `NudgeAction.UPDATE` on a line   -> `OpenCheckIn` / `UpdateProgress` (`update #N ...`)
- `NudgeAction.DONE` on a line     -> `MarkDone` (`done #N`)
- `NudgeAction.SNOOZE` + a preset  -> `SnoozeNudge(nudge_id, SnoozeFor(preset))`
- `NudgeAction.VACATION`           -> a form with two dates -> `SetVacation`
- `NudgeAction.SETTINGS`           -> `ShowReminderSettings` (a form where there is one)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.nudges.deadline_alerts import AlertStage
from core.nudges.schedule import NudgeKind
from core.nudges.snooze import SnoozePreset
from core.scoring.views import LeaderboardView
from core.views import MilestoneLine, View

SNOOZE_PRESETS: tuple[SnoozePreset, ...] = tuple(SnoozePreset)


class NudgeAction(StrEnum):
    UPDATE = "update"
    DONE = "done"
    SNOOZE = "snooze"
    VACATION = "vacation"
    SETTINGS = "settings"


LINE_ACTIONS = (NudgeAction.UPDATE, NudgeAction.DONE)


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeLine:
    """A milestone in a nudge, phrased for its reader."""

    line: MilestoneLine
    last_news: str  # "updated 9 days ago", "no update yet"
    waiting: bool = True  # needs an answer (a check-in request's up-to-date lines do not)

    @property
    def ref(self) -> str:
        return self.line.ref


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeView(View):
    """A nudge as delivered: `nudge_id` is what a button sends back (snooze)."""

    nudge_id: int
    kind: NudgeKind
    headline: str
    snoozes: tuple[SnoozePreset, ...] = SNOOZE_PRESETS
    actions: tuple[NudgeAction, ...] = (NudgeAction.SNOOZE,)
    footer: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckInRequest(NudgeView):
    """All of a person's check-ins of a day in one message."""

    greeting: str  # "Good morning Bob"
    waiting: tuple[NudgeLine, ...]
    up_to_date: tuple[NudgeLine, ...] = ()
    line_actions: tuple[NudgeAction, ...] = LINE_ACTIONS
    reminder: bool = False  # it comes back after a snooze


@dataclass(frozen=True, slots=True, kw_only=True)
class DeadlineAlert(NudgeView):
    stage: AlertStage
    item: NudgeLine
    watching: bool = False  # sent to a watcher, not the owner
    line_actions: tuple[NudgeAction, ...] = LINE_ACTIONS


@dataclass(frozen=True, slots=True, kw_only=True)
class ForecastAlert(NudgeView):
    """To the owner, once per fall: the forecast puts the milestone past its due date."""

    item: NudgeLine
    reason: str  # "forecast P50 Sat 14 Mar, due Tue 10 Mar"
    line_actions: tuple[NudgeAction, ...] = (NudgeAction.UPDATE,)


@dataclass(frozen=True, slots=True, kw_only=True)
class EscalationNotice(NudgeView):
    """To the owner of the parent: the owner of a milestone went quiet."""

    item: NudgeLine
    owner: str  # handle
    ignored: int
    quiet_since: str  # "Mon 2 Nov"


@dataclass(frozen=True, slots=True, kw_only=True)
class DigestLine:
    line: MilestoneLine
    change: str = ""  # "40% → 60%, 2 check-ins"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelDigest(NudgeView):
    channel: str
    period: str  # "Sat 28 Nov – Fri 4 Dec"
    moved: tuple[DigestLine, ...] = ()
    completed: tuple[DigestLine, ...] = ()
    at_risk: tuple[DigestLine, ...] = ()
    overdue: tuple[DigestLine, ...] = ()
    quiet: int = 0  # open milestones with no news this week


@dataclass(frozen=True, slots=True, kw_only=True)
class ChallengePost(NudgeView):
    """A challenge's leaderboard in its channel: weekly while it runs, once when it ends."""

    channel: str
    board: LeaderboardView
    final: bool = False  # the results of a finished challenge, not a weekly standing


@dataclass(frozen=True, slots=True, kw_only=True)
class BadgeAnnouncement(NudgeView):
    """A new badge: to the person who earned it, or in the channel of the challenge that
    earned it (`channel` set)."""

    person: str  # handle
    emoji: str
    title: str
    description: str
    context: str = ""  # "#12", "“Q1 delivery”"
    channel: str = ""
    snoozes: tuple[SnoozePreset, ...] = ()
    actions: tuple[NudgeAction, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReminderSettingsView(View):
    """A person's reminder settings; platforms with forms edit the same fields.

    `weekday` (0 = Monday), `minute` (after midnight), `every_weeks`, `working_days`,
    `work_starts`/`work_ends` (minutes) are the values a form starts from;
    the strings are the same in words.
    """

    headline: str = ""
    checkin: str  # "every Monday at 09:00 (team default)"
    next_checkin: str  # "Mon 7 Dec at 09:00" or "none planned"
    working_days: str
    quiet_hours: str
    deadlines: str
    digest: str
    timezone: str
    vacations: tuple[str, ...] = ()
    snoozes: tuple[str, ...] = ()
    overrides: tuple[str, ...] = ()  # milestones of yours with a cadence of their own
    weekday: int = 0
    minute: int = 9 * 60
    every_weeks: int = 1
    working_day_numbers: tuple[int, ...] = (0, 1, 2, 3, 4)
    work_starts: int = 9 * 60
    work_ends: int = 18 * 60
    can_change_team: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgeFeed(View):
    """Nudges that arrived for a person, for front ends without pushes (the shell)."""

    headline: str
    items: tuple[NudgeView, ...]
    more: int = 0
    cursor: int = 0  # the last receipt seen: ask for what comes after it next time


@dataclass(frozen=True, slots=True, kw_only=True)
class PreviewItem:
    at: str  # UTC, ISO minute
    local: str  # the recipient's wall clock
    recipient: str  # "@bob (acme)" or "#launch (acme)"
    kind: NudgeKind
    summary: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NudgePreview(View):
    """What a sweep at `at` would send, and to whom (nothing is sent)."""

    at: str
    items: tuple[PreviewItem, ...]
    skipped: tuple[str, ...] = ()
