"""Builds the neutral views of nudges, phrased for their reader: pure, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from core.humanize import day_text, due_label, local_today, plural
from core.milestones.forecast import STALE_AFTER
from core.model import Status, UserId
from core.nudges.candidates import DigestData, NudgeMilestone
from core.nudges.deadline_alerts import Alert, AlertStage
from core.nudges.schedule import NudgeKind
from core.nudges.views import (
    SNOOZE_PRESETS,
    ChannelDigest,
    CheckInRequest,
    DeadlineAlert,
    DigestLine,
    EscalationNotice,
    ForecastAlert,
    NudgeAction,
    NudgeLine,
    NudgeView,
)
from core.nudges.workweek import zone
from core.scoring.forecast_records import risk_text
from core.tenancy import User
from core.views import Flag, MilestoneLine

SETTINGS_HINT = "`remind settings` changes when I ask"


@dataclass(frozen=True, slots=True)
class NudgeReader:
    """Who reads a nudge and when: dates are phrased in their time zone."""

    timezone: str
    now: datetime

    @property
    def today(self) -> date:
        return local_today(self.now, self.timezone)


def handle(users: Mapping[UserId, User], user_id: UserId) -> str:
    user = users.get(user_id)
    return user.handle if user else "someone"


def milestone_line(m: NudgeMilestone, users: Mapping[UserId, User], rd: NudgeReader
                   ) -> MilestoneLine:
    flags: list[Flag] = []
    if m.is_open and m.due_date is not None and m.due_date < rd.today:
        flags.append(Flag(code="overdue", text=due_label(m.due_date, rd.today).relative))
    if m.is_open and rd.now - m.last_news > STALE_AFTER:
        flags.append(Flag(code="stale", text=f"no update in {(rd.now - m.last_news).days} days"))
    owner = users.get(m.owner_id)
    return MilestoneLine(
        number=m.number, kind=m.kind, title=m.title, percent=m.progress, status=m.status,
        owner=owner.handle if owner else "someone",
        owner_name=owner.display_name if owner else "",
        due=due_label(m.due_date, rd.today) if m.due_date else None,
        priority=m.priority, flags=tuple(flags))


def last_news(m: NudgeMilestone, rd: NudgeReader) -> str:
    if m.last_update_at is None:
        return f"no update since it was created {_ago(m.created_at, rd)}"
    return f"updated {_ago(m.last_update_at, rd)}"


def _ago(moment: datetime, rd: NudgeReader) -> str:
    days = (rd.today - moment.astimezone(zone(rd.timezone)).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def nudge_line(m: NudgeMilestone, users: Mapping[UserId, User], rd: NudgeReader,
               *, waiting: bool = True) -> NudgeLine:
    return NudgeLine(line=milestone_line(m, users, rd), last_news=last_news(m, rd),
                     waiting=waiting)


def forecast_alert(nudge_id: int, rd: NudgeReader, m: NudgeMilestone, *, p50: date | None,
                   due: date, users: Mapping[UserId, User]) -> ForecastAlert:
    """`p50` and `due`: as the forecast that fell said them."""
    reason = risk_text(p50, due, rd.today)
    item = nudge_line(m, users, rd)
    line = replace(item.line, status=Status.AT_RISK if item.line.status in (
        Status.ON_TRACK, Status.NOT_STARTED) else item.line.status,
                   flags=(*item.line.flags, Flag(code="forecast", text=reason)))
    return ForecastAlert(
        nudge_id=nudge_id, kind=NudgeKind.FORECAST,
        headline=f"{m.ref} {m.title} is at risk: {reason}", item=replace(item, line=line),
        reason=reason, actions=(), snoozes=(),
        footer=f"`forecast {m.ref}` says why; `due {m.ref} <date>` moves the due date.")


def greeting(user: User, rd: NudgeReader) -> str:
    hour = rd.now.astimezone(zone(rd.timezone)).hour
    part = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    name = (user.display_name or user.handle).split()[0]
    return f"Good {part} {name}"


def _urgency(m: NudgeMilestone) -> tuple[bool, date, int]:
    return (m.due_date is None, m.due_date or date.max, m.number)


def checkin_request(nudge_id: int, user: User, rd: NudgeReader,
                    waiting: Sequence[NudgeMilestone], fresh: Sequence[NudgeMilestone],
                    users: Mapping[UserId, User], *, cadence: str, reminder: bool = False,
                    asked_for: bool = False) -> CheckInRequest:
    """`reminder`: back from a snooze; `asked_for`: the reminder of `remind snooze #N`."""
    asked = sorted(waiting, key=_urgency)
    if asked_for and len(asked) == 1:
        headline = f"You asked me to remind you about {asked[0].ref} {asked[0].title}"
    elif len(asked) == 1:
        headline = f"{asked[0].ref} {asked[0].title} is waiting for your check-in"
    else:
        headline = f"{len(asked)} milestones are waiting for your check-in"
    return CheckInRequest(
        nudge_id=nudge_id, kind=NudgeKind.SNOOZED if asked_for else NudgeKind.CHECKIN,
        headline=headline, greeting=greeting(user, rd),
        waiting=tuple(nudge_line(m, users, rd) for m in asked),
        up_to_date=tuple(nudge_line(m, users, rd, waiting=False)
                         for m in sorted(fresh, key=_urgency)),
        actions=(NudgeAction.SNOOZE, NudgeAction.VACATION, NudgeAction.SETTINGS),
        footer=f"Check-ins {cadence} · {SETTINGS_HINT}", reminder=reminder or asked_for)


def deadline_alert(nudge_id: int, rd: NudgeReader, m: NudgeMilestone, alert: Alert,
                   users: Mapping[UserId, User], *, watching: bool = False) -> DeadlineAlert:
    assert m.due_date is not None
    label = due_label(m.due_date, rd.today)
    subject = f"{m.ref} {m.title}"
    if watching:
        headline = (f"{subject}, which you watch, is {label.relative} "
                    f"(@{handle(users, m.owner_id)} owns it)")
    elif alert.stage == AlertStage.OVERDUE:
        headline = f"{subject} is {label.relative} (was due {label.text})"
    elif alert.stage == AlertStage.DUE_TODAY:
        headline = f"{subject} is due today"
    else:
        headline = f"{subject} is due {label.relative} ({label.text})"
    kind = NudgeKind.OVERDUE_WATCH if watching else NudgeKind.DEADLINE
    return DeadlineAlert(
        nudge_id=nudge_id, kind=kind, headline=headline, stage=alert.stage,
        item=nudge_line(m, users, rd), watching=watching,
        line_actions=() if watching else (NudgeAction.UPDATE, NudgeAction.DONE),
        actions=(NudgeAction.SNOOZE,) if not watching else (),
        snoozes=() if watching else SNOOZE_PRESETS,
        footer="" if watching else "Deadline alerts: " + SETTINGS_HINT.replace(
            "when I ask", "what is sent"))


def escalation(nudge_id: int, rd: NudgeReader, m: NudgeMilestone, users: Mapping[UserId, User],
               *, ignored: int) -> EscalationNotice:
    owner = handle(users, m.owner_id)
    since = day_text(m.last_news.astimezone(zone(rd.timezone)).date(), rd.today)
    return EscalationNotice(
        nudge_id=nudge_id, kind=NudgeKind.ESCALATION,
        headline=(f"@{owner} has not answered {plural(ignored, 'check-in request')} about "
                  f"{m.ref} {m.title} (no update since {since})"),
        item=nudge_line(m, users, rd), owner=owner, ignored=ignored, quiet_since=since,
        actions=(), snoozes=(),
        footer=f"I'll stop asking @{owner} until they update it. `comment {m.ref} @{owner} …` "
               "reaches them.")


def channel_digest(nudge_id: int, rd: NudgeReader, channel: str, data: DigestData,
                   users: Mapping[UserId, User], since: datetime) -> ChannelDigest:
    moved: list[DigestLine] = []
    completed: list[DigestLine] = []
    at_risk: list[DigestLine] = []
    overdue: list[DigestLine] = []
    quiet = 0
    for m in sorted(data.milestones, key=_urgency):
        line = milestone_line(m, users, rd)
        if not m.is_open:
            if m.completed_at is not None and m.completed_at >= since and m.status.value == "done":
                completed.append(DigestLine(line=line, change=f"done {_ago(m.completed_at, rd)}"))
            continue
        checkins, before = data.moves.get(m.id, (0, m.progress))
        if checkins:
            change = f"{before}% → {m.progress}%, {plural(checkins, 'check-in')}"
            moved.append(DigestLine(line=line, change=change))
        elif m.last_update_at is not None and m.last_update_at >= since:
            # A parent moves with its children: the roll-up stamps it, with no check-in.
            moved.append(DigestLine(line=line, change=f"now {m.progress}%, from what is under it"))
        else:
            quiet += 1
        if m.due_date is not None and m.due_date < rd.today:
            overdue.append(DigestLine(line=line))
        elif m.status.troubled or any(f.code == "stale" for f in line.flags):
            at_risk.append(DigestLine(line=line))
    period = f"{day_text(since.astimezone(zone(rd.timezone)).date(), rd.today)} – " \
             f"{day_text(rd.today, rd.today)}"
    total = len(moved) + len(completed)
    headline = (f"This week in {channel}: {plural(len(moved), 'milestone')} moved, "
                f"{len(completed)} completed" if total else f"A quiet week in {channel}")
    if overdue or at_risk:
        headline += f", {len(overdue)} overdue, {len(at_risk)} at risk"
    return ChannelDigest(nudge_id=nudge_id, kind=NudgeKind.DIGEST, headline=headline,
                         channel=channel, period=period, moved=tuple(moved),
                         completed=tuple(completed), at_risk=tuple(at_risk),
                         overdue=tuple(overdue), quiet=quiet, actions=(), snoozes=())


def inbox_text(view: NudgeView) -> str:
    """The nudge in one line, for the inbox and plain-text fallbacks."""
    icon = {NudgeKind.CHECKIN: "🗓", NudgeKind.SNOOZED: "⏰", NudgeKind.DEADLINE: "⏳",
            NudgeKind.OVERDUE_WATCH: "⚠", NudgeKind.ESCALATION: "📣",
            NudgeKind.DIGEST: "📰", NudgeKind.FORECAST: "⚠"}.get(view.kind)
    if icon is None:  # a challenge's post: its headline has its own
        return view.headline
    if isinstance(view, CheckInRequest) and len(view.waiting) > 1:
        refs = ", ".join(x.ref for x in view.waiting[:8])
        return f"{icon} {view.headline}: {refs}"
    if isinstance(view, DeadlineAlert) and view.stage == AlertStage.OVERDUE:
        return f"⚠ {view.headline}"
    return f"{icon} {view.headline}"
