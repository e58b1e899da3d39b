"""What each kind of Slack request does. Every path acks within the ack budget, before slow work
(the states a request goes through are explained once, in `bots.slack.ack`).

A command runs its database work at once and, if the answer is ready within the budget, the
answer rides in the ack itself. Anything that needs Slack's Web API first (a person never seen,
a form to open, a message to post) is acked immediately and done afterwards, answering through
`response_url`. Buttons are acked before anything else. A submitted form is checked within the
budget so that wrong input comes back as field errors; nothing is saved unless it is valid.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import forms, reminder_forms, render, uploads
from bots.slack.ack import (
    Answer,
    Modal,
    Renderings,
    Reply,
    ack_command,
    too_late,
    within_budget,
)
from bots.slack.background import BackgroundWork
from bots.slack.failures import Failures
from bots.slack.form_data import FormData, Team
from bots.slack.forms import FieldErrors, Metadata, Origin
from bots.slack.home import HomePublisher
from bots.slack.installations import CONTEXT_TENANT
from bots.slack.mrkdwn import unescape_incoming
from bots.slack.people import People, Speaker, identity_prefix
from bots.slack.ports import ProcessedKeys
from bots.slack.web import SlackWeb
from core import commands as c
from core.bus import Deps, execute, failure
from core.errors import DomainError
from core.grammar.parser import parse
from core.humanize import local_today
from core.interactions.idempotency import AlreadyDone
from core.model import TenantId
from core.nudges.commands import ShowReminderSettings
from core.reports.views import ReportFile
from core.views import Notice, ProfileView, Tone, View

logger = logging.getLogger(__name__)

T = TypeVar("T")
Payload = dict[str, Any]
Ack = Callable[..., Awaitable[Any]]

NOT_SET_UP = "Cairn is not set up in this workspace yet: ask an admin to install it."


@dataclass(frozen=True, slots=True)
class Incoming:
    """The parts of a Slack request every path needs."""

    speaker: Speaker
    client: AsyncWebClient
    channel_id: str = ""
    response_url: str = ""
    trigger_id: str = ""

    @property
    def team(self) -> Team:
        return Team(self.speaker.tenant_id, self.speaker.team_id, self.client)


@dataclass(frozen=True, slots=True)
class Line:
    """A slash command's text: as Slack sent it (where only Slack's own mentions are live
    `<@U…>` tokens: one a person typed arrives as `&lt;@U…&gt;`) and as the person typed it."""

    as_sent: str
    text: str

    @classmethod
    def of(cls, as_sent: str) -> Line:
        return cls(as_sent=as_sent, text=unescape_incoming(as_sent))


def incoming(body: dict[str, Any], context: Any) -> Incoming | None:
    tenant = context.get(CONTEXT_TENANT)
    user = context.get("user_id") or ""
    team = context.get("team_id") or ""
    if tenant is None or not user or not team:
        return None
    name = str(body.get("user_name") or (body.get("user") or {}).get("username") or "")
    return Incoming(
        speaker=Speaker(tenant_id=TenantId(tenant), team_id=team, user_id=user, name_hint=name),
        client=context["client"], channel_id=context.get("channel_id") or "",
        response_url=context.get("response_url") or "", trigger_id=body.get("trigger_id") or "")


class SlackFrontEnd:
    def __init__(self, *, deps: Deps, people: People, forms: FormData, keys: ProcessedKeys,
                 web: SlackWeb, background: BackgroundWork, home: HomePublisher,
                 failures: Failures | None = None, ack_budget: float = 1.0) -> None:
        self.deps = deps
        self.renderings = Renderings()
        self.people = people
        self.forms = forms
        self.keys = keys
        self.web = web
        self.background = background
        self.home = home
        self.failures = failures or Failures()
        self.ack_budget = ack_budget

    # --- helpers ----------------------------------------------------------------------------

    async def within_budget(self, work: Coroutine[Any, Any, T]) -> asyncio.Future[T] | T:
        """The result if ready within the ack budget, else the still-running future."""
        return await within_budget(work, self.ack_budget)

    def spawn(self, inc: Incoming | None, work: Coroutine[Any, Any, Any], what: str, *,
              replace: bool = False) -> None:
        """Work after the ack; if it fails, the person who asked is told (`inc`, when there is
        someone to tell; `replace`: instead of the message that said "working on it") and the
        log gets one line, or a traceback for a bug."""

        async def told() -> None:
            try:
                await work
            except Exception as error:
                diagnosis = await self.failures.diagnose(error, what)
                if inc is not None:
                    await self.reply(inc, render.message(Notice(text=diagnosis.text,
                                                                tone=Tone.ERROR)),
                                     replace=replace)

        self.background.spawn(told(), what)

    async def claim(self, key: str, inc: Incoming) -> bool:
        return await self.keys.claim_key(key, tenant_id=inc.speaker.tenant_id,
                                         at=self.deps.clock.now())

    async def reply(self, inc: Incoming, payload: Payload, *, replace: bool = False) -> None:
        """An ephemeral answer where the request came from (a DM when there is no channel)."""
        if inc.response_url:
            message = {**payload, "response_type": "ephemeral", "replace_original": replace}
            if await self.web.respond(inc.response_url, message):
                return
        try:
            if inc.channel_id:
                await inc.client.chat_postEphemeral(channel=inc.channel_id,
                                                    user=inc.speaker.user_id, **payload)
            else:
                await inc.client.chat_postMessage(channel=inc.speaker.user_id, **payload)
        except SlackApiError as error:
            logger.warning("could not answer %s: %s", inc.speaker.user_id,
                           error.response.get("error"))
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("could not answer %s: Slack did not answer (%s)",
                           inc.speaker.user_id, type(error).__name__)

    def at_origin(self, inc: Incoming, origin: Origin) -> Incoming:
        """Where a form's outcome goes: where the form was opened (a DM from the App Home)."""
        return Incoming(speaker=inc.speaker, client=inc.client, channel_id=origin.channel_id,
                        response_url=origin.response_url)

    async def deliver(self, inc: Incoming, origin: Origin, payload: Payload) -> None:
        """The outcome of a form, back where the form was opened."""
        if origin.home:
            await self.home.publish(inc.speaker, inc.client)
            return
        await self.reply(self.at_origin(inc, origin), payload)

    async def open_modal(self, inc: Incoming, view: Payload, *, push: bool = False) -> None:
        try:
            if push:
                await inc.client.views_push(trigger_id=inc.trigger_id, view=view)
            else:
                await inc.client.views_open(trigger_id=inc.trigger_id, view=view)
        except SlackApiError as error:
            code = error.response.get("error")
            logger.warning("could not open a form: %s", code)
            text = ("The form took too long to open; try again." if code == "expired_trigger_id"
                    else "Slack would not open the form; try again.")
            await self.reply(inc, render.message(Notice(text=text, tone=Tone.ERROR)))
        except (aiohttp.ClientError, TimeoutError) as error:
            logger.warning("could not open a form: Slack did not answer (%s)",
                           type(error).__name__)
            await self.reply(inc, render.message(Notice(
                text="Slack took too long to open the form; try again.", tone=Tone.ERROR)))

    async def unexpected(self, error: Exception, what: str) -> Reply:
        """A failure nobody planned for, logged once and told as it is (a database out of
        reach, Slack not answering, or a bug with its reference)."""
        diagnosis = await self.failures.diagnose(error, what)
        return Reply(render.message(Notice(text=diagnosis.text, tone=Tone.ERROR)), ok=False)

    async def actor(self, inc: Incoming) -> c.Actor | Reply:
        try:
            return await self.people.actor(inc.speaker, inc.client)
        except DomainError as error:
            return Reply(render.message(failure(error)), ok=False)

    # --- the slash command --------------------------------------------------------------------

    async def on_command(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        inc = incoming(body, context)
        if inc is None:
            await ack(text=NOT_SET_UP)
            return
        line = Line.of(str(body.get("text") or ""))
        outcome = await self.within_budget(self._answer_at_once(inc, line))
        await ack_command(
            ack, outcome,
            late=lambda pending: self.spawn(inc, self._send_when_done(inc, line, pending),
                                            "slow command", replace=True),
            handed_on=lambda: self.spawn(inc, self._command_later(inc, line), "slash command"),
            open_form=lambda form: self.spawn(inc, self.open_modal(inc, form.view), "open form"))

    async def _answer_at_once(self, inc: Incoming, line: Line) -> Answer | None:
        """The answer, unless someone in the request must be looked up in Slack first."""
        s = inc.speaker
        actor = await self.people.known(s.tenant_id, s.team_id, s.user_id)
        if actor is None or await self.people.unknown_mentions(s.tenant_id, s.team_id,
                                                                line.as_sent):
            return None
        return await self.answer(inc, actor, line.text)

    async def _command_later(self, inc: Incoming, line: Line) -> None:
        actor = await self.actor(inc)
        if isinstance(actor, Reply):
            await self.reply(inc, actor.payload)
            return
        s = inc.speaker
        problems = await self.people.provision_mentions(s.tenant_id, s.team_id, line.as_sent,
                                                        inc.client)
        if problems:
            notice = Notice(text=problems[0], tone=Tone.ERROR,
                            hint="nothing was changed; mention people Slack knows")
            await self.reply(inc, render.message(notice))
            return
        await self._send(inc, await self.answer(inc, actor, line.text))

    async def _send_when_done(self, inc: Incoming, line: Line,
                              pending: asyncio.Future[Answer | None]) -> None:
        answer = await pending
        if answer is None:
            await self._command_later(inc, line)
        else:
            await self._send(inc, answer, replace=True)  # in place of "Working on it…"

    async def _send(self, inc: Incoming, answer: Answer, *, replace: bool = False) -> None:
        if isinstance(answer, Modal):
            await self.open_modal(inc, answer.view)
        else:
            await self.reply(inc, answer.payload, replace=replace)

    async def answer(self, inc: Incoming, actor: c.Actor, text: str, *, key: str | None = None
                     ) -> Answer:
        """A line of the shared grammar, answered: a message, or a form to open. `key` makes
        the command idempotent (a click's stamp): a repeat answers a `Reply` with `repeat`."""
        try:
            today = local_today(self.deps.clock.now(), actor.timezone)
            command = parse(text, actor=actor, today=today,
                            identity_prefix=identity_prefix(inc.speaker.team_id))
            if key is not None:
                command = replace(command, idempotency_key=key)
            if isinstance(command, c.OpenNewForm):
                return Modal(self.new_form(inc, title=command.title, kind=command.kind))
            if isinstance(command, c.OpenCheckIn) and command.milestone.number is not None:
                return Modal(await self.checkin_form(inc, actor, command.milestone.number))
            if isinstance(command, ShowReminderSettings):
                return Modal(await self.settings_form(inc, actor))
            view = await execute(command, self.deps)
        except AlreadyDone as repeat:
            return Reply(render.message(failure(repeat)), repeat=True)
        except DomainError as error:
            return Reply(render.message(failure(error)), ok=False)
        except Exception as error:
            return await self.unexpected(error, f"command {text[:80]!r}")
        if isinstance(view, ReportFile):
            view = await uploads.share(inc.client, view, channel=inc.channel_id,
                                       user_id=inc.speaker.user_id)
        if isinstance(view, ProfileView) and view.headline and view.person.is_you:
            self.people.forget(inc.speaker.tenant_id, inc.speaker.team_id, inc.speaker.user_id)
        ok = not (isinstance(view, Notice) and view.tone == Tone.ERROR)
        return Reply(self.renderings.message(view), ok=ok)

    # --- forms --------------------------------------------------------------------------------

    def origin(self, inc: Incoming, *, home: bool = False) -> Origin:
        return Origin(channel_id=inc.channel_id, response_url=inc.response_url, home=home)

    def new_form(self, inc: Incoming, *, title: str = "", kind: Any = None,
                 description: str = "", links: tuple[str, ...] = (),
                 home: bool = False) -> Payload:
        values = forms.MilestoneValues(title=title[:200], description=description,
                                       owner=inc.speaker.user_id,
                                       **({"kind": kind} if kind is not None else {}))
        meta = forms.metadata(origin=self.origin(inc, home=home), links=links)
        return forms.milestone_form(values, meta)

    async def checkin_form(self, inc: Incoming, actor: c.Actor, number: int, *,
                           home: bool = False) -> Payload:
        values = await self.forms.checkin_values(actor, number)
        meta = forms.metadata(origin=self.origin(inc, home=home), ref=number)
        return forms.checkin_form(values, meta)

    async def edit_form(self, inc: Incoming, actor: c.Actor, number: int, *,
                        home: bool = False) -> Payload:
        values = await self.forms.edit_values(actor, number)
        meta = forms.metadata(origin=self.origin(inc, home=home), ref=number)
        return forms.milestone_form(values, meta, number=number)

    def vacation_form(self, inc: Incoming, actor: c.Actor, *, home: bool = False) -> Payload:
        today = local_today(self.deps.clock.now(), actor.timezone)
        return reminder_forms.vacation_form(forms.metadata(origin=self.origin(inc, home=home)),
                                            today)

    async def settings_form(self, inc: Incoming, actor: c.Actor, *, home: bool = False
                            ) -> Payload:
        view = await execute(ShowReminderSettings(actor=actor), self.deps)
        meta = forms.metadata(origin=self.origin(inc, home=home),
                              extra=reminder_forms.settings_of(view).as_metadata())
        return reminder_forms.settings_form(view, meta)

    async def on_submit(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        view = body.get("view") or {}
        callback = str(view.get("callback_id") or "")
        values = (view.get("state") or {}).get("values") or {}
        inc = incoming(body, context)
        present = set(values) or {"title"}
        if inc is None:
            await ack(response_action="errors",
                      errors={next(iter(sorted(present))): NOT_SET_UP})
            return
        meta = forms.read_metadata(str(view.get("private_metadata") or ""))
        try:
            parsed = READERS[callback](values)
        except FieldErrors as errors:
            await ack(response_action="errors", errors=errors.errors)
            return
        key = "view:" + str(view.get("id") or secrets.token_hex(8))
        outcome = await self.within_budget(self._submit(callback, parsed, meta, inc, present, key))
        if isinstance(outcome, asyncio.Future):
            await ack()  # closes the form; the outcome follows as a message
            self.spawn(self.at_origin(inc, meta.origin), self._finish_later(outcome, inc, meta),
                       "slow form")
        elif outcome is None:
            await ack()  # a second submit of a form already handled: nothing twice
        elif isinstance(outcome, FieldErrors):
            await ack(response_action="errors", errors=outcome.errors)
        else:
            await ack()
            self.spawn(self.at_origin(inc, meta.origin),
                       self.deliver(inc, meta.origin, outcome.payload), "form outcome")

    async def _submit(self, callback: str, parsed: Any, meta: Metadata, inc: Incoming,
                      present: set[str], key: str) -> Reply | FieldErrors | None:
        """Applies a form once for its view id (None for a repeat); the key is claimed with
        the change, so a refused form claims nothing and can be sent again."""
        try:
            actor = await self.people.actor(inc.speaker, inc.client)
            view = await self._run_form(callback, parsed, meta, inc, actor, key)
        except FieldErrors as errors:
            return errors
        except AlreadyDone:
            return None
        except DomainError as error:
            block = forms.block_for(callback, getattr(error, "field", ""), present)
            return forms.refused(block, error)
        except Exception as error:
            diagnosis = await self.failures.diagnose(error, f"form {callback}")
            return FieldErrors({forms.block_for(callback, "", present): diagnosis.text})
        return Reply(render.message(view))

    async def _finish_later(self, pending: asyncio.Future[Reply | FieldErrors | None],
                            inc: Incoming, meta: Metadata) -> None:
        outcome = await pending
        if outcome is None:
            return
        if isinstance(outcome, FieldErrors):
            text = "; ".join(outcome.errors.values())
            text = text if "saved" in text else f"Nothing was saved: {text}"
            outcome = Reply(render.message(Notice(text=text, tone=Tone.ERROR)), ok=False)
        await self.deliver(inc, meta.origin, outcome.payload)

    async def _run_form(self, callback: str, parsed: Any, meta: Metadata, inc: Incoming,
                        actor: c.Actor, key: str) -> View:
        if callback == forms.MILESTONE_FORM:
            return await self.forms.milestone(actor, meta.ref, parsed, inc.team, meta.links,
                                              key)
        if callback == forms.CHECKIN_FORM:
            if meta.ref is None:
                raise FieldErrors({"status": "This form lost track of its milestone; open it "
                                             "again."})
            return await self.forms.check_in(actor, meta.ref, parsed, key)
        if callback == forms.VACATION_FORM:
            return await self.forms.vacation(actor, parsed, key)
        if callback == forms.SETTINGS_FORM:
            before = reminder_forms.SettingsInput.from_metadata(meta.extra)
            return await self.forms.settings(actor, parsed, before, key)
        return await self.forms.comment(actor, parsed, inc.team, key)

    # --- type-ahead ---------------------------------------------------------------------------

    async def on_options(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        inc = incoming(body, context)
        s = inc.speaker if inc else None
        actor = await self.people.known(s.tenant_id, s.team_id, s.user_id) if s else None
        if actor is None:
            await ack(options=[])
            return
        meta = forms.read_metadata(str((body.get("view") or {}).get("private_metadata") or ""))
        exclude = (c.MilestoneRef(number=meta.ref) if meta.ref is not None
                   and body.get("action_id") == forms.PARENT_PICKER else None)
        search = c.SearchMilestones(actor=actor, query=str(body.get("value") or "")[:100],
                                    exclude=exclude, limit=100)
        try:
            outcome = await self.within_budget(execute(search, self.deps))
        except DomainError:
            await ack(options=[])
            return
        if isinstance(outcome, asyncio.Future):
            outcome.add_done_callback(too_late)  # nobody waits for it any more
            await ack(options=[])
            return
        await ack(options=render.options(outcome))

    # --- shortcuts -----------------------------------------------------------------------------

    async def on_global_new(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        await ack()
        inc = incoming(body, context)
        if inc is not None:
            self.spawn(inc, self.open_modal(inc, self.new_form(inc)), "new form")

    async def on_message_shortcut(self, ack: Ack, body: dict[str, Any], context: Any) -> None:
        await ack()
        inc = incoming(body, context)
        if inc is None:
            return
        self.spawn(inc, self._from_message(inc, body), "message shortcut")

    async def _from_message(self, inc: Incoming, body: dict[str, Any]) -> None:
        message = body.get("message") or {}
        channel = str((body.get("channel") or {}).get("id") or inc.channel_id)
        text = unescape_incoming(str(message.get("text") or "")).strip()
        link = await self._permalink(inc, body, channel, str(message.get("ts") or ""))
        callback = str(body.get("callback_id") or "")
        if callback == SHORTCUT_COMMENT:
            meta = forms.metadata(origin=self.origin(inc))
            quoted = f"{text}\n\n{link}".strip() if link else text
            await self.open_modal(inc, forms.comment_form(meta, text=quoted[:3000]))
            return
        first_line = text.splitlines()[0] if text else ""
        description = f"{text}\n\n{link}".strip() if link else text
        await self.open_modal(inc, self.new_form(
            inc, title=first_line[:80], description=description[:3000],
            links=(link,) if link else ()))

    async def _permalink(self, inc: Incoming, body: dict[str, Any], channel: str,
                         ts: str) -> str:
        """The message's permalink, if Slack gives it quickly (the form must open within 3 s
        of the click); else the archive link built from the workspace domain."""
        if not channel or not ts:
            return ""
        try:
            async with asyncio.timeout(1.0):
                answer = await inc.client.chat_getPermalink(channel=channel, message_ts=ts)
            return str(answer.get("permalink") or "")
        except (SlackApiError, TimeoutError):
            domain = str((body.get("team") or {}).get("domain") or "")
            if not domain:
                return ""
            return f"https://{domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"

    # --- events ---------------------------------------------------------------------------------

    async def on_home_opened(self, body: dict[str, Any], event: dict[str, Any],
                             context: Any) -> None:
        inc = incoming(body, context)
        if inc is None or event.get("tab") != "home":
            return
        # Nobody to tell if this fails: the person only opened a tab.
        self.spawn(None, self._home_once(inc, f"event:{body.get('event_id')}"), "App Home")

    async def _home_once(self, inc: Incoming, key: str) -> None:
        if await self.claim(key, inc):  # else a retry of an event already handled
            await self.home.publish(inc.speaker, inc.client)


SHORTCUT_NEW = "cairn.new"
SHORTCUT_FROM_MESSAGE = "cairn.from_message"
SHORTCUT_COMMENT = "cairn.comment_from_message"

READERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    forms.MILESTONE_FORM: forms.read_milestone_form,
    forms.CHECKIN_FORM: forms.read_checkin_form,
    forms.COMMENT_FORM: forms.read_comment_form,
    forms.VACATION_FORM: reminder_forms.read_vacation_form,
    forms.SETTINGS_FORM: reminder_forms.read_settings_form,
}


def click_key(body: dict[str, Any], action: dict[str, Any], value: str) -> str:
    """One click on one rendering of one button: a double click yields the same key."""
    container = body.get("container") or {}
    where = str(container.get("message_ts") or container.get("view_id") or "")
    raw = "|".join([str((body.get("team") or {}).get("id") or ""),
                    str((body.get("user") or {}).get("id") or ""), where,
                    str(action.get("block_id") or ""), str(action.get("action_id") or ""),
                    value])
    return "click:" + hashlib.sha256(raw.encode()).hexdigest()[:40]

