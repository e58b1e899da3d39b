"""What delivering (or previewing) a batch of nudges needs, loaded with a fixed number of
queries, and the pure decision of what each nudge becomes: a view to send, a skip, a delay."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.model import MilestoneId, TenantId, UserId
from core.nudges.badge_posts import announcement, badge_of, earner
from core.nudges.candidates import DigestData, NudgeMilestone
from core.nudges.deadline_alerts import Alert, AlertStage
from core.nudges.deadline_alerts import deadline_alert as alert_on
from core.nudges.deliveries import NewNudge, Nudge
from core.nudges.follow_ups import AskState, FollowUp, follow_up
from core.nudges.forecast_alerts import said
from core.nudges.notifier import ChannelAddress, PersonAddress
from core.nudges.ports import NudgeRepository
from core.nudges.schedule import (
    DEFAULT_DEADLINE_DAYS,
    Cadence,
    NudgeKind,
    PersonPolicy,
    TeamPolicy,
    answered_cutoff,
    is_checkin_day,
)
from core.nudges.snooze import Snooze, snoozed
from core.nudges.text import (
    NudgeReader,
    channel_digest,
    checkin_request,
    deadline_alert,
    escalation,
    forecast_alert,
    inbox_text,
)
from core.nudges.views import NudgeView
from core.nudges.workweek import Vacation, Workweek, local_day, on_vacation
from core.tenancy import User

DIGEST_WEEK = timedelta(days=7)
#: Vacations this far back still forgive a request asked before them.
VACATION_MEMORY = timedelta(days=120)


@dataclass
class Context:
    now: datetime
    people: dict[UserId, tuple[User, tuple[str, ...]]] = field(default_factory=dict)
    teams: dict[TenantId, TeamPolicy] = field(default_factory=dict)
    own: dict[UserId, PersonPolicy] = field(default_factory=dict)
    owned: dict[UserId, list[NudgeMilestone]] = field(default_factory=dict)
    milestones: dict[MilestoneId, NudgeMilestone] = field(default_factory=dict)
    cadences: dict[MilestoneId, Cadence] = field(default_factory=dict)
    states: dict[MilestoneId, AskState] = field(default_factory=dict)
    vacations: dict[UserId, list[Vacation]] = field(default_factory=dict)
    snoozes: dict[UserId, list[Snooze]] = field(default_factory=dict)
    watchers: dict[MilestoneId, set[UserId]] = field(default_factory=dict)
    admins: dict[TenantId, list[UserId]] = field(default_factory=dict)
    digests: dict[tuple[TenantId, str], DigestData] = field(default_factory=dict)
    #: Challenge posts (leaderboards, results) built beforehand, by nudge id.
    posts: dict[int, NudgeView] = field(default_factory=dict)

    def users(self) -> dict[UserId, User]:
        return {uid: user for uid, (user, _) in self.people.items()}


async def load(repo: NudgeRepository, nudges: Sequence[Nudge], now: datetime) -> Context:
    """Everything the nudges of a batch show or depend on, in a bounded number of queries."""
    ctx = Context(now=now)
    recipients = {n.user_id for n in nudges if n.user_id is not None}
    tenants = {n.tenant_id for n in nudges}
    ctx.people = await repo.people(recipients)
    ctx.teams, ctx.own = await repo.policies(tenants, recipients)
    asking = {(n.tenant_id, n.user_id) for n in nudges
              if n.kind == NudgeKind.CHECKIN and n.user_id is not None}
    ctx.owned = await repo.open_owned(asking)
    mentioned = {n.milestone_id for n in nudges if n.milestone_id is not None}
    ctx.milestones = await repo.milestones(mentioned)
    owned_ids = {m.id for items in ctx.owned.values() for m in items}
    ctx.cadences = await repo.milestone_cadences(owned_ids)
    ctx.states = await repo.ask_states(owned_ids | {
        n.milestone_id for n in nudges if n.kind == NudgeKind.ESCALATION and n.milestone_id})
    parents = {m.parent_id for items in ctx.owned.values() for m in items if m.parent_id}
    ctx.milestones.update(await repo.milestones(parents - set(ctx.milestones)))
    if any(n.kind == NudgeKind.CHECKIN for n in nudges):
        ctx.admins = await repo.admins(tenants)
    ctx.vacations = await repo.vacations_of(recipients, (now - VACATION_MEMORY).date())
    ctx.snoozes = await repo.snoozes_of(recipients, now - timedelta(days=40))
    watched = {n.milestone_id for n in nudges
               if n.kind == NudgeKind.OVERDUE_WATCH and n.milestone_id is not None}
    ctx.watchers = await repo.watchers(watched)
    channels = {(n.tenant_id, n.channel) for n in nudges if n.kind == NudgeKind.DIGEST}
    ctx.digests = await repo.digest_data(channels, now - DIGEST_WEEK)
    others: set[UserId] = {m.owner_id for m in ctx.milestones.values()}
    others |= {who for n in nudges if (who := earner(n)) is not None}
    for data in ctx.digests.values():
        others |= {m.owner_id for m in data.milestones} | set(data.readers)
    for admins in ctx.admins.values():
        others |= set(admins)
    missing = others - set(ctx.people)
    if missing:
        ctx.people.update(await repo.people(missing))
    return ctx


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    """What one nudge becomes now."""

    nudge: Nudge
    view: NudgeView | None = None  # None: nothing to send
    address: PersonAddress | ChannelAddress | None = None
    text: str = ""
    inbox: tuple[UserId, ...] = ()
    skip: str = ""  # why it is not sent
    until: datetime | None = None  # sent later (quiet hours, vacation)
    states: dict[MilestoneId, AskState] = field(default_factory=dict)
    escalations: tuple[NewNudge, ...] = ()


def decide(nudge: Nudge, ctx: Context, *, gated: bool = True) -> Plan:
    """`gated`: nothing during quiet hours or a vacation (off to show what arrived)."""
    if nudge.kind == NudgeKind.DIGEST:
        return _digest(nudge, ctx)
    if nudge.kind in (NudgeKind.LEADERBOARD, NudgeKind.RESULTS):
        return _post(nudge, ctx)
    if nudge.kind == NudgeKind.BADGE and nudge.channel:
        return _badge_post(nudge, ctx)
    found = ctx.people.get(nudge.user_id) if nudge.user_id is not None else None
    if found is None:
        return Plan(nudge=nudge, skip="the person is gone")
    user, identities = found
    week = Workweek.of(user)
    vacations = ctx.vacations.get(nudge.user_id or UserId(0), [])
    today = local_day(ctx.now, user.timezone)
    if gated and on_vacation(today, vacations):
        if nudge.kind.routine:
            return Plan(nudge=nudge, skip="on vacation")
        return Plan(nudge=nudge, until=week.next_open(ctx.now, vacations))
    if gated and week.is_quiet(ctx.now):
        return Plan(nudge=nudge, until=week.next_open(ctx.now, vacations))
    plan = _person_plan(nudge, user, week, vacations, ctx)
    if plan.view is None:
        return plan
    address = PersonAddress(tenant_id=user.tenant_id, user_id=nudge.user_id or UserId(0),
                            handle=user.handle, display_name=user.display_name,
                            timezone=user.timezone, identities=identities)
    return Plan(nudge=nudge, view=plan.view, address=address, text=inbox_text(plan.view),
                inbox=(address.user_id,), states=plan.states, escalations=plan.escalations)


def _person_plan(nudge: Nudge, user: User, week: Workweek, vacations: list[Vacation],
                 ctx: Context) -> Plan:
    rd = NudgeReader(user.timezone, ctx.now)
    users = ctx.users()
    if nudge.kind == NudgeKind.CHECKIN:
        return _checkin(nudge, user, week, vacations, ctx)
    if nudge.kind == NudgeKind.BADGE:
        found = badge_of(nudge)
        if found is None:
            return Plan(nudge=nudge, skip="no such badge")
        return Plan(nudge=nudge, view=announcement(nudge, found[0], user.handle))
    m = ctx.milestones.get(nudge.milestone_id) if nudge.milestone_id is not None else None
    if m is None or not m.is_open:
        return Plan(nudge=nudge, skip="the milestone is closed or gone")
    mine = ctx.snoozes.get(user.id or UserId(0), [])
    if nudge.kind == NudgeKind.DEADLINE:
        if m.owner_id != user.id or m.due_date is None:
            return Plan(nudge=nudge, skip="no longer theirs, or no due date")
        if snoozed(mine, ctx.now, m.id) is not None:
            return Plan(nudge=nudge, skip="snoozed")
        team = ctx.teams.get(nudge.tenant_id, TeamPolicy())
        alert = alert_on(m.due_date, date.fromisoformat(nudge.period), week, vacations,
                         team.deadline_days or DEFAULT_DEADLINE_DAYS, team.overdue_every)
        if alert is None:
            return Plan(nudge=nudge, skip="the due date moved")
        return Plan(nudge=nudge, view=deadline_alert(nudge.id, rd, m, alert, users))
    if nudge.kind == NudgeKind.OVERDUE_WATCH:
        if m.due_date is None or m.due_date >= rd.today or user.id not in ctx.watchers.get(
                m.id, set()):
            return Plan(nudge=nudge, skip="not overdue, or not watched any more")
        late = Alert(AlertStage.OVERDUE, (rd.today - m.due_date).days)
        return Plan(nudge=nudge, view=deadline_alert(nudge.id, rd, m, late, users,
                                                     watching=True))
    if nudge.kind == NudgeKind.FORECAST:
        fell = said(nudge.detail)
        if m.owner_id != user.id or fell is None:
            return Plan(nudge=nudge, skip="no longer theirs")
        return Plan(nudge=nudge, view=forecast_alert(nudge.id, rd, m, p50=fell[0], due=fell[1],
                                                     users=users))
    if nudge.kind == NudgeKind.ESCALATION:
        state = ctx.states.get(m.id)
        if state is None or state.escalated_at is None or (
                state.last_asked_at is not None and m.last_news > state.last_asked_at):
            return Plan(nudge=nudge, skip="the owner answered")
        ignored = int(nudge.detail) if nudge.detail.isdigit() else state.unanswered
        return Plan(nudge=nudge, view=escalation(nudge.id, rd, m, users, ignored=ignored))
    # SNOOZED: the reminder a person asked for with `remind snooze #N ...`
    asked_at = datetime.fromisoformat(nudge.detail) if nudge.detail else nudge.created_at
    if m.last_news > asked_at:
        return Plan(nudge=nudge, skip="updated since")
    if snoozed(mine, ctx.now, m.id) is not None:
        return Plan(nudge=nudge, skip="snoozed again")
    cadence = ctx.own.get(user.id or UserId(0), PersonPolicy()).cadence(
        ctx.teams.get(nudge.tenant_id, TeamPolicy()).checkin)
    return Plan(nudge=nudge, view=checkin_request(
        nudge.id, user, rd, [m], [], users, cadence=cadence.describe(), asked_for=True))


def _checkin(nudge: Nudge, user: User, week: Workweek, vacations: list[Vacation],
             ctx: Context) -> Plan:
    assert user.id is not None
    day = date.fromisoformat(nudge.period)
    rd = NudgeReader(user.timezone, ctx.now)
    mine = ctx.snoozes.get(user.id, [])
    own_cadence = ctx.own.get(user.id, PersonPolicy()).cadence(
        ctx.teams.get(nudge.tenant_id, TeamPolicy()).checkin)
    waiting: list[NudgeMilestone] = []
    fresh: list[NudgeMilestone] = []
    states: dict[MilestoneId, AskState] = {}
    escalations: list[NewNudge] = []
    for m in ctx.owned.get(user.id, []):
        cadence = ctx.cadences.get(m.id, own_cadence)
        if not is_checkin_day(cadence, week, day) or snoozed(mine, ctx.now, m.id) is not None:
            continue
        if m.last_news >= answered_cutoff(cadence, day, user.timezone):
            fresh.append(m)
            continue
        before = ctx.states.get(m.id)
        verdict = follow_up(before, last_news=m.last_news, day=day, now=ctx.now,
                            vacations=vacations)
        if verdict.state != before:
            states[m.id] = verdict.state
        if verdict.follow_up == FollowUp.ASK:
            waiting.append(m)
        elif verdict.follow_up == FollowUp.ESCALATE:
            escalations += _escalate(m, verdict.ignored, ctx)
    if not waiting:
        return Plan(nudge=nudge, skip="nothing is waiting for an answer", states=states,
                    escalations=tuple(escalations))
    view = checkin_request(nudge.id, user, rd, waiting, fresh, ctx.users(),
                           cadence=own_cadence.describe(), reminder=nudge.snoozed)
    return Plan(nudge=nudge, view=view, states=states, escalations=tuple(escalations))


def _escalate(m: NudgeMilestone, ignored: int, ctx: Context) -> list[NewNudge]:
    """To the owner of the parent; without one (or when it is the same person), the admins."""
    parent = ctx.milestones.get(m.parent_id) if m.parent_id is not None else None
    told = [parent.owner_id] if parent is not None and parent.owner_id != m.owner_id else [
        a for a in ctx.admins.get(m.tenant_id, []) if a != m.owner_id]
    silence = m.last_news.isoformat()
    return [NewNudge(tenant_id=m.tenant_id, kind=NudgeKind.ESCALATION, user_id=who,
                     milestone_id=m.id, period=silence, detail=str(ignored),
                     not_before=ctx.now) for who in told]


def _post(nudge: Nudge, ctx: Context) -> Plan:
    view = ctx.posts.get(nudge.id)
    if view is None:
        return Plan(nudge=nudge, skip="the challenge is over or gone")
    return Plan(nudge=nudge, view=view, address=ChannelAddress(tenant_id=nudge.tenant_id,
                                                               channel=nudge.channel),
                text=inbox_text(view))


def _badge_post(nudge: Nudge, ctx: Context) -> Plan:
    found = badge_of(nudge)
    person = ctx.people.get(found[1]) if found is not None and found[1] is not None else None
    if found is None or person is None:
        return Plan(nudge=nudge, skip="no such badge, or the person is gone")
    view = announcement(nudge, found[0], person[0].handle)
    return Plan(nudge=nudge, view=view, address=ChannelAddress(tenant_id=nudge.tenant_id,
                                                               channel=nudge.channel),
                text=inbox_text(view))


def _digest(nudge: Nudge, ctx: Context) -> Plan:
    data = ctx.digests.get((nudge.tenant_id, nudge.channel))
    if data is None or not data.milestones:
        return Plan(nudge=nudge, skip="nothing in the channel")
    rd = NudgeReader(data.timezone, ctx.now)
    view = channel_digest(nudge.id, rd, nudge.channel, data, ctx.users(), ctx.now - DIGEST_WEEK)
    readers = tuple(sorted(set(data.readers)))
    return Plan(nudge=nudge, view=view, address=ChannelAddress(tenant_id=nudge.tenant_id,
                                                               channel=nudge.channel),
                text=inbox_text(view), inbox=readers)
