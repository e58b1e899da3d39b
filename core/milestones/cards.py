"""Builds the neutral views of milestones from loaded entities; pure, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from core.history import Comment, ProgressUpdate
from core.humanize import day_text, due_label, local_today, when
from core.milestones.forecast import STALE_AFTER, Forecast
from core.model import Milestone, Status, UserId
from core.permissions import Right, may
from core.scoring.forecast_records import StoredForecast
from core.tenancy import User
from core.text import format_number
from core.views import (
    Action,
    ActivityLine,
    CommentLine,
    DueLabel,
    Flag,
    MilestoneCard,
    MilestoneLine,
    Tone,
    UpdateLine,
)

#: The code of the flag a forecast at risk raises.
FORECAST_FLAG = "forecast"


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads the view, and when: dates are phrased for them."""

    user: User
    now: datetime

    @property
    def today(self) -> date:
        return local_today(self.now, self.user.timezone)

    @property
    def timezone(self) -> str:
        return self.user.timezone


def handle_of(users: Mapping[UserId, User], user_id: UserId | None) -> str:
    user = users.get(user_id) if user_id is not None else None
    return user.handle if user else "someone"


def flags(m: Milestone, reader: Reader, forecast: StoredForecast | None = None
          ) -> tuple[Flag, ...]:
    """`forecast`: the latest stored one; at risk, it says why (unless `m` is overdue)."""
    if not m.is_open:
        return ()
    found: list[Flag] = []
    today = reader.today
    if m.due_date is not None and m.due_date < today:
        found.append(Flag(code="overdue", text=due_label(m.due_date, today).relative))
    last = m.last_update_at or m.created_at
    if reader.now - last > STALE_AFTER:
        days = (reader.now - last).days
        found.append(Flag(code="stale", text=f"no update in {days} days"))
    if forecast_risky(m, forecast, today):
        assert forecast is not None
        found.append(Flag(code=FORECAST_FLAG, text=forecast.risk(today)))
    return tuple(found)


def forecast_risky(m: Milestone, forecast: StoredForecast | None, today: date) -> bool:
    """At risk by its latest forecast: open, not overdue (that says more), and the forecast
    made for the due date it has now."""
    return (forecast is not None and forecast.at_risk and m.is_open
            and forecast.due == m.due_date and not m.is_overdue(today))


def badge(m: Milestone, flagged: tuple[Flag, ...]) -> Status:
    """The status a line shows: the milestone's own, or at risk when its forecast says so
    and its own says nothing worse."""
    if m.status in (Status.ON_TRACK, Status.NOT_STARTED) and any(
            f.code == FORECAST_FLAG for f in flagged):
        return Status.AT_RISK
    return m.status


def at_risk(line: MilestoneLine) -> bool:
    return line.status.troubled or any(f.code != "overdue" for f in line.flags)


def deadline(m: Milestone, owner: User | None, reader: Reader) -> DueLabel | None:
    """The due date as the reader sees it; a timed deadline is the owner's time of day."""
    if m.due_date is None:
        return None
    return due_label(m.due_date, reader.today, m.due_time,
                     owner_timezone=owner.timezone if owner else reader.timezone,
                     reader_timezone=reader.timezone)


def line(
    m: Milestone,
    users: Mapping[UserId, User],
    reader: Reader,
    *,
    depth: int = 0,
    children: int = 0,
    forecast: StoredForecast | None = None,
) -> MilestoneLine:
    """`forecast`: the latest stored one, which may show `m` at risk."""
    owner = users.get(m.owner_id)
    flagged = flags(m, reader, forecast)
    return MilestoneLine(
        number=m.number,
        kind=m.kind,
        title=m.title,
        percent=m.progress,
        status=badge(m, flagged),
        owner=owner.handle if owner else "someone",
        owner_name=owner.display_name if owner else "",
        due=deadline(m, owner, reader),
        priority=m.priority,
        flags=flagged,
        depth=depth,
        children=children,
    )


def criterion_text(m: Milestone, *, rolled_up: bool = False) -> str:
    """`ARR: 1.2M → 1.5M USD, now 1.32M (40%)`. A parent's progress is rolled up from the
    milestones under it, not from its criterion: its card shows one percentage, the bar's, and
    says where it comes from."""
    c = m.criterion
    if c is None:
        return ""
    unit = f" {c.unit}" if c.unit else ""
    text = (f"{c.metric}: {format_number(c.start)} → {format_number(c.target)}{unit}, "
            f"now {format_number(c.current)}")
    if rolled_up:
        return f"{text} (progress comes from the milestones under it)"
    return f"{text} ({c.percent}%)"


def update_line(u: ProgressUpdate, users: Mapping[UserId, User], reader: Reader) -> UpdateLine:
    return UpdateLine(
        author=handle_of(users, u.author_id),
        when=when(u.created_at, reader.now, reader.timezone),
        percent=u.percent,
        status=u.status,
        notes=u.notes,
        blockers=u.blockers,
    )


def comment_line(c: Comment, users: Mapping[UserId, User], reader: Reader) -> CommentLine:
    return CommentLine(author=handle_of(users, c.author_id),
                       when=when(c.created_at, reader.now, reader.timezone), body=c.body)


def actions(m: Milestone, reader: Reader, ancestor_owners: set[UserId]) -> tuple[Action, ...]:
    user = reader.user
    can_update = may(user, Right.UPDATE, m, ancestor_owners)
    can_edit = may(user, Right.EDIT, m, ancestor_owners)
    found: list[Action] = []
    if m.is_open and can_update:
        found += [Action.UPDATE]
    if may(user, Right.COMMENT, m, ancestor_owners):
        found.append(Action.COMMENT)
    if m.is_open and can_update:
        found.append(Action.DONE)
    if not m.is_open and can_update:
        found.append(Action.REOPEN)
    if can_edit:
        found += [Action.EDIT, Action.ASSIGN, Action.DUE, Action.MOVE]
    if user.id is not None and user.id != m.owner_id:
        found.append(Action.UNWATCH if user.id in m.member_ids() else Action.WATCH)
    return tuple(found)


def forecast_text(f: Forecast | None, reader: Reader) -> str:
    if f is None:
        return ""
    if f.finish is None:
        return "no progress in sight at the recent pace"
    text = f"at this pace, done around {day_text(f.finish, reader.today)}"
    return text + (f" ({f.late_by_days} days after the due date)" if f.late else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class CardData:
    """Everything a card shows, loaded by the caller with a bounded number of queries."""

    milestone: Milestone
    users: Mapping[UserId, User]
    parent: Milestone | None = None
    children: Sequence[Milestone] = ()
    updates: Sequence[ProgressUpdate] = ()
    comments: Sequence[Comment] = ()
    activity: Sequence[ActivityLine] = ()
    forecast: Forecast | None = None  # at the recent pace, as of today
    stored: StoredForecast | None = None  # the latest stored, made at the last change
    ancestor_owners: set[UserId] | None = None


def card(data: CardData, reader: Reader, *, headline: str = "", tone: Tone = Tone.SUCCESS,
         detailed: bool = False) -> MilestoneCard:
    m, users = data.milestone, data.users
    children = tuple(line(c, users, reader, depth=1) for c in _by_due(data.children))
    updates = tuple(update_line(u, users, reader) for u in data.updates)
    return MilestoneCard(
        line=line(m, users, reader, children=len(children), forecast=data.stored),
        headline=headline,
        tone=tone,
        description=m.description,
        start=day_text(m.start_date, reader.today) if m.start_date else "",
        criterion=criterion_text(m, rolled_up=bool(data.children)),
        parent=line(data.parent, users, reader) if data.parent else None,
        contributors=_handles(users, m, "contributor"),
        watchers=_handles(users, m, "watcher"),
        tags=tuple(m.tags),
        links=tuple(m.links),
        channel=m.channel or "",
        children=children,
        last_update=updates[0] if updates else None,
        updates=updates if detailed else (),
        comments=tuple(comment_line(c, users, reader) for c in data.comments) if detailed else (),
        activity=tuple(data.activity) if detailed else (),
        forecast=forecast_text(data.forecast, reader) if m.is_open else "",
        actions=actions(m, reader, data.ancestor_owners or set()),
        detailed=detailed,
    )


def _handles(users: Mapping[UserId, User], m: Milestone, role: str) -> tuple[str, ...]:
    return tuple(sorted(handle_of(users, x.user_id) for x in m.members if x.role == role))


def _by_due(items: Iterable[Milestone]) -> list[Milestone]:
    return sorted(items, key=lambda c: (c.status == Status.CANCELLED, c.due_date or date.max,
                                        c.number))


def sort_for_attention(items: Iterable[Milestone], today: date) -> list[Milestone]:
    """Overdue first, then troubled, then by due date; undated last."""
    return sorted(items, key=lambda m: (not m.is_overdue(today), not m.status.troubled,
                                        m.due_date or date.max, m.number))
