"""What the forms show, loaded from the core, and what their submissions do, as core commands.

A submitted form becomes one or more of the core's commands. An edit that touches several
aspects runs the command that can refuse for reasons a form cannot check (a move that would make
a loop) first, and orders the date changes so each one is valid on its own: a refusal then
leaves the milestone as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.forms import (
    CheckInInput,
    CheckInValues,
    CommentInput,
    FieldErrors,
    MilestoneInput,
    MilestoneValues,
    refused,
)
from bots.slack.people import People, identity, identity_prefix
from bots.slack.ports import SlackMembers
from bots.slack.reminder_forms import SettingsInput, VacationInput
from core import commands as c
from core.errors import Conflict, InvalidInput, NotFound
from core.model import MemberRole, Milestone, TenantId, UserId
from core.nudge_views import ReminderSettingsView
from core.permissions import Right
from core.reminder_commands import ChangeReminderSettings, SetVacation, ShowReminderSettings
from core.rollup import has_children
from core.services import Deps, execute
from core.services.common import authorize, current_user, find_milestone
from core.text import mentions_in
from core.views import MilestoneCard, Notice, Tone, View


@dataclass(frozen=True, slots=True)
class Team:
    """The workspace a form was submitted in, and a client with its token."""

    tenant_id: TenantId
    team_id: str
    client: AsyncWebClient


CONTRIBUTOR = MemberRole.CONTRIBUTOR


class FormData:
    def __init__(self, deps: Deps, members: SlackMembers, people: People) -> None:
        self._deps = deps
        self._members = members
        self._people = people

    # --- what forms show ------------------------------------------------------------------

    async def edit_values(self, actor: c.Actor, number: int) -> MilestoneValues:
        """The milestone as the form shows it; refuses (DomainError) who may not edit it."""
        async with self._deps.uow(actor.tenant_id) as tx:
            me = await current_user(tx, actor)
            m = await find_milestone(tx, c.MilestoneRef(number=number))
            await authorize(tx, me, Right.EDIT, m)
            parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
        people = await self._members.slack_users_of(
            actor.tenant_id, [m.owner_id, *m.member_ids(CONTRIBUTOR)])
        criterion = m.criterion
        return MilestoneValues(
            title=m.title, description=m.description, kind=m.kind,
            parent=(parent.ref, f"{parent.ref} {parent.title}") if parent else None,
            owner=people.get(m.owner_id, ("", ""))[1],
            members=tuple(people[u][1] for u in m.member_ids(CONTRIBUTOR) if u in people),
            start=m.start_date, due=m.due_date, priority=m.priority,
            metric=criterion.metric if criterion else "",
            crit_start=criterion.start if criterion else None,
            crit_target=criterion.target if criterion else None,
            crit_current=criterion.current if criterion else None,
            unit=criterion.unit if criterion else "",
            channel=m.channel if m.channel and _is_slack_channel(m.channel) else "")

    async def checkin_values(self, actor: c.Actor, number: int) -> CheckInValues:
        async with self._deps.uow(actor.tenant_id) as tx:
            me = await current_user(tx, actor)
            m = await find_milestone(tx, c.MilestoneRef(number=number))
            await authorize(tx, me, Right.UPDATE, m)
            if not m.is_open:
                raise Conflict(f"{m.ref} is {m.status.label.lower()}",
                               hint=f"reopen {m.ref} first")
            assert m.id is not None
            rolled = await has_children(tx, m.id)
        return CheckInValues(
            number=m.number, title=m.title, percent=m.progress, status=m.status,
            rolled_up=rolled, metric=m.criterion.metric if m.criterion and not rolled else "",
            current=m.criterion.current if m.criterion else None)

    # --- what submissions do ----------------------------------------------------------------

    async def _refs(self, team: Team, slack_ids: tuple[str, ...]) -> tuple[c.UserRef, ...]:
        refs = []
        for user_id in slack_ids:
            if await self._people.known(team.tenant_id, team.team_id, user_id) is None:
                await self._people.provision(team.tenant_id, team.team_id, user_id, team.client)
            refs.append(c.UserRef(identity=identity(team.team_id, user_id)))
        return tuple(refs)

    async def create(self, actor: c.Actor, form: MilestoneInput, team: Team,
                     links: tuple[str, ...]) -> View:
        owner = (await self._refs(team, (form.owner,)))[0] if form.owner else None
        helpers = await self._refs(team, tuple(m for m in form.members if m != form.owner))
        create = c.CreateMilestone(
            actor=actor, kind=form.kind, title=form.title, description=form.description,
            due=form.due, start=form.start, owner=owner, contributors=helpers,
            parent=c.MilestoneRef(number=form.parent) if form.parent else None,
            priority=form.priority, channel=form.channel, links=links)
        try:
            view = await execute(create, self._deps)
        except (Conflict, NotFound) as error:
            # Creating refuses only over the parent (closed, or not there) or a person.
            parent = form.parent is not None and f"#{form.parent}" in error.message
            raise refused("parent" if parent else "owner", error) from None
        assert isinstance(view, MilestoneCard)
        ref = c.MilestoneRef(number=view.line.number)
        if form.criterion is not None:
            metric, low, high, unit = form.criterion
            await execute(c.SetCriterion(actor=actor, milestone=ref, metric=metric, start=low,
                                         target=high, unit=unit), self._deps)
            if form.current is not None and form.current != low:
                await execute(c.RecordMeasurement(actor=actor, milestone=ref,
                                                  current=form.current), self._deps)
            headline = view.headline
            view = await execute(c.ShowMilestone(actor=actor, milestone=ref), self._deps)
            assert isinstance(view, MilestoneCard)
            view = _with_headline(view, headline)
        return view

    async def edit(self, actor: c.Actor, number: int, form: MilestoneInput, team: Team) -> View:
        ref = c.MilestoneRef(number=number)
        async with self._deps.uow(actor.tenant_id) as tx:
            m = await find_milestone(tx, ref)
            parent = await tx.milestones.get(m.parent_id) if m.parent_id else None
        steps: list[c.Command] = []
        if form.parent != (parent.number if parent else None):
            steps.append(c.MoveMilestone(actor=actor, milestone=ref, parent=c.MilestoneRef(
                number=form.parent) if form.parent else None))
        edit = _edit_command(actor, ref, m, form)
        due = c.ChangeDueDate(actor=actor, milestone=ref, due=form.due) if (
            form.due != m.due_date) else None
        # Each date change is checked against the other's current value: pick the order in
        # which both are valid (one always is, since the form checked start <= due).
        start_first = edit is None or edit.start is None or m.due_date is None or (
            edit.start <= m.due_date)
        steps += [x for x in ((edit, due) if start_first else (due, edit)) if x is not None]
        steps += await self._assignment(actor, ref, m, form, team)
        steps += _criterion_commands(actor, ref, m, form)
        if not steps:
            return Notice(text=f"Nothing changed on #{number}.", tone=Tone.INFO)
        for step in steps:
            try:
                await execute(step, self._deps)
            except InvalidInput:
                raise  # its field names the block
            except (Conflict, NotFound) as error:
                raise refused(_block_of(step), error) from None
        shown = await execute(c.ShowMilestone(actor=actor, milestone=ref), self._deps)
        assert isinstance(shown, MilestoneCard)
        return _with_headline(shown, f"Saved #{number}")

    async def _assignment(self, actor: c.Actor, ref: c.MilestoneRef, m: Milestone,
                          form: MilestoneInput, team: Team) -> list[c.Command]:
        chosen_owner = await self._user_ids(team, (form.owner,)) if form.owner else []
        owner = chosen_owner[0] if chosen_owner else m.owner_id
        wanted = set(await self._user_ids(team, form.members)) - {owner}
        current = m.member_ids(CONTRIBUTOR)
        added = wanted - current
        steps: list[c.Command] = []
        if owner != m.owner_id or added:
            # The first person named becomes the owner, the others contributors.
            people = [await self._ref_of(actor.tenant_id, u) for u in [owner, *sorted(added)]]
            steps.append(c.Assign(actor=actor, milestone=ref, people=tuple(people)))
        removed = current - wanted - {owner}
        if removed:
            refs = [await self._ref_of(actor.tenant_id, u) for u in sorted(removed)]
            steps.append(c.Watch(actor=actor, milestone=ref, people=tuple(refs), stop=True))
        return steps

    async def _user_ids(self, team: Team, slack_ids: tuple[str, ...]) -> list[UserId]:
        """The Cairn users behind Slack users, provisioning the new ones."""
        found: list[UserId] = []
        for slack_id in slack_ids:
            actor = await self._people.known(team.tenant_id, team.team_id, slack_id)
            if actor is None:
                actor = await self._people.provision(team.tenant_id, team.team_id, slack_id,
                                                     team.client)
            found.append(actor.user_id)
        return found

    async def _ref_of(self, tenant_id: TenantId, user_id: UserId) -> c.UserRef:
        async with self._deps.uow(tenant_id) as tx:
            user = await tx.users.get(user_id)
        return c.UserRef(handle=user.handle if user else None)

    async def check_in(self, actor: c.Actor, number: int, form: CheckInInput) -> View:
        ref = c.MilestoneRef(number=number)
        view: View = Notice(text="Nothing to record.", tone=Tone.INFO)
        if form.current is not None:
            view = await execute(c.RecordMeasurement(actor=actor, milestone=ref,
                                                     current=form.current), self._deps)
        if (form.percent is not None or form.status is not None or form.notes
                or form.blockers):
            view = await execute(c.UpdateProgress(
                actor=actor, milestone=ref, percent=form.percent, status=form.status,
                notes=form.notes, blockers=form.blockers), self._deps)
        return view

    async def comment(self, actor: c.Actor, form: CommentInput, team: Team) -> View:
        problems = await self._people.provision_mentions(team.tenant_id, team.team_id,
                                                         form.text, team.client)
        if problems:
            raise FieldErrors({"text": problems[0]})
        return await execute(c.AddComment(
            actor=actor, milestone=c.MilestoneRef(number=form.number), text=form.text,
            mentions=mentions_in(form.text, identity_prefix(team.team_id))), self._deps)

    async def vacation(self, actor: c.Actor, form: VacationInput) -> View:
        return await execute(SetVacation(actor=actor, starts=form.starts, ends=form.ends),
                             self._deps)

    async def settings(self, actor: c.Actor, form: SettingsInput,
                       before: SettingsInput | None) -> View:
        """Changes what differs from what the form showed (everything, if that is lost)."""
        changes = _settings_changes(form, before)
        if not changes:
            shown = await execute(ShowReminderSettings(actor=actor), self._deps)
            assert isinstance(shown, ReminderSettingsView)
            return replace(shown, headline="Nothing changed")
        return await execute(ChangeReminderSettings(actor=actor, **changes), self._deps)


def _settings_changes(form: SettingsInput, before: SettingsInput | None) -> dict[str, object]:
    changes: dict[str, object] = {}
    if before is None or form.weekday != before.weekday:
        changes["weekday"] = form.weekday
    if before is None or form.minute != before.minute:
        changes["minute"] = form.minute
    if before is None or form.every_weeks != before.every_weeks:
        changes["every_weeks"] = form.every_weeks
    if before is None or form.working_days != before.working_days:
        changes["working_days"] = form.working_days
    if before is None or (form.work_starts, form.work_ends) != (before.work_starts,
                                                                before.work_ends):
        # Quiet hours are the other side of the working day, across midnight.
        changes["quiet"] = (form.work_ends, form.work_starts)
    return changes


def _block_of(step: c.Command) -> str:
    """The form block a refusal of this command belongs to."""
    if isinstance(step, c.MoveMilestone):
        return "parent"
    if isinstance(step, c.ChangeDueDate):
        return "due"
    if isinstance(step, c.Assign):
        return "owner"
    if isinstance(step, c.Watch):
        return "members"
    if isinstance(step, c.SetCriterion | c.RecordMeasurement | c.ClearCriterion):
        return "crit_metric"
    return "title"


def _edit_command(actor: c.Actor, ref: c.MilestoneRef, m: Milestone, form: MilestoneInput
                  ) -> c.EditMilestone | None:
    changes = {
        "title": form.title if form.title != m.title else None,
        "description": form.description if form.description != m.description else None,
        "kind": form.kind if form.kind != m.kind else None,
        "priority": form.priority if form.priority != m.priority else None,
        "start": form.start if form.start != m.start_date else None,
        "channel": form.channel if form.channel and form.channel != m.channel else None,
        # Emptied in the form: the start date, and a home channel the form showed (a Slack
        # channel; a plain `#name` typed elsewhere is not in the form, so not cleared by it).
        "clear_start": form.start is None and m.start_date is not None,
        "clear_channel": not form.channel and bool(m.channel) and _is_slack_channel(m.channel),
    }
    if all(v is None or v is False for v in changes.values()):
        return None
    return c.EditMilestone(actor=actor, milestone=ref, **changes)  # type: ignore[arg-type]


def _criterion_commands(actor: c.Actor, ref: c.MilestoneRef, m: Milestone,
                        form: MilestoneInput) -> list[c.Command]:
    old = m.criterion
    if form.criterion is None:
        return [c.ClearCriterion(actor=actor, milestone=ref)] if old is not None else []
    metric, low, high, unit = form.criterion
    steps: list[c.Command] = []
    if old is None or (old.metric, old.start, old.target, old.unit) != (metric, low, high, unit):
        steps.append(c.SetCriterion(actor=actor, milestone=ref, metric=metric, start=low,
                                    target=high, unit=unit))
    current = form.current
    if current is not None and (old is None or current != old.current):
        steps.append(c.RecordMeasurement(actor=actor, milestone=ref, current=current))
    return steps


def _with_headline(view: MilestoneCard, headline: str) -> MilestoneCard:
    return replace(view, headline=headline)


def _is_slack_channel(channel: str | None) -> bool:
    return channel is not None and channel[:1] in ("C", "G")
