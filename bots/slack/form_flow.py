"""Slack's forms, opened and submitted: the core opens each form (`form_opening`), `modal`
renders it, `view_state` reads a submission back, and the core turns it into one command
(`form_commands`) carried out in one unit of work with the view's id as its idempotency key.

What is left to Slack is translating: Slack users picked in a form become identities (people
Cairn never saw are added first, from Slack), and the outcome goes back where the form was
opened. A submission is read and checked within the ack budget, so wrong input comes back as
field errors (`response_action: errors`, keyed by the core's field names, which are the
blocks' ids); nothing is saved unless it is valid.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import TYPE_CHECKING, Any

from bots.slack import render
from bots.slack.ack import Reply, too_late
from bots.slack.forms import (
    CALLBACK_PREFIX,
    PARENT_PICKER,
    SLACK_CHANNELS,
    Metadata,
    Origin,
    explain,
    field_errors,
    metadata,
    read_metadata,
)
from bots.slack.incoming import NOT_SET_UP, Ack, Incoming, incoming
from bots.slack.modal import modal
from bots.slack.people import identity, identity_prefix
from bots.slack.ports import SlackMembers
from bots.slack.view_state import ViewValues, read_state
from core import commands as c
from core.bus import execute
from core.errors import DomainError
from core.interactions import form_opening as opening
from core.interactions.form_commands import Prepared, Submission, prepare
from core.interactions.form_specs import Form, comment_form, field_for
from core.interactions.idempotency import AlreadyDone
from core.interactions.validation import FormErrors
from core.model import Kind
from core.views import Notice, Tone

if TYPE_CHECKING:
    from bots.slack.front import SlackFrontEnd

Payload = dict[str, Any]
Outcome = Reply | dict[str, str] | None  # a reply, field errors, or nothing (a repeat)


class SlackForms:
    def __init__(self, front: SlackFrontEnd, members: SlackMembers) -> None:
        self.front = front
        self.members = members

    # --- opening --------------------------------------------------------------------------

    def origin(self, inc: Incoming, *, home: bool = False) -> Origin:
        return Origin(channel_id=inc.channel_id, response_url=inc.response_url, home=home)

    def _modal(self, inc: Incoming, form: Form, *, home: bool, links: tuple[str, ...] = (),
               people: dict[int, str] | None = None) -> Payload:
        meta = metadata(origin=self.origin(inc, home=home), ref=form.subject, links=links,
                        extra=dict(form.initial) if form.changes_only else None)
        return modal(form, meta, people=people)

    async def new(self, inc: Incoming, actor: c.Actor | None = None, *, title: str = "",
                  kind: Kind | None = None, description: str = "",
                  links: tuple[str, ...] = (), home: bool = False) -> Payload:
        """The new-milestone form, owned by who opens it unless changed."""
        s = inc.speaker
        if actor is None:  # a shortcut: someone never seen is added first, to own it
            try:
                actor = await self.front.people.actor(s, inc.client)
            except DomainError:
                actor = None  # no room on the plan: the form opens; the submit says so
        form = opening.new_milestone_form(actor, title=title[:200], kind=kind,
                                          description=description, channels=True)
        return self._modal(inc, form, home=home, links=links,
                           people={actor.user_id: s.user_id} if actor else None)

    async def edit(self, inc: Incoming, actor: c.Actor, number: int, *,
                   home: bool = False) -> Payload:
        form = await opening.open_milestone_form(self.front.deps, actor, number,
                                                 channels=SLACK_CHANNELS)
        wanted = {u for f in form.fields for u in f.people}
        found = await self.members.slack_users_of(actor.tenant_id, wanted)
        return self._modal(inc, form, home=home,
                           people={u: slack[1] for u, slack in found.items()})

    async def check_in(self, inc: Incoming, actor: c.Actor, number: int, *,
                       home: bool = False) -> Payload:
        form = await opening.open_check_in_form(self.front.deps, actor, number)
        return self._modal(inc, form, home=home)

    async def comment(self, inc: Incoming, actor: c.Actor | None, number: int | None = None,
                      *, text: str = "", home: bool = False) -> Payload:
        """On milestone `number` (checked: who may comment), or on one to pick."""
        if actor is None or number is None:
            return self._modal(inc, comment_form(None, pick=True, text=text), home=home)
        form = await opening.open_comment_form(self.front.deps, actor, number, pick=True)
        return self._modal(inc, form, home=home)

    def vacation(self, inc: Incoming, actor: c.Actor, *, home: bool = False) -> Payload:
        return self._modal(inc, opening.open_vacation_form(self.front.deps, actor), home=home)

    async def settings(self, inc: Incoming, actor: c.Actor, *, home: bool = False) -> Payload:
        form = await opening.open_settings_form(self.front.deps, actor)
        return self._modal(inc, form, home=home)

    # --- submitting -------------------------------------------------------------------------

    async def on_submit(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        view = body.get("view") or {}
        name = str(view.get("callback_id") or "").removeprefix(CALLBACK_PREFIX)
        state = read_state(view.get("state"))
        present = list(state.shown) or ["title"]
        inc = incoming(body, context)
        if inc is None:
            await ack(response_action="errors", errors={present[0]: NOT_SET_UP})
            return
        meta = read_metadata(str(view.get("private_metadata") or ""))
        try:
            prepared = prepare(self._submission(name, state, meta, inc))
        except FormErrors as wrong:
            # Keyed by the form's own fields already (an error on none: the form's default).
            await ack(response_action="errors", errors=field_errors(
                {k or field_for(name, k, present): v for k, v in wrong.errors.items()}))
            return
        key = "view:" + str(view.get("id") or secrets.token_hex(8))
        front = self.front
        outcome = await front.within_budget(self._submit(name, prepared, state, inc, key,
                                                         present))
        if isinstance(outcome, asyncio.Future):
            await ack()  # closes the form; the outcome follows as a message
            front.spawn(front.at_origin(inc, meta.origin),
                        self._finish_later(outcome, inc, meta), "slow form")
        elif outcome is None:
            await ack()  # a second submit of a form already handled: nothing twice
        elif isinstance(outcome, dict):
            await ack(response_action="errors", errors=field_errors(outcome))
        else:
            await ack()
            front.spawn(front.at_origin(inc, meta.origin),
                        front.deliver(inc, meta.origin, outcome.payload), "form outcome")

    def _submission(self, name: str, state: ViewValues, meta: Metadata, inc: Incoming
                    ) -> Submission:
        team = inc.speaker.team_id
        people = {block: tuple(c.UserRef(identity=identity(team, u)) for u in users)
                  for block, users in state.people.items()}
        return Submission(form=name, values=state.values, subject=meta.ref,
                          shown=frozenset(state.shown), people=people, before=meta.before,
                          links=meta.links, channels=SLACK_CHANNELS,
                          mention_prefix=identity_prefix(team))

    async def _submit(self, name: str, prepared: Prepared, state: ViewValues, inc: Incoming,
                      key: str, present: list[str]) -> Outcome:
        """Applies a form once for its view id (None for a repeat); the key is claimed with
        the change, so a refused form claims nothing and can be sent again."""
        front, s = self.front, inc.speaker
        try:
            actor = await front.people.actor(s, inc.client)
            for users in state.people.values():  # people Cairn never saw, added from Slack
                for user_id in users:
                    if await front.people.known(s.tenant_id, s.team_id, user_id) is None:
                        await front.people.provision(s.tenant_id, s.team_id, user_id,
                                                     inc.client)
            if name == "comment":
                problems = await front.people.provision_mentions(
                    s.tenant_id, s.team_id, state.values.get("text", ""), inc.client)
                if problems:
                    return {field_for(name, "text", present): problems[0]}
            view = await execute(prepared(actor, key), front.deps)
        except AlreadyDone:
            return None
        except DomainError as error:
            return {field_for(name, getattr(error, "field", ""), present): explain(error)}
        except Exception as error:
            diagnosis = await front.failures.diagnose(error, f"form {name}")
            return {field_for(name, "", present): diagnosis.text}
        return Reply(render.message(view))

    async def _finish_later(self, pending: asyncio.Future[Outcome], inc: Incoming,
                            meta: Metadata) -> None:
        outcome = await pending
        if outcome is None:
            return
        if isinstance(outcome, dict):
            text = "; ".join(outcome.values())
            text = text if "saved" in text else f"Nothing was saved: {text}"
            outcome = Reply(render.message(Notice(text=text, tone=Tone.ERROR)), ok=False)
        await self.front.deliver(inc, meta.origin, outcome.payload)

    # --- type-ahead in the milestone pickers ----------------------------------------------

    async def on_options(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        inc = incoming(body, context)
        s = inc.speaker if inc else None
        front = self.front
        actor = await front.people.known(s.tenant_id, s.team_id, s.user_id) if s else None
        if actor is None:
            await ack(options=[])
            return
        meta = read_metadata(str((body.get("view") or {}).get("private_metadata") or ""))
        exclude = (c.MilestoneRef(number=meta.ref) if meta.ref is not None
                   and body.get("action_id") == PARENT_PICKER else None)
        search = c.SearchMilestones(actor=actor, query=str(body.get("value") or "")[:100],
                                    exclude=exclude, limit=100)
        try:
            outcome = await front.within_budget(execute(search, front.deps))
        except DomainError:
            await ack(options=[])
            return
        if isinstance(outcome, asyncio.Future):
            outcome.add_done_callback(too_late)  # nobody waits for it any more
            await ack(options=[])
            return
        await ack(options=render.options(outcome))
