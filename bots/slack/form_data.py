"""What the forms show, loaded from the core, and what their submissions do, as core commands.

A submitted form becomes one core command (`core.interactions.forms`), carried out in one unit
of work with the view's id as its idempotency key; this module only turns the Slack people in
it into identities (provisioning the ones never seen) and hands it over.
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
)
from bots.slack.people import People, identity, identity_prefix
from bots.slack.ports import SlackMembers
from bots.slack.reminder_forms import SettingsInput, VacationInput
from core import commands as c
from core.bus import Deps, execute
from core.errors import Conflict
from core.interactions import forms as core_forms
from core.interactions.forms import MilestoneFormValues, SubmitMilestoneForm
from core.milestones.rollup import has_children
from core.model import MemberRole, TenantId
from core.nudges.commands import ChangeReminderSettings, SetVacation, ShowReminderSettings
from core.permissions import Right
from core.text import mentions_in
from core.use_case import authorize, current_user, find_milestone
from core.views import View


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

    async def milestone(self, actor: c.Actor, number: int | None, form: MilestoneInput,
                        team: Team, links: tuple[str, ...], key: str) -> View:
        """The milestone form, created (`number` None) or edited in one unit of work."""
        owner = (await self._refs(team, (form.owner,)))[0] if form.owner else None
        values = MilestoneFormValues(
            title=form.title, description=form.description, kind=form.kind,
            parent=form.parent, owner=owner, members=await self._refs(team, form.members),
            start=form.start, due=form.due, priority=form.priority,
            criterion=form.criterion, current=form.current, channel=form.channel)
        return await execute(SubmitMilestoneForm(
            actor=actor, milestone=c.MilestoneRef(number=number) if number else None,
            values=values, links=links if number is None else (),
            shown_channels=SLACK_CHANNELS, idempotency_key=key), self._deps)

    async def check_in(self, actor: c.Actor, number: int, form: CheckInInput, key: str
                       ) -> View:
        return await execute(core_forms.SubmitCheckIn(
            actor=actor, milestone=c.MilestoneRef(number=number), values=form,
            idempotency_key=key), self._deps)

    async def comment(self, actor: c.Actor, form: CommentInput, team: Team, key: str) -> View:
        problems = await self._people.provision_mentions(team.tenant_id, team.team_id,
                                                         form.text, team.client)
        if problems:
            raise FieldErrors({"text": problems[0]})
        return await execute(c.AddComment(
            actor=actor, milestone=c.MilestoneRef(number=form.number), text=form.text,
            mentions=mentions_in(form.text, identity_prefix(team.team_id)),
            idempotency_key=key), self._deps)

    async def vacation(self, actor: c.Actor, form: VacationInput, key: str) -> View:
        return await execute(SetVacation(actor=actor, starts=form.starts, ends=form.ends,
                                         idempotency_key=key), self._deps)

    async def settings(self, actor: c.Actor, form: SettingsInput,
                       before: SettingsInput | None, key: str) -> View:
        """Changes what differs from what the form showed (everything, if that is lost)."""
        changes = _settings_changes(form, before)
        if not changes:
            shown = await execute(ShowReminderSettings(actor=actor), self._deps)
            return replace(shown, headline="Nothing changed")
        return await execute(ChangeReminderSettings(actor=actor, idempotency_key=key,
                                                    **changes), self._deps)


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


#: The channels the Slack form can show (public and private channel ids).
SLACK_CHANNELS = ("C", "G")


def _is_slack_channel(channel: str | None) -> bool:
    return channel is not None and channel.startswith(SLACK_CHANNELS)
